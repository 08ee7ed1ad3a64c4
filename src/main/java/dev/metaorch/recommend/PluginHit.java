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
 */
public record PluginHit(Plugin plugin, double score, double relevance, List<ComponentHit> components,
                        List<Match> matched) {

    public PluginHit {
        components = List.copyOf(components);
        matched = List.copyOf(matched);
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
