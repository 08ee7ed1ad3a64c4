package dev.metaorch.mcp.tools;

import java.util.Map;

import dev.metaorch.execute.RunStore;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;

/** rollback_run: puts a run's git workspace back to the start of a step or of the run. */
public final class RollbackRunTool implements McpTool {

    public static final String NAME = "rollback_run";

    public static final ToolDefinition DEFINITION = ToolDefinition.writing(NAME,
            "Restore a run's workspace (a git working tree) to the restore point taken at the start of a step, or of "
                + "the run: changed and deleted files come back, files created since are removed (git-ignored files are "
                + "left alone). The user's branch and index are not touched; the state before the rollback is kept as a ref. "
                + "A run still in progress is closed.");

    private final RunStore runs;

    public RollbackRunTool(RunStore runs) {
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
        Integer step = args.has("step") ? args.integer("step", 1) : null;
        if (step != null) {
            args.atMost("step", step, ExecuteStepTool.MAX_STEP);
        }
        Map<String, Object> out = runs.rollback(runId, step, ctx);
        return ToolResult.of(RunTexts.rolledBack(out), out);
    }
}
