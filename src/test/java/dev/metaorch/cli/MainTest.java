package dev.metaorch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The command line: option parsing, exit codes, catalog sources and {@code catalog --json}. */
class MainTest {

    @Test
    void theDataFolderDefaultsToHomeLikeTheLauncher() {
        assertEquals(Path.of("/custom/data"), Settings.defaultHome(Map.of("META_ORCH_HOME", "/custom/data", "HOME", "/h")));
        assertEquals(Path.of("/h", ".meta-orchestrator"), Settings.defaultHome(Map.of("HOME", "/h")));
        assertEquals(Path.of(System.getProperty("user.home"), ".meta-orchestrator"), Settings.defaultHome(Map.of()));
    }

    /** Exit code, stdout and stderr of one in-process run. */
    record Run(int code, String out, String err) {
        JsonNode json() {
            return Json.MAPPER.readTree(out);
        }
    }

    static synchronized Run run(Map<String, String> env, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = Main.run(argv, ps, env);
        } finally {
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> env(Path tmp) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("META_ORCH_HOME", tmp.resolve("data").toString());
        return env;
    }

    @Test
    void optionsMayComeBeforeOrAfterTheText() {
        Options a = Options.parse("recommend", "--limit", "5", "review my PR", "--json", "--catalog", "x.jsonl");
        Options b = Options.parse("--json", "recommend", "review", "my", "PR", "--limit=5", "--catalog=x.jsonl");
        for (Options o : List.of(a, b)) {
            assertEquals("recommend", o.command());
            assertEquals("review my PR", o.text());
            assertEquals(5, o.intValue("limit", 1, 100, 10));
            assertTrue(o.flag("json"));
            assertEquals(List.of("x.jsonl"), o.all("catalog"));
        }
        Options c = Options.parse("recommend", "--", "--not-an-option");
        assertEquals("--not-an-option", c.text());
        assertEquals("serve", Options.parse().command());
        assertEquals(List.of("a", "b"), Options.parse("catalog", "--catalog", "a", "--catalog", "b").all("catalog"));
    }

    @Test
    void limitMustBeAnIntegerFrom1To100() {
        assertEquals(10, Options.parse("recommend", "x").intValue("limit", 1, 100, 10));
        assertEquals(1, Options.parse("recommend", "--limit", "1").intValue("limit", 1, 100, 10));
        assertEquals(100, Options.parse("recommend", "--limit", "100").intValue("limit", 1, 100, 10));
        for (String bad : List.of("0", "101", "-3", "ten", "")) {
            Options.UsageException e = assertThrows(Options.UsageException.class,
                    () -> Options.parse("recommend", "--limit", bad).intValue("limit", 1, 100, 10));
            assertTrue(e.getMessage().contains("--limit"), e.getMessage());
        }
        assertThrows(Options.UsageException.class, () -> Options.parse("recommend", "--limit"));
        assertThrows(Options.UsageException.class, () -> Options.parse("x", "--json=yes"));
        assertThrows(Options.UsageException.class, () -> Options.parse("x", "--limit", "1", "--limit", "2").value("limit"));
    }

    @Test
    void unknownOptionsAndCommandsExitWith2AndSayWhy(@TempDir Path tmp) {
        Run r = run(env(tmp), "catalog", "--bogus", "1", "--catalog", MarketplaceFixtures.catalogDir().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown option --bogus"), r.err());
        assertEquals("", r.out());
        Run flag = run(env(tmp), "catalog", "--verbose");
        assertEquals(2, flag.code());
        assertTrue(flag.err().contains("--verbose") && flag.err().contains("no option of this command"), flag.err());
        Run cmd = run(env(tmp), "frobnicate");
        assertEquals(2, cmd.code());
        assertTrue(cmd.err().contains("unknown command 'frobnicate'"), cmd.err());
        Run missing = run(env(tmp), "catalog", "--catalog");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--catalog needs a value"), missing.err());
        Run help = run(env(tmp), "help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("usage: meta-orchestrator"));
    }

    @Test
    void emptyCatalogIsValidJsonWithZeroEntriesAndTheHintOnStderr(@TempDir Path tmp) {
        Run r = run(env(tmp), "catalog", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(0, j.path("marketplaces").size());
        assertEquals(0, j.path("collisions").size());
        assertEquals(0, j.path("total_plugins").asInt());
        assertTrue(j.has("refreshed_at"));
        assertEquals(1, r.out().strip().lines().count(), "one JSON object on stdout");
        assertTrue(r.err().contains("claude plugin marketplace add"), r.err());
        Run text = run(env(tmp), "catalog");
        assertEquals(0, text.code());
        assertTrue(text.out().contains("empty"), text.out());
    }

    @Test
    void catalogFolderLoadsEveryJsonlFileAndAFileOnlyItself(@TempDir Path tmp) {
        Run all = run(env(tmp), "catalog", "--json", "--catalog", MarketplaceFixtures.catalogDir().toString());
        assertEquals(0, all.code(), all.err());
        assertEquals(5, all.json().path("marketplaces").size());
        assertEquals(696, all.json().path("total_plugins").asInt());
        assertEquals("", all.err());
        Run one = run(env(tmp), "catalog", "--catalog", MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl").toString(), "--json");
        assertEquals(1, one.json().path("marketplaces").size());
        assertEquals(13, one.json().path("total_plugins").asInt());
        Run two = run(env(tmp), "catalog", "--json",
                "--catalog", MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl").toString(),
                "--marketplace", MarketplaceFixtures.marketplace("claude-code-templates").toString());
        assertEquals(2, two.json().path("marketplaces").size());
        assertEquals(23, two.json().path("total_plugins").asInt());
    }

    @Test
    void metaOrchMarketplacesNamesTheSourcesAndReplacesClaudeState(@TempDir Path tmp) {
        Map<String, String> env = env(tmp);
        env.put("META_ORCH_MARKETPLACES", MarketplaceFixtures.marketplace("claude-code-workflows") + ":"
                + MarketplaceFixtures.marketplace("claude-code-plugins") + ":");
        Settings settings = Settings.load(tmp.resolve("data"), env);
        CatalogSources s = Main.sources(Options.parse("catalog"), env, settings);
        assertFalse(s.useClaudeState());
        assertEquals(2, s.marketplaces().size());
        assertEquals(Path.of(tmp.resolve("home").toString(), ".claude", "plugins"), s.claudePluginsDir());
        Run r = run(env, "catalog", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode mps = r.json().path("marketplaces");
        assertEquals(2, mps.size());
        assertEquals("claude-code-workflows", mps.get(0).path("name").asString());
        assertEquals("folder", mps.get(0).path("origin").asString());
        assertEquals(105, r.json().path("total_plugins").asInt());

        // Nothing named: Claude Code's state (empty here) is used.
        CatalogSources none = Main.sources(Options.parse("catalog"), env(tmp), settings);
        assertTrue(none.useClaudeState());
    }

    /** Paths named in "declared ... path ... missing / does not exist" warnings. */
    static Set<String> declaredPaths(JsonNode warnings) {
        Set<String> out = new TreeSet<>();
        Pattern p = Pattern.compile("(\\./cli-tool/\\S+?)'?(?:\\s|$)");
        for (JsonNode w : warnings) {
            Matcher m = p.matcher(w.asString());
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void templatesWarningsAreTheSameFromTheSnapshotAndFromTheFolders(@TempDir Path tmp) {
        Run snap = run(env(tmp), "catalog", "--json", "--catalog", MarketplaceFixtures.catalogDir().toString());
        Run folders = run(env(tmp), "catalog", "--json", "--marketplace", MarketplaceFixtures.marketplace("claude-code-templates").toString(),
                "--marketplace", MarketplaceFixtures.marketplace("claude-plugins-official").toString());
        JsonNode snapTemplates = null;
        JsonNode snapOfficial = null;
        for (JsonNode m : snap.json().path("marketplaces")) {
            if (m.path("name").asString().equals("claude-code-templates")) {
                snapTemplates = m;
            }
            if (m.path("name").asString().equals("claude-plugins-official")) {
                snapOfficial = m;
            }
        }
        JsonNode folderTemplates = folders.json().path("marketplaces").get(0);
        // The snapshot's 32 come from its own per-plugin "warnings" fields; the folder loader finds the same 32 itself.
        assertEquals(32, snapTemplates.path("warning_count").asInt());
        assertEquals(32, folderTemplates.path("warning_count").asInt());
        Set<String> a = declaredPaths(snapTemplates.path("warnings"));
        assertEquals(32, a.size(), a.toString());
        assertEquals(a, declaredPaths(folderTemplates.path("warnings")));
        // Remote sources: one summary line, not 233.
        JsonNode folderOfficial = folders.json().path("marketplaces").get(1);
        for (JsonNode m : List.of(snapOfficial, folderOfficial)) {
            assertEquals(233, m.path("remote").asInt());
            assertEquals(1, m.path("warning_count").asInt(), m.path("warnings").toString());
            assertTrue(m.path("warnings").get(0).asString().startsWith("233 plugins have remote sources (git-subdir, url)"),
                    m.path("warnings").toString());
        }
    }
}
