package dev.metaorch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * A minimal JSON-RPC client over a child process's stdio, for end-to-end tests of the server: it writes raw
 * lines (so malformed input can be sent), records every stdout line (so a test can check that nothing but
 * JSON-RPC was written) and collects stderr to a file for diagnostics.
 *
 * <pre>{@code
 * try (JsonRpcStdioClient c = JsonRpcStdioClient.start(JsonRpcStdioClient.jarCommand(jar, "serve", "--catalog", dir))) {
 *     c.initialize();
 *     JsonNode r = c.callTool("catalog_status", Map.of());
 * }
 * }</pre>
 */
public final class JsonRpcStdioClient implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final List<String> rawLines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notJson = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong(1000);
    private final Path stderr;
    private final Thread reader;

    private JsonRpcStdioClient(Process process, Path stderr) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stderr = stderr;
        this.reader = new Thread(this::readLoop, "jsonrpc-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java -Xlog:disable -Xlog:all=warning:stderr -jar JAR args...} with the running JVM's java. */
    public static List<String> jarCommand(Path jar, String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xlog:disable", "-Xlog:all=warning:stderr", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The server from the test classpath: {@code java -cp <classpath> dev.metaorch.cli.Main args...}. */
    public static List<String> classpathCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xlog:disable", "-Xlog:all=warning:stderr", "-cp",
                System.getProperty("java.class.path"), "dev.metaorch.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static JsonRpcStdioClient start(List<String> command) {
        return start(command, Map.of());
    }

    /** Starts the command with extra environment variables; stderr goes to a temporary file. */
    public static JsonRpcStdioClient start(List<String> command, Map<String, String> env) {
        try {
            Path err = Files.createTempFile("metaorch-server-", ".stderr");
            err.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new JsonRpcStdioClient(pb.start(), err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                rawLines.add(line);
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if (n != null && n.isObject() && n.path("jsonrpc").asString("").equals("2.0")) {
                        messages.add(n);
                    } else {
                        notJson.add(line);
                    }
                } catch (RuntimeException e) {
                    notJson.add(line);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    /** Writes one line as is (a newline is appended). */
    public void sendRaw(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long nextId() {
        return ids.incrementAndGet();
    }

    /** Sends a request and waits for the response with its id (notifications before it are kept). */
    public JsonNode request(String method, Object params) {
        return request(method, params, DEFAULT_TIMEOUT);
    }

    public JsonNode request(String method, Object params, Duration timeout) {
        long id = nextId();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        sendRaw(Json.write(m));
        return awaitResponse(id, timeout);
    }

    public void notify(String method, Object params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        sendRaw(Json.write(m));
    }

    /** Waits for a response whose id equals {@code id} (a number, string, or null for id-less errors). */
    public JsonNode awaitResponse(Object id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> skipped = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode n = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
                if (n == null) {
                    messages.addAll(skipped);
                    throw new AssertionError("no response with id " + id + " within " + timeout + "; stderr:\n" + stderr());
                }
                if ((n.has("result") || n.has("error")) && idMatches(n.get("id"), id)) {
                    messages.addAll(skipped);
                    return n;
                }
                skipped.add(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static boolean idMatches(JsonNode got, Object want) {
        if (want == null) {
            return got == null || got.isNull();
        }
        if (got == null || got.isNull()) {
            return false;
        }
        if (want instanceof Number n) {
            return got.isNumber() && got.asLong() == n.longValue();
        }
        return got.isString() && got.asString().equals(want.toString());
    }

    /** {@code initialize} then {@code notifications/initialized}; returns the initialize result. */
    public JsonNode initialize() {
        JsonNode r = request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "metaorch-tests", "version", "1")));
        if (r.has("error")) {
            throw new AssertionError("initialize failed: " + r);
        }
        notify("notifications/initialized", null);
        return r.get("result");
    }

    /** {@code tools/call}; returns the whole response (result or error). */
    public JsonNode callTool(String name, Map<String, Object> arguments) {
        return request("tools/call", Map.of("name", name, "arguments", arguments));
    }

    /** Closes stdin: the server must then exit on its own. */
    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Waits for the process to exit; true when it did within the timeout. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Process process() {
        return process;
    }

    /** Every stdout line so far, in order. */
    public List<String> stdoutLines() {
        synchronized (rawLines) {
            return List.copyOf(rawLines);
        }
    }

    /** stdout lines that were not JSON-RPC messages (should stay empty). */
    public List<String> nonProtocolLines() {
        synchronized (notJson) {
            return List.copyOf(notJson);
        }
    }

    public String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        closeStdin();
        if (!awaitExit(Duration.ofSeconds(5))) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(5));
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
