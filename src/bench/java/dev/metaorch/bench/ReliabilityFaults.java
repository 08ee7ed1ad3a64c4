package dev.metaorch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.metaorch.util.Json;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import tools.jackson.databind.JsonNode;

/**
 * Faults against the real server process: SIGKILL at a random moment while a client drives
 * record_outcome or a run, then a restart; every answer the client received must be found on disk and
 * every data file must parse. Nothing here trusts the server's own view alone: acknowledged outcomes
 * and run decisions are looked up in the files the server wrote.
 */
public final class ReliabilityFaults {

    /** What a series of kill rounds found. */
    public record KillReport(String what, int rounds, int killsLanded, long acknowledged, long missing, long doubled,
                             int filesChecked, List<String> broken, int strayTemps, int restartsFailed, List<String> notes) {
        public boolean ok() {
            return missing == 0 && doubled == 0 && broken.isEmpty() && restartsFailed == 0;
        }
    }

    static final String WORKFLOW = "reliability-kill";
    static final int STEPS = 4;

    private ReliabilityFaults() {
    }

    /** The environment of every server the suite starts: no Neo4j unless a part asks for it. */
    static Map<String, String> noNeo4j() {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", null);
        env.put("NEO4J_USER", null);
        env.put("NEO4J_PASSWORD", null);
        env.put("NEO4J_DATABASE", null);
        env.put("META_ORCH_HOME", null);
        env.put("META_ORCH_MARKETPLACES", null);
        return env;
    }

    // ------------------------------------------------------------------ SIGKILL during runs

    /** A workflow of {@value #STEPS} steps whose checks are files the client creates before reporting. */
    static WorkflowSpec killSpec() {
        return spec(WORKFLOW, STEPS);
    }

    static WorkflowSpec spec(String id, int count) {
        List<WorkflowStep> steps = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            steps.add(new WorkflowStep(i, "step" + i + "@reliability", "worker-" + i, "agent",
                    "Task(subagent_type=\"worker-" + i + "\")", "step " + i, Map.of(), Map.of("done", "marker"),
                    List.of(new Check.FileExists("out/step-" + i + ".done", "the step wrote its marker")),
                    new WorkflowStep.RetryStrategy(3, 1000, 2.0, 60_000, true, WorkflowStep.RetryStrategy.standard().nonRetryable()),
                    WorkflowStep.Fallback.none("none"), List.of()));
        }
        return new WorkflowSpec(id, "reliability: a run killed at random", null, "subtasks", null, steps, List.of(),
                List.of(), List.of(), List.of(), 0.5, "fixed", null, List.of(), Map.of());
    }

    /** One acknowledged execute_step answer (or start_run: step 0). */
    record Ack(String runId, int step, int attempt, String decision) {
    }

    /**
     * SIGKILLs the server {@code rounds} times while a client starts runs and reports steps (some failing
     * first, so retries are journaled too). After each kill: every data file parses; after each restart,
     * every acknowledged decision is in its run's journal exactly once and run_status answers for every run.
     */
    public static KillReport killDuringRuns(Path work, Path catalog, int rounds, long seed) throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("home"));
        Path ws = Files.createDirectories(work.resolve("workspace"));
        new WorkflowStore(home).save(killSpec());
        Random random = new Random(seed);
        List<Ack> acks = new ArrayList<>();
        Set<String> runs = new LinkedHashSet<>();
        List<String> broken = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int landed = 0;
        int restartsFailed = 0;
        int files = 0;
        int temps = 0;
        Path log = work.resolve("server.log");
        for (int round = 0; round < rounds; round++) {
            List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
            try (StdioProcess p = new StdioProcess(cmd, log, noNeo4j())) {
                if (p.initialize(Duration.ofSeconds(60)) == null) {
                    restartsFailed++;
                    continue;
                }
                // The restarted server knows every earlier run.
                for (String run : runs) {
                    JsonNode st = p.request("st-" + round + "-" + run, "tools/call",
                            Map.of("name", "run_status", "arguments", Map.of("run_id", run)), Duration.ofSeconds(30));
                    if (st == null || st.path("result").path("isError").asBoolean(false)) {
                        restartsFailed++;
                        notes.add("run_status failed for " + run + " after restart " + round + ": " + st);
                        break;
                    }
                }
                long delayMs = 150 + random.nextInt(1200);
                // the clock starts at the first answer, once the server has warmed up
                Killer killer = null;
                int[] seq = {0};
                String run = null;
                int step = 0;
                int attempt = 0;
                try {
                    while (p.process().isAlive()) {
                        if (run == null) {
                            JsonNode r = call(p, "r" + round + "-" + seq[0]++, "start_run",
                                    Map.of("workflow_id", WORKFLOW, "workspace", ws.toString()));
                            if (r == null) {
                                break;
                            }
                            run = r.path("result").path("structuredContent").path("run_id").asString(null);
                            if (run == null) {
                                notes.add("start_run refused: " + r);
                                break;
                            }
                            runs.add(run);
                            acks.add(new Ack(run, 0, 0, "started"));
                            if (killer == null) {
                                killer = Killer.after(p, delayMs);
                            }
                            step = 1;
                            attempt = 1;
                            continue;
                        }
                        boolean fail = attempt == 1 && random.nextInt(3) == 0;
                        Map<String, Object> args = new LinkedHashMap<>();
                        args.put("run_id", run);
                        args.put("step", step);
                        args.put("attempt", attempt);
                        args.put("status", fail ? "failure" : "success");
                        if (fail) {
                            args.put("error", "connection timed out after 30 s");
                        }
                        args.put("duration_ms", 10 + random.nextInt(1000));
                        Files.createDirectories(ws.resolve("out"));
                        Files.writeString(ws.resolve("out/step-" + step + ".done"), "ok\n");
                        JsonNode r = call(p, "r" + round + "-" + seq[0]++, "execute_step", args);
                        if (r == null) {
                            break;
                        }
                        JsonNode sc = r.path("result").path("structuredContent");
                        String decision = sc.path("decision").asString("");
                        if (r.path("result").path("isError").asBoolean(false) || decision.isEmpty()) {
                            notes.add("execute_step refused: " + r.path("result").path("content").toString());
                            run = null;
                            continue;
                        }
                        acks.add(new Ack(run, step, attempt, decision));
                        switch (decision) {
                            case "next" -> {
                                step++;
                                attempt = 1;
                            }
                            case "retry", "known_fix" -> attempt++;
                            default -> run = null; // completed, escalate, fallback: start a fresh run
                        }
                    }
                } finally {
                    landed += reap(p, killer);
                }
            }
            DataFolderAudit.Result audit = audit(home, round, broken);
            files += audit.files();
            temps = audit.temps().size();
        }
        // Every acknowledged state change is in its journal, once.
        long missing = 0;
        long doubled = 0;
        Map<String, List<JsonNode>> journals = new HashMap<>();
        for (String run : runs) {
            journals.put(run, readJsonl(home.resolve("runs").resolve(run + ".jsonl")));
        }
        for (Ack a : acks) {
            List<JsonNode> events = journals.getOrDefault(a.runId(), List.of());
            long found = events.stream().filter(e -> a.step() == 0 ? e.path("type").asString("").equals("run_started")
                    : e.path("type").asString("").equals("report") && e.path("step").asInt() == a.step()
                    && e.path("attempt").asInt() == a.attempt() && a.decision().equals(e.path("decision").asString(""))).count();
            if (found == 0) {
                missing++;
                if (notes.size() < 10) {
                    notes.add("missing from the journal: " + a);
                }
            } else if (found > 1) {
                doubled++;
            }
        }
        return new KillReport("run", rounds, landed, acks.size(), missing, doubled, files, broken, temps, restartsFailed, notes);
    }

    // ------------------------------------------------------------------ SIGKILL during record_outcome

    /**
     * SIGKILLs the server {@code rounds} times while a client records outcomes (unique execution ids, a
     * few plugin sequences, successes and failures with errors). After each restart every acknowledged
     * execution id is in the store's execution index once, and the pattern files count each recorded
     * execution exactly once.
     */
    public static KillReport killDuringRecord(Path work, Path catalog, int rounds, long seed) throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("home"));
        Random random = new Random(seed);
        Set<String> acked = new LinkedHashSet<>();
        List<String> broken = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int landed = 0;
        int restartsFailed = 0;
        int files = 0;
        int temps = 0;
        Path log = work.resolve("server.log");
        List<List<String>> sequences = RecordLoad.sequences(catalog);
        for (int round = 0; round < rounds; round++) {
            List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
            try (StdioProcess p = new StdioProcess(cmd, log, noNeo4j())) {
                if (p.initialize(Duration.ofSeconds(60)) == null) {
                    restartsFailed++;
                    continue;
                }
                JsonNode stats = call(p, "stats-" + round, "pattern_stats", Map.of());
                if (stats == null || stats.path("result").path("isError").asBoolean(false)) {
                    restartsFailed++;
                    notes.add("pattern_stats failed after restart " + round + ": " + stats);
                }
                long delayMs = 150 + random.nextInt(1200);
                Killer killer = null;
                int i = 0;
                try {
                    while (p.process().isAlive()) {
                        String exec = "kill-" + round + "-" + i;
                        Map<String, Object> args = RecordLoad.outcome(exec, sequences, random);
                        JsonNode r = call(p, "rec-" + round + "-" + i++, "record_outcome", args);
                        if (r == null) {
                            break;
                        }
                        if (r.path("result").path("isError").asBoolean(false)) {
                            notes.add("record_outcome refused: " + r.path("result").path("content"));
                            break;
                        }
                        acked.add(exec);
                        if (killer == null) {
                            killer = Killer.after(p, delayMs);
                        }
                    }
                } finally {
                    landed += reap(p, killer);
                }
            }
            DataFolderAudit.Result audit = audit(home, round, broken);
            files += audit.files();
            temps = audit.temps().size();
        }
        // A last clean start: the store's own view after all the kills.
        StoreCount count = storeCount(home, catalog, work.resolve("server.log"));
        long missing = acked.stream().filter(id -> !count.executionIds().contains(id)).count();
        if (missing > 0) {
            notes.add("acknowledged but not in the store, e.g. "
                    + acked.stream().filter(id -> !count.executionIds().contains(id)).limit(3).toList());
        }
        long doubled = count.indexLines() - count.executionIds().size();
        if (count.patternTotal() != count.executionIds().size()) {
            notes.add("pattern files count " + count.patternTotal() + " executions, the index holds "
                    + count.executionIds().size());
        }
        if (count.statsTotal() >= 0 && count.statsTotal() != count.executionIds().size()) {
            notes.add("pattern_stats reports " + count.statsTotal() + " executions, the index holds " + count.executionIds().size());
        }
        // doubled also covers an execution counted twice in the pattern files
        doubled = Math.max(doubled, count.patternTotal() - count.executionIds().size());
        return new KillReport("record_outcome", rounds, landed, acked.size(), missing, doubled, files, broken, temps,
                restartsFailed, notes);
    }

    /**
     * What the file store holds: execution ids in its index (patterns/executions.jsonl), the number of
     * index lines, the executions the pattern files count, and what pattern_stats says (-1 if unknown).
     */
    public record StoreCount(Set<String> executionIds, long indexLines, long patternTotal, long statsTotal) {
    }

    /** What the files say: execution ids in the index, index lines, executions the pattern files count. */
    public static StoreCount fileCount(Path home) throws IOException {
        Set<String> ids = new HashSet<>();
        long lines = 0;
        for (JsonNode n : readJsonl(home.resolve("patterns/executions.jsonl"))) {
            String id = n.path("execution_id").asString(null);
            if (id != null) {
                ids.add(id);
                lines++;
            }
        }
        long total = 0;
        for (String status : List.of("discovered", "validated", "learned", "deprecated")) {
            Path dir = home.resolve("patterns").resolve(status);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(x -> x.getFileName().toString().endsWith(".yaml")).toList()) {
                    JsonNode y = Json.yaml().readTree(Files.readString(f));
                    total += y.path("metrics").path("total_executions").asLong(0);
                }
            }
        }
        return new StoreCount(ids, lines, total, -1);
    }

    public static StoreCount storeCount(Path home, Path catalog, Path log) throws IOException, InterruptedException {
        StoreCount files = fileCount(home);
        long stats = -1;
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
        try (StdioProcess p = new StdioProcess(cmd, log, noNeo4j())) {
            if (p.initialize(Duration.ofSeconds(60)) != null) {
                JsonNode r = call(p, "stats", "pattern_stats", Map.of());
                if (r != null) {
                    stats = workflowsExecuted(r.path("result").path("structuredContent"));
                }
            }
            p.closeAndWait(Duration.ofSeconds(5));
        }
        return new StoreCount(files.executionIds(), files.indexLines(), files.patternTotal(), stats);
    }

    /** The executions count of a pattern_stats result (-1 when it is not there). */
    static long workflowsExecuted(JsonNode stats) {
        for (String k : List.of("workflows_executed", "total_executions", "executions")) {
            if (stats.has(k) && stats.get(k).isNumber()) {
                return stats.get(k).asLong();
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * SIGKILLs the server after a delay unless stopped first. Remembers whether it fired: right after
     * {@code destroyForcibly} the process can still look alive, so "alive" alone would miscount a kill
     * that landed as one that did not.
     */
    static final class Killer {
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicBoolean fired = new AtomicBoolean();
        private final Thread thread;

        private Killer(StdioProcess p, long delayMs) {
            thread = new Thread(() -> {
                try {
                    Thread.sleep(delayMs);
                    synchronized (this) {
                        if (!stopped.get()) {
                            fired.set(true);
                            p.process().destroyForcibly(); // SIGKILL on Linux
                        }
                    }
                } catch (InterruptedException e) {
                    // the client finished first
                }
            }, "reliability-killer");
            thread.setDaemon(true);
        }

        static Killer after(StdioProcess p, long delayMs) {
            Killer k = new Killer(p, delayMs);
            k.thread.start();
            return k;
        }

        void stop() throws InterruptedException {
            synchronized (this) {
                stopped.set(true);
            }
            thread.interrupt();
            thread.join();
        }

        boolean fired() {
            return fired.get();
        }
    }

    static JsonNode call(StdioProcess p, String id, String tool, Map<String, Object> args) throws InterruptedException {
        try {
            return p.request(id, "tools/call", Map.of("name", tool, "arguments", args), Duration.ofSeconds(60));
        } catch (IOException e) {
            return null; // the process is gone
        }
    }

    static List<JsonNode> readJsonl(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(Json.MAPPER.readTree(line));
            } catch (RuntimeException e) {
                // the audit reports unparseable lines
            }
        }
        return out;
    }

    /** Stops the round's killer thread (if it was started) and waits for it. */
    /**
     * Ends the round: stops its killer, then its server; 1 when the SIGKILL had already landed, 0 when the
     * server had to be killed here.
     */
    private static int reap(StdioProcess p, Killer killer) throws InterruptedException {
        if (killer != null) {
            killer.stop();
        }
        boolean landed = (killer != null && killer.fired()) || !p.process().isAlive();
        if (p.process().isAlive()) {
            p.process().destroyForcibly();
        }
        p.process().waitFor();
        return landed ? 1 : 0;
    }

    /** Audits the data folder after a round; broken files are added to {@code broken}, tagged with the round. */
    private static DataFolderAudit.Result audit(Path home, int round, List<String> broken) throws IOException {
        DataFolderAudit.Result audit = DataFolderAudit.audit(home);
        for (String b : audit.broken()) {
            broken.add("round " + round + ": " + b);
        }
        return audit;
    }

}
