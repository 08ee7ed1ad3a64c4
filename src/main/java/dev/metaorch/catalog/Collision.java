package dev.metaorch.catalog;

import java.util.List;

/**
 * Several plugins ship a component under the same key. Claude Code keys agents by name, so one of
 * them silently shadows the others when both plugins are enabled; same-named plugins in two
 * marketplaces are told apart only by the {@code @marketplace} suffix.
 */
public record Collision(String kind, String name, List<String> plugins) {

    public Collision {
        plugins = List.copyOf(plugins);
    }
}
