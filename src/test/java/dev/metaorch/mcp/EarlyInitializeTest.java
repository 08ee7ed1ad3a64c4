package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * initialize is answered by the transport before the server is built, with exactly the answer the SDK's
 * server gives (checked on every start: the server's own answer is compared and dropped), and the requests
 * after it wait for the server.
 */
class EarlyInitializeTest {

    @TempDir
    Path home;

    /** One client connection: what it writes goes to the transport, what the transport writes is read back as lines. */
    static final class Pipe implements AutoCloseable {
        final PipedOutputStream toServer = new PipedOutputStream();
        final PipedInputStream serverIn;
        final PipedOutputStream serverOut = new PipedOutputStream();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

        Pipe() throws IOException {
            serverIn = new PipedInputStream(toServer, 1 << 20);
            PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void send(String json) throws IOException {
            toServer.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        }

        JsonNode next(long seconds) throws InterruptedException {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            return line == null ? null : Json.MAPPER.readTree(line);
        }

        @Override
        public void close() throws IOException {
            toServer.close();
        }
    }

    static String initialize(int id, String version) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    }

    private Services services() {
        return Main.services(Options.parse("serve", "--home", home.toString(), "--catalog",
                Path.of(System.getProperty("shared.dir", "../shared"), "catalog").toString()), Map.of());
    }

    private Thread serveInBackground(Services services, StdioTransport transport) {
        Thread t = new Thread(() -> {
            try {
                Server.serve(services, transport);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void answeredBeforeTheServerIsBuiltAndIdenticalToTheServersAnswer() throws Exception {
        for (String[] c : new String[][] {{"2025-06-18", "2025-06-18"}, {"2024-11-05", "2024-11-05"}, {"1999-01-01", "2025-11-25"}}) {
            try (Pipe pipe = new Pipe()) {
                StdioTransport transport = Server.openStdio(pipe.serverIn, pipe.serverOut).join();
                pipe.send(initialize(1, c[0]));
                JsonNode early = pipe.next(30);
                // no server was built yet: this answer came from the transport alone
                assertEquals(1, early.get("id").asInt(), early.toString());
                JsonNode result = early.get("result");
                assertEquals(c[1], result.get("protocolVersion").asString(), early.toString());
                assertEquals(Server.NAME, result.get("serverInfo").get("name").asString());
                assertTrue(result.get("capabilities").has("tools"));
                assertEquals(Server.INSTRUCTIONS, result.get("instructions").asString());

                pipe.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                pipe.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}");
                assertNull(pipe.next(1), "tools/list waits for the server");
                try (Services services = services()) {
                    serveInBackground(services, transport);
                    JsonNode tools = pipe.next(60);
                    assertEquals(2, tools.get("id").asInt(), tools.toString());
                    assertEquals(Tools.all(services).size(), tools.get("result").get("tools").size());
                    assertTrue(transport.initializeAnswered().get(30, TimeUnit.SECONDS) == null);
                    assertEquals(0, transport.earlyAnswerMismatches(), "the server's own answer matched the early one");
                    long initAnswers = pipe.all.stream().filter(l -> Json.MAPPER.readTree(l).path("id").asInt(-1) == 1).count();
                    assertEquals(1, initAnswers, "one answer to initialize on the wire: " + pipe.all);
                }
            }
        }
    }

    @Test
    void anEarlyAnswerThatDiffersFromTheServersIsDetected() throws Exception {
        try (Pipe pipe = new Pipe()) {
            StdioTransport transport = Server.openStdio(pipe.serverIn, pipe.serverOut).join();
            // a deliberately wrong early answer: another protocol version than the server would choose
            transport.answerInitializeEarly(v -> Server.initializeResult("2024-11-05", List.of("2024-11-05")));
            pipe.send(initialize(3, "2025-06-18"));
            assertEquals("2024-11-05", pipe.next(30).get("result").get("protocolVersion").asString());
            try (Services services = services()) {
                serveInBackground(services, transport);
                transport.initializeAnswered().get(60, TimeUnit.SECONDS);
                assertEquals(1, transport.earlyAnswerMismatches());
            }
        }
    }

    @Test
    void anIncompleteInitializeIsLeftToTheServer() throws Exception {
        try (Pipe pipe = new Pipe()) {
            StdioTransport transport = Server.openStdio(pipe.serverIn, pipe.serverOut).join();
            pipe.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}");
            assertNull(pipe.next(1), "no early answer without protocolVersion and clientInfo");
            try (Services services = services()) {
                serveInBackground(services, transport);
                JsonNode answer = pipe.next(60);
                assertEquals(7, answer.get("id").asInt(), answer.toString());
                assertEquals(0, transport.earlyAnswerMismatches());
            }
        }
    }
}
