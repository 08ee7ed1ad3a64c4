package dev.metaorch.store.neo4j;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Evidence.PluginEvidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.store.GraphMirror;
import dev.metaorch.store.OutcomeRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neo4j as the shared, secondary store: the second half of every dual write, the outbox, the catalog sync,
 * and the pull of what other servers recorded.
 *
 * <p><b>Dual write.</b> {@link OutcomeRecorder} has the file store write first and then calls
 * {@link #patternSaved} and {@link #outcomeRecorded}. Here the write goes to Neo4j at once when Neo4j is
 * up and nothing is queued; otherwise (or when it fails) it goes to the {@link Outbox}. Once anything is
 * queued, later writes queue behind it, so Neo4j sees writes in the order they were made. The caller
 * never gets an exception and never waits more than {@link GraphClient#CALL_BUDGET}.
 *
 * <p><b>Background.</b> A daemon thread ticks every second: probes Neo4j when it is down, creates the
 * schema, syncs the catalog's plugins, their {@code SIMILAR_TO} edges and the file store's patterns and
 * known issues (once per catalog version), replays the outbox in order, and re-reads the graph's plugin
 * evidence when it is older than {@link #EVIDENCE_MAX_AGE}.
 *
 * <p><b>Live evidence.</b> {@link #evidence(Supplier)} merges the last graph snapshot (every server's
 * outcomes, at most {@link #EVIDENCE_MAX_AGE} old while Neo4j is up) with this server's outcomes the
 * snapshot cannot contain yet (queued in the outbox, or written after the snapshot was read).
 */
public final class GraphService implements GraphMirror, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphService.class);

    public static final Duration EVIDENCE_MAX_AGE = Duration.ofSeconds(10);

    /** Which store answered a query, and how Neo4j stood. */
    public enum Status {
        AVAILABLE("available"), UNAVAILABLE("unavailable"), NOT_CONFIGURED("not_configured");

        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    private final GraphClient client;
    private final GraphStore store;
    private final Outbox outbox;
    private final Supplier<Catalog> catalog;
    private final Supplier<PatternLibrary> patterns;
    private final Supplier<KnownIssueSource> issues;
    private final long tickMillis;
    private final Object writeLock = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object wake = new Object();
    private volatile boolean closed;
    private volatile Thread worker;
    private volatile boolean schemaReady;
    private volatile Catalog syncedCatalog;
    private volatile Snapshot snapshot;
    private final List<Local> local = new CopyOnWriteArrayList<>();

    /** The graph's plugin evidence as read at {@code takenAt} (System.nanoTime before the read began). */
    record Snapshot(Map<String, PluginEvidence> plugins, long takenAt) {
    }

    /** An outcome this server recorded, and when Neo4j had it committed (-1 while queued). */
    private static final class Local {
        final Outcome outcome;
        volatile long appliedAt = -1;

        Local(Outcome outcome) {
            this.outcome = outcome;
        }
    }

    public GraphService(Neo4jSettings settings, Path home, Supplier<Catalog> catalog, Supplier<PatternLibrary> patterns,
                        Supplier<KnownIssueSource> issues, GraphStore.PromotionRule rule) {
        this(new GraphClient(settings), home, catalog, patterns, issues, rule, 1000);
    }

    public GraphService(GraphClient client, Path home, Supplier<Catalog> catalog, Supplier<PatternLibrary> patterns,
                        Supplier<KnownIssueSource> issues, GraphStore.PromotionRule rule, long tickMillis) {
        this.client = client;
        this.store = new GraphStore(client, rule);
        this.outbox = new Outbox(home);
        this.catalog = catalog;
        this.patterns = patterns;
        this.issues = issues;
        this.tickMillis = tickMillis;
        // Outcomes queued by an earlier process count as this server's until Neo4j has them.
        for (GraphWrite w : outbox.readAll()) {
            if (w.outcome() != null) {
                local.add(new Local(w.outcome()));
            }
        }
    }

    public GraphStore store() {
        return store;
    }

    public GraphClient client() {
        return client;
    }

    public Outbox outbox() {
        return outbox;
    }

    public Status status() {
        return client.isUp() ? Status.AVAILABLE : Status.UNAVAILABLE;
    }

    /** Starts the background thread (idempotent). */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::loop, "neo4j-sync");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    private void loop() {
        while (!closed) {
            try {
                tick();
            } catch (GraphException e) {
                log.debug("neo4j sync: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.warn("neo4j sync failed: {}", client.redactor().clean(String.valueOf(e.getMessage())));
            }
            synchronized (wake) {
                try {
                    wake.wait(tickMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void signal() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** One round of background work; public so tests and the CLI can run it synchronously. */
    public synchronized void tick() {
        if (!client.isUp()) {
            if (!client.probe()) {
                return;
            }
            // It may be a restarted server: an empty plan cache, perhaps a new store. Schema and plan warm-up again.
            schemaReady = false;
        }
        if (!schemaReady) {
            store.ensureSchema();
            store.warmUp();
            schemaReady = true;
        }
        Catalog c = catalog.get();
        if (c != null && c != syncedCatalog) {
            syncCatalog(c);
            syncedCatalog = c;
        }
        drain();
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.takenAt() > EVIDENCE_MAX_AGE.toNanos()) {
            refreshEvidence();
        }
    }

    private void syncCatalog(Catalog c) {
        long t0 = System.nanoTime();
        int plugins = store.syncPlugins(c.plugins());
        List<PluginSimilarity.Pair> pairs = PluginSimilarity.of(c).pairs(PluginSimilarity.EDGE_THRESHOLD);
        store.syncSimilarity(pairs);
        // What the file store learned before Neo4j was configured (idempotent, so repeating it is harmless).
        List<PluginIssue> known = new ArrayList<>();
        KnownIssueSource src = issues.get();
        for (Plugin p : c.plugins()) {
            known.addAll(src.issues(p.id()));
        }
        store.writeIssues(known);
        for (Pattern p : patterns.get().patterns()) {
            store.writePattern(p);
        }
        log.info("neo4j: synced {} plugins, {} similar pairs, {} known issues in {} ms", plugins, pairs.size(),
                known.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Replays the outbox in order until it is empty or Neo4j stops answering; returns entries applied. */
    public int drain() {
        int n = 0;
        while (client.isUp()) {
            synchronized (writeLock) {
                List<Path> files = outbox.list();
                if (files.isEmpty()) {
                    break;
                }
                Path f = files.get(0);
                GraphWrite w;
                try {
                    w = outbox.read(f);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // replayed and removed by another server sharing the data folder
                } catch (IOException | RuntimeException e) {
                    outbox.reject(f, "unreadable: " + e.getClass().getSimpleName());
                    continue;
                }
                try {
                    w.apply(store);
                } catch (GraphException e) {
                    if (e.unavailable()) {
                        break;
                    }
                    outbox.reject(f, e.getMessage());
                    continue;
                }
                try {
                    outbox.remove(f);
                } catch (IOException e) {
                    // Applying it again later is harmless (idempotent); stop so the order holds.
                    log.warn("cannot remove outbox entry {}: {}", f.getFileName(), e.toString());
                    break;
                }
                applied(w);
                n++;
            }
        }
        if (n > 0) {
            log.info("neo4j: replayed {} outbox entries", n);
        }
        return n;
    }

    // ---------------------------------------------------------------- dual write (after the file store's write)

    @Override
    public void patternSaved(Pattern p) {
        submit(GraphWrite.pattern(p));
    }

    @Override
    public void outcomeRecorded(Outcome o) {
        submit(GraphWrite.outcome(o));
    }

    /** Where a write went. */
    public enum WriteResult { NEO4J, OUTBOX, REJECTED }

    public WriteResult submit(GraphWrite w) {
        Local l = w.outcome() != null ? new Local(w.outcome()) : null;
        if (l != null) {
            local.add(l);
        }
        if (client.isUp() && outbox.isEmpty()) {
            synchronized (writeLock) {
                if (outbox.isEmpty()) {
                    try {
                        w.apply(store);
                        if (l != null) {
                            l.appliedAt = System.nanoTime();
                        }
                        return WriteResult.NEO4J;
                    } catch (GraphException e) {
                        if (!e.unavailable()) {
                            outbox.keepRejected(w, e.getMessage());
                            if (l != null) {
                                local.remove(l);
                            }
                            return WriteResult.REJECTED;
                        }
                    }
                }
            }
        }
        try {
            outbox.add(w);
        } catch (IOException e) {
            // The file store already has the write; only the mirror is lost, and a restart's sync of patterns
            // and issues recovers most of it.
            log.error("cannot queue a {} write in {}: {}", w.kind(), outbox.dir(), e.toString());
        }
        signal();
        return WriteResult.OUTBOX;
    }

    private void applied(GraphWrite w) {
        if (w.outcome() == null) {
            return;
        }
        long now = System.nanoTime();
        for (Local l : local) {
            if (l.appliedAt < 0 && l.outcome.executionId().equals(w.outcome().executionId())) {
                l.appliedAt = now;
            }
        }
    }

    // ---------------------------------------------------------------- evidence

    /** Re-reads the graph's plugin evidence now (bounded); keeps the last snapshot when Neo4j is away. */
    public void refreshEvidence() {
        long start = System.nanoTime();
        Map<String, PluginEvidence> m = store.evidence();
        snapshot = new Snapshot(Map.copyOf(m), start);
        // Outcomes Neo4j committed before this read began are in the snapshot now.
        local.removeIf(l -> l.appliedAt >= 0 && l.appliedAt < start);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** This server's outcomes the snapshot does not contain yet. */
    List<Outcome> localOutcomes() {
        return local.stream().map(l -> l.outcome).toList();
    }

    /** The evidence rankings read: graph (all servers) merged with the file store's, see {@link GraphEvidence}. */
    public Evidence evidence(Supplier<Evidence> file) {
        return new GraphEvidence(this, file);
    }

    @Override
    public void close() {
        closed = true;
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
        client.close();
    }
}
