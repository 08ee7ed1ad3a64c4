package dev.metaorch.workflow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.learn.Lifecycle;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.Posterior;
import dev.metaorch.util.Texts;

/**
 * Ranks the pattern library's patterns for a task with the design's four parts and weights: task match 0.4,
 * success evidence 0.3, usage 0.2, recency 0.1. Success is the Beta(1, 1) posterior mean, so one success in
 * one run (0.67) ranks below 95 in 100 (0.94). Deprecated patterns are never suggested.
 */
public final class PatternMatcher {

    public static final double W_TASK = 0.4;
    public static final double W_SUCCESS = 0.3;
    public static final double W_USAGE = 0.2;
    public static final double W_RECENCY = 0.1;
    /** Runs at which usage counts half. */
    static final double USAGE_HALF = 10;
    /** Days after which recency has fallen to 1/e. */
    static final double RECENCY_DAYS = 30;

    /**
     * @param parts      task_match, success_evidence, usage, recency (each 0..1)
     * @param matched    the task's words the pattern shares
     * @param confidence high, medium or low
     */
    public record Match(Pattern pattern, double score, Map<String, Double> parts, List<String> matched, String confidence,
                        String basis) {
    }

    private PatternMatcher() {
    }

    /**
     * The relevance floor. Shared words alone are weak evidence: "deploy my web app to production" shares "my web
     * app production" with a pull-request review. A pattern is listed only when the catalog agrees it is about the
     * task: at least this share of its distinct plugins is among the catalog's {@link #AGREEMENT_TOP_K} best plugins
     * for the task (the ranking recommend_plugins uses).
     */
    public static final double MIN_CATALOG_AGREEMENT = 0.5;
    /** How deep in the catalog's ranking for the task a pattern's plugin may sit and still count as agreeing. */
    public static final int AGREEMENT_TOP_K = 20;

    public static List<Match> match(PatternLibrary library, String task, int limit, Instant now) {
        return match(library, task, limit, now, null);
    }

    /**
     * As above; {@code fitting}, when given, holds the catalog's best plugins for the task (see
     * {@link #fittingPlugins}) and sets the relevance floor.
     */
    public static List<Match> match(PatternLibrary library, String task, int limit, Instant now, Set<String> fitting) {
        Set<String> q = new HashSet<>(Fallbacks.analyzed(task));
        List<Match> out = new ArrayList<>();
        if (q.isEmpty()) {
            return out;
        }
        for (Pattern p : library.patterns()) {
            if ("deprecated".equals(p.status())) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            text.append(String.join(" ", p.taskKeywords())).append(' ').append(p.name() == null ? "" : p.name()).append(' ')
                    .append(p.description() == null ? "" : p.description()).append(' ').append(String.join(" ", p.tags()))
                    .append(' ').append(p.domain() == null ? "" : p.domain()).append(' ').append(p.id() == null ? "" : p.id().replace('-', ' '));
            Set<String> pt = new HashSet<>(Fallbacks.analyzed(text.toString()));
            List<String> shared = q.stream().filter(pt::contains).sorted().toList();
            int need = q.size() >= 2 ? 2 : 1;
            if (shared.size() < need || pt.isEmpty()) {
                continue;
            }
            Double agreement = null;
            if (fitting != null) {
                Set<String> mine = new HashSet<>();
                p.pluginSequence().forEach(st -> mine.add(st.plugin()));
                agreement = mine.isEmpty() ? 0 : mine.stream().filter(fitting::contains).count() / (double) mine.size();
                if (agreement < MIN_CATALOG_AGREEMENT) {
                    continue;
                }
            }
            double taskMatch = shared.size() / Math.sqrt((double) q.size() * Math.min(pt.size(), Math.max(q.size(), 12)));
            taskMatch = Math.min(1, taskMatch);
            Pattern.Metrics m = p.metrics();
            PatternScore evidence = PatternScore.of(m.successfulExecutions(), m.totalExecutions());
            double success = evidence.mean();
            double usage = m.totalExecutions() / (m.totalExecutions() + USAGE_HALF);
            double recency = recency(p.lastUpdated(), now);
            double score = W_TASK * taskMatch + W_SUCCESS * success + W_USAGE * usage + W_RECENCY * recency;
            Map<String, Double> parts = new LinkedHashMap<>();
            parts.put("task_match", Texts.round(taskMatch, 3));
            parts.put("success_evidence", Texts.round(success, 3));
            parts.put("usage", Texts.round(usage, 3));
            parts.put("recency", Texts.round(recency, 3));
            if (agreement != null) {
                parts.put("catalog_agreement", Texts.round(agreement, 3));
            }
            String basis = m.totalExecutions() == 0 ? "no recorded runs: success is the neutral prior " + Posterior.PRIOR_MEAN
                    : m.successfulExecutions() + " of " + m.totalExecutions() + " runs succeeded (posterior mean " + Texts.round(success, 3)
                    + ", Wilson bounds " + Texts.round(evidence.lower(), 3) + "-" + Texts.round(evidence.upper(), 3) + " at z = " + Lifecycle.Z + ")";
            out.add(new Match(p, Texts.round(score, 3), parts, shared, null, basis));
        }
        out.sort(Comparator.comparingDouble(Match::score).reversed().thenComparing(x -> x.pattern().id()));
        List<Match> top = new ArrayList<>();
        for (int i = 0; i < out.size() && top.size() < limit; i++) {
            Match x = out.get(i);
            double next = i + 1 < out.size() ? out.get(i + 1).score() : 0;
            top.add(new Match(x.pattern(), x.score(), x.parts(), x.matched(), confidence(x, next), x.basis()));
        }
        return top;
    }

    /** The catalog's {@link #AGREEMENT_TOP_K} best plugins for the task: the relevance floor's reference. */
    public static Set<String> fittingPlugins(CatalogSearch search, String task) {
        Set<String> out = new HashSet<>();
        search.plugins(task, AGREEMENT_TOP_K, x -> true).forEach(s -> out.add(s.item().id()));
        return out;
    }

    /** High: the task clearly matches a pattern that has run often and well, ahead of the next one; low: a weak match. */
    static String confidence(Match m, double nextScore) {
        double task = m.parts().get("task_match");
        int runs = m.pattern().metrics().totalExecutions();
        // The lifecycle's evidence scale (z = Lifecycle.Z), so "high" here and "validated" there read the same bound.
        double lower = PatternScore.of(m.pattern()).lower();
        if (task >= 0.5 && runs >= 5 && lower >= 0.6 && m.score() - nextScore >= 0.05) {
            return "high";
        }
        if (task >= 0.3 && (runs == 0 || lower >= 0.3)) {
            return "medium";
        }
        return "low";
    }

    static double recency(String lastUpdated, Instant now) {
        if (lastUpdated == null || lastUpdated.isBlank()) {
            return 0;
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(lastUpdated).toInstant();
        } catch (RuntimeException e) {
            try {
                t = Instant.parse(lastUpdated);
            } catch (RuntimeException e2) {
                try {
                    t = LocalDate.parse(lastUpdated.length() >= 10 ? lastUpdated.substring(0, 10) : lastUpdated)
                            .atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (RuntimeException e3) {
                    return 0;
                }
            }
        }
        double days = Math.max(0, Duration.between(t, now).toHours() / 24.0);
        return Math.exp(-days / RECENCY_DAYS);
    }

}
