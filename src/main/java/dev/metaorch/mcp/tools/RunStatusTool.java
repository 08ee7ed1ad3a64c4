package dev.metaorch.mcp.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.execute.RunStore;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;

/** run_status: every run in brief, or one run with its steps, attempts, decisions and timings. */
public final class RunStatusTool implements McpTool {

    public static final String NAME = "run_status";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Workflow runs: without run_id every run (status, progress); with run_id that run's steps, attempts, "
                + "decisions, checks, timings, what it waits for and its result.");

    private final RunStore runs;

    public RunStatusTool(RunStore runs) {
        this.runs = runs;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        if (args.has("run_id")) {
            Map<String, Object> s = runs.status(args.string("run_id"));
            return ToolResult.of(RunTexts.status(s), s);
        }
        List<Map<String, Object>> all = runs.list();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", all);
        return ToolResult.of(RunTexts.list(all), out);
    }
}
