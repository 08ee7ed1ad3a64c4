package dev.metaorch.mcp.tools;

import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.workflow.Research;
import dev.metaorch.workflow.WorkflowGenerator;

/** research_plugins: capabilities, integration and reliability of the plugins relevant to a task, analysed in parallel. */
public final class ResearchPluginsTool implements McpTool {

    public static final String NAME = "research_plugins";

    private final Services services;

    public ResearchPluginsTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Research plugins for a task: capabilities, integration (composition, references, co-use) and reliability "
                + "(recorded outcomes), analysed in parallel into one report.";
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = Args.of(NAME, arguments, Set.of("task", "limit"));
        String task = a.text("task", 4000);
        int limit = a.integer("limit", 1, 30, 8);
        services.awaitReady(ctx);
        WorkflowGenerator gen = services.planner();
        Research r = new Research(gen::search, services::patterns, services::evidence, services::knownIssues);
        Map<String, Object> report = r.run(task, limit, ctx);
        return ToolResult.of(Research.markdown(report), report);
    }
}
