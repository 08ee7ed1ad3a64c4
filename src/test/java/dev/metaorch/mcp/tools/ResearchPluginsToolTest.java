package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** research_plugins: its pinned definition, one report of the three analyses, and the calls it refuses. */
class ResearchPluginsToolTest {

    @TempDir
    Path home;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new ResearchPluginsTool(null, null), true);
    }

    @Test
    void mergesTheThreeAnalysesIntoOneReport() {
        McpTool t = Tools.byName(ToolTests.services(home), ResearchPluginsTool.NAME);
        ToolResult r = t.call(Map.of("task", "review my pull request for bugs", "limit", 3), ToolContext.NONE);
        for (String k : List.of("capabilities", "integration", "reliability", "analyses")) {
            assertTrue(r.structured().containsKey(k), k + " in " + r.structured().keySet());
        }
        assertTrue(r.text().startsWith("## Research report"), r.text());
        assertTrue(r.text().contains("code-review@claude-code-plugins"), r.text());
    }

    @Test
    void badCallsAreRefused() {
        McpTool t = Tools.byName(ToolTests.services(home), ResearchPluginsTool.NAME);
        assertRefused(t, args(), "'task' is required");
        assertRefused(t, args("task", "  "), "'task' must not be empty");
        assertRefused(t, args("task", "review", "limit", 31), "'limit' must be between 1 and 30 (got 31)");
        assertRefused(t, args("task", "review", "limit", "3"), "'limit' must be an integer");
        assertRefused(t, args("task", "review", "depth", 2), "unknown argument 'depth'");
    }
}
