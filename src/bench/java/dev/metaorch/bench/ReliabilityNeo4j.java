package dev.metaorch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import tools.jackson.databind.JsonNode;

/**
 * Neo4j stopped and started again while two server processes (one data folder, one graph) record
 * outcomes: every acknowledged outcome is in the file store, and once the outboxes drain the graph holds
 * each of this run's executions exactly once, with one IMPLEMENTS edge each and one EXECUTED_IN edge per
 * step. Execution ids carry a per-run prefix, so a graph with older data is counted correctly.
 */
public final class ReliabilityNeo4j {

    /** How the part stops and starts the Neo4j the servers use. */
    public interface Control {
        void stop() throws Exception;

        void start() throws Exception;

        /** {@code scripts/neo4j-local.sh stop|start}. */
        static Control script(Path script) {
            return new Control() {
                @Override
                public void stop() throws Exception {
                    exec(script, "stop");
                }

                @Override
                public void start() throws Exception {
                    exec(script, "start");
                }
            };
        }

        private static void exec(Path script, String what) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(script.toString(), what).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(script + " " + what + " failed");
            }
        }
    }

    public record Report(int processes, long acknowledged, long inFiles, long graphExecutions, long graphDuplicates,
                         long implementsEdges, long executedInEdges, long stepsInFiles, long outboxLeft, long drainMs,
                         int errorsWhileDown, int callsWhileDown, long maxCallMsWhileDown, List<String> notes) {
        public boolean ok() {
            return acknowledged > 0 && inFiles >= acknowledged && graphExecutions == inFiles && graphDuplicates == 0
                    && implementsEdges == inFiles && executedInEdges == stepsInFiles && outboxLeft == 0 && errorsWhileDown == 0;
        }
    }

    private ReliabilityNeo4j() {
    }

    public static Report run(Path work, Path catalog, Control neo4j, String uri, int seconds) throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        String prefix = "neo-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<List<String>> seqs = RecordLoad.sequences(catalog);
        Map<String, String> env = ReliabilityFaults.noNeo4j();
        env.put("NEO4J_URI", uri);
        if (System.getenv("NEO4J_USER") != null) {
            env.put("NEO4J_USER", System.getenv("NEO4J_USER"));
        }
        if (System.getenv("NEO4J_PASSWORD") != null) {
            env.put("NEO4J_PASSWORD", System.getenv("NEO4J_PASSWORD"));
        }
        if (System.getenv("NEO4J_DATABASE") != null) {
            env.put("NEO4J_DATABASE", System.getenv("NEO4J_DATABASE"));
        }
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Map<String, Integer> stepsOf = new ConcurrentHashMap<>();
        int processes = 2;
        List<StdioProcess> procs = new ArrayList<>();
        int[] downCalls = {0};
        int[] downErrors = {0};
        long[] downMax = {0};
        long drainMs;
        long outboxLeft;
        boolean[] down = {false};
        try {
            for (int i = 0; i < processes; i++) {
                List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
                procs.add(new StdioProcess(cmd, work.resolve("server-" + i + ".log"), env));
            }
            for (StdioProcess p : procs) {
                p.initialize(Duration.ofSeconds(120));
            }
            // One outcome each before the clock runs: start-up, catalog sync and the first graph write are done.
            for (int i = 0; i < procs.size(); i++) {
                String exec = prefix + "warm-" + i;
                Map<String, Object> args = RecordLoad.outcome(exec, seqs, new Random(i));
                JsonNode r = ReliabilityFaults.call(procs.get(i), "warm", "record_outcome", args);
                if (r != null && r.has("result") && !r.path("result").path("isError").asBoolean(false)) {
                    acked.add(exec);
                    stepsOf.put(exec, ((List<?>) args.get("steps")).size());
                } else {
                    notes.add("warm-up record_outcome failed: " + r);
                }
            }
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            long stopAt = t0 + seconds * 1_000_000_000L / 3;
            long startAt = t0 + seconds * 2_000_000_000L / 3;
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < procs.size(); i++) {
                StdioProcess p = procs.get(i);
                int w = i;
                Thread th = new Thread(() -> {
                    Random random = new Random(31 + w);
                    int n = 0;
                    while (System.nanoTime() < end && p.process().isAlive()) {
                        String exec = prefix + w + "-" + n;
                        Map<String, Object> args = RecordLoad.outcome(exec, seqs, random);
                        boolean wasDown;
                        synchronized (down) {
                            wasDown = down[0];
                        }
                        long c0 = System.nanoTime();
                        JsonNode r;
                        try {
                            r = ReliabilityFaults.call(p, "n" + n++, "record_outcome", args);
                        } catch (InterruptedException e) {
                            return;
                        }
                        long ms = (System.nanoTime() - c0) / 1_000_000;
                        boolean ok = r != null && r.has("result") && !r.path("result").path("isError").asBoolean(false);
                        if (ok) {
                            acked.add(exec);
                            stepsOf.put(exec, ((List<?>) args.get("steps")).size());
                        } else if (notes.size() < 5) {
                            notes.add("record_outcome failed: " + r);
                        }
                        if (wasDown) {
                            synchronized (down) {
                                downCalls[0]++;
                                downErrors[0] += ok ? 0 : 1;
                                downMax[0] = Math.max(downMax[0], ms);
                            }
                        }
                    }
                }, "neo4j-load-" + i);
                th.start();
                clients.add(th);
            }
            sleepUntil(stopAt);
            neo4j.stop();
            synchronized (down) {
                down[0] = true;
            }
            sleepUntil(startAt);
            neo4j.start();
            synchronized (down) {
                down[0] = false;
            }
            for (Thread th : clients) {
                th.join();
            }
            // The outboxes drain in the background (the servers stay up for that).
            long d0 = System.nanoTime();
            long deadline = d0 + 120_000_000_000L;
            while (outbox(home) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            drainMs = (System.nanoTime() - d0) / 1_000_000;
            outboxLeft = outbox(home);
        } finally {
            for (StdioProcess p : procs) {
                p.closeAndWait(Duration.ofSeconds(10));
            }
        }
        ReliabilityFaults.StoreCount files = ReliabilityFaults.fileCount(home);
        long inFiles = files.executionIds().stream().filter(id -> id.startsWith(prefix)).count();
        long steps = files.executionIds().stream().filter(id -> id.startsWith(prefix)).mapToLong(id -> stepsOf.getOrDefault(id, 0)).sum();
        long missingSteps = files.executionIds().stream().filter(id -> id.startsWith(prefix) && !stepsOf.containsKey(id)).count();
        if (missingSteps > 0) {
            notes.add(missingSteps + " executions recorded but unacknowledged: their steps are not in the expected EXECUTED_IN count");
        }
        long acknowledgedMissing = acked.stream().filter(id -> !files.executionIds().contains(id)).count();
        if (acknowledgedMissing > 0) {
            notes.add(acknowledgedMissing + " acknowledged outcomes missing from the file store");
        }
        long execs;
        long dups;
        long impl;
        long execIn;
        try (Driver d = driver(uri); Session s = d.session(database())) {
            Map<String, Object> p = Map.of("p", prefix);
            execs = s.run("MATCH (e:Execution) WHERE e.execution_id STARTS WITH $p RETURN count(e) AS n", p).single().get("n").asLong();
            dups = s.run("MATCH (e:Execution) WHERE e.execution_id STARTS WITH $p WITH e.execution_id AS id, count(*) AS c "
                    + "WHERE c > 1 RETURN count(id) AS n", p).single().get("n").asLong();
            impl = s.run("MATCH (e:Execution)-[r:IMPLEMENTS]->(:Pattern) WHERE e.execution_id STARTS WITH $p RETURN count(r) AS n", p)
                    .single().get("n").asLong();
            execIn = s.run("MATCH (:Plugin)-[r:EXECUTED_IN]->(e:Execution) WHERE e.execution_id STARTS WITH $p RETURN count(r) AS n", p)
                    .single().get("n").asLong();
        }
        return new Report(processes, acked.size(), inFiles, execs, dups,
                impl, execIn, steps, outboxLeft, drainMs, downErrors[0], downCalls[0], downMax[0], notes);
    }

    /** Table rows for a report. */
    public static void rows(ReliabilityTable t, Report r) {
        String part = "3 faults: Neo4j restarted mid-load";
        t.add(part, "outcomes acknowledged (" + r.processes() + " servers, Neo4j down for the middle third)",
                r.acknowledged() + " (" + r.callsWhileDown() + " while down, slowest " + r.maxCallMsWhileDown() + " ms)");
        t.check(part, "record_outcome errors while Neo4j was down", r.errorsWhileDown(), "0", r.errorsWhileDown() == 0);
        t.check(part, "executions: file store / graph (after the outbox drained in " + r.drainMs() + " ms)",
                r.inFiles() + " / " + r.graphExecutions(), "equal", r.inFiles() == r.graphExecutions() && r.inFiles() >= r.acknowledged());
        t.check(part, "executions doubled in the graph", r.graphDuplicates(), "0", r.graphDuplicates() == 0);
        t.check(part, "IMPLEMENTS edges / EXECUTED_IN edges vs files", r.implementsEdges() + " / " + r.executedInEdges() + " vs "
                + r.inFiles() + " / " + r.stepsInFiles(), "equal", r.implementsEdges() == r.inFiles()
                && r.executedInEdges() == r.stepsInFiles());
        t.check(part, "outbox entries left", r.outboxLeft(), "0", r.outboxLeft() == 0);
    }

    static long outbox(Path home) throws IOException {
        Path dir = home.resolve("outbox");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    static Driver driver(String uri) {
        String user = System.getenv().getOrDefault("NEO4J_USER", "neo4j");
        String pw = System.getenv("NEO4J_PASSWORD");
        AuthToken auth = pw == null || pw.isEmpty() ? AuthTokens.none() : AuthTokens.basic(user, pw);
        return GraphDatabase.driver(uri, auth, Config.builder().withConnectionTimeout(5, TimeUnit.SECONDS).build());
    }

    static org.neo4j.driver.SessionConfig database() {
        String db = System.getenv("NEO4J_DATABASE");
        return db == null || db.isBlank() ? org.neo4j.driver.SessionConfig.defaultConfig() : org.neo4j.driver.SessionConfig.forDatabase(db);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long ms = (nanoTime - System.nanoTime()) / 1_000_000;
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
