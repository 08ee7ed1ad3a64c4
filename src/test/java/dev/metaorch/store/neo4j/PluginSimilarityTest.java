package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SIMILAR_TO's measure on the real snapshot catalog. */
class PluginSimilarityTest {

    static Catalog catalog;
    static PluginSimilarity sim;

    @BeforeAll
    static void load() {
        catalog = new CatalogService(Fixtures.catalog()).current();
        sim = PluginSimilarity.of(catalog);
    }

    @Test
    void theSamePluginInTwoMarketplacesIsSimilar() {
        assertTrue(sim.score("code-review@claude-code-plugins", "code-review@claude-plugins-official") > 0.95);
        assertEquals(sim.score("code-review@claude-code-plugins", "code-review@claude-plugins-official"),
                sim.score("code-review@claude-plugins-official", "code-review@claude-code-plugins"), 1e-9);
    }

    @Test
    void twoDifferentPluginsForTheSameJobAreSimilar() {
        // Two chat-channel plugins of one marketplace: different names, the same kind of job.
        assertTrue(sim.score("discord@claude-plugins-official", "telegram@claude-plugins-official") >= PluginSimilarity.EDGE_THRESHOLD);
    }

    @Test
    void unrelatedPluginsAreNotAndASharedNameAloneIsNotEnough() {
        assertTrue(sim.score("frontend-design@claude-code-plugins", "database-health-monitor@claude-code-plugins-plus") < 0.2);
        // Same name in two marketplaces, different plugins: names are never the key.
        assertTrue(sim.score("data-engineering@claude-code-workflows", "data-engineering@claude-plugins-official")
                < PluginSimilarity.EDGE_THRESHOLD);
        assertEquals(0.0, sim.score("code-review@claude-code-plugins", "no-such@nowhere"));
    }

    @Test
    void theSnapshotHasEdgesAndNeighboursAgreeWithPairs() {
        List<PluginSimilarity.Pair> pairs = sim.pairs(PluginSimilarity.EDGE_THRESHOLD);
        assertFalse(pairs.isEmpty());
        for (PluginSimilarity.Pair p : pairs) {
            assertTrue(p.a().compareTo(p.b()) < 0);
            assertTrue(p.score() >= PluginSimilarity.EDGE_THRESHOLD && p.score() <= 1.0);
            assertTrue(sim.neighbours(p.a(), PluginSimilarity.EDGE_THRESHOLD, 100).stream()
                    .anyMatch(n -> n.pluginId().equals(p.b())), p.toString());
        }
        List<PluginSimilarity.Neighbour> n = sim.neighbours("code-review@claude-code-plugins", 0.0, 5);
        assertEquals("code-review@claude-plugins-official", n.get(0).pluginId());
        assertTrue(n.stream().noneMatch(x -> x.pluginId().equals("code-review@claude-code-plugins")));
    }
}
