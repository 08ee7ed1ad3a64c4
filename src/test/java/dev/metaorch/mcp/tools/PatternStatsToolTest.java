package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.SnapshotFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pattern_stats: its pinned definition, the library's figures before and after an outcome, and refused limits. */
class PatternStatsToolTest {

    @TempDir
    Path home;
    @TempDir
    Path catalog;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new PatternStatsTool(null), true);
    }

    @Test
    void reportsTheLibrary() throws Exception {
        SnapshotFixtures.plugins(catalog, List.of("a@m", "b@m"));
        Services s = ToolTests.services(home, catalog.toString());
        McpTool t = Tools.byName(s, PatternStatsTool.NAME);
        ToolResult empty = t.call(Map.of(), ToolContext.NONE);
        assertEquals(0, empty.structured().get("workflows_executed"));
        assertEquals(home.toString(), empty.structured().get("data_folder"));

        Tools.byName(s, RecordOutcomeTool.NAME).call(Map.of("status", "success", "task", "deploy the site",
                "plugin_sequence", List.of("a@m", "b@m")), ToolContext.NONE);
        Tools.byName(s, RecordOutcomeTool.NAME).call(Map.of("status", "failure", "task", "migrate the database",
                "plugin_sequence", List.of("b@m")), ToolContext.NONE);
        ToolResult r = t.call(Map.of("limit", 1), ToolContext.NONE);
        assertEquals(2, r.structured().get("workflows_executed"));
        assertEquals(0.5, ((Number) r.structured().get("success_rate")).doubleValue(), 1e-9);
        assertEquals(1, ((List<?>) r.structured().get("top_patterns")).size(), "limit bounds the top patterns");
        assertTrue(r.text().startsWith("Workflows executed: 2 (1 succeeded, 1 failed"), r.text());
    }

    @Test
    void badLimitsAreRefused() {
        McpTool t = Tools.byName(ToolTests.services(home), PatternStatsTool.NAME);
        assertRefused(t, args("limit", 0), "'limit' must be between 1 and 100 (got 0)");
        assertRefused(t, args("limit", 101), "'limit' must be between 1 and 100 (got 101)");
        assertRefused(t, args("limit", 2.5), "'limit' must be an integer");
        assertRefused(t, args("limit", "10"), "'limit' must be an integer");
        assertRefused(t, args("top", 3), "unknown argument 'top'", "allowed: limit");
    }
}
