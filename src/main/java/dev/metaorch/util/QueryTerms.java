package dev.metaorch.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/** Turning text into analyzed terms and simple term queries. */
public final class QueryTerms {

    /** Long requests are cut to this many distinct terms so a query stays well under Lucene's clause limit. */
    public static final int MAX_TERMS = 128;

    private QueryTerms() {
    }

    /** The analyzed tokens of {@code text}, in order, repeats kept. */
    public static List<String> tokens(Analyzer analyzer, String field, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Each analyzed term of {@code text} mapped to the word it came from (first occurrence), for explanations. */
    public static Map<String, String> surface(Analyzer analyzer, String field, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.putIfAbsent(term.toString(), text.substring(off.startOffset(), off.endOffset()).toLowerCase(java.util.Locale.ROOT));
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Distinct analyzed terms with their counts, in order of first occurrence, at most {@link #MAX_TERMS}. */
    public static Map<String, Integer> counts(Analyzer analyzer, String field, String text) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String t : tokens(analyzer, field, text)) {
            if (out.size() >= MAX_TERMS && !out.containsKey(t)) {
                continue;
            }
            out.merge(t, 1, Integer::sum);
        }
        return out;
    }

    /**
     * One optional clause per analyzed token of the query on one field (as a query parser would build it:
     * a word said twice counts twice unless {@code distinct}); null when the text has no indexable word.
     */
    public static Query disjunction(Analyzer analyzer, String field, String text, boolean distinct) {
        Map<String, Integer> counts = counts(analyzer, field, text);
        if (counts.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int n = distinct ? 1 : e.getValue();
            for (int i = 0; i < n; i++) {
                b.add(new TermQuery(new Term(field, e.getKey())), BooleanClause.Occur.SHOULD);
            }
        }
        return b.build();
    }
}
