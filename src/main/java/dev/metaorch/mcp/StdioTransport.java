package dev.metaorch.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.metaorch.util.Json;
import dev.metaorch.util.Texts;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Newline-delimited JSON-RPC over stdin/stdout for one client, replacing the SDK's stdio provider,
 * whose read loop ends the whole session on the first malformed line.
 *
 * <p>Every line is checked before it reaches the SDK session: a line that is not JSON gets a parse error
 * ({@code -32700}, id null); JSON that is not a JSON-RPC 2.0 message gets {@code -32600} with the id when
 * one is usable; an over-long line is discarded with {@code -32600}. In every case the session goes on.
 * Only JSON-RPC is written to the output stream; logs go through SLF4J to stderr.
 */
public final class StdioTransport implements McpServerTransportProvider {

    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);

    /** Longest line accepted; longer lines are drained and answered with an error, never buffered whole. */
    public static final int MAX_LINE_BYTES = 32 * 1024 * 1024;

    private final McpJsonMapper mapper;
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch inputEnded = new CountDownLatch(1);
    /** Requests read but not yet answered; at end of input we wait briefly for them. */
    private final java.util.Set<Object> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** How long, at most, requests already read may take to be answered once stdin has closed. */
    static final Duration DRAIN_AFTER_EOF = Duration.ofMillis(1500);
    private volatile McpServerSession session;
    private final CountDownLatch sessionSet = new CountDownLatch(1);
    private final AtomicBoolean readerStarted = new AtomicBoolean();
    private volatile java.util.function.Function<String, ObjectNode> earlyInitialize;
    /** The early answer to initialize as written, or null when the session answers it. */
    private volatile String earlyInitializeAnswer;
    private final java.util.concurrent.atomic.AtomicInteger earlyMismatches = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.function.Consumer<String> requestListener;
    private volatile Object initializeId;
    private final java.util.concurrent.CompletableFuture<Void> initializeAnswered = new java.util.concurrent.CompletableFuture<>();

    public StdioTransport(McpJsonMapper mapper, InputStream in, OutputStream out) {
        this.mapper = mapper;
        this.in = in;
        this.out = out;
    }

    public McpJsonMapper mapper() {
        return mapper;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        this.session = factory.create(new SessionTransport());
        sessionSet.countDown();
        startReading();
    }

    /**
     * Starts reading stdin before the server is built: the first line (initialize) is parsed and checked
     * while the tools are being set up, and handed to the session as soon as there is one. Called by
     * {@link #setSessionFactory} at the latest.
     */
    public void startReading() {
        if (readerStarted.compareAndSet(false, true)) {
            Thread reader = new Thread(this::readLoop, "stdio-reader");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Lets the transport answer {@code initialize} itself when it arrives before the server is built: the
     * answer depends only on the request's protocol version and the server's fixed identity, so the client
     * need not wait for the tools to be set up. {@code result} maps the requested protocol version to the
     * {@code result} object. It works on the JSON tree the transport has already parsed, because binding the
     * SDK's records is the slowest part of a cold start. The request still goes to the SDK session (which
     * records the client and answers it); that second answer is compared with the first and dropped, and a
     * difference is logged as a defect and counted.
     */
    public void answerInitializeEarly(java.util.function.Function<String, ObjectNode> result) {
        this.earlyInitialize = result;
    }

    /** How many early initialize answers differed from the session's own (0 unless there is a defect). */
    int earlyAnswerMismatches() {
        return earlyMismatches.get();
    }

    /** Writes the early answer to an initialize request (already checked for shape) when it qualifies. */
    private void answerEarly(JsonNode request, Object id) {
        java.util.function.Function<String, ObjectNode> answer = earlyInitialize;
        JsonNode params = request.get("params");
        if (answer == null || session != null || id == null || params == null || !params.path("protocolVersion").isString()
                || !params.path("clientInfo").isObject()) {
            return; // the session decides what to say about an incomplete request
        }
        try {
            ObjectNode response = envelope(id);
            response.set("result", answer.apply(params.get("protocolVersion").asString()));
            String json = response.toString();
            earlyInitializeAnswer = json;
            writeLine(json);
        } catch (RuntimeException e) {
            log.debug("no early initialize answer: {}", e.toString());
            earlyInitializeAnswer = null;
        }
    }

    private McpServerSession awaitSession() {
        try {
            sessionSet.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return session;
    }

    /**
     * Called on the reader thread with the method of each request, just before the session handles it
     * (the resources list is refreshed this way). A failing listener is logged and ignored.
     */
    public void onRequest(java.util.function.Consumer<String> listener) {
        this.requestListener = listener;
    }

    /** Completes once the answer to the client's {@code initialize} request has been written to stdout. */
    public java.util.concurrent.CompletableFuture<Void> initializeAnswered() {
        return initializeAnswered;
    }

    /** Blocks until stdin reaches end of input (or the transport is closed). */
    public boolean awaitInputEnd(Duration timeout) throws InterruptedException {
        return inputEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void awaitInputEnd() throws InterruptedException {
        inputEnded.await();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.error(new IllegalStateException("no session")) : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            closing.set(true);
            inputEnded.countDown();
        });
    }

    private void readLoop() {
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[64 * 1024];
            boolean overflow = false;
            int n;
            while (!closing.get() && (n = in.read(buf)) >= 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (!overflow) {
                            line.write(buf, start, i - start);
                            dispatch(line.toByteArray());
                        } else {
                            tooLarge();
                        }
                        line.reset();
                        overflow = false;
                        start = i + 1;
                    }
                }
                if (!overflow) {
                    line.write(buf, start, n - start);
                    if (line.size() > MAX_LINE_BYTES) {
                        overflow = true;
                        line = new ByteArrayOutputStream(8192);
                    }
                }
            }
            if (!overflow && line.size() > 0) {
                dispatch(line.toByteArray());
            } else if (overflow) {
                tooLarge();
            }
        } catch (IOException e) {
            if (!closing.get()) {
                log.warn("stdin read failed: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            log.error("stdio reader stopped by an unexpected error", e);
        } finally {
            drainInFlight();
            closing.set(true);
            inputEnded.countDown();
        }
    }

    /**
     * A client may write a request and close stdin at once (a pipe, a script): answer what was already
     * read, within the bound that keeps the exit within 2 s of end of input.
     */
    private void drainInFlight() {
        long deadline = System.nanoTime() + DRAIN_AFTER_EOF.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!inFlight.isEmpty()) {
            log.warn("stdin closed with {} request(s) still running; exiting without their answers", inFlight.size());
        }
    }

    private void tooLarge() {
        writeError(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: message larger than " + MAX_LINE_BYTES + " bytes");
    }

    private void dispatch(byte[] bytes) {
        // Broken UTF-8 is replaced rather than rejected, so a message with a usable id still gets an answer.
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            writeError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: undecodable bytes");
            return;
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (RuntimeException e) {
            // JSON-RPC 2.0: a message that cannot be parsed has no id we may trust, so the answer carries id null.
            writeError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: " + Texts.firstLine(e));
            return;
        }
        String problem = shapeProblem(node);
        Object id = node != null && node.isObject() ? usableId(node.get("id")) : null;
        if (problem != null) {
            writeError(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + problem);
            return;
        }
        boolean initialize = initializeId == null && "initialize".equals(node.path("method").asString(null)) && id != null;
        if (initialize) {
            initializeId = id;
            answerEarly(node, id);
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, line);
        } catch (IOException | RuntimeException e) {
            writeError(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + Texts.firstLine(e));
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest req && req.id() != null) {
            inFlight.add(idKey(req.id()));
        }
        McpServerSession s = awaitSession();
        if (s == null) {
            return; // interrupted while the server was being built: shutting down
        }
        java.util.function.Consumer<String> listener = requestListener;
        if (listener != null && message instanceof McpSchema.JSONRPCRequest req) {
            try {
                listener.accept(req.method());
            } catch (RuntimeException e) {
                log.warn("request listener failed: {}", Texts.firstLine(e));
            }
        }
        try {
            s.handle(message).subscribe(null, err -> log.warn("message handling failed: {}", Texts.firstLine(err)));
        } catch (RuntimeException e) {
            log.warn("message handling failed: {}", Texts.firstLine(e));
            if (id != null && node.has("method")) {
                writeError(id, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error");
            }
        }
    }

    /** Ids compare by value whatever their Java type (a numeric id may arrive as Integer and leave as Long). */
    private static Object idKey(Object id) {
        return id instanceof Number n ? (Object) ("n:" + n.longValue()) : "s:" + id;
    }

    /** Why a parsed JSON value is not a JSON-RPC 2.0 message we accept, or null when it is one. */
    static String shapeProblem(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "empty message";
        }
        if (node.isArray()) {
            return "batches are not supported; send one message per line";
        }
        if (!node.isObject()) {
            return "expected a JSON object";
        }
        JsonNode v = node.get("jsonrpc");
        if (v == null || !v.isString() || !"2.0".equals(v.asString())) {
            return "\"jsonrpc\" must be \"2.0\"";
        }
        JsonNode id = node.get("id");
        if (id != null && !id.isNull() && usableId(id) == null) {
            return "\"id\" must be a string or an integer";
        }
        JsonNode method = node.get("method");
        if (method != null) {
            if (!method.isString() || method.asString().isBlank()) {
                return "\"method\" must be a non-empty string";
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
                return "\"params\" must be an object";
            }
            if (id != null && id.isNull()) {
                return "\"id\" must not be null";
            }
            return null;
        }
        if (node.has("result") || node.has("error")) {
            return id == null || id.isNull() ? "a response needs an id" : null;
        }
        return "neither a request, a notification nor a response (no \"method\")";
    }

    static Object usableId(JsonNode id) {
        if (id == null) {
            return null;
        }
        if (id.isString()) {
            return id.asString();
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return id.asLong();
        }
        return null;
    }

    /** A response's {@code jsonrpc} and {@code id} (a usable id as read, or null). */
    private static ObjectNode envelope(Object id) {
        ObjectNode o = Json.object();
        o.put("jsonrpc", "2.0");
        if (id instanceof Long l) {
            o.put("id", l);
        } else if (id instanceof String s) {
            o.put("id", s);
        } else {
            o.putNull("id");
        }
        return o;
    }

    /** Error responses built by hand: the SDK's serializer would drop {@code "id": null}. */
    private void writeError(Object id, int code, String message) {
        ObjectNode o = envelope(id);
        o.putObject("error").put("code", code).put("message", message);
        writeLine(o.toString());
    }

    private void writeLine(String json) {
        byte[] bytes = (json.replace("\r", "\\r").replace("\n", "\\n") + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                if (!closing.get()) {
                    log.warn("stdout write failed: {}", e.getMessage());
                }
            }
        }
    }

    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromCallable(() -> {
                String json = mapper.writeValueAsString(message);
                Object init = initializeId;
                boolean initAnswer = init != null && message instanceof McpSchema.JSONRPCResponse r && r.id() != null
                        && idKey(init).equals(idKey(r.id()));
                String early = earlyInitializeAnswer;
                if (initAnswer && early != null) {
                    // already answered by answerEarly: the session's answer only confirms it
                    earlyInitializeAnswer = null;
                    // compared as parsed trees: key order and number widths may differ, the content may not
                    if (!Json.MAPPER.readTree(early).equals(Json.MAPPER.readTree(json))) {
                        earlyMismatches.incrementAndGet();
                        log.warn("the early initialize answer differed from the server's (a defect): sent {}, server says {}",
                                early, json);
                    }
                } else {
                    writeLine(json);
                }
                if (message instanceof McpSchema.JSONRPCResponse r && r.id() != null) {
                    inFlight.remove(idKey(r.id()));
                }
                if (initAnswer) {
                    initializeAnswered.complete(null);
                }
                return true;
            }).then();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return StdioTransport.this.closeGracefully();
        }

        @Override
        public void close() {
            closing.set(true);
        }
    }
}
