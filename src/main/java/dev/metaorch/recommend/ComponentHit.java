package dev.metaorch.recommend;

import java.util.List;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;

/**
 * A component ranked for a query.
 *
 * @param score    BM25 score of the component's own document (name, description); comparable within one query only
 * @param matched  the analyzed query terms the component's text contains
 * @param coverage how much of the query the component's text holds, in absolute terms: the rarity-weighted (IDF)
 *                 share of the query's own words it contains, in [0, 1] (context words of a task do not count)
 */
public record ComponentHit(Plugin plugin, Component component, double score, List<String> matched, double coverage) {

    public ComponentHit {
        matched = List.copyOf(matched);
    }

    public ComponentHit(Plugin plugin, Component component, double score, List<String> matched) {
        this(plugin, component, score, matched, 0);
    }

    /** How Claude Code invokes it. */
    public String invoke() {
        return component.invoke(plugin.name());
    }
}
