package dev.metaorch.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real server in a child JVM ({@code java -cp <test classpath> dev.metaorch.cli.Main serve ...}) spoken
 * to in JSON-RPC lines, as Claude Code does. Every stdout line is kept so tests can check that nothing
 * but JSON-RPC was written.
 */
final class ServerProcess implements AutoCloseable {

    final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final List<String> stdoutLines = Collections.synchronizedList(new ArrayList<>());
    final List<JsonNode> notifications = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong(100);

    private ServerProcess(Process p) {
        this.process = p;
        this.stdin = p.getOutputStream();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    stdoutLines.add(line);
                    try {
                        messages.add(Json.MAPPER.readTree(line));
                    } catch (RuntimeException e) {
                        // kept in stdoutLines; tests that check the channel see it
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "server-stdout");
        t.setDaemon(true);
        t.start();
    }

    static ServerProcess start(Path home, List<String> args, Path stderrFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.metaorch.cli.Main", "serve", "--home", home.toString()));
        cmd.addAll(args);
        return start(cmd, Map.of(), stderrFile);
    }

    static ServerProcess start(List<String> cmd, Map<String, String> env, Path stderrFile) throws IOException {
        return start(cmd, env, stderrFile, null);
    }

    /** With a working directory: where a crashing JVM would leave its hs_err file. */
    static ServerProcess start(List<String> cmd, Map<String, String> env, Path stderrFile, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()));
        return new ServerProcess(pb.start());
    }

    static String shared() {
        return System.getProperty("shared.dir", "../shared");
    }

    synchronized void send(Object message) throws IOException {
        stdin.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    long sendRequest(String method, Map<String, Object> params) throws IOException {
        long id = ids.incrementAndGet();
        send(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
        return id;
    }

    void notify(String method) throws IOException {
        send(Map.of("jsonrpc", "2.0", "method", method));
    }

    /** Waits for the response with this id; notifications seen meanwhile are kept. */
    JsonNode await(long id, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<JsonNode> other = new ArrayList<>();
        try {
            while (true) {
                long left = end - System.nanoTime();
                JsonNode m = left <= 0 ? null : messages.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (m == null && !process.isAlive() && messages.isEmpty()) {
                    Thread.sleep(200); // let the reader drain what the process wrote last
                    if (messages.isEmpty()) {
                        throw new AssertionError("server exited (status " + process.exitValue() + ") before answering request "
                                + id + "; stdout: " + stdoutLines);
                    }
                    continue;
                }
                if (m == null && left <= 0) {
                    throw new AssertionError("no response to request " + id + " within " + timeout + "; stdout so far: " + stdoutLines);
                }
                if (m == null) {
                    continue;
                }
                if (m.has("id") && !m.has("method") && m.get("id").asLong() == id) {
                    return m;
                }
                if (m.has("method") && !m.has("id")) {
                    notifications.add(m);
                } else {
                    other.add(m);
                }
            }
        } finally {
            messages.addAll(other);
        }
    }

    JsonNode request(String method, Map<String, Object> params) throws IOException, InterruptedException {
        return await(sendRequest(method, params), Duration.ofSeconds(60));
    }

    /** The result object; fails with the error when the server answered with one. */
    JsonNode result(String method, Map<String, Object> params) throws IOException, InterruptedException {
        JsonNode r = request(method, params);
        if (r.has("error")) {
            throw new AssertionError(method + " failed: " + r.get("error"));
        }
        return r.get("result");
    }

    static Map<String, Object> initializeParams() {
        return Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "test", "version", "1"));
    }

    JsonNode initialize() throws IOException, InterruptedException {
        JsonNode r = result("initialize", initializeParams());
        notify("notifications/initialized");
        return r;
    }

    static ObjectNode obj() {
        return Json.object();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
