package dev.metaorch.mcp.tools;

import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;

/** rollback_run: puts a run's git workspace back to the start of a step or of the run. */
public final class RollbackRunTool implements McpTool {

    public static final String NAME = "rollback_run";

    private final Services services;

    public RollbackRunTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Restore a run's workspace (a git working tree) to the restore point taken at the start of a step, or of "
                + "the run: changed and deleted files come back, files created since are removed (git-ignored files are "
                + "left alone). The user's branch and index are not touched; the state before the rollback is kept as a ref. "
                + "A run still in progress is closed.";
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = Args.of(NAME, arguments, Set.of("run_id", "step"));
        String runId = args.text("run_id", 128);
        Integer step = args.has("step") ? args.integer("step", 1, 100_000, 1) : null;
        Map<String, Object> out = services.runs().rollback(runId, step, ctx);
        return ToolResult.of(RunTexts.rolledBack(out), out);
    }
}
