package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import org.junit.jupiter.api.Test;

/**
 * The decision policy on its own: runs held in memory as typed journal events, reports built by hand, no files,
 * no processes. Each decision kind, and the limits between them.
 */
class RunPolicyTest {

    static final String T0 = "2026-12-01T10:00:00Z";
    final Invocations invocations = new Invocations(List.of("sh"), Path.of("config.yaml"));
    final RunPolicy policy = new RunPolicy(invocations);
    final List<JournalEvent> journal = new ArrayList<>();
    int clock;

    static final KnownIssueSource.PluginIssue JOSE = new KnownIssueSource.PluginIssue("jwt-auth@demo",
            "ModuleNotFoundError: No module named 'jose'", "pip install python-jose", 4);

    /** A run of {@code spec} just started, waiting for its first step. */
    void start(WorkflowSpec spec) {
        WorkflowStep first = spec.steps().get(0);
        journal.add(new JournalEvent.RunStarted(T0, "run-1", spec.workflowId(), spec.task(), spec.patternId(), "/work/project",
                spec.steps().size(), spec, null, null, invocations.of(spec, first, 1, "primary", Map.of(), 1)));
    }

    RunState run() {
        return RunState.of(journal);
    }

    String at() {
        return "2026-12-01T10:0" + (++clock) + ":00Z";
    }

    /** Decides on a report of the attempt the run waits on and, like the run store, journals it. */
    Decision report(StepReport r, List<CheckResult> checks, List<CheckResult> fin, List<KnownIssueSource.PluginIssue> issues) {
        RunState run = run();
        WorkflowStep step = run.spec.step(run.currentStep);
        String failure = !r.success() ? r.error()
                : checks.stream().anyMatch(CheckResult::failed) ? "validation failed: " + checks.get(0).label() : null;
        JournalEvent.Reported attempt = JournalEvent.Reported.of(at(), step.step(), run.awaiting, r, checks, failure);
        Decision d = policy.decide(run, step, attempt, fin, issues);
        journal.add(attempt.decided(d));
        return d;
    }

    Decision fail(String error) {
        return report(new StepReport("failure", Map.of(), error, 10, null), List.of(), null, List.of());
    }

    Decision fail(String error, List<KnownIssueSource.PluginIssue> issues) {
        return report(new StepReport("failure", Map.of(), error, 10, null), List.of(), null, issues);
    }

    Decision pass(Map<String, Object> outputs) {
        return report(new StepReport("success", outputs, null, 1000, null), List.of(), null, List.of());
    }

    @Test
    void aPassedStepLeadsToTheNextWithItsInputsResolved() {
        start(Specs.threeSteps("api-jwt"));
        Decision.Next next = assertInstanceOf(Decision.Next.class, pass(Map.of("project_path", "./app")));
        Map<String, Object> inv = next.invoke().fields();
        assertEquals(2, next.invoke().step());
        assertEquals(1, next.invoke().attempt());
        assertEquals("primary", next.invoke().via());
        assertEquals(2, inv.get("position"));
        assertEquals(Map.of("project_path", "./app", "auth_type", "JWT"), inv.get("inputs"));
        assertNull(inv.get("unresolved_inputs"));
        assertNull(next.restorePoint(), "the policy takes no restore point: the run store does");
        assertEquals(2, run().currentStep);

        // Step 2 passes: step 3 takes step 1's output, kept from the journal.
        Decision.Next third = assertInstanceOf(Decision.Next.class, pass(Map.of()));
        assertEquals(Map.of("project_path", "./app"), third.invoke().fields().get("inputs"));
    }

    @Test
    void anOutputNobodyReportedIsNamedAsUnresolved() {
        start(Specs.threeSteps("api-jwt"));
        Decision.Next next = assertInstanceOf(Decision.Next.class, pass(Map.of("other", "x")));
        assertEquals(List.of("project_path (step 1 output 'project_path')"), next.invoke().fields().get("unresolved_inputs"));
    }

    @Test
    void theLastStepCompletesWithTheResultsCollected() {
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        assertInstanceOf(Decision.Retry.class, fail("timeout"));
        assertInstanceOf(Decision.Fallback.class, fail("timeout"));
        pass(Map.of("auth_routes", List.of("POST /login")));
        List<CheckResult> fin = List.of(CheckResult.pass("file_exists", "file exists: app", "folder app exists", 1));
        Decision d = report(new StepReport("success", Map.of("test_results", Map.of("total", 5, "passed", 5, "failed", 0)), null,
                100, null), List.of(), fin, List.of());
        Decision.Completed done = assertInstanceOf(Decision.Completed.class, d);
        assertTrue(done.success());
        assertEquals(fin, done.finalValidation());
        Map<String, Object> r = done.result();
        assertEquals("success", r.get("status"));
        assertEquals(2L, r.get("failed_attempts"));
        assertEquals(3, r.get("steps_completed"));
        assertEquals("5m 0s", r.get("execution_time"), "from the run's start to the last report");
        assertEquals(5L, ((Map<?, ?>) r.get("test_results")).get("passed"));
        assertEquals(List.of("step 2 used the fallback oauth2@demo:oauth2-integrator"),
                ((Map<?, ?>) r.get("learnings")).get("modifications"));
        assertEquals("completed", run().status);
    }

    @Test
    void aFailedFinalValidationCompletesAsAFailureAndTheLastStepNeedsIt() {
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        pass(Map.of());
        RunState before = run();
        WorkflowStep last = before.spec.step(3);
        assertTrue(RunPolicy.isLast(before, last));
        assertFalse(RunPolicy.isLast(before, before.spec.step(2)));
        JournalEvent.Reported attempt = JournalEvent.Reported.of(at(), 3, before.awaiting,
                new StepReport("success", Map.of(), null, 1, null), List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> policy.decide(before, last, attempt, null, List.of()));

        Decision.Completed done = assertInstanceOf(Decision.Completed.class, policy.decide(before, last, attempt,
                List.of(CheckResult.fail("file_exists", "file exists: app", "no such folder", 1)), List.of()));
        assertFalse(done.success());
        assertEquals("failure", done.result().get("status"));
        assertEquals(Map.of("pattern_used", "fastapi-jwt", "modifications", List.of(), "success", false),
                done.result().get("learnings"));
    }

    @Test
    void aRetryableFailureIsRetriedWithBackoffUntilTheRetriesAreSpent() {
        start(Specs.threeSteps("api-jwt"));
        List<Long> delays = new ArrayList<>();
        for (int retry = 1; retry <= 3; retry++) {
            Decision.Retry r = assertInstanceOf(Decision.Retry.class, fail("timeout"));
            assertEquals(retry, r.retry());
            assertEquals(3, r.maxRetries());
            assertEquals(retry + 1, r.invoke().attempt());
            assertEquals("primary", r.invoke().via());
            long base = 1000L << (retry - 1);
            assertTrue(r.delayMs() >= base / 2 && r.delayMs() <= base, "retry " + retry + " waits in the upper half of " + base
                    + " ms: " + r.delayMs());
            delays.add(r.delayMs());
        }
        // Step 1 has no fallback: the fourth failure escalates.
        Decision.Escalate e = assertInstanceOf(Decision.Escalate.class, fail("timeout"));
        assertEquals(1, e.failedStep());
        assertEquals(4, e.tried().size());
        assertEquals(List.of("retry", "retry", "retry", "escalate"), e.tried().stream().map(t -> t.get("decision")).toList());
        assertTrue(e.message().contains("retries exhausted (3 after the first attempt)"), e.message());
        assertTrue(e.message().contains("no fallback component (no other scaffolder)"), e.message());
        assertTrue(e.message().contains("rollback_run (run_id run-1, step 1)"), e.message());
        assertEquals("escalated", run().status);

        // The same run decided again gives the same waits: the jitter is seeded by run, step and attempt.
        journal.clear();
        clock = 0;
        start(Specs.threeSteps("api-jwt"));
        for (long d : delays) {
            assertEquals(d, ((Decision.Retry) fail("timeout")).delayMs());
        }
    }

    @Test
    void aNonRetryableErrorOrARefusedCheckEscalatesAtOnceWithoutAFallback() {
        start(Specs.threeSteps("api-jwt"));
        Decision.Escalate e = assertInstanceOf(Decision.Escalate.class, fail("EACCES: permission denied, open 'app'"));
        assertTrue(e.message().contains("the error is not retryable (matches 'permission denied')"), e.message());
        assertEquals(1, e.tried().size());
        assertEquals("EACCES: permission denied, open 'app'", e.tried().get(0).get("error"));

        journal.clear();
        start(Specs.threeSteps("api-jwt"));
        CheckResult refused = CheckResult.refuse("command", "command rm -rf /", "rm is not on the allowlist");
        Decision d = report(new StepReport("success", Map.of("project_path", "a"), null, 1, null), List.of(refused), null, List.of());
        assertTrue(assertInstanceOf(Decision.Escalate.class, d).message().contains("not retryable (a check was refused)"));

        // A check that only could not run (unverified) is no reason to stop retrying.
        journal.clear();
        start(Specs.threeSteps("api-jwt"));
        CheckResult unverified = CheckResult.unverified("command", "command sh -c x", true, "sh is not allowed", "allowed_programs: [sh]");
        CheckResult failed = CheckResult.fail("file_exists", "file exists: app/main.py", "missing", 1);
        assertInstanceOf(Decision.Retry.class, report(new StepReport("success", Map.of("project_path", "a"), null, 1, null),
                List.of(failed, unverified), null, List.of()));
    }

    @Test
    void aKnownIssueGetsItsFixOncePerPathAndAtMostThreeTimesPerStep() {
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        String error = "ModuleNotFoundError: No module named 'jose' (in app/auth.py)";
        KnownIssueSource.PluginIssue noFix = new KnownIssueSource.PluginIssue("jwt-auth@demo", "ModuleNotFoundError", null, 9);
        Decision.KnownFix k = assertInstanceOf(Decision.KnownFix.class, fail(error, List.of(noFix, JOSE)));
        assertEquals(new Decision.Fix("pip install python-jose", JOSE.errorPattern(), "jwt-auth@demo", 4), k.fix());
        assertEquals(2, k.invoke().attempt());
        assertEquals("primary", k.invoke().via());
        assertEquals(List.of("primary:pip install python-jose"), run().steps.get(2).fixesApplied);
        // Applied once on this path, and the attempt spent the step's one retry: the fallback now.
        assertInstanceOf(Decision.Fallback.class, fail(error, List.of(JOSE)));
        // The fallback is another path: the same fix may help it.
        Decision.KnownFix again = assertInstanceOf(Decision.KnownFix.class, fail(error, List.of(JOSE)));
        assertEquals("fallback", again.invoke().via());
        Decision.Escalate e = assertInstanceOf(Decision.Escalate.class, fail(error, List.of(JOSE)));
        assertEquals(Map.of("fix", "pip install python-jose", "error_pattern", JOSE.errorPattern(), "plugin", "jwt-auth@demo",
                "frequency", 4), e.tried().get(0).get("fix"), "what was tried names the fix");

        // An issue whose pattern does not match is not a fix for this error.
        journal.clear();
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        assertInstanceOf(Decision.Retry.class, fail("connection reset by peer", List.of(JOSE)));

        RunState.StepState full = new RunState.StepState(2);
        full.fixesApplied.addAll(List.of("primary:a", "primary:b", "fallback:c"));
        assertFalse(RunPolicy.mayApplyKnownFix(full));
        assertTrue(RunPolicy.mayApplyKnownFix(new RunState.StepState(2)));
    }

    @Test
    void theFallbackTakesOverOnceFromThePrimaryWithItsOwnRetries() {
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        assertInstanceOf(Decision.Retry.class, fail("timeout"));
        Decision.Fallback fb = assertInstanceOf(Decision.Fallback.class, fail("timeout"));
        assertEquals("retries exhausted", fb.because());
        Map<String, Object> inv = fb.invoke().fields();
        assertEquals(3, fb.invoke().attempt());
        assertEquals("fallback", fb.invoke().via());
        assertEquals("oauth2@demo", inv.get("plugin"));
        assertEquals("oauth2-integrator", inv.get("component"));
        assertEquals(Map.of("plugin", "jwt-auth@demo", "component", "jwt-auth-builder"), inv.get("fallback_for"));
        assertEquals(Map.of("project_path", "./app", "auth_type", "JWT"), inv.get("inputs"), "the same inputs");

        Decision.Retry r = assertInstanceOf(Decision.Retry.class, fail("timeout"));
        assertEquals(1, r.retry(), "the fallback has its own retry budget");
        assertEquals("fallback", r.invoke().via());
        Decision.Escalate e = assertInstanceOf(Decision.Escalate.class, fail("timeout"));
        assertTrue(e.message().contains("the fallback oauth2@demo:oauth2-integrator failed too"), e.message());
        assertEquals(List.of("primary", "primary", "fallback", "fallback"), e.tried().stream().map(t -> t.get("via")).toList());
        assertEquals(2, e.failedStep());

        // Not retryable: straight to the fallback, saying why.
        journal.clear();
        start(Specs.threeSteps("api-jwt"));
        pass(Map.of("project_path", "./app"));
        Decision.Fallback now = assertInstanceOf(Decision.Fallback.class, fail("401 unauthorized"));
        assertEquals("the error is not retryable (matches 'unauthorized')", now.because());
    }

    @Test
    void aFallbackBelowTheSimilarityFloorIsNoAlternative() {
        WorkflowSpec spec = Specs.threeSteps("api-jwt");
        List<WorkflowStep> steps = new ArrayList<>(spec.steps());
        WorkflowStep s2 = steps.get(1);
        WorkflowStep weak = new WorkflowStep(s2.step(), s2.plugin(), s2.component(), s2.kind(), s2.invoke(), s2.purpose(),
                s2.inputs(), s2.outputs(), s2.validation(), Specs.retries(0), new WorkflowStep.Fallback("misc@demo", "helper",
                "agent", "Task(subagent_type=\"helper\")", 0.1, "weak match"), List.of());
        steps.set(1, weak);
        assertFalse(RunPolicy.fallbackUsable(weak));
        assertTrue(RunPolicy.fallbackUsable(s2));
        start(new WorkflowSpec(spec.workflowId(), spec.task(), spec.created(), spec.decomposition(), spec.patternId(), steps,
                spec.environmentRequirements(), spec.dependencies(), spec.finalValidation(), spec.rollbackProcedure(),
                spec.estimatedSuccessRate(), spec.estimateBasis(), spec.mermaid(), spec.warnings(), spec.constraints()));
        pass(Map.of("project_path", "./app"));
        Decision.Escalate e = assertInstanceOf(Decision.Escalate.class, fail("timeout"));
        assertTrue(e.message().contains("misc@demo:helper has similarity 0.1, below the floor"), e.message());
    }

    @Test
    void backoffIsExponentialCappedAndJittered() {
        WorkflowStep.RetryStrategy plain = new WorkflowStep.RetryStrategy(3, 1000, 2.0, 60_000, false, List.of());
        assertEquals(1000, RunPolicy.delayMs(plain, 1, 7));
        assertEquals(8000, RunPolicy.delayMs(plain, 4, 7));
        assertEquals(60_000, RunPolicy.delayMs(new WorkflowStep.RetryStrategy(3, 1000, 2.0, 600_000, false, List.of()), 12, 7));
        WorkflowStep.RetryStrategy odd = new WorkflowStep.RetryStrategy(3, 0, 0.5, 0, false, List.of());
        assertEquals(2000, RunPolicy.delayMs(odd, 2, 7), "unset or invalid values fall back to 1 s and a factor of 2");
    }
}
