package dev.metaorch.execute;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.learn.Outcome;
import dev.metaorch.util.Refusal;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.WorkflowStep;

/**
 * What the run tools show: the answers of start_run, execute_step and rollback_run, the brief listing, one run in full
 * (run_status), and a finished run's outcome for the learner.
 */
final class RunViews {

    /** The fields of an attempt run_status shows, in order. */
    private static final List<String> ATTEMPT_FIELDS = List.of("attempt", "via", "plugin", "component", "at", "status",
            "duration_ms", "passed", "failure", "decision", "delay_ms", "fix", "message", "checks", "outputs");

    private RunViews() {
    }

    /** One run in brief. */
    static Map<String, Object> summary(RunState r, String id) {
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

    /** A run whose journal could not be read at all, in the listing. */
    static Map<String, Object> unreadable(String id, RuntimeException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", id);
        m.put("status", RunState.DAMAGED);
        m.put("warnings", List.of(String.valueOf(e.getMessage())));
        return m;
    }

    /** Newest first. */
    static void sortNewestFirst(List<Map<String, Object>> runs) {
        runs.sort((a, b) -> String.valueOf(b.get("started_at")).compareTo(String.valueOf(a.get("started_at"))));
    }

    /** One run in full: steps, attempts, decisions, timings, what it waits for, its result. */
    static Map<String, Object> status(RunState r, String runId, Path journal) {
        Map<String, Object> m = summary(r, runId);
        m.put("awaiting", r.awaiting == null ? null : r.awaiting.fields());
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
                    sm.put("restore_point", st.restorePoint == null ? null : st.restorePoint.toMap());
                    List<Map<String, Object>> attempts = new ArrayList<>();
                    for (JournalEvent.Reported a : st.attempts) {
                        Map<String, Object> line = a.toMap();
                        Map<String, Object> am = new LinkedHashMap<>();
                        for (String k : ATTEMPT_FIELDS) {
                            if (line.get(k) != null) {
                                am.put(k, line.get(k));
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
        m.put("rollbacks", r.rollbacks.stream().map(JournalEvent.RolledBack::toMap).toList());
        m.put("journal", journal.toString());
        m.put("events", r.events);
        return m;
    }

    /** start_run's answer: the run, its first invocation and restore point. */
    static Map<String, Object> started(JournalEvent.RunStarted e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", e.runId());
        out.put("workflow_id", e.workflowId());
        out.put("workspace", e.workspace());
        out.put("total_steps", e.totalSteps());
        out.put("decision", "next");
        out.put("invoke", e.invoke().fields());
        out.put("restore_point", e.restorePoint() == null ? null : e.restorePoint().toMap());
        if (e.restoreNote() != null) {
            out.put("restore_note", e.restoreNote());
        }
        return out;
    }

    /** execute_step's answer: the decision with what the client needs to act on it. */
    static Map<String, Object> decided(RunState run, WorkflowStep step, int pos, JournalEvent.Reported attempt,
                                              StepChecks.Unverified unverified) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", run.runId);
        out.put("step", step.step());
        out.put("attempt", attempt.attempt());
        out.put("checks", attempt.checks().stream().map(CheckResult::toMap).toList());
        Decision d = attempt.decision();
        out.put("decision", d.name());
        String error = attempt.failure();
        if (d instanceof Decision.Next next) {
            out.put("message", "step " + pos + "/" + run.totalSteps() + " passed validation; invoke step " + (pos + 1) + " next");
            out.put("invoke", next.invoke().fields());
        } else if (d instanceof Decision.Completed done) {
            out.put("message", done.success()
                    ? "workflow complete: every step and the final validation passed"
                    : "every step passed but the final validation failed: " + String.join("; ", done.finalValidation().stream()
                    .filter(CheckResult::failed).map(c -> c.label() + ": " + Texts.firstLine(c.detail())).toList()));
            out.put("result", done.result());
        } else if (d instanceof Decision.KnownFix fix) {
            out.put("message", "this error is a known issue of " + attempt.plugin()
                    + ": apply the recorded fix, then invoke the step again");
            out.put("fix", fix.fix().toMap());
            out.put("error", error);
            out.put("invoke", fix.invoke().fields());
        } else if (d instanceof Decision.Retry retry) {
            out.put("message", "attempt " + attempt.attempt() + " failed; wait " + retry.delayMs()
                    + " ms, then invoke the step again (retry " + retry.retry() + " of " + retry.maxRetries() + ")");
            out.put("delay_ms", retry.delayMs());
            out.put("retry", retry.retry());
            out.put("max_retries", retry.maxRetries());
            out.put("error", error);
            out.put("invoke", retry.invoke().fields());
        } else if (d instanceof Decision.Fallback fb) {
            WorkflowStep.Fallback alt = step.fallback();
            out.put("message", fb.because() + "; invoke the fallback " + alt.plugin() + ":" + alt.component()
                    + " instead, with the same inputs" + (alt.reason() != null ? " (" + alt.reason() + ")" : ""));
            out.put("error", error);
            out.put("invoke", fb.invoke().fields());
        } else if (d instanceof Decision.Escalate esc) {
            out.put("message", esc.message());
            out.put("error", error);
            out.put("tried", esc.tried());
        }
        if (unverified != null) {
            out.put("unverified", unverified.checks().stream().map(JournalEvent.Unverified::toMap).toList());
            if (unverified.allowLine() != null) {
                out.put("allow", unverified.allowLine());
            }
            out.put("message", out.get("message") == null ? unverified.note() : out.get("message") + ". " + unverified.note());
        }
        return out;
    }

    /** rollback_run's answer; {@code before} is the run's status before the rollback. */
    static Map<String, Object> rolledBack(String runId, int target, GitRestorePoints.Restored r, String before) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", runId);
        out.put("restored_to_step", target);
        out.put("commit", r.commit());
        out.put("removed", r.removed());
        out.put("restored_files", r.restoredFiles());
        out.put("saved_ref", r.savedRef());
        out.put("run_status", RunState.RUNNING.equals(before) ? RunState.ROLLED_BACK : before);
        out.put("message", "the workspace is back at the start of step " + target
                + (RunState.RUNNING.equals(before) ? "; the run is closed (start a new run to go again)" : "")
                + "; the state before the rollback is kept as " + r.savedRef());
        return out;
    }

    /**
     * A finished run as the learner sees it (record_outcome reads this). A run still going has no outcome yet.
     * Its steps are the plan's steps, so the run counts for the pattern of the sequence it was planned as,
     * however it went. A step that ran a fallback gives two results: the planned component's, a failure with
     * its error, then the fallback's; the learner counts the fallback's outcome for the planned step (and each
     * plugin's own metrics get their own result). A run whose workspace was rolled back (before or after it
     * finished) is a failure: what it did was undone.
     */
    static Outcome outcome(RunState r, String runId) {
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
            JournalEvent.Reported first = st.attempts.get(0);
            String plugin = planned != null && planned.plugin() != null ? planned.plugin() : first.plugin();
            String component = planned != null && planned.plugin() != null ? planned.component() : first.component();
            boolean ok = "succeeded".equals(st.status);
            String fix = null;
            for (JournalEvent.Reported a : st.attempts) {
                if (a.fix() != null) {
                    fix = String.valueOf(a.fix().fix());
                }
            }
            // The error of each path (planned component, fallback) is the caller's own text when it gave one (the
            // server's check text is what the run saw, not what went wrong); the failed check goes beside it.
            PathError primary = new PathError();
            PathError viaFb = new PathError();
            JournalEvent.Reported fallback = null;
            for (JournalEvent.Reported a : st.attempts) {
                boolean viaFallback = "fallback".equals(a.via());
                if (viaFallback) {
                    fallback = a;
                }
                if (a.failure() != null) {
                    (viaFallback ? viaFb : primary).add(a);
                }
            }
            // A missing value stays null: the text "null" would become part of the pattern's sequence identity.
            if (fallback == null) {
                steps.add(new Outcome.StepResult(st.step, plugin, component, ok ? "success" : "failure", st.reportedMs(),
                        primary.error, ok ? fix : null, primary.failedChecks));
            } else {
                steps.add(new Outcome.StepResult(st.step, plugin, component, "failure", 0, primary.error, null, primary.failedChecks));
                steps.add(new Outcome.StepResult(st.step, fallback.plugin(), fallback.component(),
                        ok ? "success" : "failure", st.reportedMs(), viaFb.error, ok ? fix : null, viaFb.failedChecks));
            }
        }
        String end = r.completedAt != null ? r.completedAt : r.updatedAt;
        long ms = end != null ? Duration.between(Instant.parse(r.startedAt), Instant.parse(end)).toMillis() : 0;
        String status = !rolledBack && "success".equals(r.result.get("status")) ? "success" : "failure";
        return new Outcome(r.runId, r.patternId, r.workflowId, r.task, status, ms, r.startedAt, r.completedAt, steps);
    }

    /** The error of one path of a step (planned component or fallback) over its failed attempts. */
    private static final class PathError {
        String error;
        String failedChecks;
        boolean fromCaller;

        void add(JournalEvent.Reported a) {
            String callerError = a.error();
            if (callerError != null && !callerError.isBlank()) {
                error = callerError;
                fromCaller = true;
            } else if (!fromCaller) {
                error = a.failure();
            }
            String failed = failedChecks(a.checks());
            if (failed != null) {
                failedChecks = failed;
            }
        }
    }

    /** The failed checks of one attempt as "label: first line of what was seen"; null when none failed. */
    private static String failedChecks(List<CheckResult> checks) {
        List<String> out = new ArrayList<>();
        for (CheckResult c : checks) {
            if (!c.passed()) {
                out.add(c.label() + ": " + Texts.firstLine(c.detail()));
            }
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }
}
