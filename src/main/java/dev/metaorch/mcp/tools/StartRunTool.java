package dev.metaorch.mcp.tools;

import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;

/** start_run: begins a run of a stored workflow in a workspace and says what to invoke first. */
public final class StartRunTool implements McpTool {

    public static final String NAME = "start_run";

    private final Services services;

    public StartRunTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Start running a stored workflow in a workspace folder. Returns the run_id and the first step to invoke "
                + "(plugin, component, how to invoke it, resolved inputs). Invoke it, then report with execute_step. "
                + "The run is journaled and survives server restarts; in a git workspace a restore point is kept before each step.";
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = Args.of(NAME, arguments, Set.of("workflow_id", "workspace"));
        Map<String, Object> out = services.runs().start(args.text("workflow_id", 128), args.text("workspace", 4096), ctx);
        return ToolResult.of(RunTexts.started(out), out);
    }
}
