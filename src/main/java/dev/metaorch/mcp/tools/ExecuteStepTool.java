package dev.metaorch.mcp.tools;

import java.util.Map;

import dev.metaorch.execute.RunStore;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.execute.StepReport;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.util.Json;

/** execute_step: takes the report of an invoked step, validates it for real and decides what comes next. */
public final class ExecuteStepTool implements McpTool {

    public static final String NAME = "execute_step";

    public static final ToolDefinition DEFINITION = ToolDefinition.writing(NAME,
            "Report how an invoked workflow step went (status, outputs, error, duration). The server runs the step's "
                + "validation checks in the workspace (streaming progress) and answers with one decision: next (the next "
                + "step to invoke, inputs filled from earlier outputs), retry (after delay_ms), known_fix (apply a recorded "
                + "fix, then invoke again), fallback (invoke an alternative component), escalate (needs a person; says what "
                + "was tried) or completed (final validation and the run's results).");

    /** Beyond the schema: step and attempt numbers far above any plan's are refused before the run journal is read. */
    static final int MAX_STEP = 100_000;
    static final int MAX_ATTEMPT = 1000;

    private final RunStore runs;

    public ExecuteStepTool(RunStore runs) {
        this.runs = runs;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        String runId = args.string("run_id");
        int step = args.integer("step", 1);
        args.atMost("step", step, MAX_STEP);
        StepReport report = report(args);
        Map<String, Object> out = runs.report(runId, step, report, ctx);
        return ToolResult.of(RunTexts.decision(out), out);
    }

    /**
     * The report fields of an execute_step call, checked against the schema when {@code a} was made; what the schema
     * does not say (output names, their size, the error's length) is checked here.
     */
    public static StepReport report(Args a) {
        String status = a.string("status");
        Map<String, Object> outputs = a.has("outputs") ? a.map("outputs") : Map.of();
        for (Object k : outputs.keySet()) {
            if (!(k instanceof String s) || s.isBlank() || s.length() > 200 || s.indexOf('\0') >= 0) {
                throw a.refuse("'outputs' has an invalid name (names are 1-200 characters, no NUL)");
            }
        }
        int size = Json.write(outputs).length();
        if (size > StepReport.MAX_OUTPUTS_BYTES) {
            throw a.refuse("'outputs' is too large (" + size + " characters serialized, at most "
                    + StepReport.MAX_OUTPUTS_BYTES + "); report paths to large results instead of their contents");
        }
        String error = a.string("error");
        if (error != null && error.length() > StepReport.MAX_ERROR_CHARS) {
            error = error.substring(0, StepReport.MAX_ERROR_CHARS) + "\u2026 [cut at " + StepReport.MAX_ERROR_CHARS + " characters]";
        }
        long duration = a.integer("duration_ms", 0);
        Integer attempt = a.has("attempt") ? a.integer("attempt", 1) : null;
        if (attempt != null) {
            a.atMost("attempt", attempt, MAX_ATTEMPT);
        }
        return new StepReport(status, outputs, error, Math.min(duration, StepReport.MAX_DURATION_MS), attempt);
    }
}
