package dev.metaorch.execute;

import static dev.metaorch.util.Texts.firstLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.metaorch.config.Settings;
import dev.metaorch.learn.ErrorPatterns;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Outcome;
import dev.metaorch.store.Ids;
import dev.metaorch.util.Json;
import dev.metaorch.util.Progress;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.Check;
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
 */
public final class RunStore {

    private static final Logger log = LoggerFactory.getLogger(RunStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    static final int MAX_KNOWN_FIXES_PER_STEP = 3;
    static final int MAX_RETRIES = 3;
    static final long MAX_DELAY_MS = 60_000;

    private final Path dir;
    private final WorkflowStore workflows;
    private final Settings settings;
    private final Supplier<KnownIssueSource> knownIssues;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public RunStore(Settings settings, WorkflowStore workflows, Supplier<KnownIssueSource> knownIssues) {
        this.settings = settings;
        this.dir = settings.home().resolve("runs");
        this.workflows = workflows;
        this.knownIssues = knownIssues;
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
        Map<String, Object> restore = new LinkedHashMap<>();
        String note = restorePoint(ws, runId, first.step(), restore);
        Map<String, Object> invoke = invocation(spec, first, 1, "primary", Map.of(), 1);
        String now = now();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "run_started");
        e.put("v", 1);
        e.put("at", now);
        e.put("run_id", runId);
        e.put("workflow_id", spec.workflowId());
        e.put("task", spec.task());
        e.put("pattern_id", spec.patternId());
        e.put("workspace", ws.root().toString());
        e.put("total_steps", spec.steps().size());
        e.put("spec", Json.toMap(spec));
        e.put("restore_point", restore.isEmpty() ? null : restore);
        e.put("restore_note", note);
        e.put("invoke", invoke);
        withLock(runId, () -> {
            append(runId, e);
            return null;
        });
        ctx.log("info", "run " + runId + " started: step 1 of " + spec.steps().size() + " is " + invoke.get("invoke"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", runId);
        out.put("workflow_id", spec.workflowId());
        out.put("workspace", ws.root().toString());
        out.put("total_steps", spec.steps().size());
        out.put("decision", "next");
        out.put("invoke", invoke);
        out.put("restore_point", restore.isEmpty() ? null : restore);
        if (note != null) {
            out.put("restore_note", note);
        }
        return out;
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

    /** Records the restore point of a step into {@code out}; returns why there is none, or null. */
    private static String restorePoint(Workspace ws, String runId, int step, Map<String, Object> out) {
        if (GitRestorePoints.toplevel(ws.root()) == null) {
            return "the workspace is not a git working tree: no restore points, rollback_run is not available";
        }
        try {
            out.putAll(GitRestorePoints.record(ws.root(), runId, String.valueOf(step)).toMap());
            return null;
        } catch (GitRestorePoints.GitException e) {
            log.warn("no restore point for run {} step {}: {}", runId, step, e.getMessage());
            return "restore point not recorded: " + e.getMessage();
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
            Map<String, Object> awaiting = run.awaiting;
            int attempt = (int) RunState.num(awaiting.get("attempt"));
            if (step != run.currentStep) {
                RunState.StepState st = run.steps.get(step);
                String waiting = "the run is waiting for step " + run.currentStep + " (attempt " + attempt + ": "
                        + awaiting.get("invoke") + ")";
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
            return decide(run, ws, attempt, awaiting, report, ctx);
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> decide(RunState run, WorkflowStep step, int attempt, Map<String, Object> awaiting,
                                       StepReport report, Progress ctx) {
        Workspace ws = Workspace.open(run.workspace);
        String via = String.valueOf(awaiting.get("via"));
        int pos = run.position(step.step());
        int total = run.totalSteps();
        String who = awaiting.get("plugin") + ":" + awaiting.get("component");
        List<CheckResult> checks = new ArrayList<>();
        String error;
        if (report.success()) {
            List<CheckResult> builtIn = new ArrayList<>(requiredOutputs(run.spec, step, report.outputs()));
            List<Check> toRun = withOutputPaths(step.validation(), report.outputs(), builtIn);
            List<CheckResult> results = runChecks(ws, toRun, "step " + pos + "/" + total + " (" + who + ")", builtIn, ctx);
            checks.addAll(results);
            List<CheckResult> failed = results.stream().filter(CheckResult::failed).toList();
            error = failed.isEmpty() ? null : "validation failed: " + String.join("; ",
                    failed.stream().map(c -> c.label() + ": " + firstLine(c.detail())).toList());
        } else {
            error = report.error() == null || report.error().isBlank() ? "the step reported failure without an error message"
                    : report.error();
            ctx.log("warning", "step " + pos + "/" + total + " (" + who + ") reported failure: " + firstLine(error));
        }

        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "report");
        e.put("at", now());
        e.put("step", step.step());
        e.put("attempt", attempt);
        e.put("via", via);
        e.put("plugin", awaiting.get("plugin"));
        e.put("component", awaiting.get("component"));
        e.put("status", report.status());
        e.put("outputs", report.outputs());
        e.put("error", report.error());
        e.put("duration_ms", report.durationMs());
        e.put("checks", checks.stream().map(CheckResult::toMap).toList());
        e.put("passed", error == null);
        if (error != null) {
            e.put("failure", error);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", run.runId);
        out.put("step", step.step());
        out.put("attempt", attempt);
        out.put("checks", e.get("checks"));

        RunState.StepState st = run.step(step.step());
        if (error == null) {
            int idx = run.spec.steps().indexOf(step);
            if (idx + 1 < run.spec.steps().size()) {
                WorkflowStep next = run.spec.steps().get(idx + 1);
                Map<String, Map<String, Object>> outputs = outputsSoFar(run);
                outputs.put(String.valueOf(step.step()), report.outputs());
                Map<String, Object> restore = new LinkedHashMap<>();
                String note = restorePoint(ws, run.runId, next.step(), restore);
                Map<String, Object> inv = invocation(run.spec, next, 1, "primary", outputs, idx + 2);
                e.put("decision", "next");
                e.put("invoke", inv);
                e.put("restore_point", restore.isEmpty() ? null : restore);
                if (note != null && run.restoreNote == null) {
                    e.put("restore_note", note);
                }
                out.put("decision", "next");
                out.put("message", "step " + pos + "/" + total + " passed validation; invoke step " + (pos + 1) + " next");
                out.put("invoke", inv);
            } else {
                // Last step: the final validation, then the output collection.
                List<CheckResult> fin = runChecks(ws, run.spec.finalValidation(), "final validation", List.of(), ctx);
                e.put("final_validation", fin.stream().map(CheckResult::toMap).toList());
                e.put("decision", "completed");
                Map<String, Object> result = collect(run, st, e, fin);
                e.put("result", result);
                out.put("decision", "completed");
                out.put("message", "success".equals(result.get("status"))
                        ? "workflow complete: every step and the final validation passed"
                        : "every step passed but the final validation failed: "
                        + String.join("; ", fin.stream().filter(CheckResult::failed).map(c -> c.label() + ": " + firstLine(c.detail())).toList()));
                out.put("result", result);
            }
        } else {
            decideFailure(run, step, st, attempt, via, awaiting, error, checks, e, out);
        }
        noteUnverified(checks, e, out);
        append(run.runId, e);
        ctx.log("info", "run " + run.runId + " step " + step.step() + " attempt " + attempt
                + ": " + e.get("decision"));
        return out;
    }

    /**
     * Checks that could not run (a program off the allowlist or not installed) leave the step unverified, never
     * failed: the answer lists them with the one config.yaml line that would let them all run.
     */
    private void noteUnverified(List<CheckResult> checks, Map<String, Object> e, Map<String, Object> out) {
        List<CheckResult> unverified = new ArrayList<>(checks.stream().filter(CheckResult::unverified).toList());
        if (e.get("final_validation") instanceof List<?> fin) {
            for (Object o : fin) {
                if (o instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("unverified"))) {
                    unverified.add(CheckResult.fromMap(m));
                }
            }
        }
        if (unverified.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        java.util.LinkedHashSet<String> programs = new java.util.LinkedHashSet<>();
        for (CheckResult c : unverified) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", c.label());
            m.put("why", firstLine(c.detail()));
            m.put("allow", c.allow());
            list.add(m);
            if (c.allow() != null && c.allow().startsWith("allowed_programs: [") && c.allow().endsWith("]")) {
                for (String prog : c.allow().substring("allowed_programs: [".length(), c.allow().length() - 1).split(", ")) {
                    programs.add(prog);
                }
            }
        }
        out.put("unverified", list);
        String line = programs.isEmpty() ? null : CheckRunner.allowLine(List.of(), programs);
        if (line != null) {
            out.put("allow", line);
        }
        String note = unverified.size() + " check(s) could not run and are unverified ("
                + String.join("; ", unverified.stream().map(CheckResult::label).toList()) + ")"
                + (line != null ? "; to run them, put '" + line + "' " + CheckRunner.allowWhere(settings.configFile()) : "")
                + (unverified.stream().anyMatch(c -> c.allow() != null && c.allow().startsWith("install "))
                ? "; install the programs that are missing" : "");
        out.put("message", out.get("message") == null ? note : out.get("message") + ". " + note);
        e.put("unverified", list);
    }

    private void decideFailure(RunState run, WorkflowStep step, RunState.StepState st, int attempt, String via,
                               Map<String, Object> awaiting, String error, List<CheckResult> checks,
                               Map<String, Object> e, Map<String, Object> out) {
        WorkflowStep.RetryStrategy rs = step.retryStrategy() != null ? step.retryStrategy() : WorkflowStep.RetryStrategy.standard();
        int maxRetries = Math.max(0, Math.min(rs.maxRetries(), MAX_RETRIES));
        boolean refused = checks.stream().anyMatch(c -> c.refused() && !c.unverified());
        String nonRetryable = refused ? "a check was refused" : nonRetryable(rs, error);
        String plugin = String.valueOf(awaiting.get("plugin"));
        long onThis = st.attemptsOn(via) + 1; // this attempt included
        long retriesUsed = onThis - 1;
        Map<String, Object> base = new LinkedHashMap<>(awaiting);
        KnownIssueSource.PluginIssue fix = knownFix(plugin, error, via, st);
        if (fix != null) {
            Map<String, Object> inv = again(base, attempt + 1, via);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("fix", fix.fix());
            f.put("error_pattern", fix.errorPattern());
            f.put("plugin", fix.pluginId());
            f.put("frequency", fix.frequency());
            e.put("decision", "known_fix");
            e.put("fix", f);
            e.put("delay_ms", 0);
            e.put("invoke", inv);
            out.put("decision", "known_fix");
            out.put("message", "this error is a known issue of " + plugin + ": apply the recorded fix, then invoke the step again");
            out.put("fix", f);
            out.put("error", error);
            out.put("invoke", inv);
            return;
        }
        if (nonRetryable == null && retriesUsed < maxRetries) {
            int retryNo = (int) retriesUsed + 1;
            long delay = delayMs(rs, retryNo, (run.runId + "/" + step.step() + "/" + attempt).hashCode());
            Map<String, Object> inv = again(base, attempt + 1, via);
            e.put("decision", "retry");
            e.put("delay_ms", delay);
            e.put("invoke", inv);
            out.put("decision", "retry");
            out.put("message", "attempt " + attempt + " failed; wait " + delay + " ms, then invoke the step again (retry "
                    + retryNo + " of " + maxRetries + ")");
            out.put("delay_ms", delay);
            out.put("retry", retryNo);
            out.put("max_retries", maxRetries);
            out.put("error", error);
            out.put("invoke", inv);
            return;
        }
        // A plan stored before the similarity floor was raised may name a fallback below it: not an alternative.
        boolean fallbackUsable = step.fallback() != null && step.fallback().present() && (step.fallback().similarity() == null
                || step.fallback().similarity() >= dev.metaorch.workflow.Fallbacks.MIN_SIMILARITY);
        if ("primary".equals(via) && fallbackUsable) {
            WorkflowStep.Fallback fb = step.fallback();
            Map<String, Object> inv = new LinkedHashMap<>(base);
            inv.put("attempt", attempt + 1);
            inv.put("via", "fallback");
            inv.put("plugin", fb.plugin());
            inv.put("component", fb.component());
            inv.put("kind", fb.kind());
            inv.put("invoke", fb.invoke());
            inv.put("fallback_for", Map.of("plugin", String.valueOf(awaiting.get("plugin")), "component",
                    String.valueOf(awaiting.get("component"))));
            e.put("decision", "fallback");
            e.put("invoke", inv);
            out.put("decision", "fallback");
            out.put("message", (nonRetryable != null ? "the error is not retryable (" + nonRetryable + ")"
                    : "retries exhausted") + "; invoke the fallback " + fb.plugin() + ":" + fb.component()
                    + " instead, with the same inputs" + (fb.reason() != null ? " (" + fb.reason() + ")" : ""));
            out.put("error", error);
            out.put("invoke", inv);
            return;
        }
        List<Map<String, Object>> tried = new ArrayList<>();
        for (Map<String, Object> a : st.attempts) {
            tried.add(triedEntry(a));
        }
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("attempt", attempt);
        current.put("via", via);
        current.put("plugin", awaiting.get("plugin"));
        current.put("component", awaiting.get("component"));
        current.put("error", firstLine(error));
        current.put("decision", "escalate");
        tried.add(current);
        String why = nonRetryable != null ? "the error is not retryable (" + nonRetryable + ")"
                : "retries exhausted (" + maxRetries + " after the first attempt)";
        String fbNote = step.fallback() == null || !step.fallback().present()
                ? "no fallback component" + (step.fallback() != null && step.fallback().reason() != null
                ? " (" + step.fallback().reason() + ")" : "")
                : !fallbackUsable ? "no fallback component (the plan's " + step.fallback().plugin() + ":" + step.fallback().component()
                + " has similarity " + step.fallback().similarity() + ", below the floor " + dev.metaorch.workflow.Fallbacks.MIN_SIMILARITY
                + ": not the same kind of work)"
                : "the fallback " + step.fallback().plugin() + ":" + step.fallback().component() + " failed too";
        String msg = "Step " + step.step() + " (" + step.purpose() + ") cannot be completed automatically: " + why + "; "
                + fbNote + ". Last error: " + firstLine(error) + ". " + tried.size() + " attempt(s) made. Fix the cause by hand"
                + (run.restoreNote == null ? ", or restore the workspace with rollback_run (run_id " + run.runId + ", step "
                + step.step() + ")" : "") + ", then start a new run.";
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "failure");
        result.put("failed_step", step.step());
        result.put("message", msg);
        result.put("tried", tried);
        e.put("decision", "escalate");
        e.put("message", msg);
        e.put("result", result);
        out.put("decision", "escalate");
        out.put("message", msg);
        out.put("error", error);
        out.put("tried", tried);
    }

    private static Map<String, Object> triedEntry(Map<String, Object> a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", a.get("attempt"));
        m.put("via", a.get("via"));
        m.put("plugin", a.get("plugin"));
        m.put("component", a.get("component"));
        m.put("error", firstLine(String.valueOf(a.getOrDefault("failure", a.get("error")))));
        m.put("decision", a.get("decision"));
        if (a.get("fix") != null) {
            m.put("fix", a.get("fix"));
        }
        return m;
    }

    private static Map<String, Object> again(Map<String, Object> base, int attempt, String via) {
        Map<String, Object> inv = new LinkedHashMap<>(base);
        inv.put("attempt", attempt);
        inv.put("via", via);
        return inv;
    }

    /** Why the error is not worth retrying (the matching pattern), or null. */
    static String nonRetryable(WorkflowStep.RetryStrategy rs, String error) {
        if (rs.nonRetryable() == null || error == null) {
            return null;
        }
        String low = error.toLowerCase(Locale.ROOT);
        for (String p : rs.nonRetryable()) {
            if (p != null && !p.isBlank() && (low.contains(p.toLowerCase(Locale.ROOT)) || ErrorPatterns.matches(p, error))) {
                return "matches '" + p + "'";
            }
        }
        return null;
    }

    private KnownIssueSource.PluginIssue knownFix(String plugin, String error, String via, RunState.StepState st) {
        if (st.fixesApplied.size() >= MAX_KNOWN_FIXES_PER_STEP) {
            return null;
        }
        List<KnownIssueSource.PluginIssue> issues;
        try {
            issues = knownIssues.get().issues(plugin);
        } catch (RuntimeException ex) {
            log.warn("known issues of {} unavailable: {}", plugin, ex.toString());
            return null;
        }
        for (KnownIssueSource.PluginIssue i : issues) {
            if (i.fix() != null && !i.fix().isBlank() && ErrorPatterns.matches(i.errorPattern(), error)
                    && !st.fixesApplied.contains(RunState.fixKey(i.fix(), via))) {
                return i;
            }
        }
        return null;
    }

    /**
     * The wait before retry {@code retryNo} (1-based): exponential from the initial delay (1 s by default),
     * capped at 60 s, with "equal jitter" (a uniform draw in the upper half) so clients retrying together
     * spread out. The draw is seeded by run, step and attempt, so the journal and a replay agree.
     */
    static long delayMs(WorkflowStep.RetryStrategy rs, int retryNo, long seed) {
        long initial = rs.initialDelayMs() > 0 ? rs.initialDelayMs() : 1000;
        double factor = rs.factor() >= 1 ? rs.factor() : 2.0;
        long cap = rs.maxDelayMs() > 0 ? Math.min(rs.maxDelayMs(), MAX_DELAY_MS) : MAX_DELAY_MS;
        double base = Math.min(cap, initial * Math.pow(factor, retryNo - 1));
        if (!rs.jitter()) {
            return Math.round(base);
        }
        double half = base / 2;
        return Math.round(half + new java.util.SplittableRandom(seed).nextDouble() * half);
    }

    /** Built-in checks that the step reported the outputs later steps take as inputs. */
    /**
     * The step's checks with each {@code {output:NAME}} path replaced by the file the step names in that output (one
     * check per file when it names several). A check whose output is missing or not a workspace path is not run; a
     * failed result saying so is added to {@code failures}.
     */
    static List<Check> withOutputPaths(List<Check> checks, Map<String, Object> outputs, List<CheckResult> failures) {
        List<Check> out = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        for (Check c : checks) {
            String path = c instanceof Check.FileExists f ? f.path() : c instanceof Check.RegexInFile r ? r.path() : null;
            if (path == null || !path.startsWith("{output:") || !path.endsWith("}")) {
                out.add(c);
                continue;
            }
            String name = path.substring("{output:".length(), path.length() - 1);
            Object v = outputs == null ? null : outputs.get(name);
            List<String> files = new ArrayList<>();
            if (v instanceof String str && !str.isBlank()) {
                files.add(str);
            } else if (v instanceof List<?> l) {
                l.stream().filter(x -> x instanceof String str && !str.isBlank()).forEach(x -> files.add((String) x));
            }
            if (files.isEmpty()) {
                if (missing.add(name)) {
                    failures.add(CheckResult.fail("output", "output " + name, "not reported: the step must name the file it wrote as output '"
                            + name + "' (a workspace path, or a list of them), so its content can be checked", 0));
                }
                continue;
            }
            for (String file : files) {
                out.add(c instanceof Check.FileExists f ? new Check.FileExists(file, f.reason())
                        : new Check.RegexInFile(file, ((Check.RegexInFile) c).regex(), c.reason()));
            }
        }
        return out;
    }

    private static List<CheckResult> requiredOutputs(WorkflowSpec spec, WorkflowStep step, Map<String, Object> outputs) {
        List<CheckResult> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (WorkflowStep later : spec.steps()) {
            for (Map.Entry<String, Object> in : later.inputs().entrySet()) {
                Ref r = Ref.of(in.getValue());
                if (r != null && r.step == step.step() && seen.add(r.output)) {
                    boolean ok = outputs.get(r.output) != null;
                    String label = "output " + r.output;
                    out.add(ok ? CheckResult.pass("output", label, "reported (step " + later.step() + " takes it as "
                            + in.getKey() + ")", 0)
                            : CheckResult.fail("output", label, "not reported, but step " + later.step() + " takes it as input '"
                            + in.getKey() + "'", 0));
                }
            }
        }
        return out;
    }

    private List<CheckResult> runChecks(Workspace ws, List<Check> checks, String what, List<CheckResult> builtIn, Progress ctx) {
        CheckRunner runner = new CheckRunner(ws, settings.allowedPrograms(), settings.configFile());
        int total = checks.size() + builtIn.size();
        List<CheckResult> results = new ArrayList<>();
        if (total == 0) {
            return results;
        }
        ctx.progress(0, (double) total, what + ": running " + total + " check(s)");
        int i = 0;
        for (CheckResult b : builtIn) {
            results.add(b);
            report(ctx, what, ++i, total, b);
        }
        for (Check c : checks) {
            int done = i;
            String label = c.label();
            // A long command keeps the client informed (and its request alive) with fractional progress.
            runner.onHeartbeat(ms -> ctx.progress(done + Math.min(0.9, ms / 600_000.0), (double) total,
                    what + ": check " + (done + 1) + "/" + total + " " + label + " - still running (" + ms / 1000 + " s)"));
            CheckResult r = runner.run(c);
            results.add(r);
            report(ctx, what, ++i, total, r);
        }
        return results;
    }

    private static void report(Progress ctx, String what, int i, int total, CheckResult r) {
        String msg = what + ": check " + i + "/" + total + " " + r.label() + " - "
                + (r.passed() ? "pass" : r.unverified() ? "UNVERIFIED: " + firstLine(r.detail())
                : r.refused() ? "REFUSED: " + firstLine(r.detail()) : "FAIL: " + firstLine(r.detail()));
        ctx.progress(i, (double) total, msg);
        ctx.log(r.passed() ? "info" : "warning", msg);
    }

    // ---------------------------------------------------------------- inputs and invocations

    /** An input that refers to an earlier step's output. */
    record Ref(int step, String output) {
        static Ref of(Object v) {
            if (v instanceof Map<?, ?> m && m.get("from_step") instanceof Number n && m.get("output") instanceof String o) {
                return new Ref(n.intValue(), o);
            }
            return null;
        }
    }

    private Map<String, Object> invocation(WorkflowSpec spec, WorkflowStep s, int attempt, String via,
                                                  Map<String, Map<String, Object>> outputs, int position) {
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("step", s.step());
        inv.put("position", position);
        inv.put("total_steps", spec.steps().size());
        inv.put("attempt", attempt);
        inv.put("via", via);
        inv.put("plugin", s.plugin());
        inv.put("component", s.component());
        inv.put("kind", s.kind());
        inv.put("invoke", s.invoke());
        inv.put("purpose", s.purpose());
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (Map.Entry<String, Object> in : s.inputs().entrySet()) {
            Ref r = Ref.of(in.getValue());
            if (r == null) {
                inputs.put(in.getKey(), in.getValue());
            } else {
                Map<String, Object> o = outputs.get(String.valueOf(r.step));
                Object v = o == null ? null : o.get(r.output);
                inputs.put(in.getKey(), v);
                if (v == null) {
                    unresolved.add(in.getKey() + " (step " + r.step + " output '" + r.output + "')");
                }
            }
        }
        inv.put("inputs", inputs);
        if (!unresolved.isEmpty()) {
            inv.put("unresolved_inputs", unresolved);
        }
        inv.put("expected_outputs", s.outputs());
        inv.put("checks", s.validation().size());
        inv.put("validation", checksFaced(s.validation()));
        return inv;
    }

    /**
     * Every check a step faces, as the caller should see it before invoking: what it checks, why, and what it needs
     * allowed to run (the config.yaml line), so a check that will be unverified is known in advance.
     */
    List<Map<String, Object>> checksFaced(List<Check> checks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", c.label());
            m.put("reason", c.reason());
            String needs = CheckRunner.needs(c, settings.allowedPrograms());
            m.put("runs_now", needs == null);
            if (needs != null) {
                m.put("needs", needs + " (" + CheckRunner.allowWhere(settings.configFile()) + ")");
            }
            out.add(m);
        }
        return out;
    }

    private static Map<String, Map<String, Object>> outputsSoFar(RunState run) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        run.steps.forEach((n, st) -> {
            if (st.outputs != null) {
                out.put(String.valueOf(n), st.outputs);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- output collection

    @SuppressWarnings("unchecked")
    private static Map<String, Object> collect(RunState run, RunState.StepState last, Map<String, Object> lastEvent,
                                               List<CheckResult> fin) {
        Instant start = Instant.parse(run.startedAt);
        Instant end = Instant.parse((String) lastEvent.get("at"));
        long ms = Duration.between(start, end).toMillis();
        Map<String, Map<String, Object>> stepOutputs = outputsSoFar(run);
        stepOutputs.put(String.valueOf(last.step), (Map<String, Object>) lastEvent.get("outputs"));
        Map<String, Object> merged = new LinkedHashMap<>();
        stepOutputs.values().forEach(merged::putAll);
        Set<String> features = new LinkedHashSet<>();
        long tTotal = 0;
        long tPassed = 0;
        long tFailed = 0;
        boolean reportedTests = false;
        for (Map<String, Object> o : stepOutputs.values()) {
            if (o.get("features") instanceof List<?> l) {
                l.forEach(x -> features.add(String.valueOf(x)));
            }
            if (o.get("test_results") instanceof Map<?, ?> tr) {
                reportedTests = true;
                tTotal += RunState.num(tr.get("total"));
                tPassed += RunState.num(tr.get("passed"));
                tFailed += RunState.num(tr.get("failed"));
            }
        }
        if (features.isEmpty()) {
            run.spec.steps().forEach(s -> {
                if (s.purpose() != null && !s.purpose().isBlank()) {
                    features.add(s.purpose());
                }
            });
        }
        List<Map<String, Object>> allAttempts = new ArrayList<>();
        run.steps.values().forEach(s -> allAttempts.addAll(s.attempts));
        allAttempts.add(lastEvent);
        Map<String, Object> tests = new LinkedHashMap<>();
        if (reportedTests) {
            tests.put("total", tTotal);
            tests.put("passed", tPassed);
            tests.put("failed", tFailed);
            tests.put("source", "reported by the steps");
        } else {
            // Only a test runner's own summary counts tests: the final validation's (the whole suite at the end) when
            // it ran one, else the last attempt of each step. Validation checks are not tests.
            List<String> finalOutputs = fin.stream().filter(c -> "command".equals(c.type())).map(CheckResult::detail).toList();
            TestCounts counts = TestCounts.sum(finalOutputs);
            if (counts == null) {
                List<String> stepOutputsText = new ArrayList<>();
                for (RunState.StepState st : run.steps.values()) {
                    Map<String, Object> lastAttempt = st == last ? lastEvent
                            : st.attempts.isEmpty() ? null : st.attempts.get(st.attempts.size() - 1);
                    if (lastAttempt != null) {
                        for (Object c : (List<Object>) lastAttempt.getOrDefault("checks", List.of())) {
                            if (c instanceof Map<?, ?> m && "command".equals(m.get("type")) && m.get("detail") != null) {
                                stepOutputsText.add(String.valueOf(m.get("detail")));
                            }
                        }
                    }
                }
                counts = TestCounts.sum(stepOutputsText);
            }
            if (counts != null) {
                tests.put("total", counts.total());
                tests.put("passed", counts.passed());
                tests.put("failed", counts.failed());
                tests.put("source", "test runner output (" + counts.runner() + ")");
            } else {
                tests.put("total", null);
                tests.put("passed", null);
                tests.put("failed", null);
                tests.put("source", "none: no step reported test_results and no test runner summary was seen in the checks' output");
            }
        }
        List<String> modifications = new ArrayList<>();
        long failedAttempts = 0;
        for (Map<String, Object> a : allAttempts) {
            String d = String.valueOf(a.get("decision"));
            if ("next".equals(d) || "completed".equals(d)) {
                if ("fallback".equals(a.get("via"))) {
                    modifications.add("step " + a.get("step") + " used the fallback " + a.get("plugin") + ":" + a.get("component"));
                }
            } else {
                failedAttempts++;
                if ("known_fix".equals(d) && a.get("fix") instanceof Map<?, ?> f) {
                    modifications.add("step " + a.get("step") + " applied the known fix: " + f.get("fix"));
                }
            }
        }
        boolean finOk = fin.stream().noneMatch(CheckResult::failed);
        Map<String, Object> learnings = new LinkedHashMap<>();
        learnings.put("pattern_used", run.patternId);
        learnings.put("modifications", modifications);
        learnings.put("success", finOk);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("workflow_id", run.workflowId);
        r.put("run_id", run.runId);
        r.put("status", finOk ? "success" : "failure");
        r.put("execution_time", human(ms));
        r.put("duration_ms", ms);
        r.put("started_at", run.startedAt);
        r.put("completed_at", lastEvent.get("at"));
        r.put("steps_completed", run.spec.steps().size());
        r.put("steps_failed", 0);
        r.put("failed_attempts", failedAttempts);
        r.put("outputs", merged);
        r.put("step_outputs", stepOutputs);
        r.put("features", List.copyOf(features));
        r.put("test_results", tests);
        r.put("final_validation", fin.stream().map(CheckResult::toMap).toList());
        r.put("learnings", learnings);
        return r;
    }

    static String human(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + ((s % 3600) / 60) + "m";
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
            if (st.restorePoint == null || st.restorePoint.get("commit") == null) {
                throw new Refusal("no restore point for step " + target + " of run " + runId + ": "
                        + (run.restoreNote != null ? run.restoreNote : "none was recorded"));
            }
            Workspace ws = Workspace.open(run.workspace);
            String commit = String.valueOf(st.restorePoint.get("commit"));
            ctx.progress(0, 1.0, "restoring " + ws.root() + " to the start of step " + target);
            GitRestorePoints.Restored r;
            try {
                r = GitRestorePoints.restore(ws.root(), runId, commit, "before-rollback-" + (run.rollbacks.size() + 1));
            } catch (GitRestorePoints.GitException ex) {
                throw new Refusal("rollback failed: " + ex.getMessage());
            }
            String before = run.status;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "rollback");
            e.put("at", now());
            e.put("to_step", target);
            e.put("commit", commit);
            e.put("ref", st.restorePoint.get("ref"));
            e.put("saved_ref", r.savedRef());
            e.put("removed", r.removed());
            e.put("changed_files", r.restoredFiles());
            append(runId, e);
            ctx.progress(1, 1.0, "workspace restored to the start of step " + target);
            ctx.log("info", "run " + runId + ": workspace restored to the start of step " + target + " (" + r.removed().size()
                    + " file(s) removed, " + r.restoredFiles() + " restored)");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("run_id", runId);
            out.put("restored_to_step", target);
            out.put("commit", commit);
            out.put("removed", r.removed());
            out.put("restored_files", r.restoredFiles());
            out.put("saved_ref", r.savedRef());
            out.put("run_status", RunState.RUNNING.equals(before) ? RunState.ROLLED_BACK : before);
            out.put("message", "the workspace is back at the start of step " + target
                    + (RunState.RUNNING.equals(before) ? "; the run is closed (start a new run to go again)" : "")
                    + "; the state before the rollback is kept as " + r.savedRef());
            return out;
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
                out.add(summary(load(id), id));
            } catch (RuntimeException e) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("run_id", id);
                m.put("status", RunState.DAMAGED);
                m.put("warnings", List.of(String.valueOf(e.getMessage())));
                out.add(m);
            }
        }
        out.sort((a, b) -> String.valueOf(b.get("started_at")).compareTo(String.valueOf(a.get("started_at"))));
        return out;
    }

    private static Map<String, Object> summary(RunState r, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId != null ? r.runId : id);
        m.put("workflow_id", r.workflowId);
        m.put("task", r.task);
        m.put("status", r.status);
        m.put("workspace", r.workspace);
        m.put("total_steps", r.totalSteps());
        m.put("steps_succeeded", r.steps.values().stream().filter(s -> "succeeded".equals(s.status)).count());
        m.put("current_step", r.currentStep == 0 ? null : r.currentStep);
        m.put("started_at", r.startedAt);
        m.put("updated_at", r.updatedAt);
        m.put("completed_at", r.completedAt);
        if (!r.warnings.isEmpty()) {
            m.put("warnings", r.warnings);
        }
        return m;
    }

    /** One run in full: steps, attempts, decisions, timings, what it waits for, its result. */
    public Map<String, Object> status(String runId) {
        Ids.check("run_id", runId);
        RunState r = load(runId);
        Map<String, Object> m = summary(r, runId);
        m.put("awaiting", r.awaiting);
        if (r.restoreNote != null) {
            m.put("restore_note", r.restoreNote);
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        if (r.spec != null) {
            for (WorkflowStep s : r.spec.steps()) {
                RunState.StepState st = r.steps.get(s.step());
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("step", s.step());
                sm.put("plugin", s.plugin());
                sm.put("component", s.component());
                sm.put("purpose", s.purpose());
                sm.put("status", st == null ? "pending" : st.status);
                if (st != null) {
                    sm.put("started_at", st.startedAt);
                    sm.put("finished_at", st.finishedAt);
                    sm.put("reported_ms", st.reportedMs());
                    sm.put("restore_point", st.restorePoint);
                    List<Map<String, Object>> attempts = new ArrayList<>();
                    for (Map<String, Object> a : st.attempts) {
                        Map<String, Object> am = new LinkedHashMap<>();
                        for (String k : List.of("attempt", "via", "plugin", "component", "at", "status", "duration_ms",
                                "passed", "failure", "decision", "delay_ms", "fix", "message", "checks", "outputs")) {
                            if (a.get(k) != null) {
                                am.put(k, a.get(k));
                            }
                        }
                        attempts.add(am);
                    }
                    sm.put("attempts", attempts);
                }
                steps.add(sm);
            }
        }
        m.put("steps", steps);
        m.put("result", r.result);
        m.put("rollbacks", r.rollbacks);
        m.put("journal", journal(runId).toString());
        m.put("events", r.events);
        return m;
    }

    /**
     * A finished run as the learner sees it (record_outcome reads this). A run still going has no outcome yet.
     * Its steps are the plan's steps, so the run counts for the pattern of the sequence it was planned as,
     * however it went. A step that ran a fallback gives two results: the planned component's, a failure with
     * its error, then the fallback's; the learner counts the fallback's outcome for the planned step (and each
     * plugin's own metrics get their own result). A run whose workspace was rolled back (before or after it
     * finished) is a failure: what it did was undone.
     */
    @SuppressWarnings("unchecked")
    public Outcome outcome(String runId) {
        Ids.check("run_id", runId);
        RunState r = load(runId);
        boolean rolledBack = RunState.ROLLED_BACK.equals(r.status) || !r.rollbacks.isEmpty();
        if (RunState.RUNNING.equals(r.status) || RunState.DAMAGED.equals(r.status) || (r.result == null && !rolledBack)) {
            throw new Refusal("run " + runId + " is " + r.status.replace('_', ' ')
                    + "; only a completed, escalated or rolled-back run has an outcome to record");
        }
        List<Outcome.StepResult> steps = new ArrayList<>();
        for (RunState.StepState st : r.steps.values()) {
            if (st.attempts.isEmpty()) {
                continue;
            }
            WorkflowStep planned = r.spec == null ? null
                    : r.spec.steps().stream().filter(w -> w.step() == st.step).findFirst().orElse(null);
            Map<String, Object> first = st.attempts.get(0);
            String plugin = planned != null && planned.plugin() != null ? planned.plugin() : stringOrNull(first.get("plugin"));
            String component = planned != null && planned.plugin() != null ? planned.component() : stringOrNull(first.get("component"));
            boolean ok = "succeeded".equals(st.status);
            String fix = null;
            for (Map<String, Object> a : st.attempts) {
                if (a.get("fix") instanceof Map<?, ?> f) {
                    fix = String.valueOf(f.get("fix"));
                }
            }
            // The error of each path (planned component, fallback) is the caller's own text when it gave one (the
            // server's check text is what the run saw, not what went wrong); the failed check goes beside it.
            // [0] error, [1] failed checks, [2] set when [0] is the caller's text
            String[] primary = new String[3];
            String[] viaFb = new String[3];
            Map<String, Object> fallback = null;
            for (Map<String, Object> a : st.attempts) {
                boolean viaFallback = "fallback".equals(a.get("via"));
                if (viaFallback) {
                    fallback = a;
                }
                if (a.get("failure") != null) {
                    String[] into = viaFallback ? viaFb : primary;
                    Object callerError = a.get("error");
                    boolean fromCaller = callerError instanceof String ce && !ce.isBlank();
                    String failedChecks = failedChecks(a.get("checks"));
                    if (fromCaller) {
                        into[0] = (String) callerError;
                        into[2] = "caller";
                    } else if (into[2] == null) {
                        into[0] = String.valueOf(a.get("failure"));
                    }
                    if (failedChecks != null) {
                        into[1] = failedChecks;
                    }
                }
            }
            // A missing value stays null: the text "null" would become part of the pattern's sequence identity.
            if (fallback == null) {
                steps.add(new Outcome.StepResult(st.step, plugin, component, ok ? "success" : "failure", st.reportedMs(),
                        primary[0], ok ? fix : null, primary[1]));
            } else {
                steps.add(new Outcome.StepResult(st.step, plugin, component, "failure", 0, primary[0], null, primary[1]));
                steps.add(new Outcome.StepResult(st.step, stringOrNull(fallback.get("plugin")), stringOrNull(fallback.get("component")),
                        ok ? "success" : "failure", st.reportedMs(), viaFb[0], ok ? fix : null, viaFb[1]));
            }
        }
        String end = r.completedAt != null ? r.completedAt : r.updatedAt;
        long ms = end != null ? Duration.between(Instant.parse(r.startedAt), Instant.parse(end)).toMillis() : 0;
        String status = !rolledBack && "success".equals(r.result.get("status")) ? "success" : "failure";
        return new Outcome(r.runId, r.patternId, r.workflowId, r.task, status, ms, r.startedAt, r.completedAt, steps);
    }

    /** The failed checks of one attempt as "label: first line of what was seen"; null when none failed. */
    private static String failedChecks(Object checks) {
        if (!(checks instanceof List<?> l)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (o instanceof Map<?, ?> m && !Boolean.TRUE.equals(m.get("passed"))) {
                CheckResult c = CheckResult.fromMap(m);
                out.add(c.label() + ": " + firstLine(c.detail()));
            }
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }

    private static String stringOrNull(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    public Optional<Path> workspaceOf(String runId) {
        RunState r = load(runId);
        return Optional.ofNullable(r.workspace).map(Path::of);
    }

    // ---------------------------------------------------------------- journal writes and locks

    private void append(String runId, Map<String, Object> event) {
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
