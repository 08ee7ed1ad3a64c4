package dev.metaorch.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.testing.ClaudeCode;
import dev.metaorch.testing.MarketplaceFixtures.Counts;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI adds fixture marketplaces and installs a plugin into an isolated HOME; the catalog
 * built from that HOME's {@code ~/.claude/plugins} (no named sources) then lists them with their counts and
 * install state.
 */
class ClaudeCodeStateTest {

    private static Catalog catalogOf(Path home) {
        Services s = Main.services(Options.parse("catalog"), Map.of("HOME", home.toString(),
                "META_ORCH_HOME", home.resolve(".meta-orchestrator").toString()));
        assertTrue(s.catalogService().sources().useClaudeState(), "no named sources: Claude Code's state is read");
        return s.catalog();
    }

    private static long count(Marketplace m, ComponentKind k) {
        return m.plugins().stream().mapToLong(p -> p.count(k)).sum();
    }

    @Test
    void marketplacesAddedAndPluginsInstalledWithTheRealCliAreListed(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        // Copies, so the CLI sees plain folders it may treat as its own. (claude-code-plugins and
        // claude-plugins-official are names the CLI reserves for Anthropic's GitHub sources.)
        Path templates = MarketplaceFixtures.copy(MarketplaceFixtures.marketplace("claude-code-templates"), tmp.resolve("cc-templates"));
        Path workflows = MarketplaceFixtures.copy(MarketplaceFixtures.marketplace("claude-code-workflows"), tmp.resolve("cc-workflows"));

        assertTrue(catalogOf(home).isEmpty(), "a fresh HOME has no marketplaces");

        ClaudeCode.run(home, "plugin", "marketplace", "add", templates.toString());
        ClaudeCode.run(home, "plugin", "marketplace", "add", workflows.toString());
        assertTrue(Files.isRegularFile(home.resolve(".claude/plugins/known_marketplaces.json")));

        Catalog c = catalogOf(home);
        assertEquals(2, c.marketplaces().size(), c.marketplaces().toString());
        Map<String, Counts> want = MarketplaceFixtures.expectedCounts();
        for (Marketplace m : c.marketplaces()) {
            Counts w = want.get(m.name());
            assertEquals("claude-code", m.origin());
            assertTrue(m.source().startsWith("directory:"), m.source());
            assertEquals(w.plugins(), m.plugins().size(), m.name());
            assertEquals(w.resolved(), m.plugins().stream().filter(Plugin::resolved).count(), m.name());
            assertEquals(w.agents(), count(m, ComponentKind.AGENT), m.name());
            assertEquals(w.commands(), count(m, ComponentKind.COMMAND), m.name());
            assertEquals(w.skills(), count(m, ComponentKind.SKILL), m.name());
            assertEquals(w.hooks(), count(m, ComponentKind.HOOK), m.name());
            assertTrue(m.plugins().stream().noneMatch(p -> p.install().installed()), "nothing installed yet");
        }

        String id = "backend-development@claude-code-workflows";
        ClaudeCode.run(home, "plugin", "install", id);
        // The files the CLI writes: installed_plugins.json (version 2) and settings.json enabledPlugins.
        assertTrue(Files.readString(home.resolve(".claude/plugins/installed_plugins.json")).contains(id));
        assertTrue(Files.readString(home.resolve(".claude/settings.json")).contains("enabledPlugins"));
        Plugin installed = catalogOf(home).plugin(id).orElseThrow();
        assertTrue(installed.install().installed());
        assertTrue(installed.install().enabled());
        assertEquals("user", installed.install().scope());
        assertFalse(catalogOf(home).plugin("git-workflow@claude-code-templates").orElseThrow().install().installed());

        ClaudeCode.run(home, "plugin", "disable", id);
        Plugin disabled = catalogOf(home).plugin(id).orElseThrow();
        assertTrue(disabled.install().installed());
        assertFalse(disabled.install().enabled());
    }
}
