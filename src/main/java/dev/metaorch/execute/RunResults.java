package dev.metaorch.execute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Result collection: what a completed run produced (outputs, features, test counts, timings, what was changed on
 * the way), from the journal's attempts and the final validation. Pure.
 */
final class RunResults {

    private RunResults() {
    }

    /** The result of a run whose last step passed on {@code last} (not in the run's journal yet). */
    static Map<String, Object> collect(RunState run, JournalEvent.Reported last, List<CheckResult> fin) {
        Instant start = Instant.parse(run.startedAt);
        Instant end = Instant.parse(last.at());
        long ms = Duration.between(start, end).toMillis();
        Map<String, Map<String, Object>> stepOutputs = run.outputsSoFar();
        stepOutputs.put(String.valueOf(last.step()), last.outputs());
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
                    JournalEvent.Reported lastAttempt = st.step == last.step() ? last
                            : st.attempts.isEmpty() ? null : st.attempts.get(st.attempts.size() - 1);
                    if (lastAttempt != null) {
                        for (CheckResult c : lastAttempt.checks()) {
                            if ("command".equals(c.type()) && c.detail() != null) {
                                stepOutputsText.add(c.detail());
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
        List<JournalEvent.Reported> allAttempts = new ArrayList<>();
        run.steps.values().forEach(s -> allAttempts.addAll(s.attempts));
        for (JournalEvent.Reported a : allAttempts) {
            Decision d = a.decision();
            if (d instanceof Decision.Next || d instanceof Decision.Completed) {
                if ("fallback".equals(a.via())) {
                    modifications.add("step " + a.step() + " used the fallback " + a.plugin() + ":" + a.component());
                }
            } else {
                failedAttempts++;
                if (d instanceof Decision.KnownFix k && k.fix() != null) {
                    modifications.add("step " + a.step() + " applied the known fix: " + k.fix().fix());
                }
            }
        }
        // The last attempt passed: it counts as the step's success.
        if ("fallback".equals(last.via())) {
            modifications.add("step " + last.step() + " used the fallback " + last.plugin() + ":" + last.component());
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
        r.put("completed_at", last.at());
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
}
