package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.MarketplaceFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** find_alternatives: its pinned definition, a similar plugin, a plugin's twin in another marketplace (listed apart), and the calls it refuses. */
class FindAlternativesToolTest {

    @TempDir
    static Path home;
    static McpTool t;

    @BeforeAll
    static void start() {
        // the whole snapshot: code-review is listed by two marketplaces with the same texts
        Services s = ToolTests.services(home, MarketplaceFixtures.catalogDir().toString());
        t = Tools.byName(s, FindAlternativesTool.NAME);
    }

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new FindAlternativesTool(null, null, null), true);
    }

    @Test
    void theSamePluginOfAnotherMarketplaceIsListedApartNotAsAnAlternative() {
        ToolResult r = t.call(Map.of("plugin", "code-review@claude-code-plugins", "min_score", 0.2, "limit", 5), ToolContext.NONE);
        assertEquals(List.of("code-review@claude-plugins-official"), r.structured().get("also_in"));
        List<?> alts = (List<?>) r.structured().get("alternatives");
        assertTrue(!alts.isEmpty() && alts.size() <= 5, alts.toString());
        double last = 1;
        for (Object a : alts) {
            Map<?, ?> m = (Map<?, ?>) a;
            assertFalse(String.valueOf(m.get("plugin_id")).startsWith("code-review@"), alts.toString());
            double score = ((Number) m.get("similarity_score")).doubleValue();
            assertTrue(score >= 0.2 && score <= last, alts.toString());
            last = score;
        }
        assertEquals("code-review@claude-code-plugins", r.structured().get("plugin_id"));
        assertTrue(r.text().contains("also in code-review@claude-plugins-official: not an alternative"), r.text());
    }

    @Test
    void aSimilarPluginOfItsOwnIsAnAlternative() {
        ToolResult r = t.call(Map.of("plugin", "database-health-monitor@claude-code-plugins-plus"), ToolContext.NONE);
        List<?> alts = (List<?>) r.structured().get("alternatives");
        Map<?, ?> first = (Map<?, ?>) alts.get(0);
        assertEquals("database-transaction-monitor@claude-code-plugins-plus", first.get("plugin_id"), alts.toString());
        assertTrue(((Number) first.get("similarity_score")).doubleValue() >= 0.7);
        assertFalse(r.structured().containsKey("also_in"), "a plugin of one marketplace has no twin");
        assertTrue(r.text().startsWith("Alternatives to database-health-monitor@claude-code-plugins-plus"), r.text());
    }

    @Test
    void badCallsAreRefused() {
        assertRefused(t, args(), "'plugin' is required");
        assertRefused(t, args("plugin", ""), "'plugin' must not be empty");
        assertRefused(t, args("plugin", "code-review@claude-code-plugins", "min_score", 1.5),
                "'min_score' must be between 0.0 and 1.0 (got 1.5)");
        assertRefused(t, args("plugin", "code-review@claude-code-plugins", "min_score", "high"), "'min_score' must be a number");
        assertRefused(t, args("plugin", "code-review@claude-code-plugins", "limit", 51), "'limit' must be between 1 and 50");
        assertRefused(t, args("plugin", "code-review@claude-code-plugins", "kind", "agent"), "unknown argument 'kind'");
        assertRefused(t, args("plugin", "no-such-plugin@nowhere"), "unknown plugin 'no-such-plugin@nowhere'");
    }
}
