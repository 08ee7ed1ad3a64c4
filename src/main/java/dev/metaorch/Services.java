package dev.metaorch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.execute.RunStore;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.learn.RunOutcomes;
import dev.metaorch.recommend.IndexProvider;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.store.GraphMirror;
import dev.metaorch.store.OutcomeRecorder;
import dev.metaorch.store.PatternStore;
import dev.metaorch.store.ShippedPatterns;
import dev.metaorch.store.neo4j.GraphService;
import dev.metaorch.util.Progress;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.WorkflowGenerator;
import dev.metaorch.workflow.WorkflowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's parts, wired by plain constructors. Slow parts (catalog load, index build, store
 * connections) start in {@link #warmUp()} on a background thread once the transport is up; a tool
 * call that arrives earlier waits for them in {@link #awaitReady(Progress)}.
 */
public final class Services implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private final Settings settings;
    private final CatalogService catalog;
    private final WorkflowStore workflows;
    private final RunStore runs;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    // Completed once warm-up has built (or opened) the search index; tool calls that rank the catalog wait on it.
    private final CompletableFuture<Void> indexReady = new CompletableFuture<>();
    // The file store is the pattern library, the per-plugin evidence and the known issues (the graph adds evidence).
    private final PatternStore patternStore;
    // Writes an outcome to the file store, then mirrors it into the graph.
    private final OutcomeRecorder recorder;
    // A finished run's outcome, for record_outcome given a run_id.
    private final RunOutcomes runOutcomes;
    // Neo4j, the second store every recorded outcome is mirrored into, or null when NEO4J_URI is unset (file store only).
    private final GraphService graph;
    private final Evidence graphEvidence;
    // The search index of each catalog, the folder built indexes are kept in and the threads writing them.
    private final IndexProvider indexes;

    public Services(Settings settings, CatalogSources sources) {
        this.settings = settings;
        this.catalog = new CatalogService(sources);
        // a restarted server opens the index it built last time for the same catalog and code
        this.indexes = new IndexProvider(settings.home().resolve("cache").resolve("index"));
        this.workflows = new WorkflowStore(settings.home());
        this.patternStore = new PatternStore(settings.home(), new PatternStore.Config(ShippedPatterns.locate(), true,
                null, this::domainOf));
        this.runs = new RunStore(settings, workflows, this::knownIssues);
        this.runOutcomes = runId -> java.util.Optional.of(runs.outcome(runId)); // unknown or unfinished: a clear Refusal
        this.graph = settings.neo4j() == null ? null : new GraphService(settings.neo4j(), settings.home(),
                catalog::current, () -> patternStore, () -> patternStore, dev.metaorch.learn.Lifecycle::status);
        this.graphEvidence = graph == null ? null : graph.evidence(() -> patternStore);
        this.recorder = new OutcomeRecorder(patternStore, graph == null ? GraphMirror.NONE : graph);
    }

    /** The Neo4j mirror (dual write, outbox, discovery), or null when Neo4j is not configured. */
    public GraphService graph() {
        return graph;
    }

    /** The file pattern store: the library as the files hold it (outcomes are recorded through {@link #recorder()}). */
    public PatternStore patternStore() {
        return patternStore;
    }

    /** Records outcomes: the file store, then the Neo4j mirror when it is configured. */
    public OutcomeRecorder recorder() {
        return recorder;
    }

    public RunOutcomes runOutcomes() {
        return runOutcomes;
    }

    /** The most common catalog category of a plugin sequence: the domain of a pattern recorded without one. */
    private String domainOf(java.util.List<String> pluginIds) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        Catalog c = catalog();
        for (String id : pluginIds) {
            c.plugin(id).map(p -> p.category()).filter(x -> x != null && !x.isBlank())
                    .ifPresent(cat -> counts.merge(cat, 1, Integer::sum));
        }
        return counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
                .orElse(null);
    }

    /** The planner every tool shares (its catalog search is built once per catalog). */
    public WorkflowGenerator planner() {
        return planner;
    }

    private final WorkflowGenerator planner = new WorkflowGenerator(this::catalog, this::index, this::patterns,
            this::evidence, this::knownIssues);

    /** The provider of search indexes every tool shares. */
    public IndexProvider indexes() {
        return indexes;
    }

    /** The search index of a catalog (built once per catalog, shared by every tool). */
    public RelevanceIndex index(Catalog c) {
        return indexes.index(c);
    }

    public WorkflowStore workflows() {
        return workflows;
    }

    public RunStore runs() {
        return runs;
    }

    public PatternLibrary patterns() {
        return patternStore;
    }

    public Evidence evidence() {
        if (graphEvidence != null) {
            return graphEvidence;
        }
        return patternStore;
    }

    public KnownIssueSource knownIssues() {
        return patternStore;
    }

    public Settings settings() {
        return settings;
    }

    public CatalogService catalogService() {
        return catalog;
    }

    public Catalog catalog() {
        try (var w = dev.metaorch.util.Waits.enter("the plugin catalog")) {
            return catalog.current();
        }
    }

    /** Starts loading everything slow in the background; returns at once. */
    public CompletableFuture<Void> warmUp() {
        Thread t = new Thread(() -> {
            try {
                long t0 = System.nanoTime();
                Catalog c = catalog.current();
                log.info("catalog ready: {} plugins in {} marketplaces ({} ms)", c.size(), c.marketplaces().size(),
                        (System.nanoTime() - t0) / 1_000_000);
                if (graph != null) {
                    graph.start();
                }
                // Tools that only need the catalog go ahead now; a recommendation arriving during the
                // index build shares it (the provider builds once per catalog).
                ready.complete(null);
                indexes.index(c);
                indexReady.complete(null);
            } catch (Throwable e) {
                log.error("warm-up failed", e);
                ready.complete(null); // tools still answer; each reports its own failure
                indexReady.complete(null);
            }
        }, "warm-up");
        t.setDaemon(true);
        t.start();
        return ready;
    }

    /**
     * Waits for warm-up when it was started, telling the client why it waits; past {@link dev.metaorch.util.Waits#DEADLINE}
     * the call ends with a clear error (and the threads are dumped to stderr) instead of waiting on.
     */
    public void awaitReady(Progress ctx) {
        await(ready, ctx, "the plugin catalog to load");
    }

    /** Waits for the search index warm-up builds, like {@link #awaitReady}. */
    public void awaitIndex(Progress ctx) {
        await(indexReady, ctx, "the search index to be built");
    }

    private static void await(CompletableFuture<Void> f, Progress ctx, String what) {
        if (f.isDone()) {
            return;
        }
        ctx.progress(0, null, "waiting for " + what);
        java.time.Duration deadline = dev.metaorch.util.Waits.DEADLINE;
        try (var w = dev.metaorch.util.Waits.enter(what)) {
            f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while waiting for " + what);
        } catch (TimeoutException e) {
            dev.metaorch.util.Waits.dumpThreads("waited " + deadline.toSeconds() + " s for " + what);
            throw new Refusal(deadlineMessage(what, deadline));
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }

    /** The error a call gets when a wait passes its deadline. */
    public static String deadlineMessage(String what, java.time.Duration deadline) {
        return "gave up after waiting " + deadline.toSeconds() + " s for " + what + " (the deadline; set "
                + "META_ORCH_WAIT_DEADLINE_S to change it). A busy machine may just be slow: call again. If it keeps "
                + "happening, the server log (stderr) has a thread dump of where it waits.";
    }

    /** Whether warm-up finished (or was never needed): callers that must not wait check this first. */
    public boolean ready() {
        return ready.isDone();
    }

    /** For callers (CLI) that never start a background warm-up. */
    public void markReady() {
        if (graph != null) {
            graph.start();
        }
        ready.complete(null);
        indexReady.complete(null);
    }

    /**
     * Lets an index file being written finish (at most {@code millis}), so a process that built its index and ends
     * soon after still leaves it for the next start.
     */
    public void finishSaving(long millis) throws InterruptedException {
        indexes.finishSaving(millis);
    }

    /**
     * Lets an index file still being written finish (at most {@link #CLOSE_SAVE_WAIT_MS}) so nothing is left half
     * written in a folder that its owner may delete next, then closes the graph.
     */
    @Override
    public void close() {
        try {
            indexes.finishSaving(CLOSE_SAVE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (graph != null) {
                graph.close();
            }
        }
    }

    /** How long {@link #close} waits for an index file being written: far above a save's usual second. */
    static final long CLOSE_SAVE_WAIT_MS = 30_000;
}
