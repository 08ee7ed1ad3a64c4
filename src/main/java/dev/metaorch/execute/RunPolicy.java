package dev.metaorch.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.metaorch.learn.ErrorPatterns;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.Fallbacks;
import dev.metaorch.workflow.WorkflowStep;

/**
 * The decision policy: given a run as its journal has it and the report of the attempt it waits on, what comes
 * next. Pure: no files, no processes, no clock; the checks' results, the final validation's, the plugin's known
 * issues and the time come in as arguments, so every decision can be tested on its own.
 * <ul>
 * <li>the step passed: {@link Decision.Next} with the next step's invocation, or {@link Decision.Completed} after the
 * last one;</li>
 * <li>it failed: a {@link Decision.KnownFix} when the plugin's recorded issues have an unused fix for the error, else a
 * {@link Decision.Retry} with backoff while the component's retries last and the error is retryable, else the
 * step's {@link Decision.Fallback} (once, from the primary component), else {@link Decision.Escalate}.</li>
 * </ul>
 */
final class RunPolicy {

    static final int MAX_KNOWN_FIXES_PER_STEP = 3;
    static final int MAX_RETRIES = 3;
    static final long MAX_DELAY_MS = 60_000;

    private final Invocations invocations;

    RunPolicy(Invocations invocations) {
        this.invocations = invocations;
    }

    /** Whether {@code step} is the run's last: its success needs the final validation's results to decide on. */
    static boolean isLast(RunState run, WorkflowStep step) {
        List<WorkflowStep> steps = run.spec.steps();
        return steps.indexOf(step) + 1 >= steps.size();
    }

    /** Whether a failure of this step may still be met with a known fix (the plugin's issues are worth fetching). */
    static boolean mayApplyKnownFix(RunState.StepState st) {
        return st.fixesApplied.size() < MAX_KNOWN_FIXES_PER_STEP;
    }

    /**
     * Decides on {@code report}, the attempt the run waits on for {@code step}.
     *
     * @param finalValidation the final validation's results when the last step passed (see {@link #isLast}); else unused
     * @param knownIssues     the recorded issues of the plugin that failed; empty when none or not fetched
     */
    Decision decide(RunState run, WorkflowStep step, JournalEvent.Reported report, List<CheckResult> finalValidation,
                    List<KnownIssueSource.PluginIssue> knownIssues) {
        if (report.passed()) {
            return passed(run, step, report, finalValidation);
        }
        return failed(run, step, report, knownIssues);
    }

    private Decision passed(RunState run, WorkflowStep step, JournalEvent.Reported report, List<CheckResult> fin) {
        List<WorkflowStep> steps = run.spec.steps();
        int idx = steps.indexOf(step);
        if (idx + 1 < steps.size()) {
            WorkflowStep next = steps.get(idx + 1);
            Map<String, Map<String, Object>> outputs = run.outputsSoFar();
            outputs.put(String.valueOf(step.step()), report.outputs());
            return new Decision.Next(invocations.of(run.spec, next, 1, "primary", outputs, idx + 2), null, null);
        }
        if (fin == null) {
            throw new IllegalArgumentException("the last step of run " + run.runId + " passed: the final validation decides");
        }
        return new Decision.Completed(fin, RunResults.collect(run, report, fin));
    }

    private Decision failed(RunState run, WorkflowStep step, JournalEvent.Reported report,
                            List<KnownIssueSource.PluginIssue> knownIssues) {
        RunState.StepState st = run.steps.get(step.step());
        List<JournalEvent.Reported> earlier = st == null ? List.of() : st.attempts;
        List<String> fixesApplied = st == null ? List.of() : st.fixesApplied;
        String error = report.failure();
        String via = report.via();
        int attempt = report.attempt();
        Invocation base = run.awaiting;
        WorkflowStep.RetryStrategy rs = step.retryStrategy() != null ? step.retryStrategy() : WorkflowStep.RetryStrategy.standard();
        int maxRetries = Math.max(0, Math.min(rs.maxRetries(), MAX_RETRIES));
        boolean refused = report.checks().stream().anyMatch(c -> c.refused() && !c.unverified());
        String nonRetryable = refused ? "a check was refused" : nonRetryable(rs, error);
        long retriesUsed = earlier.stream().filter(a -> via.equals(a.via())).count();

        KnownIssueSource.PluginIssue fix = fixesApplied.size() >= MAX_KNOWN_FIXES_PER_STEP ? null
                : knownFix(knownIssues, error, via, fixesApplied);
        if (fix != null) {
            return new Decision.KnownFix(Decision.Fix.of(fix), base.again(attempt + 1, via));
        }
        if (nonRetryable == null && retriesUsed < maxRetries) {
            int retryNo = (int) retriesUsed + 1;
            long delay = delayMs(rs, retryNo, (run.runId + "/" + step.step() + "/" + attempt).hashCode());
            return new Decision.Retry(delay, base.again(attempt + 1, via), retryNo, maxRetries);
        }
        boolean fallbackUsable = fallbackUsable(step);
        if ("primary".equals(via) && fallbackUsable) {
            return new Decision.Fallback(base.fallback(attempt + 1, step.fallback()),
                    nonRetryable != null ? "the error is not retryable (" + nonRetryable + ")" : "retries exhausted");
        }
        List<Map<String, Object>> tried = new ArrayList<>();
        for (JournalEvent.Reported a : earlier) {
            tried.add(triedEntry(a));
        }
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("attempt", attempt);
        current.put("via", via);
        current.put("plugin", base.plugin());
        current.put("component", base.component());
        current.put("error", Texts.firstLine(error));
        current.put("decision", "escalate");
        tried.add(current);
        String why = nonRetryable != null ? "the error is not retryable (" + nonRetryable + ")"
                : "retries exhausted (" + maxRetries + " after the first attempt)";
        String fbNote = step.fallback() == null || !step.fallback().present()
                ? "no fallback component" + (step.fallback() != null && step.fallback().reason() != null
                ? " (" + step.fallback().reason() + ")" : "")
                : !fallbackUsable ? "no fallback component (the plan's " + step.fallback().plugin() + ":" + step.fallback().component()
                + " has similarity " + step.fallback().similarity() + ", below the floor " + Fallbacks.MIN_SIMILARITY
                + ": not the same kind of work)"
                : "the fallback " + step.fallback().plugin() + ":" + step.fallback().component() + " failed too";
        String msg = "Step " + step.step() + " (" + step.purpose() + ") cannot be completed automatically: " + why + "; "
                + fbNote + ". Last error: " + Texts.firstLine(error) + ". " + tried.size() + " attempt(s) made. Fix the cause by hand"
                + (run.restoreNote == null ? ", or restore the workspace with rollback_run (run_id " + run.runId + ", step "
                + step.step() + ")" : "") + ", then start a new run.";
        return new Decision.Escalate(step.step(), msg, tried);
    }

    /** A plan stored before the similarity floor was raised may name a fallback below it: not an alternative. */
    static boolean fallbackUsable(WorkflowStep step) {
        return step.fallback() != null && step.fallback().present() && (step.fallback().similarity() == null
                || step.fallback().similarity() >= Fallbacks.MIN_SIMILARITY);
    }

    private static Map<String, Object> triedEntry(JournalEvent.Reported a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", a.attempt());
        m.put("via", a.via());
        m.put("plugin", a.plugin());
        m.put("component", a.component());
        m.put("error", Texts.firstLine(String.valueOf(a.failure() != null ? a.failure() : a.error())));
        m.put("decision", a.decisionName());
        if (a.fix() != null) {
            m.put("fix", a.fix().toMap());
        }
        return m;
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

    /** The first recorded issue with a fix that matches the error and was not applied on this path yet, or null. */
    private static KnownIssueSource.PluginIssue knownFix(List<KnownIssueSource.PluginIssue> issues, String error, String via,
                                                         List<String> fixesApplied) {
        for (KnownIssueSource.PluginIssue i : issues) {
            if (i.fix() != null && !i.fix().isBlank() && ErrorPatterns.matches(i.errorPattern(), error)
                    && !fixesApplied.contains(RunState.fixKey(i.fix(), via))) {
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
}
