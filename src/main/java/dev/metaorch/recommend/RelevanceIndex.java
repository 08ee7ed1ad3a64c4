package dev.metaorch.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Our relevance model over one catalog: a Lucene index with one multi-field document per plugin and one
 * document per component. A query is ranked by several BM25 rankers (plugin fields with weights; component
 * documents aggregated to their plugin; the plugin query expanded with terms of its own top documents,
 * RM3-style) fused by reciprocal rank. Built once per catalog ({@link #of(Catalog)} caches by catalog
 * instance, so a rebuilt catalog gets a new index); immutable and thread-safe.
 */
public final class RelevanceIndex {

    /**
     * The knobs of the model. {@link #DEFAULT} is what recommend_plugins uses; the benchmark can compare
     * others on the dev set.
     *
     * @param nameWeight       boost of plugin-name matches
     * @param descWeight       boost of plugin-description matches
     * @param keywordWeight    boost of keyword and category matches
     * @param componentWeight  boost of matches in the plugin's concatenated component texts
     * @param componentRanker  fuse the component-document ranking (aggregated per plugin)
     * @param expansion        fuse an RM3-style expanded plugin ranking
     * @param feedbackDocs     documents read for expansion terms
     * @param expansionTerms   terms added to the query
     * @param expansionWeight  weight of the added terms against the original query's
     * @param rrfK             reciprocal-rank-fusion constant
     * @param pool             candidates each ranker contributes to the fusion
     */
    public record Config(float nameWeight, float descWeight, float keywordWeight, float componentWeight,
                         boolean componentRanker, boolean expansion, int feedbackDocs, int expansionTerms,
                         float expansionWeight, int rrfK, int pool) {

        public static final Config DEFAULT = new Config(2.0f, 1.5f, 1.5f, 1.0f, true, true, 8, 12, 0.5f, 60, 100);
    }

    private static final Cache<Catalog, RelevanceIndex> CACHE = Caffeine.newBuilder().weakKeys().maximumSize(4).build();

    // plugin document fields
    static final String ORD = "ord";
    static final String NAME = "name";
    static final String DESC = "desc";
    static final String KEYWORDS = "kw";
    static final String COMPONENTS = "comp";
    static final String ALL = "all";
    // component document fields
    static final String KIND = "kind";
    static final String CNAME = "cname";
    static final String CDESC = "cdesc";

    private static final FieldType WITH_VECTORS = new FieldType(TextField.TYPE_NOT_STORED);

    static {
        WITH_VECTORS.setStoreTermVectors(true);
        WITH_VECTORS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        WITH_VECTORS.freeze();
    }

    private final Catalog catalog;
    private final Config config;
    private final Analyzer analyzer;
    private final List<Plugin> plugins;
    private final Map<String, Integer> ordOf;
    private final IndexSearcher pluginSearcher;
    private final IndexSearcher componentSearcher;
    /** Component document id -> plugin ordinal and component position in that plugin. */
    private final int[] compPlugin;
    private final int[] compIndex;

    private RelevanceIndex(Catalog catalog, Config config, Analyzer analyzer, IndexSearcher pluginSearcher,
                           IndexSearcher componentSearcher, int[] compPlugin, int[] compIndex) {
        this.catalog = catalog;
        this.config = config;
        this.analyzer = analyzer;
        this.plugins = catalog.plugins();
        this.pluginSearcher = pluginSearcher;
        this.componentSearcher = componentSearcher;
        this.compPlugin = compPlugin;
        this.compIndex = compIndex;
        Map<String, Integer> ords = new HashMap<>();
        for (int i = 0; i < plugins.size(); i++) {
            ords.put(plugins.get(i).id(), i);
        }
        this.ordOf = ords;
    }

    /** The index of this catalog, built on first use and shared while the catalog is current. */
    public static RelevanceIndex of(Catalog catalog) {
        return CACHE.get(catalog, RelevanceIndex::build);
    }

    public static RelevanceIndex build(Catalog catalog) {
        return build(catalog, Config.DEFAULT);
    }

    public static RelevanceIndex build(Catalog catalog, Config config) {
        Analyzer analyzer = new EnglishAnalyzer();
        List<Plugin> plugins = catalog.plugins();
        ByteBuffersDirectory pdir = new ByteBuffersDirectory();
        ByteBuffersDirectory cdir = new ByteBuffersDirectory();
        List<Integer> cp = new ArrayList<>();
        List<Integer> ci = new ArrayList<>();
        try (IndexWriter pw = new IndexWriter(pdir, writerConfig(analyzer));
             IndexWriter cw = new IndexWriter(cdir, writerConfig(analyzer))) {
            for (int ord = 0; ord < plugins.size(); ord++) {
                Plugin p = plugins.get(ord);
                Document d = new Document();
                d.add(new IntField(ORD, ord, Field.Store.NO));
                d.add(new TextField(NAME, p.name(), Field.Store.NO));
                d.add(new TextField(DESC, p.description(), Field.Store.NO));
                d.add(new TextField(KEYWORDS, keywordText(p), Field.Store.NO));
                d.add(new TextField(COMPONENTS, componentsText(p), Field.Store.NO));
                d.add(new Field(ALL, PluginText.document(p), WITH_VECTORS));
                pw.addDocument(d);
                List<Component> comps = p.components();
                for (int i = 0; i < comps.size(); i++) {
                    Component c = comps.get(i);
                    Document cd = new Document();
                    cd.add(new IntField(ORD, ord, Field.Store.NO));
                    cd.add(new StringField(KIND, c.kind().id(), Field.Store.NO));
                    cd.add(new TextField(CNAME, c.file() != null && !c.file().equals(c.name())
                            ? c.name() + " " + c.file() : c.name(), Field.Store.NO));
                    cd.add(new TextField(CDESC, c.description(), Field.Store.NO));
                    cw.addDocument(cd);
                    cp.add(ord);
                    ci.add(i);
                }
            }
            // One segment merged in order keeps document ids equal to insertion order.
            pw.forceMerge(1);
            cw.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new RelevanceIndex(catalog, config, analyzer, searcher(DirectoryReader.open(pdir)),
                    searcher(DirectoryReader.open(cdir)), cp.stream().mapToInt(Integer::intValue).toArray(),
                    ci.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IndexWriterConfig writerConfig(Analyzer analyzer) {
        return new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()).setRAMBufferSizeMB(512)
                .setMergePolicy(new LogDocMergePolicy()).setCommitOnClose(true);
    }

    private static IndexSearcher searcher(IndexReader reader) {
        IndexSearcher s = new IndexSearcher(reader);
        s.setSimilarity(new BM25Similarity());
        s.setQueryCache(null);
        return s;
    }

    static String keywordText(Plugin p) {
        return String.join(" ", p.keywords()) + (p.category() == null ? "" : "\n" + p.category());
    }

    static String componentsText(Plugin p) {
        StringBuilder sb = new StringBuilder();
        for (Component c : p.components()) {
            sb.append(PluginText.component(c)).append('\n');
        }
        return sb.toString();
    }

    public Catalog catalog() {
        return catalog;
    }

    public Config config() {
        return config;
    }

    // ------------------------------------------------------------------ plugins

    /**
     * The best {@code limit} plugins for the query among those {@code filter} accepts (null: all), best
     * first, each with its matching components. Empty when no word of the query is in the catalog.
     */
    public List<PluginHit> searchPlugins(String query, Predicate<Plugin> filter, int limit) {
        Map<String, Integer> terms = QueryTerms.counts(analyzer, ALL, query == null ? "" : query);
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        List<int[]> rankings = new ArrayList<>();
        List<Scored<Integer>> first = pluginRanking(terms, Map.of(), allowed, config.pool());
        rankings.add(ords(first));
        if (config.componentRanker()) {
            rankings.add(ords(componentAggregate(terms, allowed, config.pool())));
        }
        if (config.expansion() && !first.isEmpty()) {
            Map<String, Float> extra = expansionTerms(first, terms.keySet());
            if (!extra.isEmpty()) {
                rankings.add(ords(pluginRanking(terms, extra, allowed, config.pool())));
            }
        }
        List<Scored<Integer>> fused = rankings.size() == 1 ? first : rrf(rankings, config.rrfK());
        if (fused.isEmpty()) {
            return List.of();
        }
        List<Scored<Integer>> top = fused.subList(0, Math.min(limit, fused.size()));
        double best = top.get(0).score();
        Map<Integer, List<ComponentHit>> comps = componentsOf(terms, top.stream().map(Scored::item).toList());
        Set<String> qterms = terms.keySet();
        List<PluginHit> out = new ArrayList<>(top.size());
        for (Scored<Integer> s : top) {
            Plugin p = plugins.get(s.item());
            out.add(new PluginHit(p, s.score(), best > 0 ? s.score() / best : 0,
                    comps.getOrDefault(s.item(), List.of()), matches(p, qterms)));
        }
        return out;
    }

    /** Plugin ordinals of the plugins, in ranking order: the fused rank list used by the benchmark. */
    private static int[] ords(List<Scored<Integer>> ranking) {
        return ranking.stream().mapToInt(Scored::item).toArray();
    }

    private List<Scored<Integer>> pluginRanking(Map<String, Integer> terms, Map<String, Float> extra, Query allowed,
                                                int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        float extraTotal = 0;
        for (float w : extra.values()) {
            extraTotal += w;
        }
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            addFields(b, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Float> e : extra.entrySet()) {
            // expansion terms share a fixed fraction of the original query's weight
            float w = config.expansionWeight() * terms.size() * e.getValue() / extraTotal;
            addFields(b, e.getKey(), w);
        }
        return run(pluginSearcher, withFilter(b.build(), allowed), n, true);
    }

    private void addFields(BooleanQuery.Builder b, String term, float weight) {
        b.add(boost(new TermQuery(new Term(NAME, term)), weight * config.nameWeight()), BooleanClause.Occur.SHOULD);
        b.add(boost(new TermQuery(new Term(DESC, term)), weight * config.descWeight()), BooleanClause.Occur.SHOULD);
        b.add(boost(new TermQuery(new Term(KEYWORDS, term)), weight * config.keywordWeight()), BooleanClause.Occur.SHOULD);
        b.add(boost(new TermQuery(new Term(COMPONENTS, term)), weight * config.componentWeight()), BooleanClause.Occur.SHOULD);
    }

    private static Query boost(Query q, float w) {
        return w == 1f ? q : new BoostQuery(q, w);
    }

    /** Each plugin scored by its best matching component, plus a little for further matching ones. */
    private List<Scored<Integer>> componentAggregate(Map<String, Integer> terms, Query allowed, int n) {
        Query q = componentQuery(terms, null);
        List<Scored<Integer>> docs = run(componentSearcher, withFilter(q, allowed), n * 4, false);
        Map<Integer, double[]> agg = new LinkedHashMap<>();
        for (Scored<Integer> d : docs) {
            double[] a = agg.computeIfAbsent(compPlugin[d.item()], k -> new double[2]);
            if (a[0] == 0) {
                a[0] = d.score();
            } else {
                a[1] += d.score();
            }
        }
        List<Scored<Integer>> out = new ArrayList<>(agg.size());
        agg.forEach((ord, a) -> out.add(new Scored<>(ord, a[0] + 0.1 * a[1])));
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed());
        return out.size() > n ? out.subList(0, n) : out;
    }

    private Query componentQuery(Map<String, Integer> terms, Set<ComponentKind> kinds) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            float w = e.getValue();
            b.add(boost(new TermQuery(new Term(CNAME, e.getKey())), w * config.nameWeight()), BooleanClause.Occur.SHOULD);
            b.add(boost(new TermQuery(new Term(CDESC, e.getKey())), w), BooleanClause.Occur.SHOULD);
        }
        Query q = b.build();
        if (kinds != null && !kinds.containsAll(EnumSet.allOf(ComponentKind.class))) {
            List<BytesRef> ks = kinds.stream().map(k -> new BytesRef(k.id())).toList();
            q = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                    .add(new TermInSetQuery(KIND, ks), BooleanClause.Occur.FILTER).build();
        }
        return q;
    }

    /**
     * RM3-style feedback: terms weighted by how much of each top document they make up, times the
     * document's score share and the term's rarity; the query's own terms excluded.
     */
    private Map<String, Float> expansionTerms(List<Scored<Integer>> first, Set<String> queryTerms) {
        int docs = Math.min(config.feedbackDocs(), first.size());
        double total = 0;
        for (int i = 0; i < docs; i++) {
            total += first.get(i).score();
        }
        Map<String, Double> weights = new HashMap<>();
        IndexReader reader = pluginSearcher.getIndexReader();
        int n = reader.numDocs();
        try {
            for (int i = 0; i < docs; i++) {
                int doc = first.get(i).item(); // plugin ordinal == plugin document id
                Terms tv = reader.termVectors().get(doc, ALL);
                if (tv == null) {
                    continue;
                }
                Map<String, Integer> tf = new HashMap<>();
                long len = 0;
                TermsEnum te = tv.iterator();
                BytesRef t;
                while ((t = te.next()) != null) {
                    int f = (int) te.totalTermFreq();
                    tf.put(t.utf8ToString(), f);
                    len += f;
                }
                double docWeight = first.get(i).score() / total;
                for (Map.Entry<String, Integer> e : tf.entrySet()) {
                    if (queryTerms.contains(e.getKey())) {
                        continue;
                    }
                    weights.merge(e.getKey(), docWeight * e.getValue() / len, Double::sum);
                }
            }
            // rarity: a term in most documents says nothing about this query
            Map<String, Double> scored = new HashMap<>();
            for (Map.Entry<String, Double> e : weights.entrySet()) {
                int df = reader.docFreq(new Term(ALL, e.getKey()));
                if (df < 2) {
                    continue; // a word of one document cannot generalize
                }
                scored.put(e.getKey(), e.getValue() * Math.log(1 + (double) n / df));
            }
            Map<String, Float> out = new LinkedHashMap<>();
            scored.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(config.expansionTerms()).forEach(e -> out.put(e.getKey(), e.getValue().floatValue()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Scored<Integer>> rrf(List<int[]> rankings, int k) {
        Map<Integer, Double> score = new HashMap<>();
        for (int[] r : rankings) {
            for (int i = 0; i < r.length; i++) {
                score.merge(r[i], 1.0 / (k + i + 1), Double::sum);
            }
        }
        List<Scored<Integer>> out = new ArrayList<>(score.size());
        score.forEach((o, s) -> out.add(new Scored<>(o, s)));
        // ties: the first ranker's order, then catalog order
        Map<Integer, Integer> firstRank = new HashMap<>();
        int[] r0 = rankings.get(0);
        for (int i = 0; i < r0.length; i++) {
            firstRank.put(r0[i], i);
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed()
                .thenComparingInt(s -> firstRank.getOrDefault(s.item(), Integer.MAX_VALUE))
                .thenComparingInt(Scored::item));
        return out;
    }

    /** The matching components of the given plugins, best first per plugin. */
    private Map<Integer, List<ComponentHit>> componentsOf(Map<String, Integer> terms, List<Integer> ords) {
        int[] arr = ords.stream().mapToInt(Integer::intValue).toArray();
        Query q = withFilter(componentQuery(terms, null), IntField.newSetQuery(ORD, arr));
        List<Scored<Integer>> docs = run(componentSearcher, q, 10 * arr.length + 50, false);
        Map<Integer, List<ComponentHit>> out = new HashMap<>();
        Set<String> qterms = terms.keySet();
        for (Scored<Integer> d : docs) {
            int ord = compPlugin[d.item()];
            List<ComponentHit> l = out.computeIfAbsent(ord, k -> new ArrayList<>());
            if (l.size() < 10) {
                Plugin p = plugins.get(ord);
                Component c = p.components().get(compIndex[d.item()]);
                l.add(new ComponentHit(p, c, d.score(), matchedTerms(PluginText.component(c), qterms)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ components

    /**
     * The best {@code limit} components of the given kinds (null or empty: all) for the query, among plugins
     * {@code filter} accepts (null: all), best first, scored by BM25 over each component's name and description.
     */
    public List<ComponentHit> searchComponents(String query, Set<ComponentKind> kinds, Predicate<Plugin> filter,
                                               int limit) {
        Map<String, Integer> terms = QueryTerms.counts(analyzer, ALL, query == null ? "" : query);
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        Query q = withFilter(componentQuery(terms, kinds == null || kinds.isEmpty() ? null : kinds), allowed);
        List<ComponentHit> out = new ArrayList<>();
        for (Scored<Integer> d : run(componentSearcher, q, limit, false)) {
            Plugin p = plugins.get(compPlugin[d.item()]);
            Component c = p.components().get(compIndex[d.item()]);
            out.add(new ComponentHit(p, c, d.score(), matchedTerms(PluginText.component(c), terms.keySet())));
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static final Query NOTHING = new TermQuery(new Term("none", "none"));

    /** Null when every plugin is allowed, {@link #NOTHING} when none is, else a filter on plugin ordinals. */
    private Query allowedQuery(Predicate<Plugin> filter) {
        if (filter == null) {
            return null;
        }
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < plugins.size(); i++) {
            if (filter.test(plugins.get(i))) {
                ok.add(i);
            }
        }
        if (ok.size() == plugins.size()) {
            return null;
        }
        if (ok.isEmpty()) {
            return NOTHING;
        }
        return IntField.newSetQuery(ORD, ok.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Query withFilter(Query q, Query filter) {
        if (filter == null) {
            return q;
        }
        return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
    }

    /** Top documents; plugin document ids are plugin ordinals. */
    private static List<Scored<Integer>> run(IndexSearcher s, Query q, int n, boolean plugins) {
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

    private List<String> matchedTerms(String text, Set<String> qterms) {
        Set<String> present = new HashSet<>(QueryTerms.tokens(analyzer, ALL, text));
        return qterms.stream().filter(present::contains).toList();
    }

    /** Which query terms occur in which plugin field (for the one-line reason). */
    private List<PluginHit.Match> matches(Plugin p, Set<String> qterms) {
        List<PluginHit.Match> out = new ArrayList<>();
        addMatch(out, "name", p.name(), qterms);
        addMatch(out, "description", p.description(), qterms);
        addMatch(out, "keywords", String.join(" ", p.keywords()), qterms);
        addMatch(out, "category", p.category() == null ? "" : p.category(), qterms);
        addMatch(out, "components", componentsText(p), qterms);
        return out;
    }

    private void addMatch(List<PluginHit.Match> out, String field, String text, Set<String> qterms) {
        List<String> m = matchedTerms(text, qterms);
        if (!m.isEmpty()) {
            out.add(new PluginHit.Match(field, m));
        }
    }

    /**
     * The fused plugin ranking as plugin ids, for the benchmark (no component lookup or explanations).
     */
    public List<String> rankIds(String query, int limit) {
        return searchPlugins(query, null, limit).stream().map(h -> h.plugin().id()).toList();
    }

    /** The plugin ordinal of an id, or -1. */
    int ordinal(String pluginId) {
        return ordOf.getOrDefault(pluginId, -1);
    }

    Collection<Plugin> plugins() {
        return plugins;
    }
}
