package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metaorch.Services;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password never shows (auth failures, refused connections, a URI carrying credentials), and a Neo4j
 * that accepts connections but never answers costs a tool call no more than the bound.
 */
@Tag("neo4j")
class SecretsAndBoundsTest {

    static final String SECRET = "pw-Sup3r-S3cret-7e1b";
    static final long BOUND_MS = 2500;

    @TempDir
    Path tmp;

    /** Runs tools and writes against a configuration and returns everything they showed: results, logs, files. */
    private String exercise(Neo4jSettings settings, Path home) throws Exception {
        StringBuilder seen = new StringBuilder();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Services s = Fixtures.services(home, settings)) {
            s.markReady();
            s.catalog(); // loaded before the first call, as serve's warm-up does: the bound is about Neo4j
            seen.append(settings).append('\n');
            try {
                s.graph().tick();
            } catch (RuntimeException e) {
                seen.append(e).append('\n');
            }
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                ToolResult r = Tools.byName(s, "known_issues").call(Map.of("plugin", "code-review@claude-code-plugins"), ToolContext.NONE);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < BOUND_MS, "known_issues took " + ms + " ms");
                assertEquals("unavailable", r.structured().get("neo4j"), r.text());
                seen.append(r.text()).append(Json.write(r.structured()));
                t0 = System.nanoTime();
                r = Tools.byName(s, "find_alternatives").call(Map.of("plugin", "code-review@claude-code-plugins"), ToolContext.NONE);
                ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < BOUND_MS, "find_alternatives took " + ms + " ms");
                assertEquals("file", r.structured().get("source"));
                seen.append(r.text()).append(Json.write(r.structured()));
                t0 = System.nanoTime();
                assertEquals(GraphService.WriteResult.OUTBOX, s.graph().submit(GraphWrite.outcome(
                        Fixtures.outcome("secret-" + i, null, true, 0, null, "code-review@claude-code-plugins"))));
                ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < BOUND_MS, "write took " + ms + " ms");
                try {
                    s.graph().store().counts();
                } catch (GraphException e) {
                    seen.append(e.getMessage()).append('\n');
                }
            }
            seen.append(s.graph().client().lastError());
            try (Stream<Path> files = Files.walk(home)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    seen.append(Files.readString(f));
                }
            }
        } finally {
            System.setErr(err);
        }
        seen.append(captured.toString(StandardCharsets.UTF_8));
        return seen.toString();
    }

    @Test
    void authFailureNeverShowsThePassword() throws Exception {
        try (TestNeo4j neo4j = new TestNeo4j(Files.createTempDirectory("neo4j-auth"), true)) {
            neo4j.start();
            String seen = exercise(new Neo4jSettings(neo4j.uri(), "neo4j", SECRET, null), tmp.resolve("auth"));
            assertTrue(seen.contains("Neo4j"), seen);
            assertTrue(seen.toLowerCase().contains("auth") || seen.toLowerCase().contains("unauthorized"),
                    "the reason is given: " + seen);
            assertFalse(seen.contains(SECRET), "password leaked:\n" + seen);
        }
    }

    @Test
    void refusedConnectionAndCredentialsInTheUriNeverShowThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String seen = exercise(new Neo4jSettings("bolt://127.0.0.1:" + port, "neo4j", SECRET, null), tmp.resolve("refused"));
        assertFalse(seen.contains(SECRET), "password leaked:\n" + seen);
        seen = exercise(new Neo4jSettings("bolt://neo4j:" + SECRET + "@127.0.0.1:" + port, "neo4j", SECRET, null), tmp.resolve("userinfo"));
        assertFalse(seen.contains(SECRET), "password leaked:\n" + seen);
        seen = exercise(new Neo4jSettings("not a uri " + SECRET, "neo4j", SECRET, "neo4j"), tmp.resolve("garbage"));
        assertFalse(seen.contains(SECRET), "password leaked:\n" + seen);
    }

    @Test
    void aHungNeo4jCostsNoMoreThanTheBound() throws Exception {
        // Accepts TCP connections and never says a word: the Bolt handshake hangs.
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String seen = exercise(new Neo4jSettings("bolt://127.0.0.1:" + silent.getLocalPort(), "neo4j", SECRET, null),
                    tmp.resolve("hung"));
            assertFalse(seen.contains(SECRET), "password leaked:\n" + seen);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
