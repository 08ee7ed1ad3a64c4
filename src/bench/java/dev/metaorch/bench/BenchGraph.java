package dev.metaorch.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.store.neo4j.GraphClient;
import dev.metaorch.store.neo4j.GraphException;
import dev.metaorch.store.neo4j.GraphService;
import dev.metaorch.store.neo4j.GraphStore;

/**
 * For {@code bench recommend|learning --neo4j}: the "Neo4j on" arm of a benchmark, measured in the same run
 * as the file-only arm. It connects to the Neo4j named by the usual settings (for a benchmark, a throwaway
 * one: {@code META_ORCH_HOME=/tmp/bench scripts/neo4j-local.sh start} with its own port), refuses a graph
 * that already holds executions (a benchmark must not write into a team's shared graph), syncs the catalog
 * synchronously, and hands out the {@link GraphService} the benchmark writes outcomes through.
 *
 * <p>Why not the in-process harness: it is a test-scope dependency (about 200 jars, not in the shaded jar)
 * and Neo4j 5.26 needs Lucene 9.11 where the recommender uses 9.12; a standalone server runs in its own JVM
 * with its own class path, so the benchmark measures the real client-server path too.
 */
public final class BenchGraph implements AutoCloseable {

    private final GraphService graph;

    private BenchGraph(GraphService graph) {
        this.graph = graph;
    }

    /**
     * @param scratchHome the benchmark's own data folder (its outbox lives there)
     * @throws GraphException when Neo4j cannot be reached, or already holds executions
     */
    public static BenchGraph open(Neo4jSettings settings, Path scratchHome, Supplier<Catalog> catalog,
                                  GraphStore.PromotionRule rule) {
        GraphService g = new GraphService(settings, scratchHome, catalog, () -> PatternLibrary.EMPTY,
                () -> KnownIssueSource.NONE, rule);
        try {
            if (!g.client().probe()) {
                throw new GraphException(true, "Neo4j unavailable at " + g.client().displayUri() + ": "
                        + g.client().lastError());
            }
            long executions = g.client().call("bench check", false, GraphClient.BULK_BUDGET,
                    tx -> tx.run("MATCH (e:Execution) RETURN count(e) AS n", Map.of()).single().get("n").asLong());
            if (executions > 0) {
                throw new GraphException(false, "the Neo4j at " + g.client().displayUri() + " already holds " + executions
                        + " executions; benchmarks need a throwaway Neo4j (e.g. META_ORCH_HOME=/tmp/bench "
                        + "META_ORCH_NEO4J_PORT=7688 scripts/neo4j-local.sh start)");
            }
            g.tick(); // schema, plan warm-up, catalog plugins and SIMILAR_TO, before any timing starts
            return new BenchGraph(g);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public GraphService graph() {
        return graph;
    }

    @Override
    public void close() {
        graph.close();
    }
}
