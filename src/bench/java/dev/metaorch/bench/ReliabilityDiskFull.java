package dev.metaorch.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.metaorch.util.Texts;
import dev.metaorch.workflow.WorkflowStore;
import tools.jackson.databind.JsonNode;

/**
 * Disk full, for real: the server runs in a private mount namespace ({@code unshare -m}) whose data folder
 * is a small tmpfs. The bench reaches that file system through {@code /proc/<pid>/root}, fills it with a
 * filler file until ENOSPC, drives the writers (record_outcome, start_run / execute_step), checks that
 * each failure is a clear tool error and that every file still parses, then deletes the filler and checks
 * the service writes again. Needs root (or user namespaces); reports "skipped" with the reason otherwise.
 */
public final class ReliabilityDiskFull {

    /**
     * @param skipped      why the part could not run, or null
     * @param writesFull   writer calls made while the disk was full
     * @param clearErrors  of those, tool errors that say the disk is full
     * @param unclear      of those, answers that were neither a success nor a clear error (crash, internal error, silence)
     * @param acceptedFull of those, successes (a write that still fit in a partly used page)
     * @param resumed      writer calls that succeeded after space came back (failed outcomes retried, then new ones), of resumeTried
     * @param uncounted    executions in the store's index that its pattern files do not count (a write half done)
     */
    public record Report(String skipped, int writesBefore, int writesFull, int clearErrors, int unclear, int acceptedFull,
                         int filesChecked, List<String> broken, List<String> temps, int resumed, int resumeTried,
                         long ackedMissing, long uncounted, boolean aliveAfter, List<String> sampleErrors, List<String> notes) {
        public boolean ok() {
            return skipped == null && unclear == 0 && clearErrors > 0 && broken.isEmpty() && resumed == resumeTried
                    && resumeTried > 0 && ackedMissing == 0 && uncounted == 0 && aliveAfter;
        }
    }

    static final String LONG = "reliability-long";

    private ReliabilityDiskFull() {
    }

    public static Report run(Path work, Path catalog, String tmpfsSize) throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/unshare")) && !Files.isExecutable(Path.of("/bin/unshare"))) {
            return skipped("no unshare(1) on this machine");
        }
        Path mnt = Files.createDirectories(work.resolve("mnt")).toAbsolutePath();
        List<String> java = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toAbsolutePath().toString(),
                "--home", mnt.resolve("home").toString());
        StringBuilder sh = new StringBuilder("mount -t tmpfs -o size=" + tmpfsSize + " tmpfs " + quote(mnt.toString())
                + " && mkdir -p " + quote(mnt.resolve("home").toString()) + " && exec");
        for (String a : java) {
            sh.append(' ').append(quote(a));
        }
        List<String> cmd = List.of("unshare", "-m", "--propagation", "private", "sh", "-c", sh.toString());
        Path log = work.resolve("server.log");
        Random random = new Random(13);
        List<List<String>> seqs = RecordLoad.sequences(catalog);
        Set<String> acked = new LinkedHashSet<>();
        List<String> samples = new ArrayList<>();
        int before = 0;
        int full = 0;
        int clear = 0;
        int unclear = 0;
        int accepted = 0;
        int resumed = 0;
        int resumeTried = 0;
        DataFolderAudit.Result audit;
        long missing;
        long uncounted = 0;
        boolean alive;
        try (StdioProcess p = new StdioProcess(cmd, log, ReliabilityFaults.noNeo4j())) {
            if (p.initialize(Duration.ofSeconds(60)) == null) {
                String why = Files.exists(log) ? String.join(" ", Files.readAllLines(log)).strip() : "";
                return skipped("the server did not start in a private mount namespace" + (why.isEmpty() ? "" : ": " + Texts.shorten(why, 300)));
            }
            Path root = Path.of("/proc", Long.toString(p.process().pid()), "root");
            Path nsMnt = root.resolve(mnt.toString().substring(1));
            Path nsHome = nsMnt.resolve("home");
            if (!Files.isDirectory(nsHome)) {
                return skipped("cannot reach the namespace's tmpfs through " + root);
            }
            new WorkflowStore(nsHome).save(ReliabilityFaults.killSpec());
            new WorkflowStore(nsHome).save(ReliabilityFaults.spec(LONG, 60));
            Path ws = Files.createDirectories(work.resolve("ws"));
            Files.createDirectories(ws.resolve("out"));
            for (int i = 1; i <= 60; i++) {
                Files.writeString(ws.resolve("out/step-" + i + ".done"), "ok\n");
            }
            List<String> tools = new ArrayList<>();
            JsonNode list = p.request("list", "tools/list", Map.of(), Duration.ofSeconds(60));
            list.path("result").path("tools").forEach(t -> tools.add(t.path("name").asString()));
            boolean record = tools.contains("record_outcome");
            int[] n = {0};
            Cursor cursor = new Cursor();
            List<Map<String, Object>> failedRecords = new ArrayList<>();

            // Some writes while there is room.
            for (int i = 0; i < 10; i++) {
                Outcome o = write(p, record, n, seqs, random, ws, cursor);
                if (o.ok()) {
                    before++;
                    if (o.executionId() != null) {
                        acked.add(o.executionId());
                    }
                }
            }
            // Fill the file system.
            Path filler = nsMnt.resolve("filler");
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(filler)) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("space")) {
                    notes.add("filling stopped with " + e);
                }
            }
            // Fill the last partial pages too: small files until even that fails.
            for (int i = 0; i < 10_000; i++) {
                try {
                    Files.write(nsMnt.resolve("crumb-" + i), new byte[512]);
                } catch (IOException e) {
                    break;
                }
            }
            // Every writer while full.
            for (int i = 0; i < 30; i++) {
                full++;
                Outcome o = write(p, record, n, seqs, random, ws, cursor);
                if (o.ok()) {
                    accepted++;
                    if (o.executionId() != null) {
                        acked.add(o.executionId());
                    }
                } else if (o.clearError()) {
                    clear++;
                    if (o.recordArgs() != null) {
                        failedRecords.add(o.recordArgs());
                    }
                    if (samples.size() < 3 && samples.stream().noneMatch(s -> s.equals(o.text()))) {
                        samples.add(o.text());
                    }
                } else {
                    unclear++;
                    String note = "unclear answer while the disk was full: " + Texts.shorten(o.text(), 300);
                    if (!notes.contains(note)) {
                        notes.add(note);
                    }
                }
            }
            audit = DataFolderAudit.audit(nsHome);
            // Space returns.
            Files.deleteIfExists(filler);
            try (var s = Files.list(nsMnt)) {
                for (Path c : s.filter(x -> x.getFileName().toString().startsWith("crumb-")).toList()) {
                    Files.delete(c);
                }
            }
            // A client retries what failed, with the same execution ids: each must now count, once.
            for (Map<String, Object> args : failedRecords) {
                resumeTried++;
                JsonNode r = ReliabilityFaults.call(p, "retry-" + args.get("execution_id"), "record_outcome", args);
                if (r != null && r.has("result") && !r.path("result").path("isError").asBoolean(false)) {
                    resumed++;
                    acked.add(String.valueOf(args.get("execution_id")));
                } else {
                    notes.add("retry after space returned failed: " + Texts.shorten(String.valueOf(r), 300));
                }
            }
            for (int i = 0; i < 10; i++) {
                resumeTried++;
                Outcome o = write(p, record, n, seqs, random, ws, cursor);
                if (o.ok()) {
                    resumed++;
                    if (o.executionId() != null) {
                        acked.add(o.executionId());
                    }
                } else {
                    notes.add("still failing after space returned: " + Texts.shorten(o.text(), 300));
                }
            }
            DataFolderAudit.Result after = DataFolderAudit.audit(nsHome);
            List<String> broken = new ArrayList<>(audit.broken());
            broken.addAll(after.broken());
            audit = new DataFolderAudit.Result(audit.files() + after.files(), broken, after.temps());
            Set<String> ids = new java.util.HashSet<>();
            for (JsonNode e : ReliabilityFaults.readJsonl(nsHome.resolve("patterns/executions.jsonl"))) {
                ids.add(e.path("execution_id").asString(""));
            }
            missing = record ? acked.stream().filter(id -> !ids.contains(id)).count() : 0;
            ReliabilityFaults.StoreCount files = ReliabilityFaults.fileCount(nsHome);
            uncounted = files.executionIds().size() - files.patternTotal();
            if (uncounted != 0) {
                notes.add("the index holds " + files.executionIds().size() + " executions, the pattern files count "
                        + files.patternTotal());
            }
            alive = p.process().isAlive() && p.request("ping", "ping", null, Duration.ofSeconds(10)) != null;
            if (!record) {
                notes.add("record_outcome not served: the run journal was the only writer");
            }
            p.closeAndWait(Duration.ofSeconds(5));
        }
        return new Report(null, before, full, clear, unclear, accepted, audit.files(), audit.broken(), audit.temps(),
                resumed, resumeTried, missing, uncounted, alive, samples, notes);
    }

    private record Outcome(boolean ok, boolean clearError, String text, String executionId, Map<String, Object> recordArgs) {
    }

    /** The run the execute_step writer reports on, step by step. */
    private static final class Cursor {
        String run;
        int step;
    }

    /**
     * One writer call, in turn: record_outcome (when served), start_run, and execute_step on a run in
     * progress (its journal is the file an append to a full disk must not damage).
     */
    private static Outcome write(StdioProcess p, boolean record, int[] n, List<List<String>> seqs, Random random, Path ws,
                                 Cursor cursor) throws InterruptedException {
        int i = n[0]++;
        JsonNode r;
        String exec = null;
        Map<String, Object> recordArgs = null;
        int kind = i % 3;
        if (kind == 0 && record) {
            exec = "full-" + i;
            recordArgs = RecordLoad.outcome(exec, seqs, random);
            r = ReliabilityFaults.call(p, "w" + i, "record_outcome", recordArgs);
        } else if (kind == 2 && cursor.run != null) {
            r = ReliabilityFaults.call(p, "w" + i, "execute_step", Map.of("run_id", cursor.run, "step", cursor.step,
                    "status", "success"));
            String decision = r == null ? "" : r.path("result").path("structuredContent").path("decision").asString("");
            if (decision.equals("next")) {
                cursor.step++;
            } else if (!decision.isEmpty()) {
                cursor.run = null;
            }
        } else {
            boolean forCursor = kind == 2;
            r = ReliabilityFaults.call(p, "w" + i, "start_run", Map.of("workflow_id", forCursor ? LONG : ReliabilityFaults.WORKFLOW,
                    "workspace", ws.toString()));
            String run = r == null ? null : r.path("result").path("structuredContent").path("run_id").asString(null);
            if (run != null && forCursor) {
                cursor.run = run;
                cursor.step = 1;
            }
        }
        if (r == null) {
            return new Outcome(false, false, "no answer (process alive: " + p.process().isAlive() + ")", null, recordArgs);
        }
        String text = r.path("result").path("content").path(0).path("text").asString(r.toString());
        if (r.has("error")) {
            return new Outcome(false, false, "JSON-RPC error: " + r.get("error"), null, recordArgs);
        }
        if (!r.path("result").path("isError").asBoolean(false)) {
            return new Outcome(true, false, text, exec, recordArgs);
        }
        String low = text.toLowerCase(Locale.ROOT);
        boolean clear = low.contains("no space") || low.contains("disk full") || low.contains("disk is full")
                || low.contains("out of space") || low.contains("enospc");
        return new Outcome(false, clear, text, null, recordArgs);
    }

    private static Report skipped(String why) {
        return new Report(why, 0, 0, 0, 0, 0, 0, List.of(), List.of(), 0, 0, 0, 0, false, List.of(), List.of());
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

}
