package dev.metaorch.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.cli.Options;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.Recommender;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.recommend.Scored;
import dev.metaorch.recommend.SeedOverlapRanker;

/**
 * {@code bench recommend}: ranking quality of recommend_plugins on judged requests beside the two pinned
 * baselines ({@code bm25}, {@code seed-overlap}) on the same catalog in the same run, ablations of our
 * model, and the latency of one recommendation over the real catalog and a synthetic one of 100,000 plugins.
 */
public final class RecommendBench {

    /** Results each ranker returns; MRR looks this deep. */
    static final int DEPTH = 100;

    private RecommendBench() {
    }

    public static RankingMetrics evaluate(List<DevQueries> queries, Function<String, List<String>> ranker) {
        List<RankingMetrics> all = new ArrayList<>();
        for (DevQueries q : queries) {
            all.add(RankingMetrics.of(ranker.apply(q.query()), q.relevant(), q.relevance()));
        }
        return RankingMetrics.mean(all);
    }

    static List<String> ids(List<Scored<Plugin>> l) {
        return l.stream().map(s -> s.item().id()).toList();
    }

    /** Our full recommendation path (relevance, neutral evidence), as plugin ids. */
    static List<String> ours(Recommender r, String query, int limit) {
        return r.recommend(Recommender.Request.of(query, limit)).stream().map(x -> x.hit().plugin().id()).toList();
    }

    public static int run(Options opts, PrintStream out) {
        return run(opts, out, null);
    }

    public static int run(Options opts, PrintStream out, Neo4jSettings neo4j) {
        List<String> catalogs = opts.all("catalog");
        Path catalogDir = Path.of(catalogs.isEmpty() ? "../shared/catalog" : catalogs.get(0));
        Path queriesFile = Path.of(opts.value("queries") != null ? opts.value("queries") : "../shared/bench/queries-dev.jsonl");
        int synthetic = opts.intValue("synthetic", 0, 1_000_000, 100_000);
        int runs = opts.intValue("runs", 1, 100, 5);
        int outcomes = opts.intValue("outcomes", 1, 100_000, 300);
        if (!Files.exists(catalogDir)) {
            throw new Options.UsageException("catalog " + catalogDir.toAbsolutePath() + " not found (use --catalog DIR)");
        }
        if (!Files.isRegularFile(queriesFile)) {
            throw new Options.UsageException("queries " + queriesFile.toAbsolutePath() + " not found (use --queries FILE)");
        }
        return report(catalogDir, queriesFile, synthetic, runs, out, opts.flag("neo4j"), neo4j, outcomes);
    }

    static void report(Path catalogDir, Path queriesFile, int synthetic, int runs, PrintStream out) {
        report(catalogDir, queriesFile, synthetic, runs, out, false, null, 0);
    }

    static int report(Path catalogDir, Path queriesFile, int synthetic, int runs, PrintStream out, boolean withNeo4j,
                      Neo4jSettings neo4j, int outcomes) {
        long t0 = System.nanoTime();
        Catalog c = new CatalogService(CatalogSources.snapshots(catalogDir)).current();
        double loadMs = ms(t0);
        t0 = System.nanoTime();
        RelevanceIndex index = RelevanceIndex.build(c);
        double buildMs = ms(t0);
        List<DevQueries> qs = DevQueries.load(queriesFile);

        Recommender ours = new Recommender(index, Evidence.NONE);
        Bm25Ranker<Plugin> bm25 = Bm25Ranker.plugins(c);
        SeedOverlapRanker<Plugin> seed = SeedOverlapRanker.plugins(c);

        out.printf(Locale.ROOT, "bench recommend, %s: %d requests (%s), catalog %s: %d plugins in %d marketplaces%n%n",
                LocalDate.now(), qs.size(), queriesFile, catalogDir, c.size(), c.marketplaces().size());
        out.println("| ranker | hit@1 | Recall@5 | Recall@10 | nDCG@10 | MRR |");
        out.println("|---|---|---|---|---|---|");
        RankingMetrics mo = evaluate(qs, q -> ours(ours, q, DEPTH));
        RankingMetrics mb = evaluate(qs, q -> ids(bm25.search(q, DEPTH)));
        RankingMetrics ms = evaluate(qs, q -> ids(seed.search(q, DEPTH)));
        row(out, "recommend_plugins", mo);
        row(out, "bm25", mb);
        row(out, "seed-overlap", ms);
        // ablations: each part of our model switched off in turn
        RelevanceIndex.Config d = RelevanceIndex.Config.DEFAULT;
        String[][] ablations = {
                {"ours without component ranking", "componentRanker=0"},
                {"ours without query expansion", "expansion=0"},
                {"ours without word pairs", "bigramWeight=0"},
                {"ours without request stop words", "queryStop=0"},
        };
        for (String[] a : ablations) {
            RelevanceIndex.Config cfg = RelevanceIndex.Config.parse(a[1]);
            if (cfg.equals(d)) {
                continue;
            }
            RelevanceIndex ix = RelevanceIndex.build(c, cfg);
            row(out, a[0], evaluate(qs, q -> ix.rankIds(q, DEPTH)));
        }
        out.printf(Locale.ROOT, "%nnDCG@10 ours / bm25: %.2fx%n", mb.ndcg10() == 0 ? 0 : mo.ndcg10() / mb.ndcg10());
        double[] cv = crossValidated(c, qs, CV_GRID);
        out.printf(Locale.ROOT, "5-fold cross-validated (settings picked among %d on 4 folds, scored on the 5th): "
                + "nDCG@10 %.3f, hit@1 %.3f (bm25 %.3f / %.3f)%n", CV_GRID.length, cv[0], cv[1], mb.ndcg10(), mb.hit1());
        out.println(WordCoverage.describe(new WordCoverage(c).count(qs, q -> ours(ours, q, 1))));
        out.println();

        out.println("| catalog | plugins | components | load ms | index build ms | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        double[] real = latency(ours, qs, runs);
        out.printf(Locale.ROOT, "| real | %d | %d | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f |%n", c.size(), components(c),
                loadMs, buildMs, real[0], real[1], real[2], real[3]);
        if (synthetic > 0) {
            t0 = System.nanoTime();
            Catalog big = SyntheticCatalog.generate(c, synthetic, 42);
            double genMs = ms(t0);
            t0 = System.nanoTime();
            RelevanceIndex bigIndex = RelevanceIndex.build(big);
            double bigBuild = ms(t0);
            double[] lat = latency(new Recommender(bigIndex, Evidence.NONE), qs, runs);
            out.printf(Locale.ROOT, "| synthetic | %d | %d | %.0f (generated) | %.0f | %.3f | %.3f | %.3f | %.3f |%n",
                    big.size(), components(big), genMs, bigBuild, lat[0], lat[1], lat[2], lat[3]);
        }
        out.printf(Locale.ROOT, "%nlatency: one recommendation (limit 10, components and reasons included) per request, "
                + "%d timed rounds over all requests after one warm-up round; CPU = this thread's CPU time (robust to a busy "
                + "machine); JVM %s, %d cores, load average %.1f%n", runs, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (withNeo4j) {
            out.println();
            if (neo4j == null) {
                out.println("Neo4j arm skipped: NEO4J_URI is not set");
                return 0;
            }
            return RecommendGraphArm.run(c, index, qs, runs, outcomes, neo4j, out);
        }
        return 0;
    }

    /** Settings the cross-validation chooses among: the default and single changes of its main knobs. */
    static final String[] CV_GRID = {"", "componentWeight=0", "componentWeight=1", "pool=100", "rrfK=20", "rrfK=0",
            "componentB=0.5", "pluginB=0.75", "pluginK1=0.9", "expansion=0.5", "componentRanker=0.5", "bigramWeight=0.5"};

    /**
     * Held-out estimate of the model's quality: queries split into 5 interleaved folds; for each fold the
     * setting with the best mean nDCG@10 on the other four is scored on it. Returns mean nDCG@10 and hit@1.
     */
    static double[] crossValidated(Catalog c, List<DevQueries> qs, String[] grid) {
        double[][] ndcg = new double[grid.length][qs.size()];
        double[][] hit = new double[grid.length][qs.size()];
        for (int k = 0; k < grid.length; k++) {
            RelevanceIndex ix = RelevanceIndex.build(c, RelevanceIndex.Config.parse(grid[k]));
            for (int i = 0; i < qs.size(); i++) {
                RankingMetrics m = RankingMetrics.of(ix.rankIds(qs.get(i).query(), DEPTH), qs.get(i).relevant(),
                        qs.get(i).relevance());
                ndcg[k][i] = m.ndcg10();
                hit[k][i] = m.hit1();
            }
        }
        int folds = 5;
        double nd = 0;
        double h1 = 0;
        for (int f = 0; f < folds; f++) {
            int best = 0;
            double bestSum = -1;
            for (int k = 0; k < grid.length; k++) {
                double sum = 0;
                for (int i = 0; i < qs.size(); i++) {
                    if (i % folds != f) {
                        sum += ndcg[k][i];
                    }
                }
                if (sum > bestSum) {
                    bestSum = sum;
                    best = k;
                }
            }
            for (int i = f; i < qs.size(); i += folds) {
                nd += ndcg[best][i];
                h1 += hit[best][i];
            }
        }
        return new double[] {nd / qs.size(), h1 / qs.size()};
    }

    static long components(Catalog c) {
        return c.plugins().stream().mapToLong(p -> p.components().size()).sum();
    }

    static void row(PrintStream out, String name, RankingMetrics m) {
        out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, m.hit1(), m.recall5(), m.recall10(),
                m.ndcg10(), m.mrr());
    }

    /** p50 and p99 in ms of one recommendation, over {@code runs} rounds of every query after a warm-up round. */
    static double[] latency(Recommender r, List<DevQueries> qs, int runs) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (DevQueries q : qs) {
            ours(r, q.query(), 10);
        }
        double[] wall = new double[qs.size() * runs];
        double[] cpu = new double[qs.size() * runs];
        int i = 0;
        for (int round = 0; round < runs; round++) {
            for (DevQueries q : qs) {
                long c = mx.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                ours(r, q.query(), 10);
                wall[i] = ms(t);
                cpu[i++] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
            }
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[] {percentile(wall, 0.50), percentile(wall, 0.99), percentile(cpu, 0.50), percentile(cpu, 0.99)};
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
