package dev.metaorch.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.Scored;
import dev.metaorch.workflow.CatalogSearch;

/**
 * Plans for the realistic multi-step tasks ({@code realistic-dev.jsonl}) against their graded judgments
 * ({@code ../shared/bench/README.md}): step precision (share of steps with a component whose component is graded at
 * least 1 for some subtask), subtask coverage (per subtask 1 when some step uses a component graded 2 for it, 0.5 when
 * the best is graded 1) and, when the subtasks are passed, per-subtask top-1 accuracy (the step of subtask i uses a
 * component graded 2 for it). A gap step counts as neither right nor wrong in precision, as no coverage and as a
 * miss in top-1. Macro averages over tasks; precision over the tasks with at least one non-gap step.
 */
public final class PlanBench {

    /** A planned step as the benchmark sees it: null plugin for a gap; {@code subtask} 1-based or null. */
    public record Step(String pluginId, String kind, String component, Integer subtask) {
        boolean gap() {
            return pluginId == null;
        }
    }

    /** Figures of one task; NaN where a figure does not apply. */
    public record TaskScore(String id, double precision, double coverage, double top1, int steps, int gaps, int unjudged) {
    }

    /** Averages; {@code n*} count the tasks each averages over. */
    public record Summary(String system, double precision, int nPrecision, double coverage, double top1, int nTop1,
                          double gapShare, double unjudgedShare) {
    }

    private PlanBench() {
    }

    public static TaskScore score(Catalog catalog, RealisticTasks t, List<Step> steps, boolean withSubtasks) {
        int n = t.subtasks().size();
        int right = 0;
        int judgedSteps = 0;
        int gaps = 0;
        int unjudged = 0;
        double[] best = new double[n];
        for (Step s : steps) {
            if (s.gap()) {
                gaps++;
                continue;
            }
            judgedSteps++;
            int top = 0;
            boolean judged = false;
            for (int i = 0; i < n; i++) {
                int g = t.componentGrade(catalog, i, s.pluginId(), s.kind(), s.component());
                top = Math.max(top, g);
                best[i] = Math.max(best[i], g == 2 ? 1 : g == 1 ? 0.5 : 0);
                judged |= judged(catalog, t, i, s);
            }
            if (top >= 1) {
                right++;
            }
            if (!judged) {
                unjudged++;
            }
        }
        double cov = 0;
        for (double b : best) {
            cov += b;
        }
        double top1 = Double.NaN;
        if (withSubtasks) {
            int hits = 0;
            for (int i = 0; i < n; i++) {
                int idx = i + 1;
                Step s = steps.stream().filter(x -> x.subtask() != null && x.subtask() == idx).findFirst().orElse(null);
                if (s != null && !s.gap() && t.componentGrade(catalog, i, s.pluginId(), s.kind(), s.component()) == 2) {
                    hits++;
                }
            }
            top1 = n == 0 ? Double.NaN : (double) hits / n;
        }
        return new TaskScore(t.id(), judgedSteps == 0 ? Double.NaN : (double) right / judgedSteps, n == 0 ? Double.NaN : cov / n,
                top1, steps.size(), gaps, unjudged);
    }

    private static boolean judged(Catalog catalog, RealisticTasks t, int i, Step s) {
        for (String id : catalog.twins(s.pluginId())) {
            if (t.componentGrades().get(i).containsKey(RealisticTasks.componentKey(id, s.kind(), s.component()))) {
                return true;
            }
        }
        return false;
    }

    public static Summary summarize(String system, List<TaskScore> scores) {
        double p = 0, c = 0, t = 0;
        int np = 0, nc = 0, nt = 0, steps = 0, gaps = 0, unjudged = 0;
        for (TaskScore s : scores) {
            if (!Double.isNaN(s.precision())) {
                p += s.precision();
                np++;
            }
            if (!Double.isNaN(s.coverage())) {
                c += s.coverage();
                nc++;
            }
            if (!Double.isNaN(s.top1())) {
                t += s.top1();
                nt++;
            }
            steps += s.steps();
            gaps += s.gaps();
            unjudged += s.unjudged();
        }
        return new Summary(system, np == 0 ? 0 : p / np, np, nc == 0 ? 0 : c / nc, nt == 0 ? Double.NaN : t / nt, nt,
                steps == 0 ? 0 : (double) gaps / steps, steps - gaps == 0 ? 0 : (double) unjudged / (steps - gaps));
    }

    /** The multi-step tasks planned by {@code planner} (task, subtasks or empty) and scored. */
    public static List<TaskScore> run(Catalog catalog, List<RealisticTasks> tasks, boolean withSubtasks,
                                      BiFunction<String, List<String>, List<Step>> planner) {
        List<TaskScore> out = new ArrayList<>();
        for (RealisticTasks t : tasks) {
            if (!t.multi()) {
                continue;
            }
            out.add(score(catalog, t, planner.apply(t.task(), withSubtasks ? t.subtasks() : List.of()), withSubtasks));
        }
        return out;
    }

    /** The baseline {@code bm25-per-subtask}: per subtask the top component by Lucene BM25 over its name, description and plugin name. */
    public static BiFunction<String, List<String>, List<Step>> bm25PerSubtask(Catalog catalog) {
        List<CatalogSearch.Ref> refs = new ArrayList<>();
        for (Plugin p : catalog.plugins()) {
            for (Component c : p.components()) {
                if (CatalogSearch.INVOCABLE.contains(c.kind())) {
                    refs.add(new CatalogSearch.Ref(p, c));
                }
            }
        }
        Bm25Ranker<CatalogSearch.Ref> bm25 = Bm25Ranker.of(refs,
                r -> r.component().name() + "\n" + r.component().description() + "\n" + r.plugin().name());
        return (task, subtasks) -> {
            List<Step> out = new ArrayList<>();
            for (int i = 0; i < subtasks.size(); i++) {
                List<Scored<CatalogSearch.Ref>> top = bm25.search(subtasks.get(i), 1);
                if (top.isEmpty()) {
                    out.add(new Step(null, null, null, i + 1));
                } else {
                    CatalogSearch.Ref r = top.get(0).item();
                    out.add(new Step(r.plugin().id(), r.component().kind().id(), r.component().name(), i + 1));
                }
            }
            return out;
        };
    }

    public static void printTable(List<Summary> rows, PrintStream out) {
        out.println("| system | step precision | subtask coverage | top-1 accuracy | gap steps | unjudged steps |");
        out.println("|---|---|---|---|---|---|");
        for (Summary s : rows) {
            out.printf(Locale.ROOT, "| %s | %.3f (n=%d) | %.3f | %s | %.2f | %.2f |%n", s.system(), s.precision(), s.nPrecision(),
                    s.coverage(), Double.isNaN(s.top1()) ? "-" : String.format(Locale.ROOT, "%.3f (n=%d)", s.top1(), s.nTop1()),
                    s.gapShare(), s.unjudgedShare());
        }
    }

    public static void printCases(List<TaskScore> scores, PrintStream out) {
        for (TaskScore s : scores) {
            out.printf(Locale.ROOT, "  %s: precision %s coverage %.2f top-1 %s steps %d gaps %d%n", s.id(),
                    Double.isNaN(s.precision()) ? "-" : String.format(Locale.ROOT, "%.2f", s.precision()), s.coverage(),
                    Double.isNaN(s.top1()) ? "-" : String.format(Locale.ROOT, "%.2f", s.top1()), s.steps(), s.gaps());
        }
    }
}
