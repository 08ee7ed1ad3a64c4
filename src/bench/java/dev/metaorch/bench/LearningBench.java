package dev.metaorch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.learn.TaskClass;
import dev.metaorch.store.GraphMirror;
import dev.metaorch.store.OutcomeRecorder;
import dev.metaorch.store.PatternStore;
import dev.metaorch.store.neo4j.GraphService;
import dev.metaorch.store.neo4j.GraphWrite;
import dev.metaorch.util.Json;
import dev.metaorch.util.Texts;

/**
 * {@code bench learning}: a simulated market of plugin sequences. 20 task classes with 5 candidate
 * sequences each; every sequence has a true success probability drawn from U[0.3, 0.95] (seeded); tasks
 * arrive uniformly at random. Both rankers see the same task stream and the same pre-drawn outcome for
 * every (class, sequence, round), so only their choices differ. Every outcome is recorded through the
 * pattern store exactly as record_outcome records it (one scratch data folder per ranker), and each
 * ranker reads its evidence back from that store.
 * <ul>
 *   <li><b>ours</b>: Bayes-UCB on the store's Beta(1, 1) posterior of each candidate's pattern: the
 *       candidate with the highest posterior quantile 1 - 1/(t + 1), t the candidates' runs so far (a
 *       sequence never tried has the prior). Thompson sampling on the same posterior is shown beside it.</li>
 *   <li><b>design</b>: the design's score 0.4 keyword match + 0.3 raw success rate + 0.2 min(runs/100, 1)
 *       + 0.1 recency (1 / (1 + days since the pattern was last used)), highest first; a sequence never
 *       tried has no pattern yet and scores its keyword match only; ties are broken at random.</li>
 * </ul>
 * Regret is the expected (pseudo-)regret against the oracle that always picks the truly best sequence:
 * the sum over rounds of p(best) - p(chosen). The realized count of successes is printed beside it.
 */
public final class LearningBench {

    static final int CLASSES = 20;
    static final int SEQUENCES = 5;
    static final int STEPS = 3;
    static final double P_MIN = 0.3;
    static final double P_MAX = 0.95;
    static final int[] CHECKPOINTS = {200, 1_000, 5_000};

    private LearningBench() {
    }

    /** A clock the bench advances: one simulated minute per round. */
    static final class SimClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The market: true probabilities, the task stream and every pre-drawn outcome. */
    record Market(double[][] p, int[] task, boolean[][] outcome) {
        static Market draw(int rounds, long seed) {
            Random r = new Random(seed);
            double[][] p = new double[CLASSES][SEQUENCES];
            for (int c = 0; c < CLASSES; c++) {
                for (int k = 0; k < SEQUENCES; k++) {
                    p[c][k] = P_MIN + (P_MAX - P_MIN) * r.nextDouble();
                }
            }
            int[] task = new int[rounds];
            boolean[][] outcome = new boolean[rounds][SEQUENCES];
            for (int t = 0; t < rounds; t++) {
                task[t] = r.nextInt(CLASSES);
                for (int k = 0; k < SEQUENCES; k++) {
                    outcome[t][k] = r.nextDouble() < p[task[t]][k];
                }
            }
            return new Market(p, task, outcome);
        }

        double best(int c) {
            double b = 0;
            for (double x : p[c]) {
                b = Math.max(b, x);
            }
            return b;
        }
    }

    /** One ranker with its own scratch store. */
    abstract static class Ranker {
        final String name;
        final PatternStore store;
        final SimClock clock = new SimClock();
        final Random random;
        double regret;
        int successes;
        long nanos; // time spent choosing and recording (and, for the Neo4j arm, dual-writing and pulling)
        final List<String> badPromotions = new ArrayList<>();
        final Map<Integer, double[]> atCheckpoint = new LinkedHashMap<>();
        OutcomeRecorder recorder; // record_outcome's; the Neo4j arm's writes the graph too

        Ranker(String name, Path home, long seed) {
            this.name = name;
            this.random = new Random(seed);
            this.store = new PatternStore(home, new PatternStore.Config(List.of(), false, clock, ids -> null));
            this.recorder = new OutcomeRecorder(store, GraphMirror.NONE);
        }

        /** Which pattern each (class, sequence) became, as record_outcome reported it. */
        final Map<Integer, String> patternOf = new HashMap<>();

        /** The candidate's pattern as the store has it now, keyed by sequence index; absent when never tried. */
        Map<Integer, Pattern> candidates(int c) {
            Map<Integer, Pattern> out = new HashMap<>();
            for (int k = 0; k < SEQUENCES; k++) {
                String id = patternOf.get(c * SEQUENCES + k);
                if (id != null) {
                    int seq = k;
                    store.pattern(id).ifPresent(p -> out.put(seq, p));
                }
            }
            return out;
        }

        abstract int choose(int c, String task);

        /** Records one outcome through record_outcome's recorder; the Neo4j arm's also writes the graph. */
        RecordResult record(Recording rec) {
            return recorder.record(rec);
        }

        /** Called once per round after the outcome is recorded (the Neo4j arm pulls the graph's evidence here). */
        void afterRound(int t) {
        }
    }

    /** Ours: Bayes-UCB, the upper posterior quantile 1 - 1/(t + 1) of each candidate (the same Beta posterior). */
    static class Ours extends Ranker {
        Ours(Path home, long seed) {
            super("ours (Bayes-UCB on the posterior)", home, seed);
        }

        Ours(String name, Path home, long seed) {
            super(name, home, seed);
        }

        /** Each candidate's evidence, by sequence index: here the pattern as the file store has it. */
        PatternScore[] scores(int c) {
            Map<Integer, Pattern> cand = candidates(c);
            PatternScore[] out = new PatternScore[SEQUENCES];
            for (int k = 0; k < SEQUENCES; k++) {
                Pattern p = cand.get(k);
                out[k] = p == null ? PatternScore.NONE : PatternScore.of(p);
            }
            return out;
        }

        @Override
        int choose(int c, String task) {
            PatternScore[] scores = scores(c);
            int total = 0;
            for (PatternScore s : scores) {
                total += s.trials();
            }
            double best = -1;
            List<Integer> ties = new ArrayList<>();
            for (int k = 0; k < SEQUENCES; k++) {
                PatternScore s = scores[k];
                double index = Bandits.upperIndex(s.successes(), s.trials(), total);
                if (index > best + 1e-12) {
                    best = index;
                    ties.clear();
                    ties.add(k);
                } else if (Math.abs(index - best) <= 1e-12) {
                    ties.add(k);
                }
            }
            return ties.get(random.nextInt(ties.size()));
        }
    }

    /**
     * Ours with Neo4j on: the same ranker and seed, every outcome dual-written by record_outcome's
     * {@link OutcomeRecorder} (file store first, then the graph through {@link GraphService}), and its evidence read from the graph
     * side only ({@link GraphService#evidence}: the graph's snapshot plus this server's outcomes the snapshot
     * cannot contain yet, with no file store behind it). The snapshot is re-read every
     * {@link #REFRESH_ROUNDS} rounds, standing in for the server's background pull. A write the graph lost
     * or doubled would change the counts it reads and so the choices: its regret equals the file-only
     * arm's exactly when the graph's evidence equals the file store's.
     */
    static final class GraphOurs extends Ours {
        static final int REFRESH_ROUNDS = 50;
        final GraphService graph;
        final Evidence evidence;
        final Map<GraphService.WriteResult, Integer> writes = new java.util.EnumMap<>(GraphService.WriteResult.class);

        GraphOurs(Path home, long seed, GraphService graph) {
            super("ours, Neo4j on (dual write, evidence from the graph)", home, seed);
            this.graph = graph;
            this.evidence = graph.evidence(() -> Evidence.NONE);
            this.recorder = new OutcomeRecorder(store, new CountedWrites(graph, writes));
        }

        @Override
        PatternScore[] scores(int c) {
            PatternScore[] out = new PatternScore[SEQUENCES];
            for (int k = 0; k < SEQUENCES; k++) {
                // every step of a simulated sequence fails or succeeds with it, so its first plugin's
                // evidence is the sequence's evidence (each sequence has its own plugins)
                Evidence.PluginEvidence e = evidence.plugin(sequence(c, k).get(0).plugin());
                out[k] = PatternScore.of(e.successes(), e.uses());
            }
            return out;
        }

        @Override
        void afterRound(int t) {
            if ((t + 1) % REFRESH_ROUNDS == 0) {
                graph.refreshEvidence();
            }
        }
    }

    /** The graph as record_outcome's mirror, each write counted by where it went (Neo4j, outbox, rejected). */
    record CountedWrites(GraphService graph, Map<GraphService.WriteResult, Integer> writes) implements GraphMirror {
        @Override
        public void patternSaved(Pattern p) {
            writes.merge(graph.submit(GraphWrite.pattern(p)), 1, Integer::sum);
        }

        @Override
        public void outcomeRecorded(Outcome o) {
            writes.merge(graph.submit(GraphWrite.outcome(o)), 1, Integer::sum);
        }
    }

    /** Thompson sampling on the same posterior, shown for comparison. */
    static final class Thompson extends Ranker {
        Thompson(Path home, long seed) {
            super("Thompson sampling on the posterior (for comparison)", home, seed);
        }

        @Override
        int choose(int c, String task) {
            Map<Integer, Pattern> cand = candidates(c);
            int best = 0;
            double bestDraw = -1;
            for (int k = 0; k < SEQUENCES; k++) {
                Pattern p = cand.get(k);
                PatternScore s = p == null ? PatternScore.NONE : PatternScore.of(p);
                double draw = Bandits.sample(s.successes(), s.trials(), random);
                if (draw > bestDraw) {
                    bestDraw = draw;
                    best = k;
                }
            }
            return best;
        }
    }

    static final class Design extends Ranker {
        Design(Path home, long seed) {
            super("design (0.4 keywords + 0.3 raw rate + 0.2 usage + 0.1 recency)", home, seed);
        }

        @Override
        int choose(int c, String task) {
            Map<Integer, Pattern> cand = candidates(c);
            List<String> words = TaskClass.keywords(task);
            double bestScore = -1;
            List<Integer> ties = new ArrayList<>();
            for (int k = 0; k < SEQUENCES; k++) {
                Pattern p = cand.get(k);
                double score;
                if (p == null) {
                    score = 0.4; // proposed for this task: full keyword match, no evidence yet
                } else {
                    long overlap = p.taskKeywords().stream().filter(words::contains).count();
                    double kw = p.taskKeywords().isEmpty() ? 0 : (double) overlap / p.taskKeywords().size();
                    double ageDays = Duration.between(Instant.parse(p.lastUpdated()), clock.instant()).toMinutes() / 1440.0;
                    score = 0.4 * kw + 0.3 * p.metrics().successRate()
                            + 0.2 * Math.min(p.metrics().totalExecutions() / 100.0, 1) + 0.1 / (1 + ageDays);
                }
                if (score > bestScore + 1e-12) {
                    bestScore = score;
                    ties.clear();
                    ties.add(k);
                } else if (Math.abs(score - bestScore) <= 1e-12) {
                    ties.add(k);
                }
            }
            return ties.get(random.nextInt(ties.size()));
        }
    }

    static List<Pattern.Step> sequence(int c, int k) {
        List<Pattern.Step> out = new ArrayList<>();
        for (int i = 1; i <= STEPS; i++) {
            out.add(new Pattern.Step(String.format(Locale.ROOT, "sim-c%02d-s%d-step%d@bench", c, k, i), null, null, null, null));
        }
        return out;
    }

    /** The steps of one run: every step of a simulated sequence succeeds or fails with it. */
    static List<Outcome.StepResult> steps(int c, int k, boolean ok) {
        List<Outcome.StepResult> out = new ArrayList<>();
        List<Pattern.Step> seq = sequence(c, k);
        for (int i = 0; i < seq.size(); i++) {
            out.add(new Outcome.StepResult(i + 1, seq.get(i).plugin(), null, ok ? "success" : "failure", 20_000, null, null));
        }
        return out;
    }

    /**
     * The end-of-run comparison of the graph with the Neo4j arm's file store: executions, patterns and
     * EXECUTED_IN relationships (nothing lost, nothing doubled), after draining whatever went to the outbox.
     */
    record GraphCheck(long fileExecutions, long graphExecutions, long filePatterns, long graphPatterns, long graphExecutedIn,
                      int drained, int outboxLeft, Map<GraphService.WriteResult, Integer> writes) {
        static GraphCheck of(GraphOurs r) {
            int drained = r.graph.drain();
            Map<String, Long> counts = r.graph.store().counts();
            long fileExec = r.store.patterns().stream().mapToLong(p -> p.metrics().totalExecutions()).sum();
            return new GraphCheck(fileExec, counts.get("Execution"), r.store.patterns().size(), counts.get("Pattern"),
                    counts.get("EXECUTED_IN"), drained, r.graph.outbox().list().size(), Map.copyOf(r.writes));
        }

        boolean ok() {
            return fileExecutions == graphExecutions && filePatterns == graphPatterns
                    && graphExecutedIn == (long) STEPS * fileExecutions && outboxLeft == 0;
        }
    }

    /** Each class has its own three content words; the phrasing varies from round to round. */
    static String task(int c, Random r) {
        String[] w = {"alpha" + (char) ('a' + c), "beta" + (char) ('a' + c), "gamma" + (char) ('a' + c)};
        String[] templates = {"Build %s with %s and %s", "%s plus %s for the %s", "Set up %s, %s and %s"};
        for (int i = w.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            String x = w[i];
            w[i] = w[j];
            w[j] = x;
        }
        return String.format(Locale.ROOT, templates[r.nextInt(templates.length)], (Object[]) w);
    }

    public static int run(int rounds, int seed, boolean json, PrintStream out) {
        return run(rounds, seed, json, out, false, null);
    }

    /**
     * @param neo4j    run the Neo4j-on arm beside the file-only one ({@code --neo4j})
     * @param settings the Neo4j to use (NEO4J_URI etc.), or null when unset
     */
    public static int run(int rounds, int seed, boolean json, PrintStream out, boolean neo4j, Neo4jSettings settings) {
        Path tmp;
        try {
            // A memory-backed scratch folder when there is one: the store's renames then cost no disk flushes.
            Path shm = Path.of("/dev/shm");
            tmp = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "bench-learning-")
                    : Files.createTempDirectory("bench-learning-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        BenchGraph bg = null;
        String skipped = null;
        if (neo4j) {
            if (settings == null) {
                skipped = "NEO4J_URI is not set";
            } else {
                try {
                    bg = RecommendGraphArm.open(settings, tmp.resolve("graph-home"), () -> null);
                } catch (RuntimeException e) {
                    skipped = String.valueOf(e.getMessage());
                }
            }
        }
        try {
            Market m = Market.draw(rounds, seed);
            List<Ranker> rankers = new ArrayList<>(List.of(new Ours(tmp.resolve("ours"), seed + 1L),
                    new Design(tmp.resolve("design"), seed + 1L), new Thompson(tmp.resolve("thompson"), seed + 1L)));
            if (bg != null) {
                rankers.add(new GraphOurs(tmp.resolve("ours-neo4j"), seed + 1L, bg.graph()));
            }
            Random phrasing = new Random(seed + 2L);
            double oracleSuccesses = 0;
            Map<Integer, Integer> oracleAt = new LinkedHashMap<>();
            for (int t = 0; t < rounds; t++) {
                int c = m.task()[t];
                String task = task(c, phrasing);
                int bestK = 0;
                for (int k = 1; k < SEQUENCES; k++) {
                    if (m.p()[c][k] > m.p()[c][bestK]) {
                        bestK = k;
                    }
                }
                oracleSuccesses += m.outcome()[t][bestK] ? 1 : 0;
                for (Ranker r : rankers) {
                    long rt = System.nanoTime();
                    r.clock.now = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * t);
                    int k = r.choose(c, task);
                    boolean ok = m.outcome()[t][k];
                    r.regret += m.best(c) - m.p()[c][k];
                    r.successes += ok ? 1 : 0;
                    Outcome o = new Outcome("round-" + t, null, null, task, ok ? "success" : "failure", 60_000, null, null,
                            steps(c, k, ok));
                    RecordResult res = r.record(new Recording(o, sequence(c, k), "simulated", null, List.of(),
                            List.of(), ok ? List.of() : List.of("step failed: simulated failure"), null));
                    r.afterRound(t);
                    r.nanos += System.nanoTime() - rt;
                    r.patternOf.put(c * SEQUENCES + k, res.pattern().id());
                    if (res.promoted() && m.p()[c][k] < 0.6) {
                        r.badPromotions.add(String.format(Locale.ROOT, "round %d: %s (class %d, sequence %d, true p %.3f) %s -> %s at %d/%d",
                                t + 1, res.pattern().id(), c, k, m.p()[c][k], res.previousStatus(), res.status(),
                                res.score().successes(), res.score().trials()));
                    }
                }
                for (int cp : CHECKPOINTS) {
                    if (t + 1 == cp) {
                        oracleAt.put(cp, (int) oracleSuccesses);
                        for (Ranker r : rankers) {
                            r.atCheckpoint.put(cp, new double[]{r.regret, r.successes});
                        }
                    }
                }
            }
            if (!oracleAt.containsKey(rounds)) {
                oracleAt.put(rounds, (int) oracleSuccesses);
                for (Ranker r : rankers) {
                    r.atCheckpoint.put(rounds, new double[]{r.regret, r.successes});
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            GraphCheck check = bg == null ? null : GraphCheck.of((GraphOurs) rankers.get(3));
            report(m, rankers, oracleAt, rounds, seed, seconds, json, out, neo4j, skipped, check);
            Ranker ours = rankers.get(0);
            Ranker design = rankers.get(1);
            double[] o1 = ours.atCheckpoint.get(Math.min(1000, rounds));
            double[] d1 = design.atCheckpoint.get(Math.min(1000, rounds));
            boolean graphOk = check == null || check.ok();
            return o1 != null && d1 != null && o1[0] <= 0.5 * d1[0] && ours.badPromotions.isEmpty() && graphOk ? 0 : 3;
        } finally {
            if (bg != null) {
                bg.close();
            }
            ScratchDirs.deleteTree(tmp);
        }
    }

    private static void report(Market m, List<Ranker> rankers, Map<Integer, Integer> oracleAt, int rounds, int seed,
                               double seconds, boolean json, PrintStream out, boolean neo4j, String skipped,
                               GraphCheck check) {
        Ranker ours = rankers.get(0);
        Ranker design = rankers.get(1);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rounds", rounds);
            o.put("seed", seed);
            List<Map<String, Object>> rows = new ArrayList<>();
            oracleAt.forEach((cp, os) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rounds", cp);
                row.put("oracle_successes", os);
                row.put("ours_regret", Texts.round(ours.atCheckpoint.get(cp)[0], 3));
                row.put("ours_successes", (int) ours.atCheckpoint.get(cp)[1]);
                row.put("design_regret", Texts.round(design.atCheckpoint.get(cp)[0], 3));
                row.put("design_successes", (int) design.atCheckpoint.get(cp)[1]);
                row.put("ratio", Texts.round(ours.atCheckpoint.get(cp)[0] / design.atCheckpoint.get(cp)[0], 3));
                row.put("thompson_regret", Texts.round(rankers.get(2).atCheckpoint.get(cp)[0], 3));
                rows.add(row);
            });
            o.put("checkpoints", rows);
            o.put("ours_promotions_below_0_6", ours.badPromotions);
            o.put("design_promotions_below_0_6", design.badPromotions);
            o.put("thompson_promotions_below_0_6", rankers.get(2).badPromotions);
            o.put("ours_status_counts", statusCounts(ours));
            o.put("design_status_counts", statusCounts(design));
            o.put("seconds", Texts.round(seconds, 3));
            if (neo4j) {
                Map<String, Object> g = new LinkedHashMap<>();
                if (check == null) {
                    g.put("skipped", skipped);
                } else {
                    Ranker gr = rankers.get(3);
                    List<Map<String, Object>> cps = new ArrayList<>();
                    oracleAt.keySet().forEach(cp -> {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("rounds", cp);
                        row.put("file_only_regret", Texts.round(ours.atCheckpoint.get(cp)[0], 3));
                        row.put("neo4j_regret", Texts.round(gr.atCheckpoint.get(cp)[0], 3));
                        cps.add(row);
                    });
                    g.put("checkpoints", cps);
                    g.put("file_only_outcomes_per_s", Texts.round(rounds / (ours.nanos / 1e9), 3));
                    g.put("neo4j_outcomes_per_s", Texts.round(rounds / (gr.nanos / 1e9), 3));
                    g.put("file_executions", check.fileExecutions());
                    g.put("graph_executions", check.graphExecutions());
                    g.put("file_patterns", check.filePatterns());
                    g.put("graph_patterns", check.graphPatterns());
                    g.put("graph_executed_in", check.graphExecutedIn());
                    g.put("outbox_drained_at_end", check.drained());
                    g.put("outbox_left", check.outboxLeft());
                    g.put("counts_match", check.ok());
                }
                o.put("neo4j", g);
            }
            out.println(Json.write(o));
            return;
        }
        out.printf(Locale.ROOT, "bench learning: %d task classes x %d sequences, true p ~ U[%.2f, %.2f], seed %d, %d rounds%n",
                CLASSES, SEQUENCES, P_MIN, P_MAX, seed, rounds);
        out.println("Both rankers: same task stream, same pre-drawn outcome per (class, sequence, round); every outcome "
                + "recorded through the pattern store (record_outcome's path).");
        out.println("Regret = sum of p(best) - p(chosen) against the oracle (lower is better).");
        out.println();
        Ranker ts = rankers.get(2);
        out.println("| rounds | oracle successes | ours: regret | ours: successes | design: regret | design: successes "
                + "| ours / design | Thompson: regret |");
        out.println("|---|---|---|---|---|---|---|---|");
        oracleAt.forEach((cp, os) -> {
            double[] o = ours.atCheckpoint.get(cp);
            double[] d = design.atCheckpoint.get(cp);
            out.printf(Locale.ROOT, "| %d | %d | %.1f | %d | %.1f | %d | %.2f | %.1f |%n", cp, os, o[0], (int) o[1], d[0],
                    (int) d[1], o[0] / d[0], ts.atCheckpoint.get(cp)[0]);
        });
        out.println();
        for (Ranker r : rankers) {
            out.println(r.name + ": final statuses " + statusCounts(r));
            if (r.badPromotions.isEmpty()) {
                out.println("  promotions of patterns whose true p < 0.6: none");
            } else {
                out.println("  promotions of patterns whose true p < 0.6: " + r.badPromotions.size());
                r.badPromotions.forEach(x -> out.println("  - " + x));
            }
        }
        if (neo4j) {
            out.println();
            if (check == null) {
                out.println("Neo4j arm skipped: " + skipped);
            } else {
                reportGraph(rankers, oracleAt, rounds, check, out);
            }
        }
        out.printf(Locale.ROOT, "%n(%.1f s for %d recorded outcomes)%n", seconds, rankers.size() * rounds);
    }

    private static void reportGraph(List<Ranker> rankers, Map<Integer, Integer> oracleAt, int rounds, GraphCheck check,
                                    PrintStream out) {
        Ranker ours = rankers.get(0);
        Ranker gr = rankers.get(3);
        out.println("Neo4j on vs file only, same run (same market, seed and ranker; the Neo4j arm dual-writes every "
                + "outcome and reads its evidence from the graph, snapshot re-read every " + GraphOurs.REFRESH_ROUNDS
                + " rounds):");
        out.println("| rounds | file only: regret | Neo4j on: regret |");
        out.println("|---|---|---|");
        oracleAt.keySet().forEach(cp -> out.printf(Locale.ROOT, "| %d | %.1f | %.1f |%n", cp,
                ours.atCheckpoint.get(cp)[0], gr.atCheckpoint.get(cp)[0]));
        out.printf(Locale.ROOT, "throughput (choose + record, one outcome per round): file only %.0f outcomes/s, Neo4j on "
                + "%.0f outcomes/s (%.1fx slower)%n", rounds / (ours.nanos / 1e9), rounds / (gr.nanos / 1e9),
                (double) gr.nanos / ours.nanos);
        out.printf(Locale.ROOT, "graph writes: %s; outbox replayed at the end: %d, left: %d%n", check.writes(),
                check.drained(), check.outboxLeft());
        out.printf(Locale.ROOT, "graph check: executions file %d / graph %d, patterns file %d / graph %d, EXECUTED_IN %d "
                + "(expected %d) -> %s%n", check.fileExecutions(), check.graphExecutions(), check.filePatterns(),
                check.graphPatterns(), check.graphExecutedIn(), STEPS * check.fileExecutions(),
                check.ok() ? "match (nothing lost, nothing doubled)" : "MISMATCH");
    }

    private static Map<String, Integer> statusCounts(Ranker r) {
        Map<String, Integer> m = new LinkedHashMap<>();
        Pattern.STATUSES.forEach(s -> m.put(s, 0));
        r.store.patterns().forEach(p -> m.merge(p.status(), 1, Integer::sum));
        return m;
    }


}
