package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
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
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.PerFieldSimilarityWrapper;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The relevance engine over one catalog, shared by every tool that ranks plugins or components
 * (recommend_plugins, generate_workflow, research, alternatives, fallbacks).
 *
 * <p>A Lucene index with one document per plugin and one per component. A plugin document holds each kind of text
 * a marketplace folder has in its own field (name; description with keywords and category; its components' names;
 * their descriptions; example requests; README; the bodies of its agents, commands and skills; what the
 * marketplace's docs say about it), each scored by BM25 on its own, with the long fields length-normalized on their
 * own, so a long body never drowns a short precise field. A request is analysed once ({@link #analyze}) and ranked
 * twice: over the plugin documents, and over the component documents aggregated to their plugin (best component
 * plus a share of the rest); the two rankings are fused by reciprocal rank. Plugins and components built for one
 * vendor, product or framework count for less when the request does not name it ({@link Specificity}); the same
 * plugin shipped by several marketplaces is one result.
 *
 * <p>Built once per catalog ({@link #of(Catalog)} caches by catalog instance, so a rebuilt catalog gets a new
 * index); immutable and thread-safe.
 */
public final class RelevanceIndex {

    static {
        // A long request searches each of its terms in eight fields: above Lucene's default of 1024 clauses.
        if (IndexSearcher.getMaxClauseCount() < 16_384) {
            IndexSearcher.setMaxClauseCount(16_384);
        }
    }

    /** The plugin fields a query word is looked for in, to say how strongly a plugin covers a request. */
    private static final String[] SHORT_FIELDS = {NAME, DESC, CNAMES, CDESCS, EXAMPLES};
    private static final String[] LONG_FIELDS = {README, BODIES, DOCS, FULL};
    private static final String[] COMPONENT_SHORT = {CNAME, CDESC, CEX};
    private static final String[] COMPONENT_LONG = {CBODY};
    /** What a word found only in long text (a body, a README) counts for in coverage, against a short field's 1. */
    static final double LONG_COVERAGE = 0.5;
    /** Weight of a context word (a word of the whole task that the action's own text does not have). */
    static final float CONTEXT_WEIGHT = 0.3f;

    private final Catalog catalog;
    private final RelevanceConfig config;
    private final Analyzer analyzer;
    private final List<Plugin> plugins;
    private final Map<String, Integer> ordOf;
    private final IndexSearcher pluginSearcher;
    private final IndexSearcher componentSearcher;
    /** Component document id -> plugin ordinal and component position in that plugin (-1: stand-in). */
    private final int[] compPlugin;
    private final int[] compIndex;
    /** Plugin ordinal -> its first component document id; {@code compStart[ord + 1]} ends the range. */
    private final int[] compStart;
    /** Hyphenated component names (and file stems), lower case -> ordinals of the plugins that have one. */
    private final Map<String, List<Integer>> named;
    private final Specificity specificity;
    /** Plugin ordinal -> the ordinals of its twins (itself included), or null when it has none. */
    private final int[][] twins;

    private RelevanceIndex(Catalog catalog, RelevanceConfig config, Analyzer analyzer, IndexSearcher pluginSearcher,
                           IndexSearcher componentSearcher, int[] compPlugin, int[] compIndex) {
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
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int ord = 0; ord < plugins.size(); ord++) {
            for (Component c : plugins.get(ord).components()) {
                for (String n : new String[] {c.name(), c.file()}) {
                    if (n != null && NAMED.matcher(n.toLowerCase(Locale.ROOT)).matches()) {
                        List<Integer> l = byName.computeIfAbsent(n.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
                        if (l.isEmpty() || l.get(l.size() - 1) != ord) {
                            l.add(ord);
                        }
                    }
                }
            }
        }
        this.named = byName;
        int[][] tw = new int[plugins.size()][];
        for (int ord = 0; ord < plugins.size(); ord++) {
            List<String> t = catalog.twins(plugins.get(ord).id());
            if (t.size() > 1) {
                tw[ord] = t.stream().mapToInt(id -> ords.getOrDefault(id, -1)).filter(o -> o >= 0).toArray();
            }
        }
        this.twins = tw;
        IndexReader pr = pluginSearcher.getIndexReader();
        this.specificity = Specificity.of(plugins, compPlugin, compIndex, this::nameTerm,
                text -> QueryTerms.tokens(analyzer, DESC, text), t -> pluginDf(pr, t),
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

    /** A component name a user can mention verbatim: two or more words joined by hyphens ("code-reviewer"). */
    private static final java.util.regex.Pattern NAMED = java.util.regex.Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)+");

    /** Ordinals of the plugins having a component the query names verbatim, in catalog order. */
    private Set<Integer> mentioned(String query) {
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = NAMED.matcher(query.toLowerCase(Locale.ROOT));
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

    public static RelevanceIndex build(Catalog catalog) {
        return build(catalog, RelevanceConfig.DEFAULT);
    }

    public static RelevanceIndex build(Catalog catalog, RelevanceConfig config) {
        return fromContents(catalog, config, IndexBuilder.contents(catalog, config));
    }

    /** An index over already written directories (built now or read from a kept file). */
    static RelevanceIndex fromContents(Catalog catalog, RelevanceConfig config, IndexFiles.Contents c) {
        try {
            Similarity sim = IndexBuilder.similarity(config);
            IndexSearcher ps = searcher(DirectoryReader.open(c.plugins()), sim);
            IndexSearcher cs = searcher(DirectoryReader.open(c.components()), sim);
            int plugins = catalog.plugins().size();
            if (ps.getIndexReader().maxDoc() != plugins || cs.getIndexReader().maxDoc() != c.compPlugin().length) {
                throw new IllegalStateException("index does not match the catalog");
            }
            for (int ord : c.compPlugin()) {
                if (ord < 0 || ord >= plugins) {
                    throw new IllegalStateException("component document of no plugin");
                }
            }
            return new RelevanceIndex(catalog, config, IndexBuilder.analyzer(), ps, cs, c.compPlugin(), c.compIndex());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    private static IndexSearcher searcher(IndexReader reader, Similarity similarity) {
        IndexSearcher s = new IndexSearcher(reader);
        // norms do not depend on k1 and b, so the search-time similarity alone sets them
        s.setSimilarity(similarity);
        s.setQueryCache(null);
        return s;
    }

    public Catalog catalog() {
        return catalog;
    }

    public RelevanceConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ requests

    /**
     * A request analysed once for every ranking: its own terms (framing words dropped), and when it is one action
     * of a larger task ({@code context}, null: none), the task's other terms at {@link #CONTEXT_WEIGHT} each.
     */
    public AnalyzedQuery analyze(String query, String context) {
        String text = query == null ? "" : query;
        Map<String, Integer> own = queryTerms(text);
        Map<String, Float> terms = new LinkedHashMap<>();
        own.forEach((t, n) -> terms.put(t, (float) n));
        if (context != null && !own.isEmpty()) {
            for (String t : queryTerms(context).keySet()) {
                terms.putIfAbsent(t, CONTEXT_WEIGHT);
            }
        }
        List<String> names = new ArrayList<>();
        Set<Integer> involved = new HashSet<>();
        if (config.specific() < 1 && config.involve()) {
            for (String name : Names.in(text)) {
                Set<Integer> ords = mentioning(name);
                if (!ords.isEmpty() && ords.size() <= Math.floor(config.specificDf() * plugins.size())) {
                    names.add(name);
                    involved.addAll(ords);
                }
            }
        }
        return new AnalyzedQuery(text, own, terms, queryPairs(text), QueryTerms.surface(analyzer, DESC, text), names,
                involved);
    }

    /** The plugins whose whole text holds a name, its words in its order. */
    private Set<Integer> mentioning(String name) {
        List<String> words = QueryTerms.tokens(analyzer, FULL, name);
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
        for (Scored<Integer> d : run(pluginSearcher, q, plugins.size())) {
            out.add(d.item());
        }
        return out;
    }

    /** Whether the plugin is built for something the request neither names nor involves. */
    private boolean pluginUnnamed(int ord, AnalyzedQuery q) {
        return !q.involved().contains(ord) && specificity.pluginUnnamed(ord, q.terms().keySet());
    }

    /** Whether the component (or its plugin) is built for something the request neither names nor involves. */
    private boolean componentUnnamed(int doc, AnalyzedQuery q) {
        return !q.involved().contains(compPlugin[doc]) && specificity.componentUnnamed(doc, q.terms().keySet());
    }

    /** The analyzed terms of a request with their counts, the request's framing words dropped when configured. */
    private Map<String, Integer> queryTerms(String query) {
        Map<String, Integer> terms = QueryTerms.counts(analyzer, DESC, query == null ? "" : query);
        if (!config.queryStop()) {
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
                    s.addAll(QueryTerms.tokens(analyzer, DESC, new String((char[]) w)));
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

    /** The query's adjacent word pairs, as indexed in the pair field (none when pairs are off). */
    private List<String> queryPairs(String query) {
        if (config.pairs() <= 0) {
            return List.of();
        }
        String joined = IndexBuilder.bigrams(analyzer, query);
        return joined.isBlank() ? List.of() : new ArrayList<>(new LinkedHashSet<>(List.of(joined.trim().split(" "))));
    }

    // ------------------------------------------------------------------ plugins

    /**
     * The best {@code limit} plugins for the query among those {@code filter} accepts (null: all), best
     * first, each with its matching components, one result per plugin shipped by several marketplaces.
     * Empty when no word of the query is in the catalog.
     */
    public List<PluginHit> searchPlugins(String query, Predicate<Plugin> filter, int limit) {
        return hits(query, rankPlugins(query, filter, limit));
    }

    /**
     * The ranking alone (no components, no explanations): the best {@code limit} plugins {@code filter} accepts
     * (null: all) with their fused scores, best first, twins once (the installed copy when there is one). Cheap;
     * {@link #hits} adds the details for the ones kept.
     */
    public List<Scored<Plugin>> rankPlugins(String query, Predicate<Plugin> filter, int limit) {
        return rankPlugins(analyze(query, null), filter, limit);
    }

    /** {@link #rankPlugins(String, Predicate, int)} for a request analysed already. */
    public List<Scored<Plugin>> rankPlugins(AnalyzedQuery q, Predicate<Plugin> filter, int limit) {
        if (q.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        int pool = Math.max(config.pool(), limit);
        List<Scored<Integer>> fused = pluginRanking(q, allowed, pool);
        List<List<Scored<Integer>>> lists = new ArrayList<>(List.of(fused));
        List<Float> weights = new ArrayList<>(List.of(1f));
        if (config.componentRanker() > 0) {
            lists.add(componentAggregate(q, allowed, pool));
            weights.add((float) config.componentRanker());
        }
        if (config.fullRanker() > 0) {
            lists.add(fullRanking(q, allowed, pool));
            weights.add((float) config.fullRanker());
        }
        if (lists.size() > 1) {
            fused = fuse(lists, weights, config.rrfK());
        }
        if (config.coord() > 0 && !fused.isEmpty()) {
            // after fusion, where scores are close: the factors decide among candidates the rankings agree on
            fused = rescored(coordinated(fused.subList(0, Math.min(pool, fused.size())), q),
                    ord -> pluginUnnamed(ord, q), pool);
        }
        Set<Integer> mentioned = mentioned(q.text());
        if (!mentioned.isEmpty()) {
            fused = namedFirst(fused, mentioned, filter);
        }
        List<Scored<Integer>> once = oneEach(fused, filter);
        List<Scored<Plugin>> out = new ArrayList<>(Math.min(limit, once.size()));
        for (int i = 0; i < once.size() && i < limit; i++) {
            out.add(new Scored<>(plugins.get(once.get(i).item()), once.get(i).score()));
        }
        return out;
    }

    /**
     * The same plugin shipped by several marketplaces once, where its best copy ranks, represented by its installed
     * copy when one is installed (and allowed).
     */
    private List<Scored<Integer>> oneEach(List<Scored<Integer>> ranked, Predicate<Plugin> filter) {
        List<Scored<Integer>> out = new ArrayList<>(ranked.size());
        Set<Integer> seen = new HashSet<>();
        for (Scored<Integer> s : ranked) {
            int[] tw = twins[s.item()];
            if (tw == null) {
                out.add(s);
                continue;
            }
            if (!seen.add(tw[0])) {
                continue;
            }
            int rep = s.item();
            for (int o : tw) {
                Plugin p = plugins.get(o);
                if (p.install().installed() && (filter == null || filter.test(p))) {
                    rep = o;
                    break;
                }
            }
            out.add(new Scored<>(rep, s.score()));
        }
        return out;
    }

    /** The ids of the same plugin in the other marketplaces that ship it (empty when none does). */
    public List<String> alsoIn(Plugin p) {
        List<String> t = catalog.twins(p.id());
        return t.size() <= 1 ? List.of() : t.stream().filter(id -> !id.equals(p.id())).toList();
    }

    /**
     * Details for ranked plugins of this index: their matching components (best first), which query words
     * matched which fields, how much of the request each covers, and where else each is shipped; relevance is
     * each score over the best score of the list.
     */
    public List<PluginHit> hits(String query, List<Scored<Plugin>> ranked) {
        return hits(analyze(query, null), ranked);
    }

    /** {@link #hits(String, List)} for a request analysed already. */
    public List<PluginHit> hits(AnalyzedQuery q, List<Scored<Plugin>> ranked) {
        if (ranked.isEmpty()) {
            return List.of();
        }
        double best = ranked.stream().mapToDouble(Scored::score).max().orElse(0);
        List<Integer> ords = new ArrayList<>();
        for (Scored<Plugin> s : ranked) {
            int ord = ordinal(s.item().id());
            if (ord < 0 || plugins.get(ord) != s.item()) {
                throw new IllegalArgumentException(s.item().id() + " is not a plugin of this index's catalog");
            }
            ords.add(ord);
        }
        Map<Integer, List<ComponentHit>> comps = componentsOf(q, ords);
        Map<Integer, List<PluginHit.Match>> matched = matches(ords, q);
        Map<Integer, Double> coverage = pluginCoverage(ords, q.ownTerms());
        List<PluginHit> out = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            Scored<Plugin> s = ranked.get(i);
            int ord = ords.get(i);
            out.add(new PluginHit(s.item(), s.score(), best > 0 ? s.score() / best : 0,
                    comps.getOrDefault(ord, List.of()), matched.getOrDefault(ord, List.of()),
                    coverage.getOrDefault(ord, 0.0), alsoIn(s.item())));
        }
        return out;
    }

    /**
     * How much of the request each plugin holds, in absolute terms: the rarity-weighted share of the request's own
     * words found in its short fields (a word found only in long text, a body or README, counts
     * {@link #LONG_COVERAGE}).
     */
    Map<Integer, Double> pluginCoverage(Collection<Integer> ords, Set<String> own) {
        Map<String, Double> idf = idf(pluginSearcher.getIndexReader(), own, NAME, DESC, CNAMES, CDESCS, EXAMPLES,
                README, BODIES, DOCS, FULL);
        Map<Integer, List<String>> inShort = termsIn(pluginSearcher, ords, own, SHORT_FIELDS);
        Map<Integer, List<String>> inLong = termsIn(pluginSearcher, ords, own, LONG_FIELDS);
        Map<Integer, Double> out = new HashMap<>();
        for (int ord : ords) {
            out.put(ord, coverage(idf, inShort.getOrDefault(ord, List.of()), inLong.getOrDefault(ord, List.of())));
        }
        return out;
    }

    /**
     * The fused ranking with each score multiplied by the plugin's coverage of the request to the power
     * {@link RelevanceConfig#coord()}, weakened for long requests ({@link RelevanceConfig#coordTerms()}): rankings add
     * up evidence word by word, so one rare word can carry a plugin that misses the rest of a short request. Fused
     * scores lie close together, so this factor (and specificity, applied again after it) reorders the candidates
     * the rankings agree on more than it admits new ones.
     */
    private List<Scored<Integer>> coordinated(List<Scored<Integer>> fused, AnalyzedQuery q) {
        int words = q.ownTerms().size();
        double exponent = config.coord() * Math.min(1, Math.pow((double) config.coordTerms() / Math.max(1, words), 2));
        Map<Integer, Double> cov = pluginCoverage(fused.stream().map(Scored::item).toList(), q.ownTerms());
        List<Scored<Integer>> out = new ArrayList<>(fused.size());
        for (Scored<Integer> s : fused) {
            out.add(new Scored<>(s.item(), s.score() * Math.pow(cov.getOrDefault(s.item(), 0.0), exponent)));
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed().thenComparingInt(Scored::item));
        return out;
    }

    private List<Scored<Integer>> pluginRanking(AnalyzedQuery q, Query allowed, int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Float> e : q.terms().entrySet()) {
            String t = e.getKey();
            float w = e.getValue();
            should(b, NAME, t, w * config.pluginName());
            should(b, DESC, t, w * config.pluginDesc());
            should(b, CNAMES, t, w * config.componentNames());
            should(b, CDESCS, t, w * config.componentDescs());
            should(b, EXAMPLES, t, w * config.examples());
            should(b, README, t, w * config.readme());
            should(b, BODIES, t, w * config.bodies());
            should(b, DOCS, t, w * config.docs());
            should(b, FULL, t, w * config.full());
        }
        for (String pair : q.pairs()) {
            should(b, PAIRS, pair, config.pairs());
        }
        List<Scored<Integer>> docs = run(pluginSearcher, withFilter(b.build(), allowed), specificPool(n));
        return rescored(docs, ord -> pluginUnnamed(ord, q), n);
    }

    /** The plugins ranked by their whole text as one field, specificity applied as in the field ranking. */
    private List<Scored<Integer>> fullRanking(AnalyzedQuery q, Query allowed, int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Float> e : q.terms().entrySet()) {
            should(b, FULL, e.getKey(), e.getValue());
        }
        List<Scored<Integer>> docs = run(pluginSearcher, withFilter(b.build(), allowed), specificPool(n));
        return rescored(docs, ord -> pluginUnnamed(ord, q), n);
    }

    /** Candidates fetched before specificity reorders them: enough that a demoted head leaves room. */
    private int specificPool(int n) {
        return config.specific() < 1 ? n * 2 : n;
    }

    /** Scores of the documents {@code unnamed} says are built for something the request does not name, scaled down. */
    private List<Scored<Integer>> rescored(List<Scored<Integer>> docs, java.util.function.IntPredicate unnamed, int n) {
        if (config.specific() >= 1) {
            return docs.size() > n ? docs.subList(0, n) : docs;
        }
        List<Scored<Integer>> out = new ArrayList<>(docs.size());
        for (Scored<Integer> d : docs) {
            out.add(unnamed.test(d.item()) ? new Scored<>(d.item(), d.score() * config.specific()) : d);
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed()
                .thenComparingInt(Scored::item));
        return out.size() > n ? out.subList(0, n) : out;
    }

    private static void should(BooleanQuery.Builder b, String field, String term, double weight) {
        if (weight > 0) {
            Query q = new TermQuery(new Term(field, term));
            b.add(weight == 1 ? q : new BoostQuery(q, (float) weight), BooleanClause.Occur.SHOULD);
        }
    }

    /** Each plugin scored by its best matching component, plus a share of its further matching ones. */
    private List<Scored<Integer>> componentAggregate(AnalyzedQuery q, Query allowed, int n) {
        Query query = componentQuery(q.terms(), null, false);
        List<Scored<Integer>> docs = run(componentSearcher, withFilter(query, allowed), n * 4);
        docs = rescored(docs, doc -> componentUnnamed(doc, q), docs.size());
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
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed().thenComparingInt(Scored::item));
        return out.size() > n ? out.subList(0, n) : out;
    }

    /** With {@code onlyComponents}, plugin stand-in documents are left out. */
    private Query componentQuery(Map<String, Float> terms, Set<ComponentKind> kinds, boolean onlyComponents) {
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
    private Map<Integer, List<ComponentHit>> componentsOf(AnalyzedQuery q, List<Integer> ords) {
        int[] sortedOrds = ords.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        List<Scored<Integer>> docs = new ArrayList<>();
        try {
            Query query = componentSearcher.rewrite(componentQuery(q.terms(), null, false));
            Weight w = componentSearcher.createWeight(query, ScoreMode.COMPLETE, 1f);
            // one segment (see build): document ids are global
            Scorer scorer = w.scorer(componentSearcher.getIndexReader().leaves().get(0));
            if (scorer != null) {
                DocIdSetIterator it = scorer.iterator();
                for (int ord : sortedOrds) {
                    int end = compStart[ord + 1];
                    int doc = it.docID() >= compStart[ord] ? it.docID() : it.advance(compStart[ord]);
                    while (doc < end) {
                        if (compIndex[doc] >= 0) {
                            double s = scorer.score();
                            if (config.specific() < 1 && componentUnnamed(doc, q)) {
                                s *= config.specific();
                            }
                            docs.add(new Scored<>(doc, s));
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
        docs.sort(Comparator.comparingDouble((Scored<Integer> d) -> d.score()).reversed().thenComparingInt(Scored::item));
        List<Scored<Integer>> kept = new ArrayList<>();
        Map<Integer, Integer> perPlugin = new HashMap<>();
        for (Scored<Integer> d : docs) {
            if (perPlugin.merge(compPlugin[d.item()], 1, Integer::sum) <= 10) {
                kept.add(d);
            }
        }
        Map<Integer, List<ComponentHit>> out = new HashMap<>();
        for (ComponentHit h : componentHits(kept, q)) {
            out.computeIfAbsent(ordinal(h.plugin().id()), k -> new ArrayList<>()).add(h);
        }
        return out;
    }

    /** Component hits for scored component documents, in their order, with matched words and coverage. */
    private List<ComponentHit> componentHits(List<Scored<Integer>> docs, AnalyzedQuery q) {
        List<Integer> ids = docs.stream().map(Scored::item).toList();
        Set<String> all = q.terms().keySet();
        Map<Integer, List<String>> in = termsIn(componentSearcher, ids, all, CNAME, CDESC, CEX, CBODY);
        Set<String> own = q.ownTerms();
        Map<String, Double> idf = idf(componentSearcher.getIndexReader(), own, CNAME, CDESC, CEX, CBODY);
        Map<Integer, List<String>> inShort = termsIn(componentSearcher, ids, own, COMPONENT_SHORT);
        Map<Integer, List<String>> inLong = termsIn(componentSearcher, ids, own, COMPONENT_LONG);
        List<ComponentHit> out = new ArrayList<>(docs.size());
        for (Scored<Integer> d : docs) {
            Plugin p = plugins.get(compPlugin[d.item()]);
            Component c = p.components().get(compIndex[d.item()]);
            out.add(new ComponentHit(p, c, d.score(), in.getOrDefault(d.item(), List.of()),
                    coverage(idf, inShort.getOrDefault(d.item(), List.of()), inLong.getOrDefault(d.item(), List.of()))));
        }
        return out;
    }

    // ------------------------------------------------------------------ components

    /**
     * The best {@code limit} components of the given kinds (null or empty: all) for the query, among plugins
     * {@code filter} accepts (null: all), best first.
     */
    public List<ComponentHit> searchComponents(String query, Set<ComponentKind> kinds, Predicate<Plugin> filter,
                                               int limit) {
        return searchComponents(query, null, kinds, filter, limit);
    }

    /**
     * The best {@code limit} components for an action ({@code query}) in the context of a larger task
     * ({@code context}, null: none): the action's words decide, the task's other words weigh
     * {@link #CONTEXT_WEIGHT} each, so "write the tests" in a task about a Jest suite prefers Jest test writers.
     */
    public List<ComponentHit> searchComponents(String query, String context, Set<ComponentKind> kinds,
                                               Predicate<Plugin> filter, int limit) {
        return searchComponents(analyze(query, context), kinds, filter, limit);
    }

    /** {@link #searchComponents(String, String, Set, Predicate, int)} for a request analysed already. */
    public List<ComponentHit> searchComponents(AnalyzedQuery q, Set<ComponentKind> kinds, Predicate<Plugin> filter,
                                               int limit) {
        if (q.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        Set<ComponentKind> ks = kinds == null || kinds.isEmpty() ? EnumSet.allOf(ComponentKind.class) : kinds;
        Query query = withFilter(componentQuery(q.terms(), ks, true), allowed);
        int fetch = config.specific() < 1 ? Math.max(limit * 4, config.pool()) : limit;
        List<Scored<Integer>> docs = rescored(run(componentSearcher, query, fetch),
                doc -> componentUnnamed(doc, q), limit);
        return componentHits(docs, q);
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
    private static List<Scored<Integer>> run(IndexSearcher s, Query q, int n) {
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
    private static Map<Integer, List<String>> termsIn(IndexSearcher s, Collection<Integer> docs, Set<String> qterms,
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

    /** Which query words occur in which plugin field (for the one-line reason), per plugin ordinal. */
    private Map<Integer, List<PluginHit.Match>> matches(List<Integer> ords, AnalyzedQuery q) {
        Map<Integer, List<PluginHit.Match>> out = new HashMap<>();
        String[][] fields = {{"name", NAME}, {"description", DESC}, {"component names", CNAMES},
                {"component descriptions", CDESCS}, {"example requests", EXAMPLES}, {"README", README},
                {"component texts", BODIES}, {"marketplace docs", DOCS}};
        for (String[] f : fields) {
            Map<Integer, List<String>> in = termsIn(pluginSearcher, ords, q.ownTerms(), f[1]);
            for (int ord : ords) {
                List<String> m = in.getOrDefault(ord, List.of());
                if (!m.isEmpty()) {
                    out.computeIfAbsent(ord, k -> new ArrayList<>())
                            .add(new PluginHit.Match(f[0], m.stream().map(q::word).toList()));
                }
            }
        }
        // words found only in the long texts, when those are indexed as the whole text alone
        Map<Integer, List<String>> whole = termsIn(pluginSearcher, ords, q.ownTerms(), FULL);
        for (int ord : ords) {
            Set<String> shown = new HashSet<>();
            out.getOrDefault(ord, List.of()).forEach(m -> shown.addAll(m.terms()));
            List<String> rest = whole.getOrDefault(ord, List.of()).stream().map(q::word).filter(w -> !shown.contains(w))
                    .toList();
            if (!rest.isEmpty()) {
                out.computeIfAbsent(ord, k -> new ArrayList<>()).add(new PluginHit.Match("README, component texts or docs",
                        rest));
            }
        }
        return out;
    }

    /** What a plugin is built for (vendor, product or framework words of its name), empty for a general plugin. */
    public List<String> subjects(Plugin p) {
        int ord = ordinal(p.id());
        return ord < 0 ? List.of() : specificity.subjects(ord);
    }

    /** The plugin ordinal of an id, or -1. */
    int ordinal(String pluginId) {
        return ordOf.getOrDefault(pluginId, -1);
    }

    Collection<Plugin> plugins() {
        return plugins;
    }
}
