package dev.metaorch.mcp;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.util.Json;
import dev.metaorch.util.Waits;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import tools.jackson.databind.node.ObjectNode;
import org.slf4j.LoggerFactory;

/**
 * The stdio MCP server: a thin shell that adapts {@link McpTool}s (and resources, prompts) to the SDK.
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    public static final String NAME = "meta-orchestrator";
    public static final String VERSION = "0.1.0";
    /** Warm-up starts when initialize is answered, and at the latest this long after the transport is up. */
    static final Duration WARM_UP_AT_LATEST = Duration.ofMillis(1500);

    private Server() {
    }

    public static McpJsonMapper jsonMapper() {
        return new JacksonMcpJsonMapper(Json.MAPPER);
    }

    /**
     * Serves until stdin ends, then closes and returns (the caller exits the JVM: SDK threads would
     * otherwise keep it alive).
     */
    public static void serve(Services services, InputStream in, OutputStream out) throws InterruptedException {
        serve(services, openStdio(in, out).join());
    }

    /**
     * Sets up the JSON mapper and the stdio transport on a thread of their own and starts reading, so that
     * the caller can build its services meanwhile and the first request (initialize) is parsed while the
     * server is built: on a cold JVM each of these takes tens of milliseconds of the time to the answer.
     */
    public static java.util.concurrent.CompletableFuture<StdioTransport> openStdio(InputStream in, OutputStream out) {
        java.util.concurrent.CompletableFuture<StdioTransport> f = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                McpJsonMapper mapper = jsonMapper();
                StdioTransport transport = new StdioTransport(mapper, in, out);
                transport.answerInitializeEarly(requested -> initializeResult(requested, transport.protocolVersions()));
                transport.startReading();
                f.complete(transport);
                // The SDK checks every tool's input schema against the JSON Schema meta-schema when the
                // server is built; loading that meta-schema is slow on a cold JVM, so do it here, meanwhile.
                Validator.INSTANCE.validateSchema(Map.of("type", "object", "properties", Map.of("a", Map.of("type", "string"))));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "stdio-open");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The SDK's schema validator, one per process, created on first use (it loads the JSON Schema meta-schema). */
    private static final class Validator {
        static final JsonSchemaValidator INSTANCE =
                new io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator(Json.MAPPER);
    }

    public static void serve(Services services, StdioTransport transport) throws InterruptedException {
        McpJsonMapper mapper = transport.mapper();
        McpSyncServer server = build(services, transport, mapper);
        // The slow parts start once initialize is answered (or after WARM_UP_AT_LATEST without one), so on a
        // small machine the catalog load does not compete with the initialize answer for the CPU.
        transport.initializeAnswered().copy()
                .completeOnTimeout(null, WARM_UP_AT_LATEST.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenRun(services::warmUp);
        transport.awaitInputEnd();
        log.info("stdin closed; shutting down");
        try {
            server.closeGracefully();
        } catch (RuntimeException e) {
            log.debug("close: {}", e.toString());
        }
    }

    /**
     * How a tool answer says the call failed on the server's side rather than refused bad input: a defect, or
     * a data folder that cannot be written. Every other error answer is a refusal with its reason.
     */
    public static final String INTERNAL_FAILURE = " failed with an internal error";
    public static final String STORAGE_FAILURE = " could not write to the data folder: ";

    /** Whether an error answer's text reports a failure of the server (see {@link #INTERNAL_FAILURE}). */
    public static boolean serverFailure(String errorText) {
        return errorText.contains(INTERNAL_FAILURE) || errorText.contains(STORAGE_FAILURE);
    }

    static final String INSTRUCTIONS = "Recommends Claude Code plugins for a task, plans multi-plugin workflows, validates "
            + "each step of a run and learns which plugin sequences work. Start with recommend_plugins "
            + "or generate_workflow; catalog_status tells which marketplaces are loaded.";

    /**
     * The answer to initialize as the SDK's server computes it, written as a JSON tree so that it can be sent
     * before the server (and the record binding) is ready: the client's protocol version when supported, else
     * the newest supported; the server's identity, {@link #capabilities()} and instructions. The transport
     * compares it with the server's own answer on every start (EarlyInitializeTest covers every branch).
     */
    static ObjectNode initializeResult(String requested, List<String> supported) {
        ObjectNode r = Json.object();
        r.put("protocolVersion", supported.contains(requested) ? requested : supported.get(supported.size() - 1));
        ObjectNode caps = r.putObject("capabilities"); // = capabilities()
        caps.putObject("logging");
        caps.putObject("prompts").put("listChanged", false);
        caps.putObject("resources").put("subscribe", false).put("listChanged", false);
        caps.putObject("tools").put("listChanged", true);
        r.putObject("serverInfo").put("name", NAME).put("version", VERSION);
        r.put("instructions", INSTRUCTIONS);
        return r;
    }

    /** What the server offers; {@link #initializeResult} writes the same as JSON. */
    private static McpSchema.ServerCapabilities capabilities() {
        return McpSchema.ServerCapabilities.builder().tools(true).logging()
                // the concrete resource list is refreshed before each resources/list: no change notifications
                .resources(false, false).prompts(false).build();
    }

    public static McpSyncServer build(Services services, StdioTransport transport, McpJsonMapper mapper) {
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        List<McpTool> tools = Tools.all(services);
        for (McpTool t : tools) {
            specs.add(spec(services, t, mapper));
        }
        Resources resources = new Resources(services, tools);
        Prompts prompts = new Prompts(services, tools);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .jsonMapper(mapper)
                .jsonSchemaValidator(Validator.INSTANCE)
                .requestTimeout(Duration.ofMinutes(10))
                .instructions(INSTRUCTIONS)
                .capabilities(capabilities())
                .tools(specs)
                .resources(resources.summarySpecification())
                .resourceTemplates(resources.templateSpecifications())
                .prompts(prompts.specifications())
                .build();
        transport.onRequest(method -> {
            if ("resources/list".equals(method)) {
                resources.sync(server);
            }
        });
        return server;
    }

    public static McpSchema.Tool toolDefinition(McpTool t, McpJsonMapper mapper) {
        return McpSchema.Tool.builder()
                .name(t.name())
                .description(t.description())
                .inputSchema(mapper, t.inputSchema())
                .annotations(new McpSchema.ToolAnnotations(null, t.readOnly(), false, t.readOnly(), false, null))
                .build();
    }

    static McpServerFeatures.SyncToolSpecification spec(Services services, McpTool t, McpJsonMapper mapper) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(toolDefinition(t, mapper))
                .callHandler((exchange, request) -> call(services, t, exchange, request))
                .build();
    }

    /** Tools that rank the catalog and so wait for the search index warm-up builds. */
    static final java.util.Set<String> NEED_INDEX = java.util.Set.of("recommend_plugins", "research_plugins", "generate_workflow",
            "match_patterns", "find_alternatives");
    /** How often a call that is still running says so (progress), and checks its waits against the deadline. */
    static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(5);

    private static final java.util.concurrent.ExecutorService WORKERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread th = new Thread(r, "tool-call");
        th.setDaemon(true);
        return th;
    });

    /**
     * Runs the tool on a worker thread and watches it: every {@link #HEARTBEAT} a call still running sends progress
     * (what it waits for, if anything); a call that has waited for the catalog, the index or a store longer than
     * {@link Waits#DEADLINE} ends with a clear error, and the threads are dumped to stderr. Every call ends.
     */
    static McpSchema.CallToolResult call(Services services, McpTool t, McpSyncServerExchange exchange,
                                         McpSchema.CallToolRequest request) {
        Progress ctx = new Progress(new ExchangeContext(exchange, request.progressToken(), t.name()));
        java.util.concurrent.atomic.AtomicReference<Thread> worker = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.Future<ToolResult> f = WORKERS.submit(() -> {
            worker.set(Thread.currentThread());
            try {
                return run(services, t, ctx, request);
            } finally {
                worker.set(null);
            }
        });
        ToolResult r = watch(t.name(), f, () -> {
            Thread w = worker.get();
            return w == null ? null : Waits.of(w);
        }, ctx::heartbeat, HEARTBEAT, Waits.DEADLINE);
        return McpSchema.CallToolResult.builder()
                .addTextContent(r.text())
                .structuredContent(r.structured())
                .isError(r.error())
                .build();
    }

    /**
     * Waits for a running call: every {@code every} it is still running, a heartbeat says so (and what the call waits
     * for, if anything); once it has waited longer than {@code deadline} the call is cancelled and ends with a clear
     * error, after that last heartbeat (whether the client heard that the call waits must not depend on how late this
     * thread woke).
     *
     * @param waitOf what the call's worker waits for now, or null
     */
    static ToolResult watch(String name, java.util.concurrent.Future<ToolResult> f,
                            java.util.function.Supplier<Waits.Wait> waitOf, java.util.function.Consumer<String> heartbeat,
                            java.time.Duration every, java.time.Duration deadline) {
        long t0 = System.nanoTime();
        int beats = 0;
        while (true) {
            try {
                return f.get(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                Waits.Wait wait = waitOf.get();
                beats++;
                long secs = (System.nanoTime() - t0) / 1_000_000_000L;
                heartbeat.accept(wait != null ? "still waiting for " + wait.what() + " (" + secs + " s)"
                        : "still working (" + secs + " s)");
                if (wait != null && wait.elapsed().compareTo(deadline) >= 0) {
                    Waits.dumpThreads(name + " waited " + wait.elapsed().toSeconds() + " s for " + wait.what());
                    f.cancel(true);
                    return ToolResult.error(name + ": " + Services.deadlineMessage(wait.what(), deadline));
                }
                if (beats % 12 == 0) {
                    log.info("tool {} still running after {} s{}", name, secs, wait == null ? "" : " (waiting for " + wait.what() + ")");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                log.error("tool {} failed", name, e.getCause());
                return ToolResult.error(name + INTERNAL_FAILURE + " (" + e.getCause().getClass().getSimpleName()
                        + "); details are in the server log");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(true);
                return ToolResult.error(name + ": the server is shutting down");
            }
        }
    }

    private static ToolResult run(Services services, McpTool t, ToolContext ctx, McpSchema.CallToolRequest request) {
        ToolResult r;
        try {
            services.awaitReady(ctx);
            if (NEED_INDEX.contains(t.name())) {
                services.awaitIndex(ctx);
            }
            r = t.call(request.arguments() == null ? Map.of() : request.arguments(), ctx);
        } catch (dev.metaorch.util.Refusal e) {
            r = ToolResult.error(e.getMessage());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            String storage = storageProblem(e);
            if (storage != null) {
                // a full or read-only disk is the user's to fix: say so plainly instead of "internal error"
                log.warn("tool {}: {}", t.name(), storage);
                r = ToolResult.error(t.name() + STORAGE_FAILURE + storage
                        + ". The call did not complete; free space (or fix the file system) and call again.");
            } else {
                log.error("tool {} failed", t.name(), e);
                r = ToolResult.error(t.name() + INTERNAL_FAILURE + " (" + e.getClass().getSimpleName()
                        + "); details are in the server log");
            }
        }
        return r;
    }

    /** A storage condition the user can act on (disk full, quota, read-only) in the cause chain, or null. */
    static String storageProblem(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException) {
                String m = String.valueOf(c instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                        ? fse.getReason() : c.getMessage());
                if (m.contains("No space left on device")) {
                    return "the disk is full (No space left on device)";
                }
                if (m.contains("Disk quota exceeded")) {
                    return "the disk quota is exceeded (Disk quota exceeded)";
                }
                if (m.contains("Read-only file system")) {
                    return "the file system is read-only (Read-only file system)";
                }
            }
        }
        return null;
    }

    /**
     * A tool's progress as the client must see it: strictly increasing, whoever sends it (the tool, or the
     * heartbeat of a call that runs long, which repeats the last value a little higher with the last total).
     */
    static final class Progress implements ToolContext {
        private final ToolContext inner;
        private double last = -1;
        private Double lastTotal;

        Progress(ToolContext inner) {
            this.inner = inner;
        }

        @Override
        public synchronized void progress(double progress, Double total, String message) {
            double p = progress > last ? progress : last + 1e-6;
            Double tot = total != null && total < p ? null : total;
            last = p;
            lastTotal = tot;
            inner.progress(p, tot, message);
        }

        synchronized void heartbeat(String message) {
            progress(Math.max(last, 0) + 1e-6, lastTotal, message);
        }

        @Override
        public void log(String level, String message) {
            inner.log(level, message);
        }
    }

    /** Sends progress only when the client asked for it, and never lets a notification failure fail the tool. */
    private record ExchangeContext(McpSyncServerExchange exchange, Object token, String tool) implements ToolContext {
        @Override
        public void progress(double progress, Double total, String message) {
            if (token == null) {
                return;
            }
            try {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, progress, total, message));
            } catch (RuntimeException e) {
                log.debug("progress notification failed: {}", e.toString());
            }
        }

        @Override
        public void log(String level, String message) {
            McpSchema.LoggingLevel l = switch (level) {
                case "debug" -> McpSchema.LoggingLevel.DEBUG;
                case "warning" -> McpSchema.LoggingLevel.WARNING;
                case "error" -> McpSchema.LoggingLevel.ERROR;
                default -> McpSchema.LoggingLevel.INFO;
            };
            try {
                exchange.loggingNotification(new McpSchema.LoggingMessageNotification(l, tool, message));
            } catch (RuntimeException e) {
                log.debug("log notification failed: {}", e.toString());
            }
        }
    }
}
