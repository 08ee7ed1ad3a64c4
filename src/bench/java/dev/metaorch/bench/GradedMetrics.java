package dev.metaorch.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Catalog;

/**
 * Graded ranking figures of one realistic task ({@code ../shared/bench/README.md}): nDCG@10 with gain = grade and
 * the ideal ranking from the task's judged grades, hit@1 (first result graded 2), P@5 (share of five slots graded at
 * least 1), junk@5 (results graded 0 among the first five, over five slots: an empty slot is neither junk nor
 * relevant) and the share of results that were never judged. The same plugin shipped by two marketplaces counts
 * once, in the ranking (a later twin of an earlier result is dropped) and in the judgments (best grade of its ids).
 */
public record GradedMetrics(double ndcg10, double hit1, double p5, double junk5, double unjudged) {

    public static GradedMetrics of(Catalog catalog, RealisticTasks task, List<String> ranked) {
        List<String> once = onePerPlugin(catalog, ranked);
        double dcg = 0;
        int judged = 0;
        int shown = Math.min(10, once.size());
        for (int i = 0; i < shown; i++) {
            dcg += task.pluginGrade(catalog, once.get(i)) / log2(i + 2);
            if (task.pluginJudged(catalog, once.get(i))) {
                judged++;
            }
        }
        // the ideal: each judged plugin once (twins merged), best grades first
        Map<String, Integer> best = new HashMap<>();
        for (String id : task.pluginGrades().keySet()) {
            String key = String.join(",", catalog.twins(id));
            best.merge(key, task.pluginGrade(catalog, id), Math::max);
        }
        List<Integer> grades = new ArrayList<>(best.values());
        grades.sort((a, b) -> b - a);
        double idcg = 0;
        for (int i = 0; i < Math.min(10, grades.size()); i++) {
            idcg += grades.get(i) / log2(i + 2);
        }
        double hit1 = !once.isEmpty() && task.pluginGrade(catalog, once.get(0)) == 2 ? 1 : 0;
        int relevant5 = 0;
        int junk5 = 0;
        for (int i = 0; i < Math.min(5, once.size()); i++) {
            if (task.pluginGrade(catalog, once.get(i)) >= 1) {
                relevant5++;
            } else {
                junk5++;
            }
        }
        return new GradedMetrics(idcg > 0 ? dcg / idcg : 0, hit1, relevant5 / 5.0, junk5 / 5.0,
                shown == 0 ? 0 : (shown - judged) / (double) shown);
    }

    /** The ranking with each plugin once: a twin of an earlier result is dropped. */
    static List<String> onePerPlugin(Catalog catalog, List<String> ranked) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String id : ranked) {
            if (seen.add(catalog.twins(id).get(0))) {
                out.add(id);
            }
        }
        return out;
    }

    public static GradedMetrics mean(List<GradedMetrics> all) {
        if (all.isEmpty()) {
            return new GradedMetrics(0, 0, 0, 0, 0);
        }
        double n = 0, h = 0, p = 0, j = 0, u = 0;
        for (GradedMetrics m : all) {
            n += m.ndcg10;
            h += m.hit1;
            p += m.p5;
            j += m.junk5;
            u += m.unjudged;
        }
        int k = all.size();
        return new GradedMetrics(n / k, h / k, p / k, j / k, u / k);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
