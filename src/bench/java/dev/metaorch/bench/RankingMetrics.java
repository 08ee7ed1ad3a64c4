package dev.metaorch.bench;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ranking quality of one query against its judged relevant items, with binary relevance.
 * {@code exact} and {@code all-of} judgements need every listed item; {@code any-of} means any one of the
 * listed items answers the request (they are interchangeable copies or alternatives), so the ranking is
 * judged by its first relevant item: recall is 1 once one is found and the ideal DCG is that of one item.
 */
public record RankingMetrics(double hit1, double recall5, double recall10, double ndcg10, double mrr) {

    public static RankingMetrics of(List<String> ranked, List<String> relevant, String relevance) {
        Set<String> rel = new HashSet<>(relevant);
        boolean anyOf = "any-of".equals(relevance);
        int needed = anyOf ? 1 : rel.size();
        double dcg = 0;
        int found5 = 0;
        int found10 = 0;
        double rr = 0;
        int found = 0;
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            if (!rel.contains(ranked.get(i))) {
                continue;
            }
            if (found == 0) {
                rr = 1.0 / (i + 1);
            }
            if (found < needed) {
                dcg += 1.0 / log2(i + 2);
                found++;
                found10++;
                if (i < 5) {
                    found5++;
                }
            }
        }
        if (rr == 0) {
            // MRR looks past the top 10
            for (int i = 10; i < ranked.size(); i++) {
                if (rel.contains(ranked.get(i))) {
                    rr = 1.0 / (i + 1);
                    break;
                }
            }
        }
        double idcg = 0;
        for (int i = 0; i < Math.min(10, needed); i++) {
            idcg += 1.0 / log2(i + 2);
        }
        boolean hit1 = !ranked.isEmpty() && rel.contains(ranked.get(0));
        return new RankingMetrics(hit1 ? 1 : 0, (double) found5 / needed, (double) found10 / needed,
                idcg == 0 ? 0 : dcg / idcg, rr);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Mean of each figure. */
    public static RankingMetrics mean(List<RankingMetrics> all) {
        if (all.isEmpty()) {
            return new RankingMetrics(0, 0, 0, 0, 0);
        }
        double a = 0, b = 0, c = 0, d = 0, e = 0;
        for (RankingMetrics m : all) {
            a += m.hit1;
            b += m.recall5;
            c += m.recall10;
            d += m.ndcg10;
            e += m.mrr;
        }
        int n = all.size();
        return new RankingMetrics(a / n, b / n, c / n, d / n, e / n);
    }
}
