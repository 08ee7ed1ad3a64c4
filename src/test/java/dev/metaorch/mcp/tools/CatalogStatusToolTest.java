package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.ClosesServices;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog_status handler: its schema, the {@code catalog --json} object, clear errors for bad arguments. */
class CatalogStatusToolTest {

    static Services services(Path tmp, CatalogSources sources) {
        Services s = ClosesServices.track(new Services(Settings.load(tmp, Map.of()), sources));
        s.markReady();
        return s;
    }

    @Test
    void reportsEveryMarketplaceWithCountsWarningsAndCollisions(@TempDir Path tmp) {
        Path broken = MarketplaceFixtures.breakage(tmp.resolve("broken"));
        Services s = services(tmp, new CatalogSources(List.of(MarketplaceFixtures.catalogDir()), List.of(broken), null, null, false));
        ToolResult r = Tools.byName(s, CatalogStatusTool.NAME).call(Map.of(), ToolContext.NONE);
        assertFalse(r.error());
        Map<String, Object> sc = r.structured();
        assertEquals(696 + 11, ((Number) sc.get("total_plugins")).intValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> mps = (List<Map<String, Object>>) sc.get("marketplaces");
        assertEquals(6, mps.size());
        for (Map<String, Object> m : mps) {
            for (String key : List.of("name", "source", "plugins", "resolved", "agents", "commands", "skills", "hooks",
                    "mcpServers", "warnings")) {
                assertTrue(m.containsKey(key), key + " missing in " + m.keySet());
            }
        }
        Map<String, Object> b = mps.get(5);
        assertEquals(MarketplaceFixtures.BREAKAGE, b.get("name"));
        assertTrue(((Number) b.get("warning_count")).intValue() >= 10, b.get("warnings").toString());
        assertTrue(Json.write(sc.get("collisions")).contains("code-reviewer"));
        assertTrue(r.text().contains("| claude-code-workflows | 92 | 91 |"), r.text());

        ToolResult quiet = Tools.byName(s, CatalogStatusTool.NAME).call(Map.of("include_warnings", false), ToolContext.NONE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> q = (List<Map<String, Object>>) quiet.structured().get("marketplaces");
        assertEquals(List.of(), q.get(5).get("warnings"));
        assertEquals(b.get("warning_count"), q.get(5).get("warning_count"));
    }

    @Test
    void refreshRebuildsAndBadArgumentsAreClearErrors(@TempDir Path tmp) {
        Services s = services(tmp, CatalogSources.snapshots(MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl")));
        McpTool tool = Tools.byName(s, CatalogStatusTool.NAME);
        long v = s.catalog().version();
        tool.call(Map.of("refresh", true), ToolContext.NONE);
        assertTrue(s.catalog().version() > v);

        Refusal unknown = assertThrows(Refusal.class, () -> tool.call(Map.of("verbose", true), ToolContext.NONE));
        assertTrue(unknown.getMessage().contains("unknown argument 'verbose'"), unknown.getMessage());
        Map<String, Object> wrong = new HashMap<>();
        wrong.put("refresh", "yes");
        Refusal type = assertThrows(Refusal.class, () -> tool.call(wrong, ToolContext.NONE));
        assertTrue(type.getMessage().contains("'refresh' must be true or false"), type.getMessage());
        ToolTests.assertRefused(tool, ToolTests.args("include_warnings", 0), "'include_warnings' must be true or false");
        ToolTests.assertRefused(tool, ToolTests.args("verbose", true), "allowed: include_warnings, refresh");
    }

    @Test
    void definitionIsPinned() throws Exception {
        ToolTests.assertDefinitionPinned(new CatalogStatusTool(null, null), true);
    }
}
