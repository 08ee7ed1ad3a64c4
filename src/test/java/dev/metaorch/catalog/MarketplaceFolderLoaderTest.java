package dev.metaorch.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.testing.MarketplaceFixtures.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The folder loader over full-size marketplaces rebuilt from the snapshots, and over every kind of breakage. */
class MarketplaceFolderLoaderTest {

    private static final Map<String, Marketplace> loaded = new TreeMap<>();

    @BeforeAll
    static void loadAll() {
        for (String name : MarketplaceFixtures.marketplaceNames()) {
            Path dir = MarketplaceFixtures.marketplace(name);
            loaded.put(name, MarketplaceFolderLoader.load(dir, "folder", dir.toString()));
        }
    }

    static List<String> marketplaces() {
        return MarketplaceFixtures.marketplaceNames();
    }

    static long count(Marketplace m, ComponentKind k) {
        return m.plugins().stream().mapToLong(p -> p.count(k)).sum();
    }

    /** Plugins whose folder the snapshot itself says is missing upstream: the loader cannot resolve them. */
    static long missingUpstream(String marketplace) {
        return MarketplaceFixtures.records(marketplace).stream()
                .filter(r -> MarketplaceFixtures.strings(r.path("warnings")).stream()
                        .anyMatch(w -> w.startsWith("source path ") && w.contains("missing")))
                .count();
    }

    @ParameterizedTest
    @MethodSource("marketplaces")
    void countsMatchSourcesJson(String name) {
        Counts want = MarketplaceFixtures.expectedCounts().get(name);
        Marketplace m = loaded.get(name);
        assertEquals(name, m.name());
        assertEquals(want.plugins(), m.plugins().size(), "plugins");
        // sources.json counts a plugin whose folder is missing from its repository (axiom) as resolved with no
        // components; the folder loader says plainly that it could not read it.
        assertEquals(want.resolved() - missingUpstream(name), m.plugins().stream().filter(Plugin::resolved).count(), "resolved");
        assertEquals(want.agents(), count(m, ComponentKind.AGENT), "agents");
        assertEquals(want.commands(), count(m, ComponentKind.COMMAND), "commands");
        assertEquals(want.skills(), count(m, ComponentKind.SKILL), "skills");
        assertEquals(want.hooks(), count(m, ComponentKind.HOOK), "hooks");
        assertEquals(want.mcpServers(), count(m, ComponentKind.MCP), "mcpServers");
        assertEquals(want.lspServers(), count(m, ComponentKind.LSP), "lspServers");
    }

    @ParameterizedTest
    @MethodSource("marketplaces")
    void componentNamesAndDescriptionsMatchTheSnapshotPluginByPlugin(String name) {
        Map<String, Plugin> snap = new TreeMap<>();
        for (Marketplace m : SnapshotLoader.load(MarketplaceFixtures.catalogDir().resolve(name + ".jsonl"), new ArrayList<>())) {
            m.plugins().forEach(p -> snap.put(p.id(), p));
        }
        Marketplace folder = loaded.get(name);
        assertEquals(snap.keySet(), folder.plugins().stream().map(Plugin::id).collect(Collectors.toCollection(TreeSet::new)));
        List<String> diffs = new ArrayList<>();
        for (Plugin p : folder.plugins()) {
            Plugin s = snap.get(p.id());
            Set<String> want = keys(s);
            Set<String> got = keys(p);
            if (!want.equals(got)) {
                diffs.add(p.id() + ": want " + want + " got " + got);
            }
            for (Component c : p.components()) {
                s.components().stream().filter(x -> x.kind() == c.kind() && x.name().equals(c.name())).findFirst()
                        .ifPresent(x -> {
                            // The snapshot keeps a trailing "Examples:" its cleaner met mid-line; ours cuts before it.
                            String wantText = x.description().replaceFirst("\\s*Examples:$", "");
                            if (!wantText.equals(c.description())) {
                                diffs.add(p.id() + " " + c.kind() + " " + c.name() + " description: want <" + x.description()
                                        + "> got <" + c.description() + ">");
                            }
                            if (c.kind() == ComponentKind.AGENT && !java.util.Objects.equals(x.file(), c.file())) {
                                diffs.add(p.id() + " agent " + c.name() + " file: want " + x.file() + " got " + c.file());
                            }
                        });
            }
        }
        assertTrue(diffs.isEmpty(), diffs.size() + " differences, first: " + diffs.subList(0, Math.min(10, diffs.size())));
    }

    private static Set<String> keys(Plugin p) {
        Set<String> out = new TreeSet<>();
        p.components().forEach(c -> out.add(c.kind().id() + ":" + c.name()));
        return out;
    }

    @Test
    void agentsAreKeyedByFrontMatterName() {
        Plugin p = loaded.get("claude-code-workflows").plugins().stream()
                .filter(x -> x.name().equals("backend-development")).findFirst().orElseThrow();
        Component a = p.components(ComponentKind.AGENT).stream()
                .filter(c -> c.name().equals("backend-development-backend-architect")).findFirst().orElseThrow();
        assertEquals("backend-architect", a.file());
        assertEquals("backend-architect", a.roleName());
        Plugin vibe = loaded.get("claude-code-plugins-plus").plugins().stream()
                .filter(x -> x.name().equals("vibe-guide")).findFirst().orElseThrow();
        assertTrue(vibe.components(ComponentKind.AGENT).stream().anyMatch(c -> c.name().equals("vibe-explainer")
                && "explainer".equals(c.file())), vibe.components().toString());
    }

    @Test
    void realUpstreamBreakageBecomesSensibleWarnings() {
        Map<String, List<String>> warnings = new TreeMap<>();
        loaded.forEach((n, m) -> {
            List<String> w = new ArrayList<>(m.warnings());
            m.plugins().forEach(p -> p.warnings().forEach(x -> w.add(p.name() + ": " + x)));
            warnings.put(n, w);
        });
        // claude-code-templates: 32 files declared by strict:false entries do not exist upstream, one warning each.
        List<String> templates = warnings.get("claude-code-templates");
        assertEquals(32, templates.size(), templates.toString());
        assertTrue(templates.stream().allMatch(w -> w.contains("declared ") && w.contains("does not exist")), templates.toString());
        // claude-code-plugins-plus: one missing plugin folder, two hooks files in a list format.
        List<String> plus = warnings.get("claude-code-plugins-plus");
        assertEquals(3, plus.size(), plus.toString());
        assertTrue(plus.stream().anyMatch(w -> w.startsWith("axiom: source path") && w.contains("does not exist")), plus.toString());
        assertEquals(2, plus.stream().filter(w -> w.contains("hooks.json") && w.contains("non-standard")).count(), plus.toString());
        // The others are clean: no noise about generated files.
        for (String clean : List.of("claude-code-workflows", "claude-code-plugins", "claude-plugins-official")) {
            assertEquals(List.of(), warnings.get(clean), clean);
        }
        // Remote sources are listed, not resolved.
        Marketplace official = loaded.get("claude-plugins-official");
        long remote = official.plugins().stream().filter(p -> p.remoteSource() != null).count();
        assertEquals(233, remote);
        assertTrue(official.plugins().stream().filter(p -> p.remoteSource() != null).noneMatch(Plugin::resolved));
    }

    @Test
    void agentNameCollisionsAcrossMarketplacesAreReported() {
        Catalog c = new Catalog(List.copyOf(loaded.values()), List.of(), java.time.Instant.now(), 1);
        assertEquals(696, c.size());
        List<Collision> agents = c.collisions().stream().filter(x -> x.kind().equals("agent")).toList();
        assertFalse(agents.isEmpty(), "the real marketplaces ship same-named agents");
        for (Collision col : agents) {
            assertTrue(col.plugins().size() > 1);
            for (String id : col.plugins()) {
                assertTrue(c.plugin(id).orElseThrow().components(ComponentKind.AGENT).stream()
                        .anyMatch(a -> a.name().equals(col.name())), id + " lacks " + col.name());
            }
        }
    }

    @Test
    void everyKindOfBreakageIsAWarningNeverAFailedLoad(@TempDir Path tmp) {
        Path dir = MarketplaceFixtures.breakage(tmp.resolve("m"));
        // FIFOs must never be opened: a blocking read would hang here.
        Marketplace m = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> MarketplaceFolderLoader.load(dir, "folder", dir.toString()));
        assertEquals(MarketplaceFixtures.BREAKAGE, m.name());
        assertEquals(11, m.plugins().size(), "every entry listed");
        Map<String, Plugin> p = m.plugins().stream().collect(Collectors.toMap(Plugin::name, x -> x));

        assertEquals(List.of(), p.get("healthy").warnings());
        assertEquals(Set.of("agent:healthy-helper", "command:check", "skill:tidy"), keys(p.get("healthy")));

        Plugin bad = p.get("bad-yaml");
        Component agent = bad.components(ComponentKind.AGENT).get(0);
        assertEquals("yaml-breaker", agent.name(), "read leniently by its front-matter name");
        assertEquals("sonnet", agent.model());
        assertTrue(agent.description().startsWith("Use this agent when: the YAML is broken"), agent.description());
        assertTrue(bad.warnings().stream().anyMatch(w -> w.contains("broken.md") && w.contains("not valid YAML")), bad.warnings().toString());
        assertTrue(keys(bad).contains("command:unterminated"), keys(bad).toString());

        Plugin declared = p.get("declared-missing");
        assertTrue(declared.resolved());
        assertEquals(Set.of("agent:real-agent"), keys(declared));
        assertTrue(declared.warnings().stream().anyMatch(w -> w.contains("./extra/ghost.md") && w.contains("does not exist")), declared.warnings().toString());
        assertTrue(declared.warnings().stream().anyMatch(w -> w.contains("./more-commands") && w.contains("does not exist")), declared.warnings().toString());

        Plugin missing = p.get("missing-folder");
        assertFalse(missing.resolved());
        assertEquals(List.of(), missing.components());
        assertTrue(missing.warnings().stream().anyMatch(w -> w.contains("does not exist")), missing.warnings().toString());

        Plugin hooks = p.get("odd-hooks");
        assertEquals(Set.of("command:ok"), keys(hooks));
        assertTrue(hooks.warnings().stream().anyMatch(w -> w.contains("hooks.json") && w.contains("non-standard")), hooks.warnings().toString());

        for (String r : List.of("remote-url", "remote-subdir")) {
            Plugin remote = p.get(r);
            assertFalse(remote.resolved(), r);
            assertNotNull(remote.remoteSource(), r);
            assertEquals("Fixture plugin " + r, remote.description());
        }
        assertEquals("git-subdir", p.get("remote-subdir").remoteSource().get("source"));

        Plugin special = p.get("special-files");
        assertEquals(Set.of("agent:special-normal", "command:real"), keys(special));
        List<String> sw = special.warnings();
        for (String what : List.of("pipe.md", "folder-skill", "fifo-skill", "hooks.json", ".mcp.json", "plugin.json")) {
            assertTrue(sw.stream().anyMatch(w -> w.contains(what)), what + " not reported in " + sw);
        }

        Plugin cycle = p.get("cycle");
        assertEquals(Set.of("command:top", "command:sub:inner", "agent:looper"), keys(cycle));
        assertTrue(cycle.warnings().stream().anyMatch(w -> w.contains("symlink cycle")), cycle.warnings().toString());

        Catalog c = new Catalog(List.of(m), List.of(), java.time.Instant.now(), 1);
        assertEquals(List.of(new Collision("agent", "code-reviewer",
                List.of("collide-a@" + MarketplaceFixtures.BREAKAGE, "collide-b@" + MarketplaceFixtures.BREAKAGE))),
                c.collisions());
        assertEquals(c.collisions(), c.collisionsOf("collide-b@" + MarketplaceFixtures.BREAKAGE));
    }

    @Test
    void aMissingOrBrokenMarketplaceFileIsAWarning(@TempDir Path tmp) throws Exception {
        Marketplace none = MarketplaceFolderLoader.load(tmp, "folder", tmp.toString());
        assertEquals(List.of(), none.plugins());
        assertEquals(1, none.warnings().size());
        MarketplaceFixtures.write(tmp.resolve(".claude-plugin/marketplace.json"), "{\"name\": \"x\", \"plugins\": [");
        Marketplace broken = MarketplaceFolderLoader.load(tmp, "folder", tmp.toString());
        assertEquals(List.of(), broken.plugins());
        assertTrue(broken.warnings().get(0).contains("marketplace.json"), broken.warnings().toString());
        MarketplaceFixtures.write(tmp.resolve(".claude-plugin/marketplace.json"),
                "{\"name\": \"x\", \"plugins\": [{\"name\": \"a\", \"source\": \"../../etc\"}, {\"source\": \"./b\"}, {\"name\": \"a\", \"source\": \"./a\"}]}");
        Marketplace escaping = MarketplaceFolderLoader.load(tmp, "folder", tmp.toString());
        assertEquals(1, escaping.plugins().size());
        assertTrue(escaping.plugins().get(0).warnings().get(0).contains("leaves the marketplace folder"));
        assertEquals(2, escaping.warnings().size(), escaping.warnings().toString());
        Set<String> seen = new LinkedHashSet<>(escaping.warnings());
        assertEquals(2, seen.size());
    }
}
