package dev.metaorch.mcp;

import java.util.Locale;

import dev.metaorch.util.Json;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;

/**
 * A workflow spec as Markdown, the one rendering the model reads: generate_workflow's answer, the workflow://
 * resource and the implement prompt. Steps are a list, not a table, so long invocations, inputs and checks stay
 * readable; a gap step says that Claude does it and what was searched.
 */
public final class WorkflowMarkdown {

    private WorkflowMarkdown() {
    }

    /** {@code storedAt} is the file the spec was written to, or null to leave it out. */
    public static String of(WorkflowSpec w, String storedAt) {
        StringBuilder sb = new StringBuilder();
        sb.append("# workflow ").append(w.workflowId()).append("\n\n");
        sb.append("Task: ").append(w.task()).append("\n\n");
        line(sb, "created", w.created());
        line(sb, "decomposition", w.decomposition());
        line(sb, "pattern", w.patternId());
        sb.append(String.format(Locale.ROOT, "- estimated success rate: %.2f", w.estimatedSuccessRate()));
        if (w.estimateBasis() != null) {
            sb.append(" (").append(w.estimateBasis()).append(')');
        }
        sb.append('\n');
        line(sb, "stored at", storedAt);
        sb.append("\n## steps\n\n");
        for (WorkflowStep s : w.steps()) {
            if (s.gap()) {
                sb.append(s.step()).append(". **gap**: no catalog component fits; handle this step yourself");
            } else {
                sb.append(s.step()).append(". **").append(s.plugin()).append(" / ").append(s.component()).append("** (")
                        .append(s.kind()).append(")");
            }
            if (s.purpose() != null) {
                sb.append(": ").append(s.purpose());
            }
            sb.append('\n');
            if (s.gap() && s.searched() != null) {
                sb.append("   - searched: ").append(s.searched()).append('\n');
            }
            if (s.invoke() != null) {
                sb.append("   - invoke: ").append(s.invoke()).append('\n');
            }
            if (!s.inputs().isEmpty()) {
                sb.append("   - inputs: ").append(Json.write(s.inputs())).append('\n');
            }
            if (!s.outputs().isEmpty()) {
                sb.append("   - outputs: ").append(String.join(", ", s.outputs().keySet())).append('\n');
            }
            for (Check c : s.validation()) {
                sb.append("   - check: ").append(c.label()).append('\n');
            }
            if (s.fallback() != null) {
                WorkflowStep.Fallback f = s.fallback();
                sb.append("   - fallback: ").append(f.present()
                        ? f.plugin() + " / " + f.component() + (f.similarity() == null ? "" : " (similarity " + f.similarity() + ")")
                        : "none (" + f.reason() + ")").append('\n');
            }
            s.flags().forEach(f -> sb.append("   - flag: ").append(f).append('\n'));
        }
        if (!w.finalValidation().isEmpty()) {
            sb.append("\n## final validation\n\n");
            w.finalValidation().forEach(c -> sb.append("- ").append(c.label()).append('\n'));
        }
        if (!w.rollbackProcedure().isEmpty()) {
            sb.append("\n## rollback\n\n");
            w.rollbackProcedure().forEach(r -> sb.append("- ").append(r).append('\n'));
        }
        if (!w.warnings().isEmpty()) {
            sb.append("\n## warnings\n\n");
            w.warnings().forEach(x -> sb.append("- ").append(x).append('\n'));
        }
        if (w.mermaid() != null && !w.mermaid().isBlank()) {
            sb.append("\n```mermaid\n").append(w.mermaid().strip()).append("\n```\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        if (value != null && !value.isBlank()) {
            sb.append("- ").append(label).append(": ").append(value).append('\n');
        }
    }
}
