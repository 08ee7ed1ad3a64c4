package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * What every part of a {@link RelevanceIndex} reads: the catalog, the two searchers (plugin documents, component
 * documents) and the arrays that map component documents to their plugins, with the few Lucene walks the ranking and
 * the explanations share. Built once per index; immutable.
 */
final class IndexData {

    final Catalog catalog;
    final RelevanceConfig config;
    final Analyzer analyzer;
    final List<Plugin> plugins;
    final Map<String, Integer> ordOf;
    final IndexSearcher pluginSearcher;
    final IndexSearcher componentSearcher;
    /** Component document id -> plugin ordinal and component position in that plugin (-1: stand-in). */
    final int[] compPlugin;
    final int[] compIndex;
    /** Plugin ordinal -> its first component document id; {@code compStart[ord + 1]} ends the range. */
    final int[] compStart;
    final Specificity specificity;
    /** Plugin ordinal -> the ordinals of its twins (itself included), or null when it has none. */
    final int[][] twins;

    IndexData(Catalog catalog, RelevanceConfig config, Analyzer analyzer, IndexSearcher pluginSearcher,
              IndexSearcher componentSearcher, int[] compPlugin, int[] compIndex, Specificity kept) {
        this.catalog = catalog;
        this.config = config;
        this.analyzer = analyzer;
        this.plugins = catalog.plugins();
        this.pluginSearcher = pluginSearcher;
        this.componentSearcher = componentSearcher;
        this.compPlugin = compPlugin;
        this.compIndex = compIndex;
        int[] start = new int[plugins.size() + 1];
        Arrays.fill(start, compPlugin.length);
        for (int doc = compPlugin.length - 1; doc >= 0; doc--) {
            start[compPlugin[doc]] = doc;
        }
        for (int ord = plugins.size() - 1; ord >= 0; ord--) {
            start[ord] = Math.min(start[ord], start[ord + 1]); // plugins without documents: empty range
        }
        this.compStart = start;
        Map<String, Integer> ords = new HashMap<>();
        for (int i = 0; i < plugins.size(); i++) {
            ords.put(plugins.get(i).id(), i);
        }
        this.ordOf = ords;
        int[][] tw = new int[plugins.size()][];
        for (int ord = 0; ord < plugins.size(); ord++) {
            List<String> t = catalog.twins(plugins.get(ord).id());
            if (t.size() > 1) {
                tw[ord] = t.stream().mapToInt(id -> ords.getOrDefault(id, -1)).filter(o -> o >= 0).toArray();
            }
        }
        this.twins = tw;
        IndexReader pr = pluginSearcher.getIndexReader();
        // derived from the texts and the settings, which the kept file's key covers: read back, not derived again
        // the scan asks for the same description terms again and again: each is looked up once
        Map<String, Integer> dfs = kept != null ? null : new HashMap<>();
        this.specificity = kept != null ? kept : Specificity.of(plugins, compPlugin, compIndex, this::nameTerm,
                text -> QueryTerms.tokens(analyzer, DESC, text), t -> dfs.computeIfAbsent(t, x -> pluginDf(pr, x)),
                config.specificDf());
    }

    /** The index term of a single name word (null when the analyzer drops it). */
    private String nameTerm(String word) {
        List<String> t = QueryTerms.tokens(analyzer, NAME, word);
        return t.size() == 1 ? t.get(0) : null;
    }

    /** How many plugins mention a term in any field (the largest count over the fields: a lower bound). */
    private static int pluginDf(IndexReader r, String term) {
        int df = 0;
        try {
            for (String f : new String[] {NAME, DESC, CNAMES, CDESCS, EXAMPLES, README, BODIES, DOCS, FULL}) {
                df = Math.max(df, r.docFreq(new Term(f, term)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return df;
    }

    /** Whether the plugin is built for something the request neither names nor involves. */
    boolean pluginUnnamed(int ord, AnalyzedQuery q) {
        return !q.involved().contains(ord) && specificity.pluginUnnamed(ord, q.terms().keySet());
    }

    /** Whether the component (or its plugin) is built for something the request neither names nor involves. */
    boolean componentUnnamed(int doc, AnalyzedQuery q) {
        return !q.involved().contains(compPlugin[doc]) && specificity.componentUnnamed(doc, q.terms().keySet());
    }

    /** The ids of the same plugin in the other marketplaces that ship it (empty when none does). */
    List<String> alsoIn(Plugin p) {
        List<String> t = catalog.twins(p.id());
        return t.size() <= 1 ? List.of() : t.stream().filter(id -> !id.equals(p.id())).toList();
    }

    /** Adds a term of one field to a query at a weight; a field weighted 0 is not searched at all. */
    static void should(BooleanQuery.Builder b, String field, String term, double weight) {
        if (weight > 0) {
            Query q = new TermQuery(new Term(field, term));
            b.add(weight == 1 ? q : new BoostQuery(q, (float) weight), BooleanClause.Occur.SHOULD);
        }
    }

    /** With {@code onlyComponents}, plugin stand-in documents are left out. */
    Query componentQuery(Map<String, Float> terms, Set<ComponentKind> kinds, boolean onlyComponents) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Float> e : terms.entrySet()) {
            float w = e.getValue();
            should(b, CNAME, e.getKey(), w * config.cName());
            should(b, CDESC, e.getKey(), w * config.cDesc());
            should(b, CEX, e.getKey(), w * config.cExamples());
            should(b, CBODY, e.getKey(), w * config.cBody());
            should(b, CPLUGIN, e.getKey(), w * config.cPlugin());
        }
        Query q = b.build();
        if (kinds != null && (onlyComponents || !kinds.containsAll(EnumSet.allOf(ComponentKind.class)))) {
            List<BytesRef> ks = kinds.stream().map(k -> new BytesRef(k.id())).toList();
            q = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                    .add(new TermInSetQuery(KIND, ks), BooleanClause.Occur.FILTER).build();
        }
        return q;
    }

    /** Top documents; plugin document ids are plugin ordinals. */
    static List<Scored<Integer>> run(IndexSearcher s, Query q, int n) {
        try {
            ScoreDoc[] docs = s.search(q, Math.max(1, n)).scoreDocs;
            List<Scored<Integer>> out = new ArrayList<>(docs.length);
            for (ScoreDoc d : docs) {
                out.add(new Scored<>(d.doc, d.score));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For each of the given documents, the query terms that occur in any of the fields, in query order: one
     * walk over each term's postings (cheaper than decoding stored vectors per document).
     */
    static Map<Integer, List<String>> termsIn(IndexSearcher s, Collection<Integer> docs, Set<String> qterms,
                                                      String... fields) {
        int[] sorted = docs.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        Map<Integer, Set<String>> found = new HashMap<>();
        try {
            // one segment (see build): document ids are global
            LeafReader leaf = s.getIndexReader().leaves().get(0).reader();
            for (String f : fields) {
                Terms terms = leaf.terms(f);
                if (terms == null) {
                    continue;
                }
                TermsEnum te = terms.iterator();
                for (String q : qterms) {
                    if (!te.seekExact(new BytesRef(q))) {
                        continue;
                    }
                    PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
                    for (int doc : sorted) {
                        int at = pe.docID() >= doc ? pe.docID() : pe.advance(doc);
                        if (at == DocIdSetIterator.NO_MORE_DOCS) {
                            break;
                        }
                        if (at == doc) {
                            found.computeIfAbsent(doc, k -> new HashSet<>()).add(q);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, List<String>> out = new HashMap<>();
        for (int doc : sorted) {
            Set<String> f = found.getOrDefault(doc, Set.of());
            out.put(doc, qterms.stream().filter(f::contains).toList());
        }
        return out;
    }

    /** The plugin ordinal of an id, or -1. */
    int ordinal(String pluginId) {
        return ordOf.getOrDefault(pluginId, -1);
    }

    Collection<Plugin> plugins() {
        return plugins;
    }
}
