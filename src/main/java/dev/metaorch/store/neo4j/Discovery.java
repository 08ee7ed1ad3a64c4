package dev.metaorch.store.neo4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence.PluginEvidence;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Posterior;
import dev.metaorch.util.Refusal;

/**
 * The discovery queries of the design (plugins by category and success, known issues, alternatives),
 * answered by Neo4j when it is configured and up, else by the file store and the catalog, with the
 * same shapes either way. Every answer says which source gave it and how Neo4j stood.
 */
public final class Discovery {

    /**
     * @param source "neo4j" or "file"
     * @param neo4j  available, unavailable or not_configured
     * @param detail why Neo4j was not used (redacted), or null
     */
    public record Answer<T>(T value, String source, String neo4j, String detail) {
    }

    private final Supplier<Catalog> catalog;
    private final Supplier<Evidence> evidence;
    private final Supplier<KnownIssueSource> issues;
    private final GraphService graph;

    /** @param graph null when Neo4j is not configured */
    public Discovery(Supplier<Catalog> catalog, Supplier<Evidence> evidence, Supplier<KnownIssueSource> issues,
                     GraphService graph) {
        this.catalog = catalog;
        this.evidence = evidence;
        this.issues = issues;
        this.graph = graph;
    }

    private interface GraphQuery<T> {
        T run(GraphStore store);
    }

    private <T> Answer<T> answer(GraphQuery<T> fromGraph, Supplier<T> fromFiles) {
        if (graph == null) {
            return new Answer<>(fromFiles.get(), "file", GraphService.Status.NOT_CONFIGURED.label, null);
        }
        String detail;
        try {
            return new Answer<>(fromGraph.run(graph.store()), "neo4j", GraphService.Status.AVAILABLE.label, null);
        } catch (GraphException e) {
            detail = e.getMessage();
        }
        return new Answer<>(fromFiles.get(), "file", graph.status().label, detail);
    }

    /**
     * Resolves a plugin argument: an id of the catalog, an id the catalog does not hold (the graph may know
     * it), or a bare name that is unique across marketplaces. A name found in several marketplaces is
     * refused with the ids to choose from: plugins are never matched on name alone.
     */
    public String resolve(String plugin) {
        String p = plugin.strip();
        Catalog c = catalog.get();
        if (c.plugin(p).isPresent() || p.indexOf('@') > 0) {
            return p;
        }
        List<String> ids = c.plugins().stream().filter(x -> x.name().equals(p)).map(Plugin::id).toList();
        if (ids.size() == 1) {
            return ids.get(0);
        }
        if (ids.isEmpty()) {
            throw new Refusal("unknown plugin '" + p + "': give its id as name@marketplace (catalog_status lists marketplaces)");
        }
        throw new Refusal("plugin name '" + p + "' exists in " + ids.size() + " marketplaces; give one of: "
                + String.join(", ", ids));
    }

    /** A plugin's known failure modes with their fixes, most frequent first. */
    public Answer<List<PluginIssue>> knownIssues(String pluginId, int limit) {
        return answer(g -> g.knownIssues(pluginId, limit), () -> {
            List<PluginIssue> l = new ArrayList<>(issues.get().issues(pluginId));
            l.sort(Comparator.comparingInt(PluginIssue::frequency).reversed().thenComparing(PluginIssue::errorPattern));
            return l.size() > limit ? List.copyOf(l.subList(0, limit)) : List.copyOf(l);
        });
    }

    /** Plugins similar to this one, most similar first, with their recorded success. */
    public Answer<List<GraphStore.Alternative>> alternatives(String pluginId, double minScore, int limit) {
        // the same plugin shipped by another marketplace is no alternative: it fails the way this one does
        Set<String> same = new HashSet<>(catalog.get().twins(pluginId));
        Supplier<List<GraphStore.Alternative>> fromCatalog = () -> {
            Evidence ev = evidence.get();
            List<GraphStore.Alternative> out = new ArrayList<>();
            for (PluginSimilarity.Neighbour n : PluginSimilarity.of(catalog.get()).neighbours(pluginId, minScore, Integer.MAX_VALUE)) {
                if (same.contains(n.pluginId())) {
                    continue;
                }
                PluginEvidence e = ev.plugin(n.pluginId());
                out.add(new GraphStore.Alternative(n.pluginId(), n.score(), e.uses(), e.successes(),
                        e.uses() == 0 ? null : (double) e.successes() / e.uses()));
            }
            // the graph's order: score, then the success lower bound
            out.sort(Comparator.comparingDouble(GraphStore.Alternative::score).reversed()
                    .thenComparing(Comparator.comparingDouble((GraphStore.Alternative a) ->
                            Posterior.wilsonLower(a.successes(), a.uses(), 1.96)).reversed())
                    .thenComparing(GraphStore.Alternative::pluginId));
            return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
        };
        if (minScore < PluginSimilarity.EDGE_THRESHOLD) {
            // The graph keeps only edges at the threshold and above; looser matches come from the catalog
            // (with the same evidence rankings read, which includes the graph's when it is up).
            String neo = graph == null ? GraphService.Status.NOT_CONFIGURED.label : graph.status().label;
            return new Answer<>(fromCatalog.get(), "catalog", neo, "scores below " + PluginSimilarity.EDGE_THRESHOLD
                    + " are computed from the catalog; SIMILAR_TO edges start at " + PluginSimilarity.EDGE_THRESHOLD);
        }
        return answer(g -> {
            List<GraphStore.Alternative> l = g.alternatives(pluginId, minScore, limit + same.size()).stream()
                    .filter(a -> !same.contains(a.pluginId())).toList();
            return l.size() > limit ? List.copyOf(l.subList(0, limit)) : l;
        }, fromCatalog);
    }

    /** Plugins of these categories with a success rate of at least {@code minSuccess}: best evidence first, then most used. */
    public Answer<List<GraphStore.PluginStat>> pluginsByCategory(List<String> categories, double minSuccess, int limit) {
        return answer(g -> g.pluginsByCategory(categories, minSuccess, limit), () -> {
            Set<String> cats = new HashSet<>(categories);
            Evidence ev = evidence.get();
            List<GraphStore.PluginStat> out = new ArrayList<>();
            for (Plugin p : catalog.get().plugins()) {
                if (p.category() == null || !cats.contains(p.category())) {
                    continue;
                }
                PluginEvidence e = ev.plugin(p.id());
                Double rate = e.uses() == 0 ? null : (double) e.successes() / e.uses();
                if ((rate == null ? 0.0 : rate) < minSuccess) {
                    continue;
                }
                out.add(new GraphStore.PluginStat(p.id(), p.name(), p.marketplace(), p.category(), e.uses(),
                        e.successes(), rate, Posterior.wilsonLower(e.successes(), e.uses(), 1.96)));
            }
            out.sort(Comparator.comparingDouble(GraphStore.PluginStat::successLower).reversed()
                    .thenComparing(Comparator.comparingInt(GraphStore.PluginStat::uses).reversed())
                    .thenComparing(GraphStore.PluginStat::pluginId));
            return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
        });
    }
}
