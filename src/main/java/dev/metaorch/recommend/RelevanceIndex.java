package dev.metaorch.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.Similarity;

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
 * <p>This class is the face the rest of the code uses; the work is done by parts with one concern each: building
 * the documents ({@link IndexBuilder}), analysing a request ({@link RequestAnalyzer}), ranking ({@link PluginRanking}),
 * coverage ({@link Coverage}) and explaining the hits ({@link HitExplainer}), all reading one {@link IndexData}.
 * Callers get the index of a catalog from an {@link IndexProvider} (one per catalog instance, so a rebuilt catalog
 * gets a new index); {@link #build} builds one without caching. Immutable and thread-safe.
 */
public final class RelevanceIndex {

    static {
        // A long request searches each of its terms in eight fields: above Lucene's default of 1024 clauses.
        if (IndexSearcher.getMaxClauseCount() < 16_384) {
            IndexSearcher.setMaxClauseCount(16_384);
        }
    }

    private final IndexData data;
    private final RequestAnalyzer requests;
    private final PluginRanking ranking;
    private final HitExplainer explainer;

    private RelevanceIndex(IndexData data) {
        this.data = data;
        Coverage coverage = new Coverage(data);
        this.requests = new RequestAnalyzer(data);
        this.ranking = new PluginRanking(data, coverage);
        this.explainer = new HitExplainer(data, coverage);
    }

    /** An index of {@code catalog} with the default settings, built now and cached nowhere. */
    public static RelevanceIndex build(Catalog catalog) {
        return build(catalog, RelevanceConfig.DEFAULT);
    }

    /** An index of {@code catalog} with the given settings, built now and cached nowhere (tests, benchmarks). */
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
            return new RelevanceIndex(new IndexData(catalog, config, IndexBuilder.analyzer(), ps, cs, c.compPlugin(),
                    c.compIndex(), c.specificity()));
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

    /** The ordinal of a plugin in this index (-1: not in it), as {@link AnalyzedQuery#involved()} holds them. */
    int ordinal(String pluginId) {
        return data.ordinal(pluginId);
    }

    /** What specificity derived from the catalog's texts, to keep with the index. */
    Specificity specificity() {
        return data.specificity;
    }

    public Catalog catalog() {
        return data.catalog;
    }

    public RelevanceConfig config() {
        return data.config;
    }

    /**
     * A request analysed once for every ranking: its own terms (framing words dropped), and when it is one action
     * of a larger task ({@code context}, null: none), the task's other terms at
     * {@link RequestAnalyzer#CONTEXT_WEIGHT} each.
     */
    public AnalyzedQuery analyze(String query, String context) {
        return requests.analyze(query, context);
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
        return ranking.rank(q, filter, limit);
    }

    /** The ids of the same plugin in the other marketplaces that ship it (empty when none does). */
    public List<String> alsoIn(Plugin p) {
        return data.alsoIn(p);
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
        return explainer.hits(q, ranked);
    }

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
     * {@link RequestAnalyzer#CONTEXT_WEIGHT} each, so "write the tests" in a task about a Jest suite prefers Jest
     * test writers.
     */
    public List<ComponentHit> searchComponents(String query, String context, Set<ComponentKind> kinds,
                                               Predicate<Plugin> filter, int limit) {
        return searchComponents(analyze(query, context), kinds, filter, limit);
    }

    /**
     * {@link #searchComponents(String, String, Set, Predicate, int)} with the context's words at {@code contextWeight}
     * each instead of {@link RequestAnalyzer#CONTEXT_WEIGHT} (a whole action a caller wrote needs less of its task
     * than a fragment of it).
     */
    public List<ComponentHit> searchComponents(String query, String context, float contextWeight,
                                               Set<ComponentKind> kinds, Predicate<Plugin> filter, int limit) {
        return searchComponents(requests.analyze(query, context, contextWeight), kinds, filter, limit);
    }

    /** {@link #searchComponents(String, String, Set, Predicate, int)} for a request analysed already. */
    public List<ComponentHit> searchComponents(AnalyzedQuery q, Set<ComponentKind> kinds, Predicate<Plugin> filter,
                                               int limit) {
        return explainer.componentHits(ranking.components(q, kinds, filter, limit), q);
    }

    /** What a plugin is built for (vendor, product or framework words of its name), empty for a general plugin. */
    public List<String> subjects(Plugin p) {
        int ord = data.ordinal(p.id());
        return ord < 0 ? List.of() : data.specificity.subjects(ord);
    }
}
