package dev.metaorch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

/**
 * Load: several server processes share one data folder, each driven by its own client that sends
 * recommend_plugins, generate_workflow and record_outcome in turn for a fixed time. Reports throughput
 * and p50/p99 latency per tool, errors, lost updates (executions in the store against acknowledged
 * record_outcome calls) and the peak resident memory of each process.
 */
public final class ReliabilityLoad {

    public static final List<String> TOOLS = List.of("recommend_plugins", "generate_workflow", "record_outcome");

    /**
     * Per tool: calls answered without error, server failures (internal errors, JSON-RPC errors), unanswered
     * calls, clear refusals of the input (not failures: the tool's answer to e.g. a request nothing matches),
     * latencies in ms of the answered calls.
     */
    public record ToolFigures(String tool, int ok, int errors, int unanswered, int refused, double perSecond, double p50Ms,
                              double p99Ms, double maxMs, List<String> sampleErrors) {
    }

    public record Report(int processes, int seconds, double measuredSeconds, List<ToolFigures> tools, long acknowledged,
                         long inStore, long indexLines, long patternTotal, long lost, long doubled, List<Long> peakRssKib,
                         int crashed, List<String> broken, List<String> notes) {
        public boolean ok() {
            return lost == 0 && doubled == 0 && crashed == 0 && broken.isEmpty()
                    && tools.stream().allMatch(t -> t.errors() == 0 && t.unanswered() == 0 && t.ok() > 0);
        }
    }

    private ReliabilityLoad() {
    }

    public static Report run(Path work, Path catalog, Path shared, int processes, int seconds, long seed)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("home"));
        List<String> tasks = RecordLoad.tasks(shared);
        List<List<String>> seqs = RecordLoad.sequences(catalog);
        List<StdioProcess> procs = new ArrayList<>();
        Map<String, List<Double>> latencies = new ConcurrentHashMap<>();
        Map<String, Integer> ok = new ConcurrentHashMap<>();
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        Map<String, Integer> unanswered = new ConcurrentHashMap<>();
        Map<String, Integer> refused = new ConcurrentHashMap<>();
        Map<String, List<String>> samples = new ConcurrentHashMap<>();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        for (String t : TOOLS) {
            latencies.put(t, Collections.synchronizedList(new ArrayList<>()));
            samples.put(t, Collections.synchronizedList(new ArrayList<>()));
        }
        List<Long> rss = new ArrayList<>();
        int crashed = 0;
        double measured;
        try {
            for (int i = 0; i < processes; i++) {
                List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
                cmd.add(1, "-Xmx512m");
                procs.add(new StdioProcess(cmd, work.resolve("server-" + i + ".log"), ReliabilityFaults.noNeo4j()));
            }
            // Start-up and one warm call each (the catalog and its index load lazily) before the clock runs.
            for (StdioProcess p : procs) {
                if (p.initialize(Duration.ofSeconds(120)) == null) {
                    notes.add("a server did not start");
                }
            }
            for (int i = 0; i < procs.size(); i++) {
                ReliabilityFaults.call(procs.get(i), "warm", "recommend_plugins", Map.of("task", tasks.get(i % tasks.size())));
            }
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < procs.size(); i++) {
                StdioProcess p = procs.get(i);
                int worker = i;
                Thread th = new Thread(() -> {
                    Random random = new Random(seed + worker);
                    int n = 0;
                    while (System.nanoTime() < end && p.process().isAlive()) {
                        String tool = TOOLS.get((n + worker) % TOOLS.size()); // each client starts elsewhere
                        String task = tasks.get(random.nextInt(tasks.size()));
                        String exec = "load-" + worker + "-" + n;
                        Map<String, Object> args = switch (tool) {
                            case "record_outcome" -> RecordLoad.outcome(exec, seqs, random);
                            case "generate_workflow" -> Map.of("task", task, "max_steps", 4);
                            default -> Map.of("task", task, "limit", 10);
                        };
                        long c0 = System.nanoTime();
                        JsonNode r;
                        try {
                            r = ReliabilityFaults.call(p, "c" + n, tool, args);
                        } catch (InterruptedException e) {
                            return;
                        }
                        double ms = (System.nanoTime() - c0) / 1e6;
                        n++;
                        if (r == null) {
                            unanswered.merge(tool, 1, Integer::sum);
                            continue;
                        }
                        if (r.has("error") || r.path("result").path("isError").asBoolean(false)) {
                            String text = r.path("result").path("content").path(0).path("text").asString(r.toString());
                            if (!r.has("error") && !dev.metaorch.mcp.Server.serverFailure(text)) {
                                // a clear refusal of this input (e.g. a real request no catalog plugin matches)
                                refused.merge(tool, 1, Integer::sum);
                                continue;
                            }
                            errors.merge(tool, 1, Integer::sum);
                            List<String> s = samples.get(tool);
                            if (s.size() < 3) {
                                s.add(text);
                            }
                            continue;
                        }
                        latencies.get(tool).add(ms);
                        ok.merge(tool, 1, Integer::sum);
                        if (tool.equals("record_outcome")) {
                            acked.add(exec);
                        }
                    }
                }, "load-client-" + i);
                th.start();
                clients.add(th);
            }
            for (Thread th : clients) {
                th.join();
            }
            measured = (System.nanoTime() - t0) / 1e9;
            for (StdioProcess p : procs) {
                rss.add(p.peakRssKib());
                if (!p.process().isAlive()) {
                    crashed++;
                }
            }
        } finally {
            for (StdioProcess p : procs) {
                p.closeAndWait(Duration.ofSeconds(10));
            }
        }
        List<ToolFigures> figures = new ArrayList<>();
        for (String t : TOOLS) {
            List<Double> l = new ArrayList<>(latencies.get(t));
            Collections.sort(l);
            figures.add(new ToolFigures(t, ok.getOrDefault(t, 0), errors.getOrDefault(t, 0), unanswered.getOrDefault(t, 0),
                    refused.getOrDefault(t, 0), ok.getOrDefault(t, 0) / measured, pct(l, 0.50), pct(l, 0.99), l.isEmpty() ? 0 : l.get(l.size() - 1),
                    List.copyOf(samples.get(t))));
        }
        ReliabilityFaults.StoreCount files = ReliabilityFaults.fileCount(home);
        long lost = acked.stream().filter(id -> !files.executionIds().contains(id)).count();
        // Every execution the index holds must be counted by exactly one pattern: more is a doubled update,
        // fewer a lost one (a pattern write overwritten by another process).
        long doubled = Math.max(0, files.patternTotal() - files.executionIds().size())
                + (files.indexLines() - files.executionIds().size());
        lost += Math.max(0, files.executionIds().size() - files.patternTotal());
        if (files.patternTotal() != acked.size()) {
            notes.add("pattern files count " + files.patternTotal() + " executions, " + acked.size() + " were acknowledged");
        }
        DataFolderAudit.Result audit = DataFolderAudit.audit(home);
        return new Report(processes, seconds, measured, figures, acked.size(), files.executionIds().size(), files.indexLines(),
                files.patternTotal(), lost, doubled, rss, crashed, audit.broken(), notes);
    }

    static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** Latency figures by tool, for printing. */
    static Map<String, ToolFigures> byTool(Report r) {
        Map<String, ToolFigures> m = new TreeMap<>();
        r.tools().forEach(t -> m.put(t.tool(), t));
        return m;
    }
}
