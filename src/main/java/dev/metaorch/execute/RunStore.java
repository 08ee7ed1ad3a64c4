package dev.metaorch.execute;

import static dev.metaorch.util.Texts.firstLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.metaorch.config.Settings;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Outcome;
import dev.metaorch.store.Ids;
import dev.metaorch.util.Progress;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs of workflows: the server owns each run's state, the client invokes the plugins. Every state change
 * is one journal line ({@code runs/<run_id>.jsonl}), fsync'd before the answer, and the state is always
 * rebuilt from the journal, so a restarted server (or a second one on the same data folder) sees every run
 * exactly where it was. A step that succeeded is never run again: the journal is the idempotency record
 * (key: run id + step). A refused call (bad id, report out of order, malformed report) writes nothing.
 * <p>
 * This class coordinates: it holds each run's lock, refuses what does not fit the run's state, takes restore points
 * and appends the journal lines ({@link JournalEvent}). What to do after a report is {@link RunPolicy}'s
 * decision; {@link StepChecks} runs the checks, {@link Invocations} resolves the inputs, and {@link RunViews}
 * builds what the tools show.
 */
public final class RunStore {

    private static final Logger log = LoggerFactory.getLogger(RunStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final WorkflowStore workflows;
    private final Settings settings;
    private final Supplier<KnownIssueSource> knownIssues;
    private final Invocations invocations;
    private final RunPolicy policy;
    private final StepChecks checks;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public RunStore(Settings settings, WorkflowStore workflows, Supplier<KnownIssueSource> knownIssues) {
        this.settings = settings;
        this.dir = settings.home().resolve("runs");
        this.workflows = workflows;
        this.knownIssues = knownIssues;
        this.invocations = new Invocations(settings.allowedPrograms(), settings.configFile());
        this.policy = new RunPolicy(invocations);
        this.checks = new StepChecks(settings.allowedPrograms(), settings.configFile());
    }

    public Path dir() {
        return dir;
    }

    private Path dataFolder() {
        Path home = settings.home().toAbsolutePath().normalize();
        try {
            return home.toRealPath();
        } catch (IOException e) {
            // Not created yet: its nearest existing parent decides.
            Path p = home;
            while (p.getParent() != null && !Files.exists(p)) {
                p = p.getParent();
            }
            try {
                return p.toRealPath().resolve(p.relativize(home));
            } catch (IOException ex) {
                return home;
            }
        }
    }

    public Path journal(String runId) {
        return Ids.file(dir, "run_id", runId, ".jsonl");
    }

    // ---------------------------------------------------------------- start

    /** Starts a run of a stored workflow in a workspace; answers with the run id and the first invocation. */
    public Map<String, Object> start(String workflowId, String workspace, Progress ctx) {
        Ids.check("workflow_id", workflowId);
        WorkflowSpec spec = workflows.load(workflowId);
        checkSpec(spec);
        Workspace ws = Workspace.open(workspace);
        Path data = dataFolder();
        if (data.startsWith(ws.root()) || ws.root().startsWith(data)) {
            // A rollback would otherwise delete the journals written after the restore point.
            throw new Refusal("workspace " + ws.root() + " overlaps the meta-orchestrator data folder " + data
                    + "; choose the project's own folder");
        }
        String runId = newRunId(workflowId);
        WorkflowStep first = spec.steps().get(0);
        RestorePoint restore = restorePoint(ws, runId, first.step());
        Invocation invoke = invocations.of(spec, first, 1, "primary", Map.of(), 1);
        JournalEvent.RunStarted e = new JournalEvent.RunStarted(now(), runId, spec.workflowId(), spec.task(), spec.patternId(),
                ws.root().toString(), spec.steps().size(), spec, restore.point(), restore.note(), invoke);
        withLock(runId, () -> {
            append(runId, e);
            return null;
        });
        ctx.log("info", "run " + runId + " started: step 1 of " + spec.steps().size() + " is " + invoke.text());
        return RunViews.started(e);
    }

    private static void checkSpec(WorkflowSpec spec) {
        if (spec.steps().isEmpty()) {
            throw new Refusal("workflow " + spec.workflowId() + " has no steps to run");
        }
        Set<Integer> seen = new LinkedHashSet<>();
        for (WorkflowStep s : spec.steps()) {
            if (s.step() < 1 || !seen.add(s.step())) {
                throw new Refusal("workflow " + spec.workflowId() + " has a missing or repeated step number (" + s.step() + ")");
            }
        }
    }

    private String newRunId(String workflowId) {
        byte[] r = new byte[4];
        new java.security.SecureRandom().nextBytes(r);
        String id = Ids.slug(workflowId, 60) + "-" + ID_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
        return Ids.check("run_id", id);
    }

    /** A step's restore point, or why there is none. */
    private record RestorePoint(GitRestorePoints.Point point, String note) {
    }

    private static RestorePoint restorePoint(Workspace ws, String runId, int step) {
        if (GitRestorePoints.toplevel(ws.root()) == null) {
            return new RestorePoint(null, "the workspace is not a git working tree: no restore points, rollback_run is not available");
        }
        try {
            return new RestorePoint(GitRestorePoints.record(ws.root(), runId, String.valueOf(step)), null);
        } catch (GitRestorePoints.GitException e) {
            log.warn("no restore point for run {} step {}: {}", runId, step, e.getMessage());
            return new RestorePoint(null, "restore point not recorded: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- execute_step

    /** Takes the client's report of a step, runs its checks, journals the result and decides what comes next. */
    public Map<String, Object> report(String runId, int step, StepReport report, Progress ctx) {
        Ids.check("run_id", runId);
        return withLock(runId, () -> {
            RunState run = load(runId);
            if (RunState.DAMAGED.equals(run.status)) {
                throw new Refusal("run " + runId + " has a damaged journal: " + String.join("; ", run.warnings));
            }
            if (run.finished()) {
                throw new Refusal("run " + runId + " is " + run.status.replace('_', ' ')
                        + " and takes no more reports (run_status shows what happened)");
            }
            WorkflowStep ws = run.spec.step(step);
            if (ws == null) {
                throw new Refusal("unknown step " + step + " for run " + runId + " (the workflow's steps are "
                        + run.spec.steps().stream().map(s -> String.valueOf(s.step())).toList() + ")");
            }
            Invocation awaiting = run.awaiting;
            int attempt = awaiting.attempt();
            if (step != run.currentStep) {
                RunState.StepState st = run.steps.get(step);
                String waiting = "the run is waiting for step " + run.currentStep + " (attempt " + attempt + ": "
                        + awaiting.text() + ")";
                if (st != null && "succeeded".equals(st.status)) {
                    throw new Refusal("step " + step + " of run " + runId + " already succeeded (after "
                            + st.attempts.size() + " attempt(s)); a succeeded step is never run again; " + waiting);
                }
                throw new Refusal("report out of order: " + waiting + ", not for step " + step);
            }
            if (report.attempt() != null && report.attempt() != attempt) {
                throw new Refusal("report for attempt " + report.attempt() + " of step " + step
                        + ", but the run is waiting for attempt " + attempt + " (a duplicate or late report?)");
            }
            return decide(run, ws, report, ctx);
        });
    }

    /** Runs the checks the report calls for, asks the policy, takes the next restore point, journals, answers. */
    private Map<String, Object> decide(RunState run, WorkflowStep step, StepReport report, Progress ctx) {
        Workspace ws = Workspace.open(run.workspace);
        Invocation awaiting = run.awaiting;
        int pos = run.position(step.step());
        int total = run.totalSteps();
        String who = awaiting.plugin() + ":" + awaiting.component();
        List<CheckResult> results = List.of();
        String error;
        if (report.success()) {
            results = checks.forStep(ws, run.spec, step, report.outputs(), "step " + pos + "/" + total + " (" + who + ")", ctx);
            List<CheckResult> failed = results.stream().filter(CheckResult::failed).toList();
            error = failed.isEmpty() ? null : "validation failed: " + String.join("; ",
                    failed.stream().map(c -> c.label() + ": " + firstLine(c.detail())).toList());
        } else {
            error = report.error() == null || report.error().isBlank() ? "the step reported failure without an error message"
                    : report.error();
            ctx.log("warning", "step " + pos + "/" + total + " (" + who + ") reported failure: " + firstLine(error));
        }
        JournalEvent.Reported attempt = JournalEvent.Reported.of(now(), step.step(), awaiting, report, results, error);

        List<CheckResult> fin = null;
        if (attempt.passed() && RunPolicy.isLast(run, step)) {
            // Last step: the final validation, then the output collection.
            fin = checks.finalValidation(ws, run.spec.finalValidation(), ctx);
        }
        List<KnownIssueSource.PluginIssue> issues = attempt.passed() || !RunPolicy.mayApplyKnownFix(run.step(step.step()))
                ? List.of() : knownIssues(String.valueOf(awaiting.plugin()));
        Decision decision = policy.decide(run, step, attempt, fin, issues);
        if (decision instanceof Decision.Next next) {
            RestorePoint restore = restorePoint(ws, run.runId, next.invoke().step());
            // The run's first note (no git) says it once for the whole run.
            decision = next.withRestorePoint(restore.point(), restore.note() != null && run.restoreNote == null ? restore.note() : null);
        }
        attempt = attempt.decided(decision);
        StepChecks.Unverified unverified = checks.unverified(results, fin == null ? List.of() : fin);
        if (unverified != null) {
            attempt = attempt.withUnverified(unverified.checks());
        }
        Map<String, Object> out = RunViews.decided(run, step, pos, attempt, unverified);
        append(run.runId, attempt);
        ctx.log("info", "run " + run.runId + " step " + step.step() + " attempt " + attempt.attempt() + ": " + decision.name());
        return out;
    }

    /** The known issues of a plugin; none when the pattern library cannot be read (the step is decided without). */
    private List<KnownIssueSource.PluginIssue> knownIssues(String plugin) {
        try {
            return knownIssues.get().issues(plugin);
        } catch (RuntimeException ex) {
            log.warn("known issues of {} unavailable: {}", plugin, ex.toString());
            return List.of();
        }
    }

    // ---------------------------------------------------------------- rollback

    /** Restores the workspace to the start of {@code step} (or of the run when null). */
    public Map<String, Object> rollback(String runId, Integer step, Progress ctx) {
        Ids.check("run_id", runId);
        return withLock(runId, () -> {
            RunState run = load(runId);
            if (run.runId == null) {
                throw new Refusal("run " + runId + " has a damaged journal: " + String.join("; ", run.warnings));
            }
            int target = step != null ? step : run.spec.steps().get(0).step();
            if (run.spec.step(target) == null) {
                throw new Refusal("unknown step " + target + " for run " + runId);
            }
            RunState.StepState st = run.steps.get(target);
            if (st == null) {
                throw new Refusal("step " + target + " of run " + runId + " was never started, so it has no restore point");
            }
            if (st.restorePoint == null || st.restorePoint.commit() == null) {
                throw new Refusal("no restore point for step " + target + " of run " + runId + ": "
                        + (run.restoreNote != null ? run.restoreNote : "none was recorded"));
            }
            Workspace ws = Workspace.open(run.workspace);
            String commit = st.restorePoint.commit();
            ctx.progress(0, 1.0, "restoring " + ws.root() + " to the start of step " + target);
            GitRestorePoints.Restored r;
            try {
                r = GitRestorePoints.restore(ws.root(), runId, commit, "before-rollback-" + (run.rollbacks.size() + 1));
            } catch (GitRestorePoints.GitException ex) {
                throw new Refusal("rollback failed: " + ex.getMessage());
            }
            String before = run.status;
            append(runId, new JournalEvent.RolledBack(now(), target, commit, st.restorePoint.ref(), r.savedRef(), r.removed(),
                    r.restoredFiles()));
            ctx.progress(1, 1.0, "workspace restored to the start of step " + target);
            ctx.log("info", "run " + runId + ": workspace restored to the start of step " + target + " (" + r.removed().size()
                    + " file(s) removed, " + r.restoredFiles() + " restored)");
            return RunViews.rolledBack(runId, target, r, before);
        });
    }

    // ---------------------------------------------------------------- reading

    /** The run rebuilt from its journal; an unknown or unsafe id is a clear {@link Refusal}. */
    RunState load(String runId) {
        Path f = journal(runId);
        if (!Files.isRegularFile(f)) {
            throw new Refusal("unknown run_id '" + runId + "' (run_status lists the runs)");
        }
        try {
            RunJournal.Loaded l = RunJournal.read(f);
            return RunState.fold(l.events(), l.warnings(), l.damaged());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    public List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl"))
                    .map(n -> n.substring(0, n.length() - 6)).filter(Ids::valid).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every run, newest first, in brief. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids()) {
            try {
                out.add(RunViews.summary(load(id), id));
            } catch (RuntimeException e) {
                out.add(RunViews.unreadable(id, e));
            }
        }
        RunViews.sortNewestFirst(out);
        return out;
    }

    /** One run in full: steps, attempts, decisions, timings, what it waits for, its result. */
    public Map<String, Object> status(String runId) {
        Ids.check("run_id", runId);
        return RunViews.status(load(runId), runId, journal(runId));
    }

    /** A finished run as the learner sees it (record_outcome reads this); see {@link RunViews#outcome}. */
    public Outcome outcome(String runId) {
        Ids.check("run_id", runId);
        return RunViews.outcome(load(runId), runId);
    }

    public Optional<Path> workspaceOf(String runId) {
        RunState r = load(runId);
        return Optional.ofNullable(r.workspace).map(Path::of);
    }

    // ---------------------------------------------------------------- journal writes and locks

    private void append(String runId, JournalEvent event) {
        try {
            RunJournal.append(journal(runId), event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal of run " + runId, e);
        }
    }

    /**
     * Runs {@code body} holding the run's lock: one thread of this server, and one server process, at a time
     * (a lock file beside the journals, so closing a journal channel never drops the lock).
     */
    private <T> T withLock(String runId, Supplier<T> body) {
        ReentrantLock l = locks.computeIfAbsent(runId, k -> new ReentrantLock());
        String what = "run " + runId + "'s lock (another report of this run is being checked)";
        try (var w = dev.metaorch.util.Waits.enter(what)) {
            l.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while waiting for " + what);
        }
        try {
            Path lockFile = dir.resolve(".locks").resolve(runId + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock fl;
                try (var w = dev.metaorch.util.Waits.enter(what)) {
                    fl = ch.lock();
                }
                try (FileLock ignored = fl) {
                    return body.get();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock run " + runId, e);
        } finally {
            l.unlock();
        }
    }

    private static String now() {
        return Instant.now().toString();
    }
}
