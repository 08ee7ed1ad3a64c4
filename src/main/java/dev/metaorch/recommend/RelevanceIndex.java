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
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
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
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.LMDirichletSimilarity;
import org.apache.lucene.search.similarities.Similarity;
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
     * others on the dev set ({@link #parse}).
     *
     * @param allWeight        boost of the single field holding the whole plugin text
     * @param nameWeight       boost of plugin-name matches
     * @param descWeight       boost of plugin-description matches
     * @param keywordWeight    boost of keyword and category matches
     * @param componentWeight  boost of matches in the plugin's concatenated component texts
     * @param pluginK1         BM25 k1 of plugin documents
     * @param pluginB          BM25 b of plugin documents
     * @param componentB       BM25 b of component documents
     * @param componentRanker  weight of the component-document ranking (aggregated per plugin) in the fusion; 0: off
     * @param componentRest    share of the further matching components' scores added to the best one's
     * @param expansion        weight of the RM3-style expanded plugin ranking in the fusion; 0: off
     * @param feedbackDocs     documents read for expansion terms
     * @param expansionTerms   terms added to the query
     * @param expansionWeight  weight of the added terms against the original query's
     * @param rrfK             reciprocal-rank-fusion constant; 0: fuse max-normalized scores instead
     * @param pool             candidates each ranker contributes to the fusion
     * @param componentNameWeight boost of component-name matches in component documents
     * @param pluginMu         when positive, plugin documents are scored by a Dirichlet-smoothed language model
     *                         with this mu instead of BM25
     * @param componentMu      the same for component documents
     * @param bigramWeight     boost of adjacent-word pairs of the query found in the plugin text (word order evidence)
     * @param componentBigramWeight the same in component texts
     * @param queryStop        when positive, Snowball's English stop words are dropped from the request (not the index)
     */
    public record Config(float allWeight, float nameWeight, float descWeight, float keywordWeight,
                         float componentWeight, float pluginK1, float pluginB, float componentB,
                         float componentRanker, float componentRest, float expansion, int feedbackDocs,
                         int expansionTerms, float expansionWeight, int rrfK, int pool, float componentNameWeight,
                         float pluginMu, float componentMu, float bigramWeight, float componentBigramWeight,
                         float queryStop) {

        public static final Config DEFAULT = new Config(1f, 0f, 0f, 0f, 0.5f, 1.2f, 0.5f, 0.75f,
                1f, 0.1f, 1f, 8, 12, 0.5f, 60, 50, 1f, 0f, 0f, 1f, 0f, 1f);

        /** DEFAULT with {@code name=value} overrides separated by commas (component names as above). */
        public static Config parse(String overrides) {
            java.util.Map<String, String> kv = new java.util.HashMap<>();
            if (overrides != null && !overrides.isBlank()) {
                for (String part : overrides.split(",")) {
                    String[] p = part.split("=", 2);
                    if (p.length != 2) {
                        throw new IllegalArgumentException("expected name=value, got '" + part + "'");
                    }
                    kv.put(p[0].trim(), p[1].trim());
                }
            }
            java.lang.reflect.RecordComponent[] rc = Config.class.getRecordComponents();
            Object[] values = new Object[rc.length];
            java.util.Set<String> known = new java.util.HashSet<>();
            try {
                for (int i = 0; i < rc.length; i++) {
                    known.add(rc[i].getName());
                    Object dflt = rc[i].getAccessor().invoke(DEFAULT);
                    String v = kv.get(rc[i].getName());
                    values[i] = v == null ? dflt : rc[i].getType() == int.class ? (Object) Integer.parseInt(v)
                            : (Object) Float.parseFloat(v);
                }
                for (String k : kv.keySet()) {
                    if (!known.contains(k)) {
                        throw new IllegalArgumentException("unknown setting '" + k + "' (known: " + known + ")");
                    }
                }
                Class<?>[] types = java.util.Arrays.stream(rc).map(java.lang.reflect.RecordComponent::getType)
                        .toArray(Class<?>[]::new);
                return Config.class.getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Cache<Catalog, RelevanceIndex> CACHE = Caffeine.newBuilder().weakKeys().maximumSize(4).build();

    // plugin document fields
    static final String ORD = "ord";
    static final String NAME = "name";
    static final String DESC = "desc";
    static final String KEYWORDS = "kw";
    static final String CATEGORY = "cat";
    static final String COMPONENTS = "comp";
    static final String ALL = "all";
    static final String BIGRAMS = "bi";
    static final String EXAMPLES = "ex";
    // component document fields
    static final String KIND = "kind";
    static final String CNAME = "cname";
    static final String CDESC = "cdesc";
    static final String CBIGRAMS = "cbi";
    /** The kind of the stand-in document of a plugin without described components. */
    static final String SELF = "plugin";

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
    /** Plugin ordinal -> its first component document id; {@code compStart[ord + 1]} ends the range. */
    private final int[] compStart;
    /** Feedback terms per plugin ordinal (empty when expansion is off). */
    private final Signature[] signatures;
    /** Hyphenated component names (and file stems), lower case -> ordinals of the plugins that have one. */
    private final Map<String, List<Integer>> named;

    private RelevanceIndex(Catalog catalog, Config config, Analyzer analyzer, IndexSearcher pluginSearcher,
                           IndexSearcher componentSearcher, int[] compPlugin, int[] compIndex,
                           Signature[] signatures) {
        this.catalog = catalog;
        this.config = config;
        this.analyzer = analyzer;
        this.plugins = catalog.plugins();
        this.pluginSearcher = pluginSearcher;
        this.componentSearcher = componentSearcher;
        this.compPlugin = compPlugin;
        this.compIndex = compIndex;
        int[] start = new int[plugins.size() + 1];
        java.util.Arrays.fill(start, compPlugin.length);
        for (int doc = compPlugin.length - 1; doc >= 0; doc--) {
            start[compPlugin[doc]] = doc;
        }
        for (int ord = plugins.size() - 1; ord >= 0; ord--) {
            start[ord] = Math.min(start[ord], start[ord + 1]); // plugins without documents: empty range
        }
        this.compStart = start;
        this.signatures = signatures;
        Map<String, Integer> ords = new HashMap<>();
        for (int i = 0; i < plugins.size(); i++) {
            ords.put(plugins.get(i).id(), i);
        }
        this.ordOf = ords;
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int ord = 0; ord < plugins.size(); ord++) {
            for (Component c : plugins.get(ord).components()) {
                for (String n : new String[] {c.name(), c.file()}) {
                    if (n != null && NAMED.matcher(n.toLowerCase(java.util.Locale.ROOT)).matches()) {
                        List<Integer> l = byName.computeIfAbsent(n.toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>());
                        if (l.isEmpty() || l.get(l.size() - 1) != ord) {
                            l.add(ord);
                        }
                    }
                }
            }
        }
        this.named = byName;
    }

    /** A component name a user can mention verbatim: two or more words joined by hyphens ("code-reviewer"). */
    private static final java.util.regex.Pattern NAMED = java.util.regex.Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)+");

    /** Ordinals of the plugins having a component the query names verbatim, in catalog order. */
    private Set<Integer> mentioned(String query) {
        Set<Integer> out = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = NAMED.matcher(query.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            out.addAll(named.getOrDefault(m.group(), List.of()));
        }
        return out;
    }

    /**
     * When the query names a component ("use backend-architect to ..."), the plugins that have it come first,
     * in their fused order (those outside the fused pool after them); the rest keep theirs. Scores are lifted
     * above the rest so that any later sort by score keeps this order.
     */
    private List<Scored<Integer>> namedFirst(List<Scored<Integer>> fused, Set<Integer> mentioned, Predicate<Plugin> filter) {
        List<Scored<Integer>> first = new ArrayList<>();
        List<Scored<Integer>> rest = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Scored<Integer> s : fused) {
            (mentioned.contains(s.item()) ? first : rest).add(s);
            seen.add(s.item());
        }
        double floor = fused.stream().mapToDouble(Scored::score).min().orElse(1);
        for (int ord : mentioned) {
            if (!seen.contains(ord) && (filter == null || filter.test(plugins.get(ord)))) {
                first.add(new Scored<>(ord, floor * 0.5)); // named but without a matching word
            }
        }
        if (first.isEmpty()) {
            return fused;
        }
        double lift = rest.isEmpty() ? 0 : rest.get(0).score();
        List<Scored<Integer>> out = new ArrayList<>(first.size() + rest.size());
        for (Scored<Integer> s : first) {
            out.add(new Scored<>(s.item(), s.score() + lift));
        }
        out.addAll(rest);
        return out;
    }

    /** Where built indexes are kept between runs; null keeps them in memory only. */
    private static volatile IndexFiles files;

    /**
     * Keeps built indexes in {@code dir} (the data folder's {@code cache/index}), so the next server over the
     * same catalog opens its index instead of building it.
     */
    public static void keepFilesIn(java.nio.file.Path dir) {
        files = dir == null ? null : new IndexFiles(dir);
    }

    /**
     * The index of this catalog, built on first use (or opened from its kept file) and shared while the
     * catalog is current.
     */
    public static RelevanceIndex of(Catalog catalog) {
        return CACHE.get(catalog, c -> open(c, Config.DEFAULT, files));
    }

    /** Opens the kept index of {@code catalog}, or builds it and keeps it (in the background). */
    static RelevanceIndex open(Catalog catalog, Config config, IndexFiles files) {
        String key = files == null ? null : IndexFiles.key(catalog, config);
        if (key != null) {
            IndexFiles.Contents kept = files.load(key, catalog.plugins().size());
            if (kept != null) {
                try {
                    return fromContents(catalog, config, kept);
                } catch (RuntimeException e) {
                    LOG.warn("kept index {} unusable ({}); rebuilding", key, e.toString());
                }
            }
        }
        IndexFiles.Contents built = contents(catalog, config);
        if (key != null) {
            // Saving is off the path to the first answer; the directories are not written to again.
            Thread t = new Thread(() -> {
                try {
                    files.save(key, built);
                } finally {
                    SAVING.remove(Thread.currentThread());
                }
            }, "index-save");
            t.setDaemon(true);
            SAVING.add(t);
            t.start();
        }
        return fromContents(catalog, config, built);
    }

    private static final Set<Thread> SAVING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Lets an index file being written finish before the process exits (at most {@code millis}): a server
     * that builds its index and is closed soon after still leaves it for the next start.
     */
    public static void finishSaving(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        for (Thread t : List.copyOf(SAVING)) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            t.join(left);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RelevanceIndex.class);

    public static RelevanceIndex build(Catalog catalog) {
        return build(catalog, Config.DEFAULT);
    }

    public static RelevanceIndex build(Catalog catalog, Config config) {
        return fromContents(catalog, config, contents(catalog, config));
    }

    private static Analyzer analyzer() {
        Analyzer english = new EnglishAnalyzer();
        // pair fields hold pre-joined word pairs: split on spaces only
        return new PerFieldAnalyzerWrapper(english,
                Map.of(BIGRAMS, new WhitespaceAnalyzer(), CBIGRAMS, new WhitespaceAnalyzer()));
    }

    /** An index over already written directories (built now or read from a kept file). */
    private static RelevanceIndex fromContents(Catalog catalog, Config config, IndexFiles.Contents c) {
        try {
            IndexSearcher ps = searcher(DirectoryReader.open(c.plugins()), config.pluginMu() > 0
                    ? new LMDirichletSimilarity(config.pluginMu()) : new BM25Similarity(config.pluginK1(), config.pluginB()));
            IndexSearcher cs = searcher(DirectoryReader.open(c.components()), config.componentMu() > 0
                    ? new LMDirichletSimilarity(config.componentMu()) : new BM25Similarity(1.2f, config.componentB()));
            int plugins = catalog.plugins().size();
            if (ps.getIndexReader().maxDoc() != plugins || cs.getIndexReader().maxDoc() != c.compPlugin().length) {
                throw new IllegalStateException("index does not match the catalog");
            }
            for (int ord : c.compPlugin()) {
                if (ord < 0 || ord >= plugins) {
                    throw new IllegalStateException("component document of no plugin");
                }
            }
            return new RelevanceIndex(catalog, config, analyzer(), ps, cs, c.compPlugin(), c.compIndex(), c.signatures());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Analyses the catalog into the plugin and component directories and the arrays that go with them. */
    static IndexFiles.Contents contents(Catalog catalog, Config config) {
        Analyzer analyzer = analyzer();
        List<Plugin> plugins = catalog.plugins();
        ByteBuffersDirectory pdir = directory();
        ByteBuffersDirectory cdir = directory();
        List<Integer> cp = new ArrayList<>();
        List<Integer> ci = new ArrayList<>();
        // The plugin index and the component index are independent: build them on two threads (the
        // index build is on the path to the first recommendation). Analyzers are thread-safe.
        java.util.concurrent.CompletableFuture<Void> components = java.util.concurrent.CompletableFuture.runAsync(
                () -> writeComponents(plugins, config, analyzer, cdir, cp, ci), BUILD_THREAD);
        try (IndexWriter pw = new IndexWriter(pdir, writerConfig(analyzer))) {
            for (int ord = 0; ord < plugins.size(); ord++) {
                Plugin p = plugins.get(ord);
                Document d = new Document();
                d.add(new IntField(ORD, ord, Field.Store.NO));
                d.add(new TextField(NAME, p.name(), Field.Store.NO));
                d.add(new TextField(DESC, p.description(), Field.Store.NO));
                d.add(new TextField(KEYWORDS, keywordText(p), Field.Store.NO));
                d.add(new TextField(CATEGORY, p.category() == null ? "" : p.category(), Field.Store.NO));
                d.add(new TextField(COMPONENTS, componentsText(p), Field.Store.NO));
                String examples = PluginText.examples(p);
                d.add(new TextField(EXAMPLES, examples, Field.Store.NO));
                // Example requests (only when plugin folders were read) are the words users type: searched with the rest.
                String all = examples.isEmpty() ? PluginText.document(p) : PluginText.document(p) + "\n" + examples;
                d.add(new Field(ALL, all, WITH_VECTORS));
                if (config.bigramWeight() > 0) {
                    d.add(new TextField(BIGRAMS, bigrams(analyzer, all), Field.Store.NO));
                }
                pw.addDocument(d);
            }
            // One segment merged in order keeps document ids equal to insertion order.
            pw.forceMerge(1);
        } catch (IOException e) {
            components.join();
            throw new UncheckedIOException(e);
        }
        try (DirectoryReader reader = DirectoryReader.open(pdir)) {
            Signature[] sigs = config.expansion() > 0 ? signatures(reader, plugins.size()) : new Signature[0];
            try {
                components.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return new IndexFiles.Contents(pdir, cdir, cp.stream().mapToInt(Integer::intValue).toArray(),
                    ci.stream().mapToInt(Integer::intValue).toArray(), sigs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds threads for the component half of an index; daemon, so a build never keeps the JVM alive. */
    private static final java.util.concurrent.Executor BUILD_THREAD = r -> {
        Thread t = new Thread(r, "index-build");
        t.setDaemon(true);
        t.start();
    };

    /** The component documents, in plugin order then component order (ids follow insertion order). */
    private static void writeComponents(List<Plugin> plugins, Config config, Analyzer analyzer, ByteBuffersDirectory cdir,
                                        List<Integer> cp, List<Integer> ci) {
        try (IndexWriter cw = new IndexWriter(cdir, writerConfig(analyzer))) {
            for (int ord = 0; ord < plugins.size(); ord++) {
                Plugin p = plugins.get(ord);
                List<Component> comps = p.components();
                if (comps.stream().allMatch(c -> c.description().isBlank())) {
                    // A plugin without described components (remote sources list none) stands in the component
                    // ranking with its own text, or fusion would count its missing vote against it.
                    Document cd = new Document();
                    cd.add(new IntField(ORD, ord, Field.Store.NO));
                    cd.add(new StringField(KIND, SELF, Field.Store.NO));
                    cd.add(new TextField(CNAME, p.name(), Field.Store.NO));
                    cd.add(new TextField(CDESC, PluginText.withExamples(p.description(), p.examples()), Field.Store.NO));
                    if (config.componentBigramWeight() > 0) {
                        cd.add(new TextField(CBIGRAMS, bigrams(analyzer, PluginText.withExamples(p.name() + "\n" + p.description(),
                                p.examples())), Field.Store.NO));
                    }
                    cw.addDocument(cd);
                    cp.add(ord);
                    ci.add(-1);
                }
                for (int i = 0; i < comps.size(); i++) {
                    Component c = comps.get(i);
                    Document cd = new Document();
                    cd.add(new IntField(ORD, ord, Field.Store.NO));
                    cd.add(new StringField(KIND, c.kind().id(), Field.Store.NO));
                    cd.add(new TextField(CNAME, c.file() != null && !c.file().equals(c.name())
                            ? c.name() + " " + c.file() : c.name(), Field.Store.NO));
                    cd.add(new TextField(CDESC, PluginText.withExamples(c.description(), c.examples()), Field.Store.NO));
                    if (config.componentBigramWeight() > 0) {
                        cd.add(new TextField(CBIGRAMS, bigrams(analyzer, PluginText.componentWithExamples(c)), Field.Store.NO));
                    }
                    cw.addDocument(cd);
                    cp.add(ord);
                    ci.add(i);
                }
            }
            cw.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An in-memory directory whose files are read as one buffer each: the default many-block layout makes
     * every postings or terms clone copy its list of blocks, which was the largest single cost of a query.
     */
    static ByteBuffersDirectory directory() {
        return new ByteBuffersDirectory(new org.apache.lucene.store.SingleInstanceLockFactory(),
                org.apache.lucene.store.ByteBuffersDataOutput::new, ByteBuffersDirectory.OUTPUT_AS_ONE_BUFFER);
    }

    private static IndexWriterConfig writerConfig(Analyzer analyzer) {
        return new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()).setRAMBufferSizeMB(512)
                .setMergePolicy(new LogDocMergePolicy()).setCommitOnClose(true);
    }

    private static IndexSearcher searcher(IndexReader reader, Similarity similarity) {
        IndexSearcher s = new IndexSearcher(reader);
        // norms do not depend on k1 and b, so the search-time similarity alone sets them
        s.setSimilarity(similarity);
        s.setQueryCache(null);
        return s;
    }

    /** Adjacent analyzed words (stop words dropped) joined by '_', separated by spaces. */
    static String bigrams(Analyzer analyzer, String text) {
        List<String> t = QueryTerms.tokens(analyzer, ALL, text);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < t.size(); i++) {
            sb.append(t.get(i - 1)).append('_').append(t.get(i)).append(' ');
        }
        return sb.toString();
    }

    static String keywordText(Plugin p) {
        return String.join(" ", p.keywords());
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
        return hits(query, rankPlugins(query, filter, limit));
    }

    /**
     * The ranking alone (no components, no explanations): the best {@code limit} plugins {@code filter} accepts
     * (null: all) with their fused scores, best first. Cheap; {@link #hits} adds the details for the ones kept.
     */
    public List<Scored<Plugin>> rankPlugins(String query, Predicate<Plugin> filter, int limit) {
        Map<String, Integer> terms = queryTerms(query);
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        List<String> pairs = queryPairs(query);
        List<List<Scored<Integer>>> rankings = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        int pool = Math.max(config.pool(), limit);
        List<Scored<Integer>> first = pluginRanking(terms, pairs, Map.of(), allowed, pool);
        rankings.add(first);
        weights.add(1f);
        if (config.componentRanker() > 0) {
            rankings.add(componentAggregate(terms, pairs, allowed, pool));
            weights.add(config.componentRanker());
        }
        if (config.expansion() > 0 && !first.isEmpty()) {
            Map<String, Float> extra = expansionTerms(first, terms.keySet());
            if (!extra.isEmpty()) {
                rankings.add(pluginRanking(terms, pairs, extra, allowed, pool));
                weights.add(config.expansion());
            }
        }
        List<Scored<Integer>> fused = rankings.size() == 1 ? first : fuse(rankings, weights, config.rrfK());
        Set<Integer> mentioned = mentioned(query);
        if (!mentioned.isEmpty()) {
            fused = namedFirst(fused, mentioned, filter);
        }
        List<Scored<Plugin>> out = new ArrayList<>(Math.min(limit, fused.size()));
        for (int i = 0; i < fused.size() && i < limit; i++) {
            out.add(new Scored<>(plugins.get(fused.get(i).item()), fused.get(i).score()));
        }
        return out;
    }

    /**
     * The analyzed terms of a request with their counts. With {@code queryStop} on, the words of Snowball's English
     * stop list (pronouns, auxiliaries, "can", "should", "our": the framing of a request, which the index keeps
     * because plugin texts use them too) are dropped from the request only, unless nothing else is left.
     */
    private Map<String, Integer> queryTerms(String query) {
        Map<String, Integer> terms = QueryTerms.counts(analyzer, ALL, query == null ? "" : query);
        if (config.queryStop() <= 0) {
            return terms;
        }
        Map<String, Integer> kept = new LinkedHashMap<>(terms);
        kept.keySet().removeAll(requestStopTerms());
        return kept.isEmpty() ? terms : kept;
    }

    /** Snowball's English stop words as this index's analyzer turns them into terms; read once per index. */
    private Set<String> requestStopTerms() {
        Set<String> s = stopTerms;
        if (s == null) {
            s = new HashSet<>();
            try (java.io.Reader r = new java.io.InputStreamReader(org.apache.lucene.analysis.snowball.SnowballFilter.class
                    .getResourceAsStream("english_stop.txt"), java.nio.charset.StandardCharsets.UTF_8)) {
                for (Object w : org.apache.lucene.analysis.WordlistLoader.getSnowballWordSet(r)) {
                    s.addAll(QueryTerms.tokens(analyzer, ALL, new String((char[]) w)));
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

    /**
     * Details for ranked plugins of this index: their matching components (best first) and which query words
     * matched which fields; relevance is each score over the best score of the list.
     */
    public List<PluginHit> hits(String query, List<Scored<Plugin>> ranked) {
        if (ranked.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> terms = queryTerms(query);
        double best = ranked.stream().mapToDouble(Scored::score).max().orElse(0);
        List<Integer> ords = new ArrayList<>();
        for (Scored<Plugin> s : ranked) {
            int ord = ordinal(s.item().id());
            if (ord < 0 || plugins.get(ord) != s.item()) {
                throw new IllegalArgumentException(s.item().id() + " is not a plugin of this index's catalog");
            }
            ords.add(ord);
        }
        Map<Integer, List<ComponentHit>> comps = componentsOf(query, terms, ords);
        Set<String> qterms = terms.keySet();
        Map<String, String> words = QueryTerms.surface(analyzer, ALL, query);
        Map<Integer, List<PluginHit.Match>> matched = matches(ords, qterms, words);
        List<PluginHit> out = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            Scored<Plugin> s = ranked.get(i);
            out.add(new PluginHit(s.item(), s.score(), best > 0 ? s.score() / best : 0,
                    comps.getOrDefault(ords.get(i), List.of()), matched.getOrDefault(ords.get(i), List.of())));
        }
        return out;
    }

    private List<Scored<Integer>> pluginRanking(Map<String, Integer> terms, List<String> pairs,
                                                Map<String, Float> extra, Query allowed, int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        float extraTotal = 0;
        for (float w : extra.values()) {
            extraTotal += w;
        }
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            addFields(b, e.getKey(), e.getValue());
        }
        for (String pair : pairs) {
            should(b, BIGRAMS, pair, config.bigramWeight());
        }
        for (Map.Entry<String, Float> e : extra.entrySet()) {
            // expansion terms share a fixed fraction of the original query's weight
            float w = config.expansionWeight() * terms.size() * e.getValue() / extraTotal;
            addFields(b, e.getKey(), w);
        }
        return run(pluginSearcher, withFilter(b.build(), allowed), n, true);
    }

    private void addFields(BooleanQuery.Builder b, String term, float weight) {
        should(b, ALL, term, weight * config.allWeight());
        should(b, NAME, term, weight * config.nameWeight());
        should(b, DESC, term, weight * config.descWeight());
        should(b, KEYWORDS, term, weight * config.keywordWeight());
        should(b, CATEGORY, term, weight * config.keywordWeight());
        should(b, COMPONENTS, term, weight * config.componentWeight());
    }

    private static void should(BooleanQuery.Builder b, String field, String term, float weight) {
        if (weight > 0) {
            b.add(boost(new TermQuery(new Term(field, term)), weight), BooleanClause.Occur.SHOULD);
        }
    }

    private static Query boost(Query q, float w) {
        return w == 1f ? q : new BoostQuery(q, w);
    }

    /** Each plugin scored by its best matching component, plus a little for further matching ones. */
    private List<Scored<Integer>> componentAggregate(Map<String, Integer> terms, List<String> pairs, Query allowed,
                                                     int n) {
        Query q = componentQuery(terms, pairs, null);
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
        agg.forEach((ord, a) -> out.add(new Scored<>(ord, a[0] + config.componentRest() * a[1])));
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed());
        return out.size() > n ? out.subList(0, n) : out;
    }

    private Query componentQuery(Map<String, ? extends Number> terms, List<String> pairs, Set<ComponentKind> kinds) {
        return componentQuery(terms, pairs, kinds, false);
    }

    /** With {@code onlyComponents}, plugin stand-in documents are left out. */
    private Query componentQuery(Map<String, ? extends Number> terms, List<String> pairs, Set<ComponentKind> kinds,
                                 boolean onlyComponents) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String pair : pairs) {
            should(b, CBIGRAMS, pair, config.componentBigramWeight());
        }
        for (Map.Entry<String, ? extends Number> e : terms.entrySet()) {
            float w = e.getValue().floatValue();
            should(b, CNAME, e.getKey(), w * config.componentNameWeight());
            should(b, CDESC, e.getKey(), w);
        }
        Query q = b.build();
        if (kinds != null && (onlyComponents || !kinds.containsAll(EnumSet.allOf(ComponentKind.class)))) {
            List<BytesRef> ks = kinds.stream().map(k -> new BytesRef(k.id())).toList();
            q = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                    .add(new TermInSetQuery(KIND, ks), BooleanClause.Occur.FILTER).build();
        }
        return q;
    }

    /** Terms kept per plugin for feedback: its most characteristic ones. */
    static final int SIGNATURE_TERMS = 48;

    /**
     * Each plugin's most characteristic terms (share of its text times rarity; terms of a single plugin
     * left out, they cannot generalize), computed once at build so feedback costs microseconds per query.
     */
    private static Signature[] signatures(IndexReader reader, int plugins) throws IOException {
        Signature[] out = new Signature[plugins];
        int n = reader.numDocs();
        org.apache.lucene.index.TermVectors vectors = reader.termVectors();
        Map<String, Double> idfCache = new HashMap<>();
        for (int doc = 0; doc < plugins; doc++) {
            Terms tv = vectors.get(doc, ALL);
            if (tv == null) {
                out[doc] = new Signature(new String[0], new float[0]);
                continue;
            }
            List<String> ts = new ArrayList<>();
            List<Integer> fs = new ArrayList<>();
            long len = 0;
            TermsEnum te = tv.iterator();
            BytesRef t;
            while ((t = te.next()) != null) {
                int f = (int) te.totalTermFreq();
                ts.add(t.utf8ToString());
                fs.add(f);
                len += f;
            }
            List<Scored<String>> scored = new ArrayList<>(ts.size());
            for (int i = 0; i < ts.size(); i++) {
                String term = ts.get(i);
                double idf = idfCache.computeIfAbsent(term, k -> {
                    try {
                        int df = reader.docFreq(new Term(ALL, k));
                        return df < 2 ? 0.0 : Math.log(1 + (double) n / df);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (idf > 0) {
                    scored.add(new Scored<>(term, (double) fs.get(i) / len * idf));
                }
            }
            scored.sort(Comparator.comparingDouble((Scored<String> x) -> x.score()).reversed());
            int k = Math.min(SIGNATURE_TERMS, scored.size());
            String[] terms = new String[k];
            float[] weights = new float[k];
            for (int i = 0; i < k; i++) {
                terms[i] = scored.get(i).item();
                weights[i] = (float) scored.get(i).score();
            }
            out[doc] = new Signature(terms, weights);
        }
        return out;
    }

    record Signature(String[] terms, float[] weights) {
    }

    /**
     * RM3-style feedback: terms weighted by how much of each top document they make up times their rarity,
     * times the document's share of the top scores; the query's own terms excluded.
     */
    private Map<String, Float> expansionTerms(List<Scored<Integer>> first, Set<String> queryTerms) {
        int docs = Math.min(config.feedbackDocs(), first.size());
        double total = 0;
        for (int i = 0; i < docs; i++) {
            total += first.get(i).score();
        }
        Map<String, Double> weights = new HashMap<>();
        for (int i = 0; i < docs; i++) {
            Signature sig = signatures[first.get(i).item()]; // plugin ordinal == plugin document id
            double docWeight = first.get(i).score() / total;
            for (int j = 0; j < sig.terms().length; j++) {
                if (!queryTerms.contains(sig.terms()[j])) {
                    weights.merge(sig.terms()[j], docWeight * sig.weights()[j], Double::sum);
                }
            }
        }
        Map<String, Float> out = new LinkedHashMap<>();
        weights.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(config.expansionTerms()).forEach(e -> out.put(e.getKey(), e.getValue().floatValue()));
        return out;
    }

    /**
     * Weighted fusion: reciprocal rank ({@code k > 0}) or, with {@code k == 0}, the sum of each ranking's scores
     * divided by its best score. Ties keep the first ranking's order, then catalog order.
     */
    static List<Scored<Integer>> fuse(List<List<Scored<Integer>>> rankings, List<Float> weights, int k) {
        Map<Integer, Double> score = new HashMap<>();
        for (int r = 0; r < rankings.size(); r++) {
            List<Scored<Integer>> l = rankings.get(r);
            double w = weights.get(r);
            double best = l.isEmpty() ? 1 : l.get(0).score();
            for (int i = 0; i < l.size(); i++) {
                double s = k > 0 ? 1.0 / (k + i + 1) : (best > 0 ? l.get(i).score() / best : 0);
                score.merge(l.get(i).item(), w * s, Double::sum);
            }
        }
        List<Scored<Integer>> out = new ArrayList<>(score.size());
        score.forEach((o, s) -> out.add(new Scored<>(o, s)));
        Map<Integer, Integer> firstRank = new HashMap<>();
        List<Scored<Integer>> r0 = rankings.get(0);
        for (int i = 0; i < r0.size(); i++) {
            firstRank.put(r0.get(i).item(), i);
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed()
                .thenComparingInt(s -> firstRank.getOrDefault(s.item(), Integer.MAX_VALUE))
                .thenComparingInt(Scored::item));
        return out;
    }

    /**
     * The matching components of the given plugins, best first per plugin. A plugin's component documents are
     * consecutive (see build), so the component query is scored only over those ranges: no second search over
     * the whole component index and nothing sized by the catalog allocated per query.
     */
    private Map<Integer, List<ComponentHit>> componentsOf(String query, Map<String, Integer> terms, List<Integer> ords) {
        int[] sortedOrds = ords.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        List<Scored<Integer>> docs = new ArrayList<>();
        try {
            Query q = componentSearcher.rewrite(componentQuery(terms, queryPairs(query), null));
            Weight w = componentSearcher.createWeight(q, ScoreMode.COMPLETE, 1f);
            // one segment (see build): document ids are global
            Scorer scorer = w.scorer(componentSearcher.getIndexReader().leaves().get(0));
            if (scorer != null) {
                DocIdSetIterator it = scorer.iterator();
                for (int ord : sortedOrds) {
                    int end = compStart[ord + 1];
                    int doc = it.docID() >= compStart[ord] ? it.docID() : it.advance(compStart[ord]);
                    while (doc < end) {
                        if (compIndex[doc] >= 0) {
                            docs.add(new Scored<>(doc, scorer.score()));
                        }
                        doc = it.nextDoc();
                    }
                    if (doc == DocIdSetIterator.NO_MORE_DOCS) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // best first; equal scores in catalog order
        docs.sort(Comparator.comparingDouble((Scored<Integer> d) -> d.score()).reversed()
                .thenComparingInt(Scored::item));
        Map<Integer, List<ComponentHit>> out = new HashMap<>();
        Set<String> qterms = terms.keySet();
        List<Scored<Integer>> kept = new ArrayList<>();
        Map<Integer, Integer> perPlugin = new HashMap<>();
        for (Scored<Integer> d : docs) {
            if (perPlugin.merge(compPlugin[d.item()], 1, Integer::sum) <= 10) {
                kept.add(d);
            }
        }
        Map<Integer, List<String>> in = termsIn(componentSearcher, kept.stream().map(Scored::item).toList(), qterms,
                CNAME, CDESC);
        for (Scored<Integer> d : kept) {
            int ord = compPlugin[d.item()];
            Plugin p = plugins.get(ord);
            Component c = p.components().get(compIndex[d.item()]);
            out.computeIfAbsent(ord, k -> new ArrayList<>()).add(new ComponentHit(p, c, d.score(), in.get(d.item())));
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
        return searchComponents(query, null, kinds, filter, limit);
    }

    /** Weight of a context word (a word of the whole task that the action's own text does not have). */
    static final float CONTEXT_WEIGHT = 0.3f;

    /**
     * The best {@code limit} components for an action ({@code query}) in the context of a larger task
     * ({@code context}, null: none): the action's words decide, the task's other words weigh
     * {@link #CONTEXT_WEIGHT} each, so "write the tests" in a task about a Jest suite prefers Jest test writers.
     */
    public List<ComponentHit> searchComponents(String query, String context, Set<ComponentKind> kinds,
                                               Predicate<Plugin> filter, int limit) {
        Map<String, Float> terms = new LinkedHashMap<>();
        queryTerms(query).forEach((t, n) -> terms.put(t, (float) n));
        if (context != null && !terms.isEmpty()) {
            for (String t : queryTerms(context).keySet()) {
                terms.putIfAbsent(t, CONTEXT_WEIGHT);
            }
        }
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        Set<ComponentKind> ks = kinds == null || kinds.isEmpty() ? EnumSet.allOf(ComponentKind.class) : kinds;
        Query q = withFilter(componentQuery(terms, queryPairs(query), ks, true), allowed);
        List<ComponentHit> out = new ArrayList<>();
        List<Scored<Integer>> docs = run(componentSearcher, q, limit, false);
        Map<Integer, List<String>> in = termsIn(componentSearcher, docs.stream().map(Scored::item).toList(),
                terms.keySet(), CNAME, CDESC);
        Map<String, Double> idf = componentIdf(queryTerms(query).keySet());
        for (Scored<Integer> d : docs) {
            Plugin p = plugins.get(compPlugin[d.item()]);
            Component c = p.components().get(compIndex[d.item()]);
            List<String> m = in.get(d.item());
            out.add(new ComponentHit(p, c, d.score(), m, coverage(idf, m)));
        }
        return out;
    }

    /** Rarity of each term among component texts: log(1 + N / df), a word no component has counting as df 1. */
    private Map<String, Double> componentIdf(Set<String> terms) {
        Map<String, Double> out = new LinkedHashMap<>();
        IndexReader r = componentSearcher.getIndexReader();
        try {
            for (String t : terms) {
                int df = Math.max(r.docFreq(new Term(CDESC, t)), r.docFreq(new Term(CNAME, t)));
                out.put(t, Math.log(1 + (double) r.maxDoc() / Math.max(1, df)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The IDF-weighted share of {@code idf}'s terms found among {@code matched}. */
    static double coverage(Map<String, Double> idf, List<String> matched) {
        double all = 0;
        double found = 0;
        for (Map.Entry<String, Double> e : idf.entrySet()) {
            all += e.getValue();
            if (matched.contains(e.getKey())) {
                found += e.getValue();
            }
        }
        return all > 0 ? found / all : 0;
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

    /** The query's adjacent word pairs, as indexed in the pair fields (none when pairs are off). */
    private List<String> queryPairs(String query) {
        if (config.bigramWeight() <= 0 && config.componentBigramWeight() <= 0) {
            return List.of();
        }
        String joined = bigrams(analyzer, query);
        return joined.isBlank() ? List.of() : new ArrayList<>(new java.util.LinkedHashSet<>(List.of(joined.trim().split(" "))));
    }

    /**
     * For each of the given documents, the query terms that occur in any of the fields, in query order: one
     * walk over each term's postings (cheaper than decoding stored vectors per document).
     */
    private static Map<Integer, List<String>> termsIn(IndexSearcher s, Collection<Integer> docs, Set<String> qterms,
                                                      String... fields) {
        int[] sorted = docs.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        Map<Integer, Set<String>> found = new HashMap<>();
        try {
            // one segment (see build): document ids are global
            org.apache.lucene.index.LeafReader leaf = s.getIndexReader().leaves().get(0).reader();
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
                    org.apache.lucene.index.PostingsEnum pe = te.postings(null, org.apache.lucene.index.PostingsEnum.NONE);
                    for (int doc : sorted) {
                        int at = pe.docID() >= doc ? pe.docID() : pe.advance(doc);
                        if (at == org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS) {
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

    /** Which query words occur in which plugin field (for the one-line reason), per plugin ordinal. */
    private Map<Integer, List<PluginHit.Match>> matches(List<Integer> ords, Set<String> qterms, Map<String, String> words) {
        Map<Integer, List<PluginHit.Match>> out = new HashMap<>();
        String[][] fields = {{"name", NAME}, {"description", DESC}, {"keywords", KEYWORDS}, {"category", CATEGORY},
                {"components", COMPONENTS}, {"example requests", EXAMPLES}};
        for (String[] f : fields) {
            Map<Integer, List<String>> in = termsIn(pluginSearcher, ords, qterms, f[1]);
            for (int ord : ords) {
                List<String> m = in.getOrDefault(ord, List.of());
                if (!m.isEmpty()) {
                    out.computeIfAbsent(ord, k -> new ArrayList<>())
                            .add(new PluginHit.Match(f[0], m.stream().map(t -> words.getOrDefault(t, t)).toList()));
                }
            }
        }
        return out;
    }

    /**
     * The fused plugin ranking as plugin ids, for the benchmark (no component lookup or explanations).
     */
    public List<String> rankIds(String query, int limit) {
        return rankPlugins(query, null, limit).stream().map(h -> h.item().id()).toList();
    }

    /** The plugin ordinal of an id, or -1. */
    int ordinal(String pluginId) {
        return ordOf.getOrDefault(pluginId, -1);
    }

    Collection<Plugin> plugins() {
        return plugins;
    }
}
