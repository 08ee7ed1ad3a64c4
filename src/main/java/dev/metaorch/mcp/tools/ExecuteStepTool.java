package dev.metaorch.mcp.tools;

import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.execute.StepReport;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
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
            throw new dev.metaorch.mcp.ToolException(NAME + ": 'step' is required");
        }
        int step = args.integer("step", 1, 100_000, 1);
        StepReport report = StepReport.from(NAME, args);
        Map<String, Object> out = services.runs().report(runId, step, report, ctx);
        return ToolResult.of(RunTexts.decision(out), out);
    }
}
