package dev.metaorch.mcp;

import java.util.List;

import dev.metaorch.Services;
import dev.metaorch.mcp.tools.CatalogStatusTool;
import dev.metaorch.mcp.tools.ExecuteStepTool;
import dev.metaorch.mcp.tools.RollbackRunTool;
import dev.metaorch.mcp.tools.RunStatusTool;
import dev.metaorch.mcp.tools.StartRunTool;
import dev.metaorch.mcp.tools.GenerateWorkflowTool;
import dev.metaorch.mcp.tools.MatchPatternsTool;
import dev.metaorch.mcp.tools.ResearchPluginsTool;
import dev.metaorch.mcp.tools.PatternStatsTool;
import dev.metaorch.mcp.tools.RecordOutcomeTool;
import dev.metaorch.mcp.tools.RecommendPluginsTool;
import dev.metaorch.mcp.tools.FindAlternativesTool;
import dev.metaorch.mcp.tools.KnownIssuesTool;

/** Every tool the server offers, in the order clients list them. One line per tool. */
public final class Tools {

    private Tools() {
    }

    public static List<McpTool> all(Services services) {
        return List.of(
                new RecommendPluginsTool(services),
                new CatalogStatusTool(services),
                new ResearchPluginsTool(services),
                new GenerateWorkflowTool(services),
                new MatchPatternsTool(services),
                new StartRunTool(services),
                new ExecuteStepTool(services),
                new RunStatusTool(services),
                new RollbackRunTool(services),
                new RecordOutcomeTool(services),
                new PatternStatsTool(services),
                new KnownIssuesTool(services),
                new FindAlternativesTool(services)
        );
    }

    public static McpTool byName(Services services, String name) {
        return all(services).stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
    }
}
