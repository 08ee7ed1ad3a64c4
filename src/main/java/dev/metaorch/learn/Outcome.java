package dev.metaorch.learn;

import java.util.List;

import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * A finished workflow execution as the learner sees it, from a run journal or an explicit report.
 *
 * @param executionId unique per execution (the run id for runs): recording it twice counts it once
 * @param patternId   the pattern it followed, when known
 * @param status      success or failure
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Outcome(String executionId, String patternId, String workflowId, String task, String status,
                      long durationMs, String startedAt, String completedAt, List<StepResult> steps) {

    public Outcome {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    public boolean success() {
        return "success".equals(status);
    }

    /**
     * @param error      the error text when it failed: the caller's own words when it gave any
     * @param fixApplied the known fix applied before it succeeded, if any
     * @param check      the validation check that failed, beside the error (null when none did)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StepResult(int step, String plugin, String component, String status, long durationMs, String error,
                             String fixApplied, String check) {

        public StepResult(int step, String plugin, String component, String status, long durationMs, String error,
                          String fixApplied) {
            this(step, plugin, component, status, durationMs, error, fixApplied, null);
        }
        public boolean success() {
            return "success".equals(status);
        }
    }
}
