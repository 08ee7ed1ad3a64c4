package dev.metaorch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * A spawned MCP server spoken to with raw JSON-RPC lines, for benchmarks that must send malformed
 * input and measure the real process (latency, memory, survival). Responses are collected by id;
 * notifications and id-less lines are counted.
 */
public final class StdioProcess implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;
    private final Map<String, JsonNode> responses = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> arrivals = new LinkedBlockingQueue<>();
    private final AtomicLong nullIdErrors = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong nonJsonLines = new AtomicLong();
    private final Thread reader;
    private final OutputStream stdoutCopy;

    public StdioProcess(List<String> command, Path stderrLog, Map<String, String> env) throws IOException {
        this(command, stderrLog, env, null);
    }

    /** As above; every stdout line is also appended verbatim to {@code stdoutLog} when given. */
    public StdioProcess(List<String> command, Path stderrLog, Map<String, String> env, Path stdoutLog) throws IOException {
        this.stdoutCopy = stdoutLog == null ? null : Files.newOutputStream(stdoutLog,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(stderrLog == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        if (env != null) {
            // a null value removes the variable, so a child never inherits e.g. NEO4J_* by accident
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
        }
        this.process = pb.start();
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::read, "stdio-process-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The command that runs this build's server: the shaded jar when present, else this JVM's classpath. */
    public static List<String> serverCommand(Path jar, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java);
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning:stderr");
        if (jar != null && Files.isRegularFile(jar)) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("dev.metaorch.cli.Main");
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (stdoutCopy != null) {
                    stdoutCopy.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (RuntimeException e) {
                    nonJsonLines.incrementAndGet();
                    continue;
                }
                if (n.has("id") && !n.get("id").isNull() && (n.has("result") || n.has("error"))) {
                    responses.put(key(n.get("id")), n);
                    arrivals.add(n);
                } else if (n.has("method")) {
                    notifications.incrementAndGet();
                    arrivals.add(n);
                } else if (n.has("error")) {
                    nullIdErrors.incrementAndGet();
                } else {
                    nonJsonLines.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // process ended
        } finally {
            if (stdoutCopy != null) {
                try {
                    stdoutCopy.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }

    static String key(JsonNode id) {
        return id.isString() ? "s:" + id.asString() : "n:" + id.asString();
    }

    public static String key(Object id) {
        return id instanceof String s ? "s:" + s : "n:" + id;
    }

    public void sendLine(String line) throws IOException {
        sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public synchronized void sendBytes(byte[] bytes) throws IOException {
        stdin.write(bytes);
        stdin.flush();
    }

    public void send(Object message) throws IOException {
        sendLine(Json.write(message));
    }

    /** Waits for the response with this id. */
    public JsonNode await(Object id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String k = key(id);
        while (System.nanoTime() < deadline) {
            JsonNode n = responses.get(k);
            if (n != null) {
                return n;
            }
            if (!process.isAlive() && responses.get(k) == null) {
                Thread.sleep(20);
                return responses.get(k);
            }
            arrivals.poll(20, TimeUnit.MILLISECONDS);
        }
        return responses.get(k);
    }

    public JsonNode request(Object id, String method, Object params, Duration timeout) throws IOException, InterruptedException {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        send(m);
        return await(id, timeout);
    }

    public JsonNode initialize(Duration timeout) throws IOException, InterruptedException {
        JsonNode r = request("init", "initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "meta-orchestrator-bench", "version", "1")), timeout);
        send(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        return r;
    }

    public boolean hasResponse(Object id) {
        return responses.containsKey(key(id));
    }

    public long nullIdErrors() {
        return nullIdErrors.get();
    }

    public long notifications() {
        return notifications.get();
    }

    public long nonJsonLines() {
        return nonJsonLines.get();
    }

    public Process process() {
        return process;
    }

    /** Peak resident set size in KiB from /proc (VmHWM), or -1 where unavailable. */
    public long peakRssKib() {
        return procStatus(process.pid(), "VmHWM:");
    }

    public static long procStatus(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Closes stdin and waits for the process to exit; kills it after the timeout. Returns whether it exited in time. */
    public boolean closeAndWait(Duration timeout) throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return exited;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            closeAndWait(Duration.ofSeconds(3));
        }
    }
}
