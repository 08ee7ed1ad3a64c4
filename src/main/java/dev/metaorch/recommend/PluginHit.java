package dev.metaorch.recommend;

import java.util.List;

import dev.metaorch.catalog.Plugin;

/**
 * A plugin ranked for a query.
 *
 * @param score      the fused ranking score (only comparable within one query)
 * @param relevance  {@code score} divided by the best score of the query, in (0, 1]
 * @param components the plugin's components that match the query, best first (may be empty)
 * @param matched    which query terms matched which fields, for explaining the hit
 * @param coverage   the IDF-weighted share of the request's informative words the plugin's texts hold, in
 *                   [0, 1]: an absolute strength, comparable across requests (a word found only in long texts,
 *                   bodies, README or docs, counts half)
 * @param alsoIn     ids of the same plugin (same name, same components) in other marketplaces
 */
public record PluginHit(Plugin plugin, double score, double relevance, List<ComponentHit> components,
                        List<Match> matched, double coverage, List<String> alsoIn) {

    public PluginHit {
        components = List.copyOf(components);
        matched = List.copyOf(matched);
        alsoIn = List.copyOf(alsoIn);
    }

    /** A hit without an absolute strength or twins (ranker baselines, tests). */
    public PluginHit(Plugin plugin, double score, double relevance, List<ComponentHit> components, List<Match> matched) {
        this(plugin, score, relevance, components, matched, 0, List.of());
    }

    /**
     * A plugin field ("name", "description", "keywords", "category", "components", "example requests") and the
     * words of the query found in it (as the query wrote them; matching is on word stems).
     */
    public record Match(String field, List<String> terms) {
        public Match {
            terms = List.copyOf(terms);
        }
    }
}
