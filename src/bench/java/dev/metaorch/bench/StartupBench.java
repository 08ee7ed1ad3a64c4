package dev.metaorch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.metaorch.mcp.ToolException;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import dev.metaorch.util.Texts;
import tools.jackson.databind.JsonNode;

/**
 * {@code bench startup}: how long a client waits, from spawning the server process, for the answer to
 * {@code initialize} and for the first {@code catalog_status} and {@code recommend_plugins} answers, through the
 * launcher ({@code scripts/meta-orchestrator serve --catalog ... --home <tmp>}), beside the Node reference server
 * {@code @modelcontextprotocol/server-memory} spawned the same way in the same run. Median of N after one warm-up
 * session; the launcher's class archive is built (in a fresh cache folder) before measuring, as a user has it
 * from the second session on.
 */
public final class StartupBench {

    static final String REFERENCE_PACKAGE = "@modelcontextprotocol/server-memory";
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench-startup\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

    /** One measured session: milliseconds from spawn to each answer, null when not asked. */
    record Session(double initMs, Double toolMs, boolean toolError) {
    }

    private StartupBench() {
    }

    /** The CLI entry: {@code bench startup [--runs N] [--launcher PATH] [--catalog PATH] [--json]}. */
    public static int command(Options opts, PrintStream out) {
        try {
            return run(opts, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    public static int run(Options opts, PrintStream out) throws IOException, InterruptedException {
        Path repo = repoRoot();
        int runs = opts.intValue("runs", 1, 50, 5);
        Path launcher = Path.of(opts.value("launcher") != null ? opts.value("launcher") : repo.resolve("scripts/meta-orchestrator").toString());
        if (!Files.isExecutable(launcher)) {
            throw new ToolException("launcher " + launcher + " not found or not executable (it comes with the plugin package; "
                    + "give another with --launcher PATH)");
        }
        // what the server reads: snapshots named with --catalog, folders with --marketplace, by default the
        // marketplace folders of ../shared/marketplaces (full text, as a user's machine has them)
        List<String> catalogs = opts.all("catalog");
        List<String> markets = new ArrayList<>(opts.all("marketplace"));
        if (catalogs.isEmpty() && markets.isEmpty()) {
            Path folders = repo.resolveSibling("shared").resolve("marketplaces");
            if (!Files.isDirectory(folders)) {
                throw new Options.UsageException("marketplace folders " + folders.toAbsolutePath()
                        + " not found (use --marketplace DIR or --catalog SNAPSHOT)");
            }
            RecommendBench.marketplaceFolders(folders).forEach(d -> markets.add(d.toString()));
        }
        Path work = Files.createTempDirectory("meta-orch-bench-startup");
        try {
            Path cache = work.resolve("archive-cache");
            Map<String, String> env = Map.of("META_ORCH_CACHE_DIR", cache.toString());
            List<String> serve = new ArrayList<>(List.of(launcher.toString(), "serve"));
            catalogs.forEach(c -> serve.addAll(List.of("--catalog", c)));
            markets.forEach(m -> serve.addAll(List.of("--marketplace", m)));
            serve.addAll(List.of("--home", work.resolve("home").toString()));

            // Warm-up: the first launch starts the archive training; wait for it, then one launch that maps it.
            System.err.println("bench startup: warm-up through " + launcher + " (the launcher builds its class archive)");
            JsonNode tools = toolsList(serve, env, work);
            boolean hasRecommend = false;
            for (JsonNode t : tools) {
                hasRecommend |= t.path("name").asString("").equals("recommend_plugins");
            }
            String archive = awaitArchive(cache, Duration.ofSeconds(240));
            session(serve, env, work, "catalog_status", Map.of());
            Path ref = referenceServer(repo);
            Map<String, String> refEnv = Map.of("MEMORY_FILE_PATH", work.resolve("memory.jsonl").toString());
            session(List.of(ref.toString()), refEnv, work, "read_graph", Map.of());

            List<Session> catalogStatus = new ArrayList<>();
            List<Session> recommend = new ArrayList<>();
            List<Session> recommendCold = new ArrayList<>();
            List<Session> reference = new ArrayList<>();
            Path keptIndex = work.resolve("home").resolve("cache").resolve("index");
            Map<String, Object> task = Map.of("task", "review my pull request for security issues");
            for (int i = 0; i < runs; i++) {
                // Interleaved, so a load change on the machine hits all columns alike.
                catalogStatus.add(session(serve, env, work, "catalog_status", Map.of("include_warnings", false)));
                if (hasRecommend) {
                    // a first start over a new catalog (or a new jar): the index is built, then kept
                    ScratchDirs.deleteTree(keptIndex);
                    recommendCold.add(session(serve, env, work, "recommend_plugins", task));
                    awaitKeptIndex(keptIndex, Duration.ofSeconds(120));
                    // the usual start: the index kept by an earlier server over the same catalog is opened
                    recommend.add(session(serve, env, work, "recommend_plugins", task));
                }
                reference.add(session(List.of(ref.toString()), refEnv, work, "read_graph", Map.of()));
            }
            Map<String, Object> report = report(runs, launcher, archive, catalogs.isEmpty() ? markets : catalogs, catalogStatus, recommend, recommendCold,
                    reference, hasRecommend);
            out.println(opts.flag("json") ? Json.write(report) : table(report));
            return 0;
        } finally {
            ScratchDirs.deleteTree(work);
        }
    }

    /** Waits until the server that built the index has written it (it does so in the background). */
    private static void awaitKeptIndex(Path dir, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    if (s.anyMatch(p -> p.getFileName().toString().endsWith(".idx"))) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("the server kept no index in " + dir + " within " + limit.toSeconds() + " s");
    }

    static Map<String, Object> report(int runs, Path launcher, String archive, List<String> catalogs, List<Session> cs,
                                      List<Session> rec, List<Session> recCold, List<Session> ref, boolean hasRecommend) {
        List<Session> ours = new ArrayList<>(cs);
        ours.addAll(rec);
        double init = median(ours.stream().map(Session::initMs).toList());
        double refInit = median(ref.stream().map(Session::initMs).toList());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        r.put("runs", runs);
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("launcher", launcher.toString());
        r.put("archive", archive);
        r.put("catalog", catalogs);
        r.put("initialize_ms", Math.round(init));
        r.put("first_catalog_status_ms", Math.round(median(cs.stream().map(Session::toolMs).toList())));
        r.put("catalog_status_errors", cs.stream().filter(Session::toolError).count());
        r.put("first_recommend_plugins_ms", hasRecommend ? Math.round(median(rec.stream().map(Session::toolMs).toList())) : null);
        r.put("first_recommend_plugins_index_built_ms", hasRecommend && !recCold.isEmpty()
                ? Math.round(median(recCold.stream().map(Session::toolMs).toList())) : null);
        r.put("recommend_plugins_errors", rec.stream().filter(Session::toolError).count()
                + recCold.stream().filter(Session::toolError).count());
        r.put("reference", REFERENCE_PACKAGE);
        r.put("reference_initialize_ms", Math.round(refInit));
        r.put("reference_first_tool_ms", Math.round(median(ref.stream().map(Session::toolMs).toList())));
        r.put("initialize_ratio", Texts.round(init / refInit, 2));
        return r;
    }

    static String table(Map<String, Object> r) {
        String rec = r.get("first_recommend_plugins_ms") == null ? "n/a" : r.get("first_recommend_plugins_ms").toString();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "bench startup (%s, %s cores): ms from process spawn, median of %s after one warm-up%n",
                r.get("date"), r.get("cores"), r.get("runs")));
        sb.append("launcher: ").append(r.get("launcher")).append(" (class archive: ").append(r.get("archive")).append(")\n\n");
        sb.append("| server | initialize | first catalog_status | first recommend_plugins |\n|---|---|---|---|\n");
        sb.append("| meta-orchestrator | ").append(r.get("initialize_ms")).append(" | ").append(r.get("first_catalog_status_ms"))
                .append(" | ").append(rec).append(" |\n");
        sb.append("| ").append(REFERENCE_PACKAGE).append(" (Node ").append(nodeVersion()).append(") | ")
                .append(r.get("reference_initialize_ms")).append(" | ").append(r.get("reference_first_tool_ms"))
                .append(" (read_graph) | - |\n\n");
        sb.append(String.format(Locale.ROOT, "initialize: %.2fx the reference (target <= 1.0x); first recommend_plugins: %s (target < 1000 ms)",
                (Double) r.get("initialize_ratio"), rec.equals("n/a") ? "n/a (not in this build)" : rec + " ms"));
        if (r.get("first_recommend_plugins_index_built_ms") != null) {
            sb.append(String.format(Locale.ROOT, "%nfirst recommend_plugins when the index is built, not opened (first start over a new "
                    + "catalog or jar): %s ms", r.get("first_recommend_plugins_index_built_ms")));
        }
        long errors = (Long) r.get("catalog_status_errors") + (Long) r.get("recommend_plugins_errors");
        if (errors > 0) {
            sb.append("\nwarning: ").append(errors).append(" tool calls answered with an error");
        }
        return sb.toString();
    }

    /**
     * Spawns the command, sends initialize and (after its answer) one tool call, and times both answers from
     * the moment before the spawn. Stdin is closed afterwards; the process must exit.
     */
    static Session session(List<String> cmd, Map<String, String> env, Path work, String tool, Map<String, Object> args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("servers.stderr").toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        BlockingQueue<String> lines = reader(p);
        try (OutputStream in = p.getOutputStream()) {
            write(in, INIT);
            JsonNode init = await(lines, 1, cmd);
            double initMs = (System.nanoTime() - t0) / 1e6;
            if (!init.has("result")) {
                throw new ToolException(cmd.get(0) + ": initialize failed: " + init);
            }
            write(in, INITIALIZED);
            write(in, Json.write(Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call",
                    "params", Map.of("name", tool, "arguments", args))));
            JsonNode answer = await(lines, 2, cmd);
            double toolMs = (System.nanoTime() - t0) / 1e6;
            boolean error = answer.has("error") || answer.path("result").path("isError").asBoolean(false);
            return new Session(initMs, toolMs, error);
        } finally {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static JsonNode toolsList(List<String> cmd, Map<String, String> env, Path work) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("servers.stderr").toFile()));
        Process p = pb.start();
        BlockingQueue<String> lines = reader(p);
        try (OutputStream in = p.getOutputStream()) {
            write(in, INIT);
            await(lines, 1, cmd);
            write(in, INITIALIZED);
            write(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}");
            return await(lines, 2, cmd).path("result").path("tools");
        } finally {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static BlockingQueue<String> reader(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    q.add(l);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "bench-reader");
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static void write(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static JsonNode await(BlockingQueue<String> lines, int id, List<String> cmd) throws InterruptedException {
        long end = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            String l = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new ToolException(cmd.get(0) + ": no answer to request " + id + " within " + STEP_TIMEOUT.toSeconds() + " s");
            }
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(l);
            } catch (RuntimeException e) {
                throw new ToolException(cmd.get(0) + " wrote a line that is not JSON-RPC on stdout: " + l);
            }
            if (n.path("id").asInt(-1) == id && !n.has("method")) {
                return n;
            }
        }
    }

    /**
     * Waits until the launcher's background training has written an archive into the cache folder (or gave up),
     * and says which: "aot", "cds", "none (...)".
     */
    static String awaitArchive(Path cache, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.isDirectory(cache)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(cache)) {
                    files = s.toList();
                }
                boolean training = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".lock"));
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (!training && (n.endsWith(".aot") || n.endsWith(".cds") || n.endsWith(".jsa")) && Files.size(f) > 0) {
                        return n.substring(n.lastIndexOf('.') + 1);
                    }
                    if (!training && n.endsWith(".failed")) {
                        return "none (training failed: " + Files.readString(f).strip() + ")";
                    }
                }
            }
            Thread.sleep(250);
        }
        return "none (no archive after " + timeout.toSeconds() + " s)";
    }

    /**
     * The reference server's executable, installed from npm into {@code .cache/npm} when missing. npm's own
     * output goes to stderr, never to our stdout.
     */
    static Path referenceServer(Path repo) throws IOException, InterruptedException {
        Path prefix = repo.resolve(".cache/npm");
        Path bin = prefix.resolve("node_modules/.bin/mcp-server-memory");
        if (!Files.isExecutable(bin)) {
            System.err.println("bench startup: installing " + REFERENCE_PACKAGE + " into " + prefix);
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                    REFERENCE_PACKAGE).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                    prefix.resolve("install.log").toFile())).start();
            if (p.waitFor() != 0 || !Files.isExecutable(bin)) {
                throw new ToolException("could not install " + REFERENCE_PACKAGE + " with npm (see " + prefix.resolve("install.log") + ")");
            }
        }
        return bin;
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The repository: the nearest folder, from the working directory up, that holds scripts/meta-orchestrator or pom.xml. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q.resolve("scripts/meta-orchestrator")) || Files.exists(q.resolve("pom.xml"))) {
                return q;
            }
        }
        return p;
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().filter(x -> x != null).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
