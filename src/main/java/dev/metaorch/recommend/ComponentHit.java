package dev.metaorch.recommend;

import java.util.List;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;

/**
 * A component ranked for a query.
 *
 * @param score   BM25 score of the component's own document (name, description)
 * @param matched the analyzed query terms the component's text contains
 */
public record ComponentHit(Plugin plugin, Component component, double score, List<String> matched) {

    public ComponentHit {
        matched = List.copyOf(matched);
    }

    /** How Claude Code invokes it. */
    public String invoke() {
        return component.invoke(plugin.name());
    }
}
