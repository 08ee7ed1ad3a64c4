package dev.metaorch.execute;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * A minimal MCP client over the real server's stdin/stdout: JSON-RPC lines out, responses matched by id,
 * every notification kept (progress and log messages) for the test to inspect.
 */
final class McpLineClient implements AutoCloseable {

    final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    McpLineClient(Path home, Path catalog, Path stderr) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.metaorch.cli.Main", "serve", "--home", home.toString(), "--catalog", catalog.toString()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
        stdin = process.getOutputStream();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if (n.has("id") && !n.has("method")) {
                        responses.add(n);
                    } else {
                        notifications.add(n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the server died (the kill test does that on purpose)
            }
        }, "mcp-line-client");
        t.setDaemon(true);
        t.start();
        JsonNode init = request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "execute-e2e", "version", "1")));
        if (!init.has("result")) {
            throw new IllegalStateException("initialize failed: " + init);
        }
        send(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        request("logging/setLevel", Map.of("level", "debug"));
    }

    synchronized void send(Map<String, Object> msg) throws IOException {
        stdin.write((Json.write(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Sends a request and returns its id without waiting (to kill the server while it works). */
    int sendRequest(String method, Map<String, Object> params) throws IOException {
        int id = ids.incrementAndGet();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("method", method);
        m.put("params", params);
        send(m);
        return id;
    }

    JsonNode request(String method, Map<String, Object> params) throws IOException {
        int id = sendRequest(method, params);
        try {
            while (true) {
                JsonNode r = responses.poll(120, TimeUnit.SECONDS);
                if (r == null) {
                    throw new IllegalStateException("no answer to " + method + " within 120 s");
                }
                if (r.path("id").asInt() == id) {
                    return r;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Calls a tool with a progress token; returns the CallToolResult. */
    JsonNode call(String tool, Map<String, Object> args, String progressToken) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", args);
        if (progressToken != null) {
            params.put("_meta", Map.of("progressToken", progressToken));
        }
        JsonNode r = request("tools/call", params);
        if (!r.has("result")) {
            throw new IllegalStateException(tool + " answered with a JSON-RPC error: " + r);
        }
        return r.get("result");
    }

    List<JsonNode> progress(String token) {
        return notifications.stream().filter(n -> "notifications/progress".equals(n.path("method").asString())
                && token.equals(n.path("params").path("progressToken").asString())).toList();
    }

    List<JsonNode> logs() {
        return notifications.stream().filter(n -> "notifications/message".equals(n.path("method").asString())).toList();
    }

    /** SIGKILL, and the check processes it started go too (they would outlive it otherwise). */
    void kill() throws InterruptedException {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroyForcibly();
        kids.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
