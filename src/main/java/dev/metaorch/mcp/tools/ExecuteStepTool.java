package dev.metaorch.mcp.tools;

import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.execute.StepReport;
import dev.metaorch.mcp.Args;
import dev.metaorch.util.Json;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.mcp.ToolResult;

/** execute_step: takes the report of an invoked step, validates it for real and decides what comes next. */
public final class ExecuteStepTool implements McpTool {

    public static final String NAME = "execute_step";

    private final Services services;

    public ExecuteStepTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Report how an invoked workflow step went (status, outputs, error, duration). The server runs the step's "
                + "validation checks in the workspace (streaming progress) and answers with one decision: next (the next "
                + "step to invoke, inputs filled from earlier outputs), retry (after delay_ms), known_fix (apply a recorded "
                + "fix, then invoke again), fallback (invoke an alternative component), escalate (needs a person; says what "
                + "was tried) or completed (final validation and the run's results).";
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = Args.of(NAME, arguments, Set.of("run_id", "step", "attempt", "status", "outputs", "error", "duration_ms"));
        String runId = args.text("run_id", 128);
        if (!args.has("step")) {
            throw new ToolException(NAME + ": 'step' is required");
        }
        int step = args.integer("step", 1, 100_000, 1);
        StepReport report = report(NAME, args);
        Map<String, Object> out = services.runs().report(runId, step, report, ctx);
        return ToolResult.of(RunTexts.decision(out), out);
    }

    /** Reads and checks the report fields of an execute_step call; a malformed report is a {@link ToolException}. */
    public static StepReport report(String tool, Args a) {
        String status = a.string("status", true);
        if (!Set.of("success", "failure").contains(status)) {
            throw new ToolException(tool + ": 'status' must be \"success\" or \"failure\" (got '" + status + "')");
        }
        Object raw = a.raw("outputs");
        Map<String, Object> outputs;
        if (raw == null) {
            outputs = Map.of();
        } else if (raw instanceof Map<?, ?>) {
            outputs = a.map("outputs");
            for (Object k : outputs.keySet()) {
                if (!(k instanceof String s) || s.isBlank() || s.length() > 200 || s.indexOf('\0') >= 0) {
                    throw new ToolException(tool + ": 'outputs' has an invalid name (names are 1-200 characters, no NUL)");
                }
            }
            int size = Json.write(outputs).length();
            if (size > StepReport.MAX_OUTPUTS_BYTES) {
                throw new ToolException(tool + ": 'outputs' is too large (" + size + " characters serialized, at most "
                        + StepReport.MAX_OUTPUTS_BYTES + "); report paths to large results instead of their contents");
            }
        } else {
            throw new ToolException(tool + ": 'outputs' must be an object mapping output names to values");
        }
        String error = a.string("error", false);
        if (error != null && error.length() > StepReport.MAX_ERROR_CHARS) {
            error = error.substring(0, StepReport.MAX_ERROR_CHARS) + "\u2026 [cut at " + StepReport.MAX_ERROR_CHARS + " characters]";
        }
        long duration = a.has("duration_ms") ? a.integer("duration_ms", 0, Integer.MAX_VALUE, 0) : 0;
        Integer attempt = a.has("attempt") ? a.integer("attempt", 1, 1000, 1) : null;
        return new StepReport(status, outputs, error, Math.min(duration, StepReport.MAX_DURATION_MS), attempt);
    }
}
