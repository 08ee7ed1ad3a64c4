package dev.metaorch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Lifecycle;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.Recording;
import dev.metaorch.recommend.Recommender;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.store.GraphMirror;
import dev.metaorch.store.OutcomeRecorder;
import dev.metaorch.store.PatternStore;
import dev.metaorch.store.neo4j.GraphService;

/**
 * {@code bench recommend --neo4j}: recommend_plugins with evidence from the file store vs with Neo4j on, in
 * the same run. The same synthetic outcomes (plugins drawn from the recommender's own top 10 for random
 * dev requests, each plugin with a true success probability from U[0.3, 0.95], seeded) are recorded into
 * two scratch file stores, one of them dual-written to Neo4j as record_outcome does. The file-only arm
 * ranks with the first store's evidence; the Neo4j arm with {@link GraphService#evidence} over the second
 * (what {@code Services.evidence()} hands rankings when Neo4j is configured): the graph's snapshot,
 * re-read once after the writes, merged with the local store. Rankings read the snapshot in memory, so
 * recommend latency does not include a Neo4j round trip; the snapshot read is timed separately.
 */
final class RecommendGraphArm {

    private RecommendGraphArm() {
    }

    static int run(Catalog c, RelevanceIndex index, List<DevQueries> qs, int runs, int outcomes, Neo4jSettings settings,
                   PrintStream out) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("bench-recommend-neo4j-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BenchGraph bg;
        long t0 = System.nanoTime();
        try {
            bg = open(settings, tmp.resolve("graph-home"), () -> c);
        } catch (RuntimeException e) {
            out.println("Neo4j arm skipped: " + e.getMessage());
            ScratchDirs.deleteTree(tmp);
            return 0;
        }
        double openMs = ms(t0);
        try {
            GraphService graph = bg.graph();
            PatternStore fileOnly = new PatternStore(tmp.resolve("file-only"), new PatternStore.Config(List.of(), true, null, null));
            PatternStore dual = new PatternStore(tmp.resolve("dual"), new PatternStore.Config(List.of(), true, null, null));

            // the outcomes: plugins the recommender itself puts in its top 10, so evidence can re-order them
            Recommender neutral = new Recommender(index, Evidence.NONE);
            Random r = new Random(7);
            Map<String, Double> truth = new HashMap<>();
            List<Recording> recs = new ArrayList<>();
            for (int i = 0; i < outcomes; i++) {
                DevQueries q = qs.get(r.nextInt(qs.size()));
                List<String> top = RecommendBench.ours(neutral, q.query(), 10);
                if (top.isEmpty()) {
                    continue;
                }
                int n = 1 + r.nextInt(Math.min(3, top.size()));
                LinkedHashSet<String> seq = new LinkedHashSet<>();
                while (seq.size() < n) {
                    seq.add(top.get(r.nextInt(top.size())));
                }
                List<Pattern.Step> steps = new ArrayList<>();
                List<Outcome.StepResult> results = new ArrayList<>();
                boolean ok = true;
                int step = 1;
                for (String id : seq) {
                    double p = truth.computeIfAbsent(id, x -> 0.3 + 0.65 * r.nextDouble());
                    boolean s = r.nextDouble() < p;
                    ok &= s;
                    steps.add(new Pattern.Step(id, null, null, null, null));
                    results.add(new Outcome.StepResult(step++, id, null, s ? "success" : "failure", 30_000, null, null));
                }
                Outcome o = new Outcome("bench-" + i, null, null, q.query(), ok ? "success" : "failure", 30_000L * seq.size(),
                        null, null, results);
                recs.add(new Recording(o, steps, null, null, List.of(), List.of(), List.of(), null));
            }
            long fileNs = 0;
            long dualNs = 0;
            Map<GraphService.WriteResult, Integer> writes = new java.util.EnumMap<>(GraphService.WriteResult.class);
            OutcomeRecorder fileRecorder = new OutcomeRecorder(fileOnly, GraphMirror.NONE);
            OutcomeRecorder dualRecorder = new OutcomeRecorder(dual, new LearningBench.CountedWrites(graph, writes));
            for (Recording rec : recs) {
                long t = System.nanoTime();
                fileRecorder.record(rec);
                fileNs += System.nanoTime() - t;
                t = System.nanoTime();
                dualRecorder.record(rec);
                dualNs += System.nanoTime() - t;
            }
            int drained = graph.drain();
            t0 = System.nanoTime();
            graph.refreshEvidence();
            double snapshotMs = ms(t0);

            Recommender fileRec = new Recommender(index, fileOnly);
            Evidence graphEvidence = graph.evidence(() -> dual);
            Recommender graphRec = new Recommender(index, graphEvidence);

            out.printf(Locale.ROOT, "Neo4j on vs file only, same run: %d synthetic outcomes recorded (plugins from the "
                    + "top 10 of random dev requests); Neo4j at %s, graph opened and catalog synced in %.0f ms%n",
                    recs.size(), graph.client().displayUri(), openMs);
            out.println("| evidence | hit@1 | Recall@5 | Recall@10 | nDCG@10 | MRR |");
            out.println("|---|---|---|---|---|---|");
            RankingMetrics mf = RecommendBench.evaluate(qs, q -> RecommendBench.ours(fileRec, q, RecommendBench.DEPTH));
            RankingMetrics mg = RecommendBench.evaluate(qs, q -> RecommendBench.ours(graphRec, q, RecommendBench.DEPTH));
            RecommendBench.row(out, "recommend_plugins, file only", mf);
            RecommendBench.row(out, "recommend_plugins, Neo4j on", mg);
            int differ = 0;
            for (DevQueries q : qs) {
                if (!RecommendBench.ours(fileRec, q.query(), 10).equals(RecommendBench.ours(graphRec, q.query(), 10))) {
                    differ++;
                }
            }
            long pluginsWithEvidence = fileOnly.all().size();
            boolean sameEvidence = counts(fileOnly.all()).equals(counts(graphEvidence.all()));
            out.printf(Locale.ROOT, "top-10 lists that differ between the arms: %d of %d; evidence counts (uses, successes) "
                    + "equal: %s (%d plugins with evidence)%n", differ, qs.size(), sameEvidence ? "yes" : "NO", pluginsWithEvidence);

            // what else the arms' evidence differs in (the recommender's recency and duration parts read these)
            int lastDiffers = 0;
            int avgDiffers = 0;
            String example = null;
            Map<String, Evidence.PluginEvidence> ge = graphEvidence.all();
            for (Map.Entry<String, Evidence.PluginEvidence> e : fileOnly.all().entrySet()) {
                Evidence.PluginEvidence g = ge.get(e.getKey());
                if (g == null) {
                    continue;
                }
                if (!java.util.Objects.equals(e.getValue().lastUsed(), g.lastUsed())) {
                    lastDiffers++;
                    if (example == null) {
                        example = e.getKey() + ": file last_used " + e.getValue().lastUsed() + ", graph " + g.lastUsed();
                    }
                }
                if (Math.abs(e.getValue().avgSeconds() - g.avgSeconds()) > 1e-6 * Math.max(1, e.getValue().avgSeconds())) {
                    avgDiffers++;
                }
            }
            out.printf(Locale.ROOT, "evidence fields that differ between the arms: last used %d plugins, average duration %d "
                    + "plugins%s%n", lastDiffers, avgDiffers, example == null ? "" : " (e.g. " + example + ")");

            double[] lf = RecommendBench.latency(fileRec, qs, runs);
            double[] lg = RecommendBench.latency(graphRec, qs, runs);
            out.println("| evidence | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms |");
            out.println("|---|---|---|---|---|");
            out.printf(Locale.ROOT, "| file only | %.3f | %.3f | %.3f | %.3f |%n", lf[0], lf[1], lf[2], lf[3]);
            out.printf(Locale.ROOT, "| Neo4j on | %.3f | %.3f | %.3f | %.3f |%n", lg[0], lg[1], lg[2], lg[3]);
            out.printf(Locale.ROOT, "graph snapshot read (every plugin's evidence, at most every %d s in the server): %.0f ms%n",
                    GraphService.EVIDENCE_MAX_AGE.toSeconds(), snapshotMs);
            out.printf(Locale.ROOT, "record: file only %.0f outcomes/s, file + Neo4j %.0f outcomes/s; graph writes %s, "
                    + "outbox replayed %d, left %d%n", recs.size() / (fileNs / 1e9), recs.size() / (dualNs / 1e9), writes,
                    drained, graph.outbox().list().size());
            Map<String, Long> counts = graph.store().counts();
            long fileExec = dual.patterns().stream().mapToLong(p -> p.metrics().totalExecutions()).sum();
            long steps = recs.stream().mapToLong(x -> x.outcome().steps().size()).sum();
            boolean ok = counts.get("Execution") == fileExec && counts.get("Pattern") == dual.patterns().size()
                    && counts.get("EXECUTED_IN") == steps && graph.outbox().list().isEmpty();
            out.printf(Locale.ROOT, "graph check: executions file %d / graph %d, patterns file %d / graph %d, "
                    + "EXECUTED_IN %d (expected %d) -> %s%n", fileExec, counts.get("Execution"), dual.patterns().size(),
                    counts.get("Pattern"), counts.get("EXECUTED_IN"), steps,
                    ok ? "match (nothing lost, nothing doubled)" : "MISMATCH");
            return ok && sameEvidence ? 0 : 3;
        } finally {
            bg.close();
            ScratchDirs.deleteTree(tmp);
        }
    }

    /**
     * Opens the benchmark's graph. A tool call gives up on Neo4j after about 2 s; a benchmark on a loaded
     * machine may need the first connection to take longer, so an unreachable Neo4j is tried 5 times.
     */
    static BenchGraph open(Neo4jSettings settings, Path home, java.util.function.Supplier<Catalog> catalog) {
        for (int attempt = 1; ; attempt++) {
            try {
                return BenchGraph.open(settings, home, catalog, Lifecycle::status);
            } catch (dev.metaorch.store.neo4j.GraphException e) {
                if (!e.unavailable() || attempt >= 5) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Uses and successes per plugin: what the arms must agree on (durations and dates are rounded differently). */
    private static Map<String, List<Integer>> counts(Map<String, Evidence.PluginEvidence> m) {
        Map<String, List<Integer>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v.uses(), v.successes())));
        return out;
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

}
