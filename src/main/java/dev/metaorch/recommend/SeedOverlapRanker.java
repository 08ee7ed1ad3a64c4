package dev.metaorch.recommend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * The pinned {@code seed-overlap} baseline (the design's keyword overlap): lowercase alphanumeric tokens
 * minus English stop words; an item qualifies when it shares at least 2 distinct tokens with the query;
 * score = shared tokens / the item's distinct tokens. Thread-safe once built.
 */
public final class SeedOverlapRanker<T> {

    /** Lucene's English stop words, so both baselines drop the same words. */
    private static final CharArraySet STOP = EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;

    private final List<T> items;
    private final List<Set<String>> tokens;

    private SeedOverlapRanker(List<T> items, List<Set<String>> tokens) {
        this.items = items;
        this.tokens = tokens;
    }

    public static <T> SeedOverlapRanker<T> of(List<T> items, Function<T, String> text) {
        List<T> copy = List.copyOf(items);
        List<Set<String>> toks = new ArrayList<>(copy.size());
        for (T item : copy) {
            toks.add(tokenSet(text.apply(item)));
        }
        return new SeedOverlapRanker<>(copy, toks);
    }

    public static SeedOverlapRanker<Plugin> plugins(Catalog catalog) {
        return of(catalog.plugins(), PluginText::document);
    }

    static Set<String> tokenSet(String text) {
        Set<String> out = new HashSet<>();
        for (String t : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!t.isEmpty() && !STOP.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    public List<Scored<T>> search(String query, int limit) {
        Set<String> q = tokenSet(query);
        List<Scored<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Set<String> d = tokens.get(i);
            int shared = 0;
            for (String t : q) {
                if (d.contains(t)) {
                    shared++;
                }
            }
            if (shared >= 2) {
                out.add(new Scored<>(items.get(i), (double) shared / d.size()));
            }
        }
        // Stable sort: ties keep catalog order.
        out.sort(Comparator.comparingDouble((Scored<T> s) -> s.score()).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }
}
