package dev.metaorch.mcp;

import java.util.List;

import dev.metaorch.Services;
import dev.metaorch.mcp.tools.CatalogStatusTool;
import dev.metaorch.mcp.tools.ExecuteStepTool;
import dev.metaorch.mcp.tools.FindAlternativesTool;
import dev.metaorch.mcp.tools.GenerateWorkflowTool;
import dev.metaorch.mcp.tools.KnownIssuesTool;
import dev.metaorch.mcp.tools.MatchPatternsTool;
import dev.metaorch.mcp.tools.PatternStatsTool;
import dev.metaorch.mcp.tools.RecommendPluginsTool;
import dev.metaorch.mcp.tools.RecordOutcomeTool;
import dev.metaorch.mcp.tools.ResearchPluginsTool;
import dev.metaorch.mcp.tools.RollbackRunTool;
import dev.metaorch.mcp.tools.RunStatusTool;
import dev.metaorch.mcp.tools.StartRunTool;
import dev.metaorch.mcp.tools.Warmup;
import dev.metaorch.store.neo4j.Discovery;
import dev.metaorch.workflow.Research;

/**
 * Every tool the server offers, in the order clients list them, each given the services it uses: the one place
 * where tools meet {@link Services}.
 */
public final class Tools {

    private Tools() {
    }

    public static List<McpTool> all(Services s) {
        Warmup warmup = s::awaitReady;
        // known_issues and find_alternatives read the same sources: the shared graph when configured, else local files
        Discovery discovery = new Discovery(s::catalog, s::evidence, s::knownIssues, s.graph());
        return List.of(
                new RecommendPluginsTool(warmup, s::catalog, s::index, s::evidence),
                new CatalogStatusTool(s::catalog, s.catalogService()::invalidate),
                new ResearchPluginsTool(warmup, new Research(s.planner()::search, s::patterns, s::evidence, s::knownIssues)),
                new GenerateWorkflowTool(warmup, s.planner(), s.workflows(), s.settings()),
                new MatchPatternsTool(warmup, s::patterns, s.planner()::search),
                new StartRunTool(s.runs()),
                new ExecuteStepTool(s.runs()),
                new RunStatusTool(s.runs()),
                new RollbackRunTool(s.runs()),
                new RecordOutcomeTool(s.recorder(), s.runOutcomes(), s::catalog),
                new PatternStatsTool(s.patternStore()),
                new KnownIssuesTool(warmup, discovery),
                new FindAlternativesTool(warmup, discovery, s::catalog)
        );
    }

    public static McpTool byName(Services services, String name) {
        return all(services).stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
    }
}
