package dev.metaorch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * A spawned MCP server spoken to with raw JSON-RPC lines, for benchmarks that must send malformed
 * input and measure the real process (latency, memory, survival), and for the end-to-end tests, which
 * talk to the server as Claude Code does. The one place that writes, reads and parses those lines:
 * responses are collected by id; notifications, id-less errors and every stdout line are kept so a test
 * can check progress and log messages and that nothing but JSON-RPC was written.
 */
public final class StdioProcess implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;
    private final Map<String, JsonNode> responses = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> arrivals = new LinkedBlockingQueue<>();
    private final AtomicLong nullIdErrors = new AtomicLong();
    private final List<String> stdoutLines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> nonProtocolLines = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> notificationMessages = new CopyOnWriteArrayList<>();
    private final List<JsonNode> idLessErrors = new CopyOnWriteArrayList<>();
    private final AtomicLong idLessErrorsTaken = new AtomicLong();
    /** Ids for requests the caller does not name; far above the small numbers tests send by hand. */
    private final AtomicLong nextId = new AtomicLong(1000);
    private final Thread reader;
    private final OutputStream stdoutCopy;
    private final Path stderrLog;

    /**
     * How to start the server. {@code env} entries are added to the inherited environment (a null value removes
     * one); stderr is appended to {@code stderrLog} (discarded when null); every stdout line is also appended to
     * {@code stdoutLog} when given; {@code workDir} is where a crashing JVM would leave its hs_err file.
     */
    public record Launch(List<String> command, Map<String, String> env, Path stderrLog, Path stdoutLog, Path workDir) {

        public Launch(List<String> command) {
            this(command, null, null, null, null);
        }

        public Launch env(Map<String, String> e) {
            return new Launch(command, e, stderrLog, stdoutLog, workDir);
        }

        public Launch stderrTo(Path log) {
            return new Launch(command, env, log, stdoutLog, workDir);
        }

        public Launch in(Path dir) {
            return new Launch(command, env, stderrLog, stdoutLog, dir);
        }
    }

    public StdioProcess(List<String> command, Path stderrLog, Map<String, String> env) throws IOException {
        this(command, stderrLog, env, null);
    }

    /** As above; every stdout line is also appended verbatim to {@code stdoutLog} when given. */
    public StdioProcess(List<String> command, Path stderrLog, Map<String, String> env, Path stdoutLog) throws IOException {
        this(new Launch(command, env, stderrLog, stdoutLog, null));
    }

    public StdioProcess(Launch launch) throws IOException {
        Path stdoutLog = launch.stdoutLog();
        this.stderrLog = launch.stderrLog();
        Map<String, String> env = launch.env();
        this.stdoutCopy = stdoutLog == null ? null : Files.newOutputStream(stdoutLog,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(launch.command());
        if (launch.workDir() != null) {
            pb.directory(launch.workDir().toFile());
        }
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
                stdoutLines.add(line);
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (RuntimeException e) {
                    n = null;
                }
                if (n == null || !n.isObject()) {
                    nonProtocolLines.add(line);
                    continue;
                }
                if (!"2.0".equals(n.path("jsonrpc").asString(""))) {
                    nonProtocolLines.add(line);
                }
                if (n.has("id") && !n.get("id").isNull() && (n.has("result") || n.has("error"))) {
                    responses.put(key(n.get("id")), n);
                    arrivals.add(n);
                } else if (n.has("method")) {
                    if (!n.has("id")) {
                        notificationMessages.add(n);
                    }
                    arrivals.add(n);
                } else if (n.has("error")) {
                    nullIdErrors.incrementAndGet();
                    idLessErrors.add(n);
                    arrivals.add(n);
                } // anything else is a JSON object that is no message: kept in stdoutLines only
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
        send(requestMessage(id, method, params));
        return await(id, timeout);
    }

    /** A JSON-RPC request object ({@code params} left out when null), in the order a reader expects. */
    public static Map<String, Object> requestMessage(Object id, String method, Object params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        return m;
    }

    public JsonNode initialize(Duration timeout) throws IOException, InterruptedException {
        JsonNode r = request("init", "initialize", initializeParams("meta-orchestrator-bench"), timeout);
        notify("notifications/initialized", null);
        return r;
    }

    /** The params of an {@code initialize} request from a client of this name. */
    public static Map<String, Object> initializeParams(String clientName) {
        return Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", clientName, "version", "1"));
    }

    /**
     * {@code initialize} then {@code notifications/initialized}, as a client opens a session; returns the
     * initialize result and fails when the server answered with an error or not at all.
     */
    public JsonNode handshake(String clientName, Duration timeout) throws IOException, InterruptedException {
        JsonNode r = result("initialize", initializeParams(clientName), timeout);
        notify("notifications/initialized", null);
        return r;
    }

    /** Sends a notification (no id, so no answer); {@code params} may be null. */
    public void notify(String method, Object params) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        send(m);
    }

    /** Sends a request with the next free numeric id and returns that id without waiting (to act while the server works). */
    public long sendRequest(String method, Object params) throws IOException {
        long id = nextId.incrementAndGet();
        send(requestMessage(id, method, params));
        return id;
    }

    /**
     * As {@link #await} but fails (IllegalStateException naming the request, the process state and the end of
     * stderr) instead of returning null when no answer comes in time or the process exits first.
     */
    public JsonNode awaitResponse(Object id, Duration timeout) throws InterruptedException {
        JsonNode r = await(id, timeout);
        if (r == null) {
            throw new IllegalStateException(missing("response to request " + id, timeout));
        }
        return r;
    }

    /** Sends a request with the next id and waits for its answer (result or error); fails when none comes. */
    public JsonNode call(String method, Object params, Duration timeout) throws IOException, InterruptedException {
        return awaitResponse(sendRequest(method, params), timeout);
    }

    /** The result of a request; fails when the server answered with a JSON-RPC error. */
    public JsonNode result(String method, Object params, Duration timeout) throws IOException, InterruptedException {
        JsonNode r = call(method, params, timeout);
        if (!r.has("result")) {
            throw new IllegalStateException(method + " answered with a JSON-RPC error: " + r);
        }
        return r.get("result");
    }

    /** {@code tools/call}; the whole answer (result or JSON-RPC error). */
    public JsonNode callTool(String name, Map<String, ?> arguments, Duration timeout) throws IOException, InterruptedException {
        return call("tools/call", toolParams(name, arguments, null), timeout);
    }

    /**
     * {@code tools/call} with a progress token (none when null), so the server sends progress notifications
     * under it; returns the CallToolResult and fails on a JSON-RPC error.
     */
    public JsonNode toolResult(String name, Map<String, ?> arguments, String progressToken, Duration timeout)
            throws IOException, InterruptedException {
        return result("tools/call", toolParams(name, arguments, progressToken), timeout);
    }

    private static Map<String, Object> toolParams(String name, Map<String, ?> arguments, String progressToken) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments);
        if (progressToken != null) {
            params.put("_meta", Map.of("progressToken", progressToken));
        }
        return params;
    }

    /**
     * The next error answer with no usable id (a parse error has id null) not yet returned by this method,
     * in arrival order; fails when none comes in time.
     */
    public JsonNode awaitIdLessError(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int want = (int) idLessErrorsTaken.get();
        while (idLessErrors.size() <= want && System.nanoTime() < deadline) {
            arrivals.poll(20, TimeUnit.MILLISECONDS);
        }
        if (idLessErrors.size() <= want) {
            throw new IllegalStateException(missing("error answer with id null", timeout));
        }
        idLessErrorsTaken.incrementAndGet();
        return idLessErrors.get(want);
    }

    private String missing(String what, Duration timeout) {
        String state = process.isAlive() ? "within " + timeout : "before the server exited (status " + process.exitValue() + ")";
        List<String> lines = stdoutLines();
        return "no " + what + " " + state + "; last stdout lines: " + lines.subList(Math.max(0, lines.size() - 20), lines.size())
                + "; stderr:\n" + stderrTail(40);
    }

    /** Every stdout line so far, in order, verbatim (JSON-RPC or not). */
    public List<String> stdoutLines() {
        synchronized (stdoutLines) {
            return List.copyOf(stdoutLines);
        }
    }

    /** stdout lines that are not a JSON-RPC 2.0 message object; the channel must keep this empty. */
    public List<String> nonProtocolLines() {
        synchronized (nonProtocolLines) {
            return List.copyOf(nonProtocolLines);
        }
    }

    /** Every notification received so far (a message with a method and no id), in order. */
    public List<JsonNode> notificationMessages() {
        return List.copyOf(notificationMessages);
    }

    /** The {@code notifications/progress} received under this progress token. */
    public List<JsonNode> progress(String token) {
        return notificationMessages.stream().filter(n -> "notifications/progress".equals(n.path("method").asString(""))
                && token.equals(n.path("params").path("progressToken").asString(""))).toList();
    }

    /** The log notifications ({@code notifications/message}) received. */
    public List<JsonNode> logMessages() {
        return notificationMessages.stream().filter(n -> "notifications/message".equals(n.path("method").asString(""))).toList();
    }

    /** What the server wrote to stderr so far, when it goes to a file; empty otherwise. */
    public String stderr() {
        if (stderrLog == null) {
            return "";
        }
        try {
            return Files.readString(stderrLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private String stderrTail(int lines) {
        List<String> all = stderr().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public long nullIdErrors() {
        return nullIdErrors.get();
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

    /** Closes stdin: a well-behaved server then exits on its own. */
    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Waits for the process to exit, then for the last stdout lines to be read; true when it exited in time. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            reader.join(2000); // EOF follows the exit unless a child of the server still holds stdout
        }
        return exited;
    }

    /** Closes stdin and waits for the process to exit; kills it after the timeout. Returns whether it exited in time. */
    public boolean closeAndWait(Duration timeout) throws InterruptedException {
        closeStdin();
        boolean exited = awaitExit(timeout);
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return exited;
    }

    /** SIGKILL, and the processes the server started go too (a running check would outlive it otherwise). */
    public void kill() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            closeAndWait(Duration.ofSeconds(3));
        }
    }
}
