package dev.metaorch.mcp.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.execute.RunTexts;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;

/** run_status: every run in brief, or one run with its steps, attempts, decisions and timings. */
public final class RunStatusTool implements McpTool {

    public static final String NAME = "run_status";

    private final Services services;

    public RunStatusTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Workflow runs: without run_id every run (status, progress); with run_id that run's steps, attempts, "
                + "decisions, checks, timings, what it waits for and its result.";
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = Args.of(NAME, arguments, Set.of("run_id"));
        if (args.has("run_id")) {
            Map<String, Object> s = services.runs().status(args.text("run_id", 128));
            return ToolResult.of(RunTexts.status(s), s);
        }
        List<Map<String, Object>> runs = services.runs().list();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", runs);
        return ToolResult.of(RunTexts.list(runs), out);
    }
}
