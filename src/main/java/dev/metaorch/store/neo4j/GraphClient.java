package dev.metaorch.store.neo4j;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metaorch.config.Settings.Neo4jSettings;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionCallback;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.SecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to Neo4j. Every call is bounded: the driver's connection and acquisition timeouts and a
 * server-side transaction timeout, plus a client-side wait on a worker thread, so a hung server (one that
 * accepts connections and never answers) costs a caller at most the budget. After a failure the client is
 * marked down and further calls fail at once until {@link #probe()} (run by a background thread) sees
 * Neo4j answer again. Every message that leaves this class is passed through {@link Redactor}, so the
 * password never reaches a log, a tool result or an exception.
 */
public final class GraphClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphClient.class);

    /**
     * What a tool call waits at most for Neo4j: 1.8 s, or {@code -Dmetaorch.neo4j.budget.ms} (a knob for very
     * slow links; the graph tests raise it so a loaded build machine cannot make them flap).
     */
    public static final Duration CALL_BUDGET = Duration.ofMillis(1800);
    /** Background bulk work (catalog sync, outbox replay) may take longer. */
    public static final Duration BULK_BUDGET = Duration.ofSeconds(60);

    private final Duration callBudget = Duration.ofMillis(Long.getLong("metaorch.neo4j.budget.ms", CALL_BUDGET.toMillis()));
    private final Driver driver;
    private final String database;
    private final String displayUri;
    private final Redactor redactor;
    private final ExecutorService workers;
    private volatile boolean up = true;
    private volatile String lastError;
    private volatile Instant downSince;

    public GraphClient(Neo4jSettings settings) {
        this.redactor = new Redactor(settings.password());
        this.displayUri = displayUri(settings.uri());
        this.database = settings.database() == null || settings.database().isBlank() ? null : settings.database();
        AuthToken auth = settings.password() == null || settings.password().isEmpty() ? AuthTokens.none()
                : AuthTokens.basic(settings.user() == null ? "neo4j" : settings.user(), settings.password());
        Config config = Config.builder()
                .withConnectionTimeout(1500, TimeUnit.MILLISECONDS)
                .withConnectionAcquisitionTimeout(Long.getLong("metaorch.neo4j.budget.ms", CALL_BUDGET.toMillis()), TimeUnit.MILLISECONDS)
                // Short retries absorb deadlocks between servers writing the same plugins; the caller's wait
                // stays bounded by the call budget below, and a write that still fails goes to the outbox.
                .withMaxTransactionRetryTime(1, TimeUnit.SECONDS)
                .withConnectionLivenessCheckTimeout(30, TimeUnit.SECONDS)
                // The driver's own log lines are not passed through the redactor, so it stays quiet; failures
                // are logged here, redacted.
                .withLogging(org.neo4j.driver.Logging.none())
                .withUserAgent("meta-orchestrator")
                .build();
        Driver d;
        try {
            d = GraphDatabase.driver(settings.uri(), auth, config);
        } catch (RuntimeException e) {
            // A malformed URI: stay constructed but permanently down, with a clear redacted reason.
            d = null;
            up = false;
            downSince = Instant.now();
            lastError = redactor.clean("invalid NEO4J_URI " + displayUri + ": " + e.getMessage());
            log.warn("Neo4j disabled: {}", lastError);
        }
        this.driver = d;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "neo4j-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The URI without any user-info part, safe to show. */
    static String displayUri(String uri) {
        try {
            URI u = URI.create(uri);
            if (u.getUserInfo() != null) {
                return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
            }
            return u.toString();
        } catch (Exception e) {
            return "(unparseable URI)";
        }
    }

    public String displayUri() {
        return displayUri;
    }

    public boolean isUp() {
        return up && driver != null;
    }

    /** Why Neo4j was last found unavailable (redacted), or null. */
    public String lastError() {
        return lastError;
    }

    public Instant downSince() {
        return downSince;
    }

    public Redactor redactor() {
        return redactor;
    }

    /** A write transaction bounded by the call budget. */
    public <T> T write(String what, TransactionCallback<T> work) {
        return call(what, true, callBudget, work);
    }

    public <T> T read(String what, TransactionCallback<T> work) {
        return call(what, false, callBudget, work);
    }

    public Duration callBudget() {
        return callBudget;
    }

    /**
     * Runs one transaction. Throws {@link GraphException} (message redacted): {@code unavailable()} when
     * Neo4j could not be reached in time, else a permanent error of this request (bad data, schema).
     */
    public <T> T call(String what, boolean write, Duration budget, TransactionCallback<T> work) {
        if (!isUp()) {
            throw new GraphException(true, "Neo4j unavailable: " + (lastError == null ? "not reachable" : lastError));
        }
        Future<T> f = workers.submit(() -> {
            try (Session s = session()) {
                TransactionConfig tc = TransactionConfig.builder().withTimeout(budget).build();
                return write ? s.executeWrite(work, tc) : s.executeRead(work, tc);
            }
        });
        try {
            return f.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw markDown(what, "no answer within " + budget.toMillis() + " ms");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new GraphException(true, what + " interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (permanent(c)) {
                // The request itself is wrong (syntax, constraint, type): Neo4j is fine, replaying will not help.
                String msg = redactor.clean(what + " rejected by Neo4j: " + c.getMessage());
                log.warn(msg);
                throw new GraphException(false, msg);
            }
            throw markDown(what, c.getClass().getSimpleName() + ": " + c.getMessage());
        }
    }

    /**
     * Whether a failure is about the request itself, so that sending it again cannot succeed: statement, schema
     * and request errors. Everything else, including client errors about the transaction or the database
     * (a transaction terminated because Neo4j is shutting down, a database that is stopping), authentication
     * and an unknown NEO4J_DATABASE (configuration), counts as "unavailable": the write is queued and replayed.
     */
    static boolean permanent(Throwable c) {
        if (!(c instanceof ClientException e) || c instanceof SecurityException
                || c instanceof org.neo4j.driver.exceptions.FatalDiscoveryException) {
            return false;
        }
        String code = e.code() == null ? "" : e.code();
        return code.startsWith("Neo.ClientError.Statement.") || code.startsWith("Neo.ClientError.Schema.")
                || code.startsWith("Neo.ClientError.Request.");
    }

    /** Runs work in a transaction that is always rolled back (plan warm-up); bounded like {@link #call}. */
    public void rolledBack(String what, Duration budget, java.util.function.Consumer<org.neo4j.driver.Transaction> work) {
        call(what, false, budget, ignored -> null); // reachability and the down-state check first
        Future<?> f = workers.submit(() -> {
            try (Session s = session(); org.neo4j.driver.Transaction tx = s.beginTransaction(
                    TransactionConfig.builder().withTimeout(budget).build())) {
                work.accept(tx);
                tx.rollback();
            }
            return null;
        });
        try {
            f.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw markDown(what, "no answer within " + budget.toMillis() + " ms");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new GraphException(false, redactor.clean(what + " failed: " + e.getCause().getMessage()));
        }
    }

    private Session session() {
        SessionConfig.Builder b = SessionConfig.builder();
        if (database != null) {
            b.withDatabase(database);
        }
        return driver.session(b.build());
    }

    private GraphException markDown(String what, String reason) {
        String msg = redactor.clean(reason);
        if (up) {
            downSince = Instant.now();
            log.warn("Neo4j at {} unavailable ({}): {}; writes go to the outbox until it answers", displayUri, what, msg);
        }
        up = false;
        lastError = msg;
        return new GraphException(true, "Neo4j unavailable: " + msg);
    }

    /**
     * Checks whether Neo4j answers (bounded); marks the client up when it does. Called by the background
     * thread, never by a tool call.
     */
    public boolean probe() {
        if (driver == null) {
            return false;
        }
        Future<?> f = workers.submit(() -> {
            try (Session s = session()) {
                s.run("RETURN 1").consume();
            }
            return null;
        });
        try {
            f.get(callBudget.toMillis(), TimeUnit.MILLISECONDS);
            if (!up) {
                log.info("Neo4j at {} answers again", displayUri);
            }
            up = true;
            lastError = null;
            downSince = null;
            return true;
        } catch (TimeoutException e) {
            f.cancel(true);
            markDown("probe", "no answer within " + callBudget.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            markDown("probe", c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return false;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        if (driver != null) {
            try {
                driver.close();
            } catch (RuntimeException e) {
                log.debug("closing the Neo4j driver: {}", redactor.clean(String.valueOf(e.getMessage())));
            }
        }
    }
}
