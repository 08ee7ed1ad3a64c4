package dev.metaorch.recommend;

import java.util.List;

/** The fused plugin ranking as plugin ids, what ranking tests compare (no components or explanations). */
final class Ranked {

    private Ranked() {
    }

    static List<String> ids(RelevanceIndex index, String query, int limit) {
        return index.rankPlugins(query, null, limit).stream().map(h -> h.item().id()).toList();
    }
}
