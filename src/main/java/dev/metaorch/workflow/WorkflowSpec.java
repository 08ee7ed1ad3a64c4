package dev.metaorch.workflow;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * A generated workflow (the Planning Phase output of the design; what {@code plan --json} prints),
 * stored as {@code workflows/<workflow_id>.yaml} in the data folder.
 *
 * @param decomposition how the steps were found: {@code pattern}, {@code subtasks} or {@code capabilities}
 * @param patternId     the stored pattern the plan follows, when one matched
 * @param estimateBasis what {@code estimated_success_rate} rests on (evidence counts, or the neutral prior)
 * @param mermaid       the workflow as a Mermaid flowchart
 * @param warnings      problems found while planning (flagged data-flow gaps, ignored constraints)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WorkflowSpec(String workflowId, String task, String created, String decomposition, String patternId,
                           List<WorkflowStep> steps, List<String> environmentRequirements, List<String> dependencies,
                           List<Check> finalValidation, List<String> rollbackProcedure, double estimatedSuccessRate,
                           String estimateBasis, String mermaid, List<String> warnings, Map<String, Object> constraints) {

    public WorkflowSpec {
        steps = steps == null ? List.of() : List.copyOf(steps);
        environmentRequirements = environmentRequirements == null ? List.of() : List.copyOf(environmentRequirements);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        finalValidation = finalValidation == null ? List.of() : List.copyOf(finalValidation);
        rollbackProcedure = rollbackProcedure == null ? List.of() : List.copyOf(rollbackProcedure);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        constraints = constraints == null ? Map.of() : constraints;
    }

    public WorkflowStep step(int n) {
        return steps.stream().filter(s -> s.step() == n).findFirst().orElse(null);
    }
}
