package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * End to end over stdio against the shaded jar built in {@code package} (run by failsafe in
 * {@code integration-test}): the protocol, malformed input, and shutdown when stdin closes.
 */
class StdioServerIT {

    static final Duration ANSWER = TestServers.ANSWER_TIMEOUT;

    static Path jar() {
        Path jar = Path.of(System.getProperty("meta.jar", "target/meta-orchestrator.jar"));
        assertTrue(Files.isRegularFile(jar), "build the jar first (mvn package): " + jar.toAbsolutePath());
        return jar;
    }

    static Map<String, String> isolatedEnv(Path tmp) {
        return Map.of("HOME", tmp.resolve("home").toString(), "META_ORCH_HOME", tmp.resolve("data").toString());
    }

    @Test
    void realJarAnswersMalformedInputAndExitsWhenStdinCloses(@TempDir Path tmp) throws Exception {
        List<String> cmd = StdioProcess.serverCommand(jar(), "serve", "--catalog", MarketplaceFixtures.catalogDir().toString());
        try (StdioProcess c = TestServers.start(cmd, isolatedEnv(tmp), tmp.resolve("stderr.log"))) {
            JsonNode init = c.handshake("metaorch-tests", ANSWER);
            assertEquals(Server.NAME, init.path("serverInfo").path("name").asString());
            assertTrue(init.path("capabilities").has("tools"));

            JsonNode tools = c.call("tools/list", Map.of(), ANSWER).path("result").path("tools");
            assertTrue(tools.isArray() && !tools.isEmpty());
            JsonNode status = null;
            for (JsonNode t : tools) {
                assertTrue(t.path("inputSchema").path("type").asString().equals("object"), t.toString());
                if (t.path("name").asString().equals("catalog_status")) {
                    status = t;
                }
            }
            assertTrue(status != null, "catalog_status listed");

            JsonNode r = c.callTool("catalog_status", Map.of(), ANSWER).path("result");
            assertFalse(r.path("isError").asBoolean(false), r.toString());
            assertEquals(696, r.path("structuredContent").path("total_plugins").asInt());
            assertEquals(5, r.path("structuredContent").path("marketplaces").size());
            assertTrue(r.path("content").get(0).path("text").asString().contains("claude-code-workflows"));

            // Not JSON: parse error with id null; the session goes on.
            // (A truncated line whose id was readable before the break gets that id echoed since c976759.)
            c.sendLine("this is not json {\"jsonrpc\": \"2.0\", ");
            JsonNode parse = c.awaitIdLessError(Duration.ofSeconds(20));
            assertEquals(-32700, parse.path("error").path("code").asInt(), parse.toString());
            assertTrue(parse.has("id") && parse.get("id").isNull(), parse.toString());

            // JSON with a usable id but not a valid request: -32600 with that id.
            c.sendLine("{\"jsonrpc\": \"2.0\", \"id\": 42, \"method\": 17}");
            JsonNode invalid = c.awaitResponse(42L, Duration.ofSeconds(20));
            assertEquals(-32600, invalid.path("error").path("code").asInt(), invalid.toString());
            c.sendLine("{\"jsonrpc\": \"1.0\", \"id\": \"abc\", \"method\": \"tools/list\"}");
            assertEquals(-32600, c.awaitResponse("abc", Duration.ofSeconds(20)).path("error").path("code").asInt());

            // Still answering.
            JsonNode again = c.callTool("catalog_status", Map.of("include_warnings", false), ANSWER).path("result");
            assertFalse(again.path("isError").asBoolean(false), again.toString());
            assertEquals(696, again.path("structuredContent").path("total_plugins").asInt());
            assertTrue(c.call("ping", Map.of(), ANSWER).has("result"));

            long t0 = System.nanoTime();
            c.closeStdin();
            assertTrue(c.awaitExit(Duration.ofSeconds(2)), "process still alive 2 s after stdin closed; stderr:\n" + c.stderr());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, c.process().exitValue(), c.stderr());
            System.err.println("server exited " + ms + " ms after stdin closed");

            assertEquals(List.of(), c.nonProtocolLines(), "stdout carries JSON-RPC only");
            for (String line : c.stdoutLines()) {
                JsonNode n = Json.MAPPER.readTree(line);
                assertEquals("2.0", n.path("jsonrpc").asString(), line);
            }
        }
    }

    @Test
    void serverSurvivesHostileMarketplaceFolders(@TempDir Path tmp) throws Exception {
        Path broken = MarketplaceFixtures.breakage(tmp.resolve("broken"));
        // a named folder that does not exist is a command-line error (CommandLineTest); one without a manifest a warning
        Files.createDirectories(tmp.resolve("no-manifest"));
        List<String> cmd = StdioProcess.serverCommand(jar(), "serve", "--marketplace", broken.toString(),
                "--marketplace", tmp.resolve("no-manifest").toString());
        try (StdioProcess c = TestServers.start(cmd, isolatedEnv(tmp), tmp.resolve("stderr.log"))) {
            c.handshake("metaorch-tests", ANSWER);
            JsonNode r = c.callTool("catalog_status", Map.of(), ANSWER).path("result");
            assertFalse(r.path("isError").asBoolean(false), r.toString());
            JsonNode sc = r.path("structuredContent");
            assertEquals(11, sc.path("total_plugins").asInt());
            assertTrue(sc.path("collisions").toString().contains("code-reviewer"), sc.toString());
            assertTrue(sc.path("marketplaces").toString().contains("no readable .claude-plugin/marketplace.json"), sc.toString());
            c.closeStdin();
            assertTrue(c.awaitExit(Duration.ofSeconds(2)), c.stderr());
            assertEquals(List.of(), c.nonProtocolLines());
        }
    }
}
