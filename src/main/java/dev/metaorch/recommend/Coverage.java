package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;

/**
 * How much of a request a plugin or a component holds, in absolute terms: the rarity-weighted share of the request's
 * own words found in its short fields, a word found only in long text (a body, a README) counting
 * {@link #LONG_COVERAGE}. Rankings add up evidence word by word; this says what they leave out, for the fused
 * ranking's coverage factor and for every hit's explanation.
 */
final class Coverage {

    /** The plugin fields a query word is looked for in, to say how strongly a plugin covers a request. */
    static final String[] SHORT_FIELDS = {NAME, DESC, CNAMES, CDESCS, EXAMPLES};
    static final String[] LONG_FIELDS = {README, BODIES, DOCS, FULL};
    private static final String[] COMPONENT_SHORT = {CNAME, CDESC, CEX};
    private static final String[] COMPONENT_LONG = {CBODY};
    /** What a word found only in long text (a body, a README) counts for in coverage, against a short field's 1. */
    static final double LONG_COVERAGE = 0.5;

    private final IndexData data;

    Coverage(IndexData data) {
        this.data = data;
    }

    /**
     * How much of the request each plugin holds, in absolute terms: the rarity-weighted share of the request's own
     * words found in its short fields (a word found only in long text, a body or README, counts
     * {@link #LONG_COVERAGE}).
     */
    Map<Integer, Double> plugins(Collection<Integer> ords, Set<String> own) {
        Map<String, Double> idf = idf(data.pluginSearcher.getIndexReader(), own, NAME, DESC, CNAMES, CDESCS, EXAMPLES,
                README, BODIES, DOCS, FULL);
        Map<Integer, List<String>> inShort = IndexData.termsIn(data.pluginSearcher, ords, own, SHORT_FIELDS);
        Map<Integer, List<String>> inLong = IndexData.termsIn(data.pluginSearcher, ords, own, LONG_FIELDS);
        Map<Integer, Double> out = new HashMap<>();
        for (int ord : ords) {
            out.put(ord, coverage(idf, inShort.getOrDefault(ord, List.of()), inLong.getOrDefault(ord, List.of())));
        }
        return out;
    }

    /** {@link #plugins} for component documents: their short fields (name, description, examples) and body. */
    Map<Integer, Double> components(Collection<Integer> docs, Set<String> own) {
        Map<String, Double> idf = idf(data.componentSearcher.getIndexReader(), own, CNAME, CDESC, CEX, CBODY);
        Map<Integer, List<String>> inShort = IndexData.termsIn(data.componentSearcher, docs, own, COMPONENT_SHORT);
        Map<Integer, List<String>> inLong = IndexData.termsIn(data.componentSearcher, docs, own, COMPONENT_LONG);
        Map<Integer, Double> out = new HashMap<>();
        for (int doc : docs) {
            out.put(doc, coverage(idf, inShort.getOrDefault(doc, List.of()), inLong.getOrDefault(doc, List.of())));
        }
        return out;
    }

    /** Rarity of each term over some fields: log(1 + N / df), df the largest over the fields, at least 1. */
    private static Map<String, Double> idf(IndexReader r, Set<String> terms, String... fields) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            for (String t : terms) {
                int df = 1;
                for (String f : fields) {
                    df = Math.max(df, r.docFreq(new Term(f, t)));
                }
                out.put(t, Math.log(1 + (double) r.maxDoc() / df));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The IDF-weighted share of {@code idf}'s terms found: 1 for a term in {@code inShort}, {@link #LONG_COVERAGE}
     * for one only in {@code inLong}.
     */
    static double coverage(Map<String, Double> idf, List<String> inShort, List<String> inLong) {
        double all = 0;
        double found = 0;
        for (Map.Entry<String, Double> e : idf.entrySet()) {
            all += e.getValue();
            if (inShort.contains(e.getKey())) {
                found += e.getValue();
            } else if (inLong.contains(e.getKey())) {
                found += LONG_COVERAGE * e.getValue();
            }
        }
        return all > 0 ? found / all : 0;
    }

}
