package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.store.neo4j.Discovery;
import dev.metaorch.store.neo4j.GraphStore;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_issues and find_alternatives without Neo4j: the file store and the catalog answer, and say so. */
class DiscoveryToolsTest {

    @TempDir
    static Path home;
    static Services services;

    @BeforeAll
    static void start() {
        CatalogSources sources = CatalogSources.snapshots(Path.of(System.getProperty("shared.dir", "../shared")).resolve("catalog"));
        services = new Services(new Settings(home, List.of(), List.of(), null, List.of()), sources);
        services.markReady();
    }

    @AfterAll
    static void stop() {
        services.close();
    }

    private static ToolResult call(String tool, Map<String, Object> args) {
        return Tools.byName(services, tool).call(args, ToolContext.NONE);
    }

    @Test
    void findAlternativesFromTheCatalogWhenNeo4jIsNotConfigured() {
        ToolResult r = call("find_alternatives", Map.of("plugin", "api-contract-generator@claude-code-plugins-plus"));
        assertEquals("file", r.structured().get("source"));
        assertEquals("not_configured", r.structured().get("neo4j"));
        List<?> alts = (List<?>) r.structured().get("alternatives");
        assertEquals("contract-test-validator@claude-code-plugins-plus", ((Map<?, ?>) alts.get(0)).get("plugin_id"));
        assertTrue(r.text().contains("Neo4j is not configured"), r.text());
        for (Object a : alts) {
            assertTrue(((Number) ((Map<?, ?>) a).get("similarity_score")).doubleValue() >= 0.7);
        }
        // Looser matches on request, labelled as computed from the catalog.
        ToolResult loose = call("find_alternatives", Map.of("plugin", "frontend-design@claude-code-plugins", "min_score", 0.2, "limit", 3));
        assertEquals("catalog", loose.structured().get("source"));
        assertTrue(((List<?>) loose.structured().get("alternatives")).size() <= 3);
    }

    @Test
    void aNameInTwoMarketplacesIsRefusedWithTheIdsToChooseFrom() {
        Refusal e = assertThrows(Refusal.class, () -> call("known_issues", Map.of("plugin", "code-review")));
        assertTrue(e.getMessage().contains("code-review@claude-code-plugins") && e.getMessage().contains("code-review@claude-plugins-official"),
                e.getMessage());
        // a unique name resolves
        ToolResult r = call("known_issues", Map.of("plugin", "telegram"));
        assertEquals("telegram@claude-plugins-official", r.structured().get("plugin_id"));
        assertThrows(Refusal.class, () -> call("known_issues", Map.of("plugin", "no-such-plugin-anywhere")));
        assertThrows(Refusal.class, () -> call("known_issues", Map.of("plugin", "x", "bogus", 1)));
        assertThrows(Refusal.class, () -> call("find_alternatives", Map.of("plugin", "telegram", "min_score", 2)));
        // an id no loaded marketplace has is refused by name, as known_issues refuses an unknown name
        Refusal unknown = assertThrows(Refusal.class, () -> call("find_alternatives", Map.of("plugin", "does-not-exist@nowhere")));
        assertTrue(unknown.getMessage().contains("unknown plugin 'does-not-exist@nowhere'"), unknown.getMessage());
    }

    @Test
    void knownIssuesFromTheFileStoresSourceMostFrequentFirst() {
        KnownIssueSource file = id -> List.of(new PluginIssue(id, "timeout after <n>s", null, 2),
                new PluginIssue(id, "cannot find module <path>", "npm install", 5));
        Discovery d = new Discovery(services::catalog, () -> Evidence.NONE, () -> file, null);
        Discovery.Answer<List<PluginIssue>> a = d.knownIssues("telegram@claude-plugins-official", 10);
        assertEquals("file", a.source());
        assertEquals("cannot find module <path>", a.value().get(0).errorPattern());
        assertEquals(1, d.knownIssues("telegram@claude-plugins-official", 1).value().size());
    }

    @Test
    void pluginsByCategoryRanksByEvidenceThenUses() {
        String category = services.catalog().plugin("code-review@claude-code-plugins").orElseThrow().category();
        List<String> ids = services.catalog().plugins().stream().filter(p -> category.equals(p.category())).map(p -> p.id()).limit(3).toList();
        Evidence ev = new Evidence() {
            @Override
            public PluginEvidence plugin(String id) {
                if (id.equals(ids.get(0))) {
                    return new PluginEvidence(id, 2, 1, 1, null);
                }
                if (id.equals(ids.get(1))) {
                    return new PluginEvidence(id, 40, 38, 1, null);
                }
                return PluginEvidence.none(id);
            }

            @Override
            public Map<String, PluginEvidence> all() {
                return Map.of();
            }
        };
        Discovery d = new Discovery(services::catalog, () -> ev, () -> KnownIssueSource.NONE, null);
        List<GraphStore.PluginStat> r = d.pluginsByCategory(List.of(category), 0.0, 50).value();
        assertEquals(ids.get(1), r.get(0).pluginId());
        assertEquals(ids.get(0), r.get(1).pluginId());
        assertTrue(d.pluginsByCategory(List.of(category), 0.6, 50).value().stream().noneMatch(p -> p.pluginId().equals(ids.get(0))));
    }
}
