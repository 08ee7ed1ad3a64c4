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

/** known_issues: its pinned definition, a recorded failure and its fix, and the calls it refuses. */
class KnownIssuesToolTest {

    @TempDir
    Path home;
    @TempDir
    Path catalog;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new KnownIssuesTool(null, null), true);
    }

    @Test
    void listsARecordedFailureWithTheFixThatWorked() throws Exception {
        SnapshotFixtures.plugins(catalog, List.of("cache@m", "api@m"));
        Services s = ToolTests.services(home, catalog.toString());
        McpTool t = Tools.byName(s, KnownIssuesTool.NAME);
        ToolResult none = t.call(Map.of("plugin", "cache@m"), ToolContext.NONE);
        assertEquals(List.of(), none.structured().get("issues"));
        assertTrue(none.text().startsWith("No known issues recorded for cache@m."), none.text());

        Tools.byName(s, RecordOutcomeTool.NAME).call(Map.of("status", "success", "task", "add caching",
                "steps", List.of(Map.of("plugin", "cache@m", "status", "success", "error", "ECONNREFUSED 127.0.0.1:6379",
                        "fix_applied", "started redis"))), ToolContext.NONE);
        ToolResult r = t.call(Map.of("plugin", "cache@m"), ToolContext.NONE);
        List<?> issues = (List<?>) r.structured().get("issues");
        assertEquals(1, issues.size(), r.text());
        assertEquals("started redis", ((Map<?, ?>) issues.get(0)).get("fix"));
        assertEquals("cache@m", r.structured().get("plugin_id"));
        assertEquals("not_configured", r.structured().get("neo4j"));
        assertTrue(r.text().contains("fix: started redis"), r.text());
    }

    @Test
    void badCallsAreRefused() {
        McpTool t = Tools.byName(ToolTests.services(home), KnownIssuesTool.NAME);
        assertRefused(t, args(), "'plugin' is required");
        assertRefused(t, args("plugin", " "), "'plugin' must not be empty");
        assertRefused(t, args("plugin", "p".repeat(301)), "'plugin' is too long (301 characters, at most 300)");
        assertRefused(t, args("plugin", List.of("a@m")), "'plugin' must be a string");
        assertRefused(t, args("plugin", "a@m", "limit", 0), "'limit' must be between 1 and 100");
        assertRefused(t, args("plugin", "a@m", "since", "2026"), "unknown argument 'since'");
    }
}
