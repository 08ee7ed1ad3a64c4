package dev.metaorch.mcp.tools;

import java.util.Map;

import dev.metaorch.execute.RunStore;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;

/** start_run: begins a run of a stored workflow in a workspace and says what to invoke first. */
public final class StartRunTool implements McpTool {

    public static final String NAME = "start_run";

    public static final ToolDefinition DEFINITION = ToolDefinition.writing(NAME,
            "Start running a stored workflow in a workspace folder. Returns the run_id and the first step to invoke "
                + "(plugin, component, how to invoke it, resolved inputs). Invoke it, then report with execute_step. "
                + "The run is journaled and survives server restarts; in a git workspace a restore point is kept before each step.");

    private final RunStore runs;

    public StartRunTool(RunStore runs) {
        this.runs = runs;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        Map<String, Object> out = runs.start(args.string("workflow_id"), args.string("workspace"), ctx);
        return ToolResult.of(RunTexts.started(out), out);
    }
}
