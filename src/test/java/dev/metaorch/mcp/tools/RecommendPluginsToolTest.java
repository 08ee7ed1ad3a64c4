package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.cli.Main;
import dev.metaorch.config.Settings;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** recommend_plugins over the real catalog snapshots: handler, CLI batch, and the server over stdio. */
class RecommendPluginsToolTest {

    static Path shared() {
        return Paths.get(System.getProperty("shared.dir", "../shared"));
    }

    static RecommendPluginsTool tool(Path home) {
        Services s = new Services(Settings.load(home, Map.of()), CatalogSources.snapshots(shared().resolve("catalog")));
        s.markReady();
        return (RecommendPluginsTool) Tools.byName(s, RecommendPluginsTool.NAME);
    }

    @Test
    @SuppressWarnings("unchecked")
    void answersInTheContractShape(@TempDir Path home) {
        ToolResult r = tool(home).call(Map.of("task", "review my pull request for bugs", "limit", 3), ToolContext.NONE);
        assertFalse(r.error());
        Map<String, Object> s = r.structured();
        assertEquals("review my pull request for bugs", s.get("query"));
        List<Map<String, Object>> results = (List<Map<String, Object>>) s.get("results");
        assertEquals(3, results.size());
        double last = Double.MAX_VALUE;
        for (Map<String, Object> x : results) {
            assertTrue(((String) x.get("plugin_id")).contains("@"));
            double score = ((Number) x.get("score")).doubleValue();
            assertTrue(score <= last);
            last = score;
            Map<String, Object> parts = (Map<String, Object>) x.get("score_parts");
            assertEquals(List.of("relevance", "evidence", "usage", "recency"), List.copyOf(parts.keySet()));
            assertEquals(0.5, ((Number) parts.get("evidence")).doubleValue(), 1e-9);
            assertFalse(((String) x.get("reason")).isBlank());
            assertTrue(x.get("installed") instanceof Boolean);
            assertTrue(x.get("collisions") instanceof List);
            for (Map<String, Object> c : (List<Map<String, Object>>) x.get("components")) {
                assertTrue(List.of("agent", "command", "skill", "mcp", "hook", "lsp").contains(c.get("kind")));
                assertFalse(((String) c.get("invoke")).isBlank());
            }
        }
        assertEquals(1.0, ((Number) ((Map<String, Object>) results.get(0).get("score_parts")).get("relevance")).doubleValue());
        assertTrue(r.text().startsWith("1. **"));
    }

    @Test
    void installedOnlyWithNothingInstalledSaysSoInsteadOfBlamingTheWords(@TempDir Path home) {
        RecommendPluginsTool t = tool(home);
        ToolResult r = t.call(Map.of("task", "review my pull request for bugs", "installed_only", true), ToolContext.NONE);
        assertFalse(r.error());
        assertTrue(r.text().startsWith("No plugin of the loaded marketplaces is installed"), r.text());
        assertFalse(r.text().contains("matches"), r.text());
        // without the filter the same words find plugins
        assertFalse(t.call(Map.of("task", "review my pull request for bugs"), ToolContext.NONE).text().startsWith("No plugin"));
    }

    @Test
    void definitionIsPinned() throws Exception {
        ToolTests.assertDefinitionPinned(new RecommendPluginsTool(null, null, null, null), true);
    }

    @Test
    void badArgumentsAreClearErrors(@TempDir Path home) {
        RecommendPluginsTool t = tool(home);
        assertError(t, Map.of("task", "x", "limit", 0), "'limit' must be between 1 and 100");
        assertError(t, Map.of("task", "x", "limit", 101), "'limit' must be between 1 and 100");
        assertError(t, Map.of("task", "   "), "'task' must not be empty");
        assertError(t, Map.of(), "'task' is required");
        assertError(t, Map.of("task", "x", "colour", "red"), "unknown argument 'colour'");
        assertError(t, Map.of("task", "x", "marketplaces", List.of("nowhere")), "unknown marketplace 'nowhere'");
        assertError(t, Map.of("task", "x", "marketplaces", List.of("nowhere")), "claude-code-workflows");
        assertError(t, Map.of("task", "x", "categories", List.of("no-such-category")), "unknown category");
        assertError(t, Map.of("task", "x", "min_success_rate", 2), "'min_success_rate' must be between 0.0 and 1.0");
        assertError(t, Map.of("task", "x", "categories", "testing"), "'categories' must be a list of strings");
        assertError(t, Map.of("task", "x", "installed_only", 1), "'installed_only' must be true or false");
        assertError(t, Map.of("task", "x".repeat(4001)), "'task' is too long (4001 characters, at most 4000)");
    }

    static void assertError(RecommendPluginsTool t, Map<String, Object> args, String part) {
        Refusal e = assertThrows(Refusal.class, () -> t.call(args, ToolContext.NONE));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void marketplaceFilterOnTheRealCatalog(@TempDir Path home) {
        ToolResult r = tool(home).call(Map.of("task", "kubernetes deployment", "marketplaces",
                List.of("claude-code-workflows"), "limit", 20), ToolContext.NONE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) r.structured().get("results");
        assertFalse(results.isEmpty());
        assertTrue(results.stream().allMatch(x -> ((String) x.get("plugin_id")).endsWith("@claude-code-workflows")));
    }

    @Test
    void batchAnswersEveryLineInOrder(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("q.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\": \"a\", \"query\": \"security audit of my web app\"}",
                "{not json",
                "{\"id\": 7, \"query\": \"\"}",
                "{\"id\": \"b\", \"query\": \"write terraform for a vpc\"}") + "\n");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"recommend", "--batch", file.toString(), "--json", "--limit", "2",
                "--catalog", shared().resolve("catalog").toString(), "--home", tmp.resolve("home").toString()},
                new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(0, code);
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), lines.toString());
        JsonNode a = Json.MAPPER.readTree(lines.get(0));
        assertEquals("a", a.get("id").asString());
        assertEquals(2, a.get("results").size());
        JsonNode bad = Json.MAPPER.readTree(lines.get(1));
        assertEquals(2, bad.get("id").asInt(), "without an id the line number stands for it");
        assertTrue(bad.get("error").asString().contains("must be a JSON object"), bad.toString());
        JsonNode empty = Json.MAPPER.readTree(lines.get(2));
        assertEquals(7, empty.get("id").asInt());
        assertTrue(empty.get("error").asString().contains("must not be empty"));
        assertEquals("b", Json.MAPPER.readTree(lines.get(3)).get("id").asString());
    }

    @Test
    void endToEndOverStdio(@TempDir Path home) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.metaorch.cli.Main",
                "serve", "--catalog", shared().resolve("catalog").toString(), "--home", home.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            send(in, Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of(
                    "protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "test", "version", "1"))));
            assertTrue(await(lines, 1).has("result"));
            send(in, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
            send(in, Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params", Map.of(
                    "name", "recommend_plugins", "arguments", Map.of("task", "create hooks for mistakes", "limit", 5))));
            JsonNode ok = await(lines, 2).get("result");
            assertFalse(ok.path("isError").asBoolean(false), ok.toString());
            JsonNode results = ok.get("structuredContent").get("results");
            assertEquals(5, results.size());
            assertTrue(results.get(0).get("plugin_id").asString().startsWith("hookify@"), results.toString());
            send(in, Map.of("jsonrpc", "2.0", "id", 3, "method", "tools/call", "params", Map.of(
                    "name", "recommend_plugins", "arguments", Map.of("task", "x", "limit", 0))));
            JsonNode bad = await(lines, 3).get("result");
            assertTrue(bad.get("isError").asBoolean(), bad.toString());
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "server did not exit after stdin closed");
    }

    static void send(OutputStream in, Map<String, Object> msg) throws Exception {
        in.write((Json.write(new HashMap<>(msg)) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    static JsonNode await(BlockingQueue<String> lines, int id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l == null) {
                continue;
            }
            JsonNode n = Json.MAPPER.readTree(l);
            if (n.has("id") && n.get("id").asInt() == id && !n.has("method")) {
                return n;
            }
        }
        throw new AssertionError("no response to request " + id);
    }
}
