package dev.metaorch.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.testing.MarketplaceFixtures.Counts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL snapshot loader against the snapshot's own sources.json. */
class SnapshotLoaderTest {

    static long count(Marketplace m, ComponentKind k) {
        return m.plugins().stream().mapToLong(p -> p.count(k)).sum();
    }

    @Test
    void folderOfSnapshotsLoadsEveryMarketplaceWithTheCountsOfSourcesJson() {
        List<String> warnings = new ArrayList<>();
        List<Marketplace> all = SnapshotLoader.load(MarketplaceFixtures.catalogDir(), warnings);
        assertEquals(List.of(), warnings);
        Map<String, Marketplace> byName = all.stream().collect(Collectors.toMap(Marketplace::name, m -> m));
        Map<String, Counts> want = MarketplaceFixtures.expectedCounts();
        assertEquals(want.keySet(), byName.keySet());
        int total = 0;
        for (Map.Entry<String, Counts> e : want.entrySet()) {
            Marketplace m = byName.get(e.getKey());
            Counts c = e.getValue();
            String n = e.getKey();
            assertEquals("snapshot", m.origin());
            assertEquals(c.plugins(), m.plugins().size(), n + " plugins");
            assertEquals(c.resolved(), m.plugins().stream().filter(Plugin::resolved).count(), n + " resolved");
            assertEquals(c.agents(), count(m, ComponentKind.AGENT), n + " agents");
            assertEquals(c.commands(), count(m, ComponentKind.COMMAND), n + " commands");
            assertEquals(c.skills(), count(m, ComponentKind.SKILL), n + " skills");
            assertEquals(c.hooks(), count(m, ComponentKind.HOOK), n + " hooks");
            assertEquals(c.mcpServers(), count(m, ComponentKind.MCP), n + " mcpServers");
            assertEquals(c.lspServers(), count(m, ComponentKind.LSP), n + " lspServers");
            total += m.plugins().size();
        }
        assertEquals(696, total);
        Catalog catalog = new Catalog(all, warnings, java.time.Instant.now(), 1);
        assertEquals(696, catalog.size());
        Plugin p = catalog.plugin("pr-review-toolkit@claude-code-plugins").orElseThrow();
        assertTrue(p.resolved());
        assertTrue(p.components(ComponentKind.AGENT).stream().anyMatch(a -> a.name().equals("code-reviewer")));
        // The snapshot's own upstream warnings stay on their plugins: 32 on claude-code-templates.
        assertEquals(32, byName.get("claude-code-templates").plugins().stream().mapToInt(x -> x.warnings().size()).sum());
    }

    @Test
    void aBrokenLineIsAWarningAndTheRestLoads(@TempDir Path tmp) throws Exception {
        List<String> lines = Files.readAllLines(MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl"));
        List<String> broken = new ArrayList<>(lines);
        broken.add(3, "{\"plugin\": \"half");
        broken.add(5, "{\"no\": \"names\"}");
        broken.add(7, "");
        Path file = tmp.resolve("broken.jsonl");
        Files.write(file, broken);
        List<String> warnings = new ArrayList<>();
        List<Marketplace> m = SnapshotLoader.load(file, warnings);
        assertEquals(1, m.size());
        assertEquals(lines.size(), m.get(0).plugins().size());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("broken.jsonl:4: skipped"), warnings.toString());
    }

    @Test
    void aMissingSnapshotIsAWarningNotAFailure(@TempDir Path tmp) {
        CatalogService s = new CatalogService(CatalogSources.snapshots(tmp.resolve("nope.jsonl")));
        Catalog c = s.current();
        assertTrue(c.isEmpty());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("does not exist"));
    }
}
