package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 9, server side: initialize never waits for the catalog, and a tool call sent right behind initialize
 * (before the catalog has loaded) waits for it and answers correctly, with a progress notification when the
 * client sent a token. The catalog here is the real snapshot copied into many marketplaces, so loading it takes
 * seconds and the call surely arrives before warm-up is done.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastStartTest {

    static final int COPIES = 3;

    @TempDir
    Path tmp;
    Path slowCatalog;
    int expectedPlugins;

    @BeforeAll
    void slowCatalog() throws IOException {
        slowCatalog = Files.createTempDirectory("mo-slow-catalog").resolve("slow.jsonl");
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(TestServers.shared(), "catalog"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList());
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (BufferedWriter w = Files.newBufferedWriter(slowCatalog, StandardCharsets.UTF_8)) {
            for (int k = 0; k < COPIES; k++) {
                for (String line : lines) {
                    ObjectNode n = (ObjectNode) Json.MAPPER.readTree(line);
                    String mp = n.get("marketplace").asString() + "-copy" + k;
                    n.put("marketplace", mp);
                    n.put("plugin_id", n.get("plugin").asString() + "@" + mp);
                    ids.add(n.get("plugin_id").asString());
                    w.write(n.toString());
                    w.newLine();
                }
            }
        }
        expectedPlugins = ids.size();
    }

    private StdioProcess start(Path home) throws IOException {
        Files.createDirectories(home);
        return TestServers.serve(home, List.of("--catalog", slowCatalog.toString()), tmp.resolve("stderr-" + home.getFileName() + ".log"));
    }

    @Test
    void toolCallRightBehindInitializeWaitsWithProgressAndAnswers() throws Exception {
        try (StdioProcess server = start(tmp.resolve("progress"))) {
            // Sent as one burst: the client does not wait for anything.
            long init = server.sendRequest("initialize", StdioProcess.initializeParams("test"));
            server.notify("notifications/initialized", null);
            long call = server.sendRequest("tools/call", Map.of("name", "catalog_status",
                    "arguments", Map.of("include_warnings", false), "_meta", Map.of("progressToken", "tok-1")));
            JsonNode initAnswer = server.awaitResponse(init, Duration.ofSeconds(60));
            assertTrue(initAnswer.has("result"), initAnswer.toString());
            JsonNode answer = server.awaitResponse(call, Duration.ofSeconds(120));
            JsonNode result = answer.get("result");
            assertFalse(result.path("isError").asBoolean(false), answer.toString());
            assertEquals(expectedPlugins, result.get("structuredContent").get("total_plugins").asInt());
            List<JsonNode> progress = server.notificationMessages().stream()
                    .filter(n -> n.get("method").asString().equals("notifications/progress")).toList();
            assertFalse(progress.isEmpty(), "a progress notification before the answer; got " + server.notificationMessages());
            assertEquals("tok-1", progress.get(0).get("params").get("progressToken").asString());
            assertTrue(progress.get(0).get("params").get("message").asString().contains("catalog"), progress.toString());
            // Order on the wire: initialize answer, progress, then the tool's answer.
            List<String> lines = server.stdoutLines();
            int iInit = indexOf(lines, "\"id\":" + init), iProg = indexOf(lines, "notifications/progress"),
                    iCall = indexOf(lines, "\"id\":" + call);
            assertTrue(iInit < iProg && iProg < iCall, lines.toString());
        }
    }

    @Test
    void withoutATokenTheCallStillWaitsAndAnswersWithoutProgress() throws Exception {
        try (StdioProcess server = start(tmp.resolve("plain"))) {
            long init = server.sendRequest("initialize", StdioProcess.initializeParams("test"));
            server.notify("notifications/initialized", null);
            long call = server.sendRequest("tools/call", Map.of("name", "catalog_status", "arguments", Map.of()));
            assertTrue(server.awaitResponse(init, Duration.ofSeconds(60)).has("result"));
            JsonNode answer = server.awaitResponse(call, Duration.ofSeconds(120));
            assertFalse(answer.get("result").path("isError").asBoolean(false), answer.toString());
            assertEquals(expectedPlugins, answer.get("result").get("structuredContent").get("total_plugins").asInt());
            assertTrue(server.notificationMessages().stream().noneMatch(n -> n.get("method").asString().equals("notifications/progress")),
                    server.notificationMessages().toString());
            for (String line : server.stdoutLines()) {
                assertEquals("2.0", Json.MAPPER.readTree(line).get("jsonrpc").asString(), line);
            }
        }
    }

    /** Libraries that take hundreds of milliseconds to load or start, and must stay off the path to initialize. */
    static final List<String> HEAVY = List.of("org.apache.lucene.", "org.neo4j.", "ai.onnxruntime.", "dev.langchain4j.",
            "dev.metaorch.catalog.SnapshotLoader", "dev.metaorch.catalog.MarketplaceFolderLoader", "dev.metaorch.catalog.ClaudeStateLoader");

    @Test
    void nothingHeavyLoadsBeforeInitializeIsAnswered() throws Exception {
        Path home = tmp.resolve("classes");
        Files.createDirectories(home);
        Path log = tmp.resolve("class-load.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"),
                "dev.metaorch.cli.Main", "serve", "--home", home.toString(), "--catalog", slowCatalog.toString());
        try (StdioProcess server = TestServers.start(cmd, Map.of(), tmp.resolve("stderr-classes.log"))) {
            long init = server.sendRequest("initialize", StdioProcess.initializeParams("test"));
            assertTrue(server.awaitResponse(init, Duration.ofSeconds(60)).has("result"));
            // Read at once: warm-up starts only after the answer is written, and its first minutes go to the catalog.
            List<String> loaded = Files.readAllLines(log);
            assertTrue(loaded.stream().anyMatch(l -> l.contains("dev.metaorch.mcp.StdioTransport ")),
                    "the log is current (" + loaded.size() + " lines)");
            List<String> heavy = loaded.stream().filter(l -> HEAVY.stream().anyMatch(h -> l.contains("] " + h))).toList();
            System.out.printf("classes loaded before the initialize answer: %d%n", loaded.size());
            assertTrue(heavy.isEmpty(), "loaded before initialize was answered: " + heavy.stream().limit(10).toList());
        }
    }

    @Test
    void theNextServerOverTheSameCatalogOpensTheIndexTheFirstOneKept() throws Exception {
        Path home = tmp.resolve("kept");
        Map<String, Object> call = Map.of("name", "recommend_plugins", "arguments", Map.of("task", "review my pull request for security issues"));
        JsonNode first;
        try (StdioProcess server = start(home)) {
            server.handshake("test", TestServers.ANSWER_TIMEOUT);
            first = server.awaitResponse(server.sendRequest("tools/call", call), Duration.ofSeconds(180)).get("result");
            assertFalse(first.path("isError").asBoolean(false), first.toString());
            // the index is written in the background after the build; wait for it while the server runs
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (indexFiles(home).isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        }
        List<Path> kept = indexFiles(home);
        assertEquals(1, kept.size(), "the first server kept its index: " + kept);
        Object fileKey = Files.readAttributes(kept.get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        try (StdioProcess server = start(home)) {
            server.handshake("test", TestServers.ANSWER_TIMEOUT);
            JsonNode second = server.awaitResponse(server.sendRequest("tools/call", call), Duration.ofSeconds(180)).get("result");
            assertEquals(first.get("structuredContent").get("results"), second.get("structuredContent").get("results"));
            assertFalse(first.get("structuredContent").get("results").isEmpty());
        }
        assertEquals(kept, indexFiles(home));
        assertEquals(fileKey, Files.readAttributes(kept.get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the same file (inode): opened, not rebuilt and written again");
        assertTrue(Files.readString(tmp.resolve("stderr-kept.log")).lines().noneMatch(l -> l.contains("unusable")));
    }

    private static List<Path> indexFiles(Path home) throws IOException {
        Path dir = home.resolve("cache").resolve("index");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".idx")).toList();
        }
    }

    private static int indexOf(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").contains(needle)) {
                return i;
            }
        }
        return -1;
    }
}
