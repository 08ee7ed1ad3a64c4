package dev.metaorch.bench;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.PluginText;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * How far the request's own words can take any ranker on a catalog: for each judged request, whether the relevant
 * plugins' texts (the pinned baseline's document: name, description, keywords, category, components) share a word
 * with the request at all, and whether some other plugin's text holds more of the request's words, each weighted by
 * its rarity across plugins (IDF). A request of the second kind can be answered first only by ranking a plugin that
 * matches more of what was asked below one that matches less: lexical rankers, sparse or expanded, rarely do, and
 * should not. The benchmark prints these counts beside the quality table so its figures can be read against what
 * the catalog's texts support.
 */
public final class WordCoverage {

    /** Where a request stands. */
    public enum Kind {
        /** No relevant plugin's text has any of the request's words. */
        NO_SHARED_WORD,
        /** Some other plugin's text covers more of the request's (IDF-weighted) words than every relevant plugin's. */
        OUTMATCHED,
        /** A relevant plugin covers at least as much of the request as any other plugin. */
        BEST_COVERED,
        /** No relevant plugin is in the catalog, or the request has no indexable word. */
        UNJUDGEABLE
    }

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final Map<String, Set<String>> termsOf = new HashMap<>();
    private final Map<String, Integer> df = new HashMap<>();
    private final int n;

    public WordCoverage(Catalog catalog) {
        for (Plugin p : catalog.plugins()) {
            Set<String> t = new HashSet<>(QueryTerms.tokens(analyzer, "text", PluginText.document(p)));
            termsOf.put(p.id(), t);
            t.forEach(w -> df.merge(w, 1, Integer::sum));
        }
        n = Math.max(1, termsOf.size());
    }

    /** The IDF-weighted share of the request's distinct words that the plugin's text holds, in [0, 1]. */
    double coverage(Set<String> query, String pluginId) {
        Set<String> t = termsOf.getOrDefault(pluginId, Set.of());
        double all = 0;
        double in = 0;
        for (String w : query) {
            double idf = Math.log(1 + (double) n / df.getOrDefault(w, 1));
            all += idf;
            if (t.contains(w)) {
                in += idf;
            }
        }
        return all == 0 ? 0 : in / all;
    }

    public Kind classify(String query, List<String> relevant) {
        Set<String> q = new LinkedHashSet<>(QueryTerms.tokens(analyzer, "text", query));
        List<String> known = relevant.stream().filter(termsOf::containsKey).toList();
        if (q.isEmpty() || known.isEmpty()) {
            return Kind.UNJUDGEABLE;
        }
        double rel = known.stream().mapToDouble(id -> coverage(q, id)).max().orElse(0);
        if (rel == 0) {
            return Kind.NO_SHARED_WORD;
        }
        Set<String> relSet = new HashSet<>(relevant);
        for (String id : termsOf.keySet()) {
            if (!relSet.contains(id) && coverage(q, id) > rel + 1e-9) {
                return Kind.OUTMATCHED;
            }
        }
        return Kind.BEST_COVERED;
    }

    /** Counts per kind over all requests, and over those whose first result (by {@code ranker}) is not relevant. */
    public record Counts(Map<Kind, Integer> all, Map<Kind, Integer> missedFirst, int requests, int misses) {
    }

    public Counts count(List<DevQueries> queries, Function<String, List<String>> ranker) {
        Map<Kind, Integer> all = new EnumMap<>(Kind.class);
        Map<Kind, Integer> missed = new EnumMap<>(Kind.class);
        int misses = 0;
        for (DevQueries q : queries) {
            Kind k = classify(q.query(), q.relevant());
            all.merge(k, 1, Integer::sum);
            List<String> ranked = ranker.apply(q.query());
            if (ranked.isEmpty() || !q.relevant().contains(ranked.get(0))) {
                missed.merge(k, 1, Integer::sum);
                misses++;
            }
        }
        return new Counts(all, missed, queries.size(), misses);
    }

    /** One paragraph for the benchmark's output. */
    public static String describe(Counts c) {
        return String.format(Locale.ROOT,
                "word coverage (request words in the baseline's plugin texts, IDF-weighted): of %d requests, %d share no "
                        + "word with any relevant plugin and %d have another plugin covering more of their words than every "
                        + "relevant one; recommend_plugins misses %d at rank 1, %d of them of these two kinds",
                c.requests(), c.all().getOrDefault(Kind.NO_SHARED_WORD, 0), c.all().getOrDefault(Kind.OUTMATCHED, 0),
                c.misses(), c.missedFirst().getOrDefault(Kind.NO_SHARED_WORD, 0)
                        + c.missedFirst().getOrDefault(Kind.OUTMATCHED, 0));
    }
}
