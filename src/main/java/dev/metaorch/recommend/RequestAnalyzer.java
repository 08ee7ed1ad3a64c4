package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.util.QueryTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;

/**
 * A request analysed once for every ranking: its terms as the index's analyzer makes them (the request's framing words
 * dropped), its word pairs, the words as written (for the explanations), and the names it writes that a few plugins'
 * texts hold ({@link Names}), whose plugins count as named for specificity.
 */
final class RequestAnalyzer {

    /** Weight of a context word (a word of the whole task that the action's own text does not have). */
    static final float CONTEXT_WEIGHT = 0.3f;

    private final IndexData data;

    RequestAnalyzer(IndexData data) {
        this.data = data;
        // one pass over the components' names, made with the index rather than in the first request that needs it
        this.templates = new Templates(data);
    }

    /**
     * A request analysed once for every ranking: its own terms (framing words dropped), and when it is one action
     * of a larger task ({@code context}, null: none), the task's other terms at {@link #CONTEXT_WEIGHT} each.
     */
    AnalyzedQuery analyze(String query, String context) {
        return analyze(query, context, CONTEXT_WEIGHT);
    }

    /** {@link #analyze(String, String)} with the context's words at {@code contextWeight} each (0: no context). */
    AnalyzedQuery analyze(String query, String context, float contextWeight) {
        if (!(contextWeight >= 0)) {
            throw new IllegalArgumentException("context weight " + contextWeight + " is negative");
        }
        String text = query == null ? "" : query;
        Map<String, Integer> own = queryTerms(text);
        Map<String, Float> terms = new LinkedHashMap<>();
        own.forEach((t, n) -> terms.put(t, (float) n));
        if (context != null && !own.isEmpty() && contextWeight > 0) {
            for (String t : queryTerms(context).keySet()) {
                terms.putIfAbsent(t, contextWeight);
            }
        }
        List<String> names = new ArrayList<>();
        Set<Integer> involved = new HashSet<>();
        if (data.config.specific() < 1 && data.config.involve()) {
            for (String name : Names.in(text)) {
                int rare = (int) Math.floor(data.config.specificDf() * data.plugins.size());
                Set<Integer> ords = mentioning(name, rare);
                if (!ords.isEmpty() && ords.size() <= rare) {
                    names.add(name);
                    // a vendor's plugin is involved when it writes the name itself, not as a template's boilerplate
                    involved.addAll(templates.involved(ords, name));
                }
            }
        }
        return new AnalyzedQuery(text, own, terms, queryPairs(text), QueryTerms.surface(data.analyzer, DESC, text), names,
                involved);
    }

    /**
     * The plugins whose whole text holds a name, its words in its order; only whether there are more than
     * {@code max} of them when there are (a name many plugins share is no name to go by).
     */
    private Set<Integer> mentioning(String name, int max) {
        List<String> words = QueryTerms.tokens(data.analyzer, FULL, name);
        if (words.isEmpty()) {
            return Set.of();
        }
        Query q;
        if (words.size() == 1) {
            q = new TermQuery(new Term(FULL, words.get(0)));
        } else {
            PhraseQuery.Builder b = new PhraseQuery.Builder();
            for (String w : words) {
                b.add(new Term(FULL, w));
            }
            q = b.build();
        }
        Set<Integer> out = new HashSet<>();
        // at most max + 1 hits: a collector sized by the catalog would cost as much as the whole ranking
        for (Scored<Integer> d : IndexData.run(data.pluginSearcher, q, max + 1)) {
            out.add(d.item());
        }
        return out;
    }

    /** The analyzed terms of a request with their counts, the request's framing words dropped when configured. */
    private Map<String, Integer> queryTerms(String query) {
        Map<String, Integer> terms = QueryTerms.counts(data.analyzer, DESC, query == null ? "" : query);
        if (data.config.compounds()) {
            for (String c : compounds(query == null ? "" : query)) {
                terms.merge(c, 1, Integer::sum);
            }
        }
        if (!data.config.queryStop()) {
            return terms;
        }
        Map<String, Integer> kept = new LinkedHashMap<>(terms);
        kept.keySet().removeAll(requestStopTerms());
        return kept.isEmpty() ? terms : kept;
    }

    private static final java.util.regex.Pattern WORD_PAIR = java.util.regex.Pattern.compile("(?=\\b([a-z]+)[ -]([a-z]+)\\b)");

    /**
     * Compounds the request writes as two words ("roll back", "set up", "log in") that the catalog's prose writes as
     * one ("rollback", "setup", "login"): the joined word, analyzed, when at least two plugin or component
     * descriptions hold it.
     */
    private List<String> compounds(String text) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = WORD_PAIR.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            List<String> t = QueryTerms.tokens(data.analyzer, DESC, m.group(1) + m.group(2));
            if (t.size() == 1 && !out.contains(t.get(0)) && described(t.get(0))) {
                out.add(t.get(0));
            }
        }
        return out;
    }

    private boolean described(String term) {
        try {
            var r = data.pluginSearcher.getIndexReader();
            return r.docFreq(new Term(DESC, term)) + r.docFreq(new Term(CDESCS, term)) >= 2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Snowball's English stop words as this index's analyzer turns them into terms; read once per index. */
    private Set<String> requestStopTerms() {
        Set<String> s = stopTerms;
        if (s == null) {
            s = new HashSet<>();
            try (java.io.Reader r = new java.io.InputStreamReader(org.apache.lucene.analysis.snowball.SnowballFilter.class
                    .getResourceAsStream("english_stop.txt"), java.nio.charset.StandardCharsets.UTF_8)) {
                for (Object w : org.apache.lucene.analysis.WordlistLoader.getSnowballWordSet(r)) {
                    s.addAll(QueryTerms.tokens(data.analyzer, DESC, new String((char[]) w)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stopTerms = Set.copyOf(s);
        }
        return s;
    }

    /** Lazily read (a benign race: every thread computes the same set). */
    private volatile Set<String> stopTerms;

    /** The catalog's template families (see {@link Templates}). */
    private final Templates templates;

    /** The query's adjacent word pairs, as indexed in the pair field (none when pairs are off). */
    private List<String> queryPairs(String query) {
        if (data.config.pairs() <= 0) {
            return List.of();
        }
        String joined = IndexBuilder.bigrams(data.analyzer, query);
        return joined.isBlank() ? List.of() : new ArrayList<>(new LinkedHashSet<>(List.of(joined.trim().split(" "))));
    }

}
