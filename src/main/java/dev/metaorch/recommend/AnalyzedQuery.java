package dev.metaorch.recommend;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request analysed once, as every ranking of the relevance engine reads it.
 *
 * @param text    the request as written
 * @param own     its own analyzed terms (framing words dropped) with their counts, in order of first occurrence
 * @param terms   the terms the rankings search with, with weights: its own terms, and when it is an action of a larger
 *                task, the task's other terms at a lower weight
 * @param pairs   adjacent word pairs of its own text, as the pair fields index them
 * @param surface each analyzed term mapped to the word the request wrote, for explanations
 * @param named   the names the request writes as names (capitalized mid-sentence, or with capitals inside a word:
 *                "Agent Engine", "WNBA") that few plugins of the analysing index mention, as written
 * @param involved ordinals, in the analysing index, of the plugins whose text mentions one of those names: the
 *                request involves what they are built for even when it does not use their own name words
 */
public record AnalyzedQuery(String text, Map<String, Integer> own, Map<String, Float> terms, List<String> pairs,
                            Map<String, String> surface, List<String> named, Set<Integer> involved) {

    public AnalyzedQuery {
        own = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(own));
        terms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(terms));
        pairs = List.copyOf(pairs);
        surface = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(surface));
        named = List.copyOf(named);
        involved = Set.copyOf(involved);
    }

    /** Whether no word of the request is searchable. */
    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** The terms of the request itself (not of a task context). */
    public Set<String> ownTerms() {
        return own.keySet();
    }

    /** The word the request wrote for a term. */
    public String word(String term) {
        return surface.getOrDefault(term, term);
    }
}
