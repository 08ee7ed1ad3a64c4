package dev.metaorch.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.metaorch.recommend.Scored;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.CatalogSearch.Ref;
import dev.metaorch.workflow.WorkflowStep.Fallback;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The fallback of a step: another catalog component of the same kind and phase whose name and description
 * are most similar to the step's (cosine of analyzed term counts, 0..1), not already a step of the plan
 * and allowed by the constraints; absent, with the reason, when nothing similar enough exists.
 */
public final class Fallbacks {

    /**
     * Below this similarity a component is not offered as a fallback. Chosen on data by {@link FallbackFloor}'s
     * rule: the lowest floor above which nine in ten candidates of the judged subtasks are real alternatives (a
     * fallback Claude is handed should be one it can use). {@code FallbackFloorTest} recomputes it.
     */
    public static final double MIN_SIMILARITY = 0.31;

    private static final Analyzer ANALYZER = new EnglishAnalyzer();

    private Fallbacks() {
    }

    public static Fallback find(CatalogSearch search, Ref step, Set<String> planKeys, Predicate<Ref> allowed) {
        String text = roleText(step);
        Phase phase = step.phase();
        Map<String, Integer> mine = terms(text);
        Ref best = null;
        double bestSim = 0;
        int considered = 0;
        for (Scored<Ref> h : search.components(text, 60, r -> r.component().kind() == step.component().kind())) {
            Ref r = h.item();
            if (r.key().equals(step.key()) || planKeys.contains(r.key())
                    || (r.plugin().name().equals(step.plugin().name()) && r.component().name().equals(step.component().name()))
                    || !allowed.test(r) || r.phase() != phase) {
                continue;
            }
            considered++;
            double sim = cosine(mine, terms(roleText(r)));
            if (sim > bestSim) {
                bestSim = sim;
                best = r;
            }
        }
        if (best == null || bestSim < MIN_SIMILARITY) {
            String why = best == null
                    ? "no other allowed " + step.component().kind().id() + " in the catalog has the " + phase.id() + " role"
                    : "no other allowed " + step.component().kind().id() + " is similar enough (best: " + best.qualified()
                    + " at " + String.format(Locale.ROOT, "%.2f", bestSim) + ", below " + MIN_SIMILARITY + ")";
            return Fallback.none(why + (considered > 0 ? "; " + considered + " candidates compared" : ""));
        }
        double sim = Texts.round(bestSim, 3);
        return new Fallback(best.plugin().id(), best.component().name(), best.component().kind().id(),
                best.component().invoke(best.plugin().name()), sim,
                "same " + phase.id() + " role; name and description similarity " + sim
                        + (best.plugin().id().equals(step.plugin().id()) ? " (same plugin)" : " (plugin " + best.plugin().id() + ")"));
    }

    static String roleText(Ref r) {
        String d = r.component().description();
        if (d.length() > 400) {
            d = d.substring(0, 400);
        }
        return r.component().roleName().replace('-', ' ').replace('_', ' ') + " " + d;
    }

    static Map<String, Integer> terms(String text) {
        Map<String, Integer> m = new HashMap<>();
        try (TokenStream ts = ANALYZER.tokenStream("f", text)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                m.merge(t.toString(), 1, Integer::sum);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    public static double cosine(Map<String, Integer> a, Map<String, Integer> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        double dot = 0;
        for (Map.Entry<String, Integer> e : a.entrySet()) {
            Integer o = b.get(e.getKey());
            if (o != null) {
                dot += (double) e.getValue() * o;
            }
        }
        double na = 0;
        double nb = 0;
        for (int v : a.values()) {
            na += (double) v * v;
        }
        for (int v : b.values()) {
            nb += (double) v * v;
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Similarity of two texts, 0..1. */
    public static double similarity(String a, String b) {
        return cosine(terms(a), terms(b));
    }

    static List<String> analyzed(String text) {
        return List.copyOf(terms(text).keySet());
    }
}
