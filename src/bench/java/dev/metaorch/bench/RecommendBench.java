package dev.metaorch.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.Recommender;
import dev.metaorch.recommend.RelevanceConfig;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.recommend.Scored;
import dev.metaorch.recommend.SeedOverlapRanker;
import dev.metaorch.util.Options;

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

    /** The marketplace folders of {@code dir}: its subfolders that hold a {@code .claude-plugin/marketplace.json}. */
    public static List<Path> marketplaceFolders(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(".claude-plugin/marketplace.json"))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static int run(Options opts, PrintStream out, Neo4jSettings neo4j) {
        List<String> catalogs = opts.all("catalog");
        List<String> markets = opts.all("marketplace");
        String setting = opts.value("setting") == null ? "both" : opts.value("setting");
        if (!List.of("both", "folders", "snapshot").contains(setting)) {
            throw new Options.UsageException("--setting is folders, snapshot or both, not '" + setting + "'");
        }
        Path catalogDir = Path.of(catalogs.isEmpty() ? "../shared/catalog" : catalogs.get(0));
        List<Path> folders = new ArrayList<>();
        if (markets.isEmpty()) {
            Path all = Path.of("../shared/marketplaces");
            if (!setting.equals("snapshot")) {
                if (!Files.isDirectory(all)) {
                    throw new Options.UsageException("marketplace folders " + all.toAbsolutePath()
                            + " not found (use --marketplace DIR, or --setting snapshot)");
                }
                folders.addAll(marketplaceFolders(all));
            }
        } else {
            for (String m : markets) {
                Path d = Path.of(m);
                if (!Files.isDirectory(d)) {
                    throw new Options.UsageException("marketplace folder " + d.toAbsolutePath() + " not found");
                }
                folders.add(d);
            }
        }
        Path queriesFile = Path.of(opts.value("queries") != null ? opts.value("queries") : "../shared/bench/queries-dev.jsonl");
        Path realisticFile = Path.of(opts.value("realistic") != null ? opts.value("realistic")
                : "../shared/bench/realistic-dev.jsonl");
        int synthetic = opts.intValue("synthetic", 0, 1_000_000, 100_000);
        int runs = opts.intValue("runs", 1, 100, 5);
        int outcomes = opts.intValue("outcomes", 1, 100_000, 300);
        boolean cv = !opts.flag("quick");
        boolean show = opts.flag("show");
        RelevanceConfig config = changed(RelevanceConfig.DEFAULT, opts.value("set") == null ? "" : opts.value("set"));
        if (!setting.equals("folders") && !Files.exists(catalogDir)) {
            throw new Options.UsageException("catalog " + catalogDir.toAbsolutePath() + " not found (use --catalog DIR)");
        }
        if (!Files.isRegularFile(queriesFile)) {
            throw new Options.UsageException("queries " + queriesFile.toAbsolutePath() + " not found (use --queries FILE)");
        }
        List<DevQueries> qs = DevQueries.load(queriesFile);
        List<RealisticTasks> tasks = Files.isRegularFile(realisticFile) ? RealisticTasks.load(realisticFile) : List.of();
        out.printf(Locale.ROOT, "bench recommend, %s: %d requests (%s), %d realistic tasks (%s)%n", LocalDate.now(),
                qs.size(), queriesFile, tasks.size(), tasks.isEmpty() ? "none: file not found" : realisticFile);
        Catalog first = null;
        RelevanceIndex firstIndex = null;
        if (!setting.equals("snapshot")) {
            long t0 = System.nanoTime();
            Catalog c = new CatalogService(CatalogSources.folders(folders)).current();
            double loadMs = ms(t0);
            Map<String, Path> byName = new LinkedHashMap<>();
            for (Path f : folders) {
                byName.put(f.getFileName().toString(), f);
            }
            out.printf(Locale.ROOT, "%n## Setting 1: marketplace folders (%s)%n", folders.stream().map(Path::toString)
                    .collect(java.util.stream.Collectors.joining(", ")));
            firstIndex = setting(c, config, loadMs, FullTextBaseline.of(c, byName), qs, tasks, runs, cv, show, out);
            first = c;
        }
        if (!setting.equals("folders")) {
            long t0 = System.nanoTime();
            Catalog c = new CatalogService(CatalogSources.snapshots(catalogDir)).current();
            double loadMs = ms(t0);
            out.printf(Locale.ROOT, "%n## Setting %d: metadata snapshot (%s)%n", first == null ? 1 : 2, catalogDir);
            RelevanceIndex ix = setting(c, config, loadMs, null, qs, tasks, runs, cv, show, out);
            if (first == null) {
                first = c;
                firstIndex = ix;
            }
        }
        if (synthetic > 0) {
            out.println();
            out.println("| catalog | plugins | components | generated ms | index build ms | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms |");
            out.println("|---|---|---|---|---|---|---|---|---|");
            long t0 = System.nanoTime();
            Catalog big = SyntheticCatalog.generate(first, synthetic, 42);
            double genMs = ms(t0);
            t0 = System.nanoTime();
            RelevanceIndex bigIndex = RelevanceIndex.build(big);
            double bigBuild = ms(t0);
            double[] lat = latency(new Recommender(bigIndex, Evidence.NONE), qs, runs);
            out.printf(Locale.ROOT, "| synthetic, from setting 1 | %d | %d | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f |%n",
                    big.size(), components(big), genMs, bigBuild, lat[0], lat[1], lat[2], lat[3]);
        }
        out.printf(Locale.ROOT, "%nlatency: one recommendation (limit 10, components and reasons included) per request, "
                + "%d timed rounds over all requests after one warm-up round; CPU = this thread's CPU time (robust to a busy "
                + "machine); JVM %s, %d cores, load average %.1f%n", runs, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (opts.flag("neo4j")) {
            out.println();
            if (neo4j == null) {
                out.println("Neo4j arm skipped: NEO4J_URI is not set");
                return 0;
            }
            return RecommendGraphArm.run(first, firstIndex, qs, runs, outcomes, neo4j, out);
        }
        return 0;
    }

    /** One catalog's tables: quality on the requests, ablations, cross-validation, realistic tasks, latency. */
    static RelevanceIndex setting(Catalog c, RelevanceConfig config, double loadMs, Bm25Ranker<Plugin> fullText,
                                  List<DevQueries> qs, List<RealisticTasks> tasks, int runs, boolean cv, boolean show,
                                  PrintStream out) {
        long t0 = System.nanoTime();
        RelevanceIndex index = RelevanceIndex.build(c, config);
        double buildMs = ms(t0);
        Recommender ours = new Recommender(index, Evidence.NONE);
        Bm25Ranker<Plugin> bm25 = Bm25Ranker.plugins(c);
        SeedOverlapRanker<Plugin> seed = SeedOverlapRanker.plugins(c);
        out.printf(Locale.ROOT, "%d plugins (%d components) in %d marketplaces%n%n", c.size(), components(c),
                c.marketplaces().size());
        out.println("| ranker | hit@1 | Recall@5 | Recall@10 | nDCG@10 | MRR |");
        out.println("|---|---|---|---|---|---|");
        RankingMetrics mo = evaluate(qs, q -> ours(ours, q, DEPTH));
        RankingMetrics mr = evaluate(qs, q -> rankIds(index, q, DEPTH));
        RankingMetrics mb = evaluate(qs, q -> ids(bm25.search(q, DEPTH)));
        RankingMetrics mf = fullText == null ? null : evaluate(qs, q -> ids(fullText.search(q, DEPTH)));
        row(out, "recommend_plugins", mo);
        row(out, "ranking alone (the rows below change it)", mr);
        row(out, "bm25", mb);
        if (mf != null) {
            row(out, "bm25-fulltext", mf);
        }
        row(out, "seed-overlap", evaluate(qs, q -> ids(seed.search(q, DEPTH))));
        Map<String, RelevanceIndex> ablated = new LinkedHashMap<>();
        for (String[] a : cv ? ABLATIONS : new String[0][]) {
            RelevanceConfig cfg = changed(config, a[1]);
            if (cfg.equals(config)) {
                continue;
            }
            RelevanceIndex ix = RelevanceIndex.build(c, cfg);
            ablated.put(a[0] + " (" + a[1] + ")", ix);
            row(out, a[0] + " (" + a[1] + ")", evaluate(qs, q -> rankIds(ix, q, DEPTH)));
        }
        RankingMetrics base = mf != null ? mf : mb;
        if (mf != null) {
            out.printf(Locale.ROOT, "%nnDCG@10 recommend_plugins / bm25-fulltext: %.2fx; / bm25: %.2fx%n",
                    base.ndcg10() == 0 ? 0 : mo.ndcg10() / base.ndcg10(), mb.ndcg10() == 0 ? 0 : mo.ndcg10() / mb.ndcg10());
        } else {
            out.printf(Locale.ROOT, "%nnDCG@10 recommend_plugins / bm25: %.2fx%n", mb.ndcg10() == 0 ? 0 : mo.ndcg10() / mb.ndcg10());
        }
        if (cv) {
            double[] r = crossValidated(c, config, qs, tasks, CV_GRID);
            out.printf(Locale.ROOT, "5-fold cross-validated ranking (settings picked among %d on 4 folds, scored on the 5th): "
                    + "requests nDCG@10 %.3f, hit@1 %.3f (default %.3f / %.3f), the default won %d of 5 folds; realistic "
                    + "tasks nDCG@10 %.3f, hit@1 %.3f, the default won %d of 5 folds%n", CV_GRID.length,
                    r[0], r[1], mr.ndcg10(), mr.hit1(), (int) r[2], r[3], r[4], (int) r[5]);
        }
        out.println(WordCoverage.describe(new WordCoverage(c).count(qs, q -> ours(ours, q, 1))));
        if (!tasks.isEmpty()) {
            out.printf(Locale.ROOT, "%nRealistic tasks (graded, twins once):%n%n");
            out.println("| ranker | nDCG@10 | hit@1 | P@5 | junk@5 | unjudged |");
            out.println("|---|---|---|---|---|---|");
            graded(out, "recommend_plugins", c, tasks, t -> ours(ours, t, 10));
            graded(out, "ranking alone (the rows below change it)", c, tasks, t -> rankIds(index, t, 10));
            graded(out, "bm25", c, tasks, t -> ids(bm25.search(t, 10)));
            if (fullText != null) {
                graded(out, "bm25-fulltext", c, tasks, t -> ids(fullText.search(t, 10)));
            }
            ablated.forEach((name, ix) -> graded(out, name, c, tasks, t -> rankIds(ix, t, 10)));
            if (show) {
                for (RealisticTasks t : tasks) {
                    out.printf(Locale.ROOT, "%n%s %s%n", t.id(), t.task());
                    for (String id : ours(ours, t.task(), 5)) {
                        Plugin p = c.plugin(id).orElseThrow();
                        out.printf(Locale.ROOT, "  %d %s %s%n", t.pluginGrade(c, id), id, index.subjects(p));
                    }
                }
            }
        }
        out.println();
        out.println("| catalog | plugins | components | load ms | index build ms | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        double[] real = latency(ours, qs, runs);
        out.printf(Locale.ROOT, "| real | %d | %d | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f |%n", c.size(), components(c),
                loadMs, buildMs, real[0], real[1], real[2], real[3]);
        return index;
    }

    static GradedMetrics graded(PrintStream out, String name, Catalog c, List<RealisticTasks> tasks,
                                Function<String, List<String>> ranker) {
        List<GradedMetrics> all = new ArrayList<>();
        for (RealisticTasks t : tasks) {
            all.add(GradedMetrics.of(c, t, ranker.apply(t.task())));
        }
        GradedMetrics m = GradedMetrics.mean(all);
        if (out != null) {
            out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, m.ndcg10(), m.hit1(), m.p5(),
                    m.junk5(), m.unjudged());
        }
        return m;
    }

    /** Ablation rows: one part of the model switched off (or changed) at a time, as name=value changes. */
    static final String[][] ABLATIONS = {
            {"without the whole-text ranking", "fullRanker=0"},
            {"without component ranking", "componentRanker=0"},
            {"without component bodies", "cBody=0"},
            {"with README, bodies and docs as fields of their own too", "readme=0.3,bodies=0.3,docs=0.3"},
            {"without example requests", "examples=0,cExamples=0"},
            {"without word pairs", "pairs=0"},
            {"without specificity", "specific=1"},
            {"without names that involve a vendor's plugins", "involve=0"},
            {"without the coverage factor", "coord=0"},
            {"without compounds written apart", "compounds=0"},
            {"without plugins called by name first", "called=0"},
            {"without request stop words", "queryStop=0"},
    };

    /** Settings the cross-validation chooses among: the default (first) and single changes of its main knobs. */
    static final String[] CV_GRID = {"", "specific=0.6", "specific=1", "fullRanker=0.5", "fullRanker=2", "bLong=0.75",
            "cBody=0.15", "cBody=0.6", "componentRanker=0.5", "componentRanker=1.5", "examples=0.35", "rrfK=20",
            "bodies=0.3", "coord=0", "coord=0.5", "coord=2", "coordTerms=3", "coordTerms=6",
            "compounds=0", "called=0"};

    /** {@code config} with the changes of {@code changes} ("name=value,name=value"; empty: none). */
    static RelevanceConfig changed(RelevanceConfig config, String changes) {
        RelevanceConfig out = config;
        for (String kv : changes.split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            String[] p = kv.split("=", 2);
            if (p.length != 2) {
                throw new Options.UsageException("a setting change is name=value, not '" + kv + "'");
            }
            try {
                out = out.with(p[0].trim(), Double.parseDouble(p[1].trim()));
            } catch (IllegalArgumentException e) {
                throw new Options.UsageException(e.getMessage());
            }
        }
        return out;
    }

    /**
     * Held-out estimates of the model's quality on the requests and on the realistic tasks: each set split into 5
     * interleaved folds; for each fold the setting with the best mean nDCG@10 on the other four (of the same set) is
     * scored on it. Returns, per set, mean nDCG@10, hit@1 and the number of folds the default (the first setting)
     * won: {requests..., tasks...}.
     */
    static double[] crossValidated(Catalog c, RelevanceConfig config, List<DevQueries> qs, List<RealisticTasks> tasks,
                                   String[] grid) {
        double[][] ndcg = new double[grid.length][qs.size()];
        double[][] hit = new double[grid.length][qs.size()];
        double[][] tNdcg = new double[grid.length][tasks.size()];
        double[][] tHit = new double[grid.length][tasks.size()];
        for (int k = 0; k < grid.length; k++) {
            RelevanceIndex ix = RelevanceIndex.build(c, changed(config, grid[k]));
            for (int i = 0; i < qs.size(); i++) {
                RankingMetrics m = RankingMetrics.of(rankIds(ix, qs.get(i).query(), DEPTH), qs.get(i).relevant(),
                        qs.get(i).relevance());
                ndcg[k][i] = m.ndcg10();
                hit[k][i] = m.hit1();
            }
            for (int i = 0; i < tasks.size(); i++) {
                GradedMetrics m = GradedMetrics.of(c, tasks.get(i), rankIds(ix, tasks.get(i).task(), 10));
                tNdcg[k][i] = m.ndcg10();
                tHit[k][i] = m.hit1();
            }
        }
        double[] r = folds(ndcg, hit);
        double[] t = tasks.isEmpty() ? new double[3] : folds(tNdcg, tHit);
        return new double[] {r[0], r[1], r[2], t[0], t[1], t[2]};
    }

    private static double[] folds(double[][] ndcg, double[][] hit) {
        int n = ndcg[0].length;
        int folds = 5;
        double nd = 0;
        double h1 = 0;
        int defaultWon = 0;
        for (int f = 0; f < folds; f++) {
            int best = 0;
            double bestSum = -1;
            for (int k = 0; k < ndcg.length; k++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    if (i % folds != f) {
                        sum += ndcg[k][i];
                    }
                }
                if (sum > bestSum + 1e-9) {
                    bestSum = sum;
                    best = k;
                }
            }
            if (best == 0) {
                defaultWon++;
            }
            for (int i = f; i < n; i += folds) {
                nd += ndcg[best][i];
                h1 += hit[best][i];
            }
        }
        return new double[] {nd / n, h1 / n, defaultWon};
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

    /** The fused plugin ranking as plugin ids: what the ranking figures are computed from. */
    static List<String> rankIds(RelevanceIndex index, String query, int limit) {
        return index.rankPlugins(query, null, limit).stream().map(h -> h.item().id()).toList();
    }
}
