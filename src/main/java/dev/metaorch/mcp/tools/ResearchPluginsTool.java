package dev.metaorch.mcp.tools;

import java.util.Map;

import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.workflow.Research;

/** research_plugins: capabilities, integration and reliability of the plugins relevant to a task, analysed in parallel. */
public final class ResearchPluginsTool implements McpTool {

    public static final String NAME = "research_plugins";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Research plugins for a task: capabilities, integration (composition, references, co-use) and reliability "
                + "(recorded outcomes), analysed in parallel into one report.");

    private final Warmup warmup;
    private final Research research;

    public ResearchPluginsTool(Warmup warmup, Research research) {
        this.warmup = warmup;
        this.research = research;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = DEFINITION.args(arguments);
        String task = a.string("task");
        int limit = a.integer("limit", 8);
        warmup.await(ctx);
        Map<String, Object> report = research.run(task, limit, ctx);
        return ToolResult.of(Research.markdown(report), report);
    }
}
