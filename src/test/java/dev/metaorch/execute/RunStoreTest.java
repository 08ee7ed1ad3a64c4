package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.config.Settings;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Outcome;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.tools.ExecuteStepTool;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

    @TempDir
    Path tmp;
    Path home;
    Path ws;
    WorkflowStore workflows;
    /** A fixture of the pattern library's known issues: one recorded fix for a missing Python module. */
    final KnownIssueSource issues = plugin -> plugin.equals("jwt-auth@demo")
            ? List.of(new KnownIssueSource.PluginIssue("jwt-auth@demo", "ModuleNotFoundError: No module named 'jose'",
            "pip install python-jose", 4), new KnownIssueSource.PluginIssue("jwt-auth@demo", "some other error", null, 1))
            : List.of();

    /** Records what a client would receive as progress and log notifications. */
    static final class Recorder implements ToolContext {
        final List<String> progress = new ArrayList<>();
        final List<String> logs = new ArrayList<>();

        @Override
        public void progress(double progress, Double total, String message) {
            this.progress.add(progress + "/" + total + " " + message);
        }

        @Override
        public void log(String level, String message) {
            logs.add(level + " " + message);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        home = tmp.resolve("home");
        ws = tmp.resolve("ws");
        TestGit.initRepo(ws);
        ws = ws.toRealPath();
        workflows = new WorkflowStore(home);
        workflows.save(Specs.threeSteps("api-jwt"));
    }

    RunStore store(String... allowed) {
        return new RunStore(new Settings(home, List.of(allowed), List.of(), null, List.of()), workflows, () -> issues);
    }

    static StepReport ok(Map<String, Object> outputs) {
        return new StepReport("success", outputs, null, 1200, null);
    }

    static StepReport fail(String error) {
        return new StepReport("failure", Map.of(), error, 300, null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> inv(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("invoke");
    }

    @Test
    void aRunGoesThroughRetryKnownFixFallbackAndCompletes() throws IOException {
        RunStore runs = store("sh");
        Recorder ctx = new Recorder();
        Map<String, Object> started = runs.start("api-jwt", ws.toString(), ctx);
        String id = (String) started.get("run_id");
        assertEquals(1, inv(started).get("step"));
        assertEquals("Task(subagent_type=\"fastapi-scaffolder\")", inv(started).get("invoke"));
        assertEquals(Map.of("app_name", "my-api"), inv(started).get("inputs"));
        assertNotNull(started.get("restore_point"));

        // Step 1 says it succeeded but did not write app/main.py: the check fails, so a retry with a backoff.
        Map<String, Object> a1 = runs.report(id, 1, ok(Map.of("project_path", "./app")), ctx);
        assertEquals("retry", a1.get("decision"));
        long delay = ((Number) a1.get("delay_ms")).longValue();
        assertTrue(delay >= 500 && delay <= 1000, "first retry waits 0.5-1 s, got " + delay);
        assertEquals(2, inv(a1).get("attempt"));
        assertTrue(ctx.progress.stream().anyMatch(p -> p.contains("file exists: app/main.py - FAIL")), ctx.progress.toString());

        // Without the output step 2 needs, the step is not done either.
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "from fastapi import FastAPI\napp = FastAPI()\n");
        Map<String, Object> a2 = runs.report(id, 1, ok(Map.of()), ctx);
        assertEquals("retry", a2.get("decision"));
        assertTrue(a2.get("error").toString().contains("output project_path"), a2.get("error").toString());
        long delay2 = ((Number) a2.get("delay_ms")).longValue();
        assertTrue(delay2 >= 1000 && delay2 <= 2000, "second retry waits 1-2 s, got " + delay2);

        Map<String, Object> a3 = runs.report(id, 1, ok(Map.of("project_path", "./app")), ctx);
        assertEquals("next", a3.get("decision"));
        assertEquals(2, inv(a3).get("step"));
        assertEquals(Map.of("project_path", "./app", "auth_type", "JWT"), inv(a3).get("inputs"), "inputs resolved from step 1");

        // Step 2 fails with an error the pattern library knows: apply the recorded fix.
        Map<String, Object> b1 = runs.report(id, 2, fail("ModuleNotFoundError: No module named 'jose'"), ctx);
        assertEquals("known_fix", b1.get("decision"));
        assertEquals("pip install python-jose", ((Map<?, ?>) b1.get("fix")).get("fix"));
        // Same error again: the fix was applied once already, and the single retry is spent: the fallback.
        Map<String, Object> b2 = runs.report(id, 2, fail("ModuleNotFoundError: No module named 'jose'"), ctx);
        assertEquals("fallback", b2.get("decision"));
        assertEquals("oauth2-integrator", inv(b2).get("component"));
        assertEquals("fallback", inv(b2).get("via"));
        assertEquals(Map.of("project_path", "./app", "auth_type", "JWT"), inv(b2).get("inputs"), "inputs carried over");
        Files.writeString(ws.resolve("app/main.py"), "@app.post(\"/login\")\ndef login(): ...\n", StandardOpenOption.APPEND);
        Map<String, Object> b3 = runs.report(id, 2, ok(Map.of("auth_routes", List.of("POST /login"))), ctx);
        assertEquals("next", b3.get("decision"));
        assertEquals(3, inv(b3).get("step"));

        // Step 3's command check runs sh (allow-listed here) in the workspace.
        Map<String, Object> c1 = runs.report(id, 3, ok(Map.of("test_results", Map.of("total", 4, "passed", 3, "failed", 1))), ctx);
        assertEquals("retry", c1.get("decision"));
        Files.createDirectories(ws.resolve("tests"));
        Files.writeString(ws.resolve("tests/ok"), "");
        Map<String, Object> c2 = runs.report(id, 3, ok(Map.of("test_results", Map.of("total", 4, "passed", 4, "failed", 0),
                "features", List.of("JWT authentication"))), ctx);
        assertEquals("completed", c2.get("decision"), c2.toString());
        Map<?, ?> result = (Map<?, ?>) c2.get("result");
        assertEquals("success", result.get("status"));
        assertEquals(3, result.get("steps_completed"));
        assertEquals(0, result.get("steps_failed"));
        assertEquals(5L, result.get("failed_attempts"));
        assertEquals("./app", ((Map<?, ?>) result.get("outputs")).get("project_path"));
        assertEquals(List.of("JWT authentication"), result.get("features"));
        assertEquals(4L, ((Map<?, ?>) result.get("test_results")).get("total"));
        assertEquals(4L, ((Map<?, ?>) result.get("test_results")).get("passed"));
        Map<?, ?> learnings = (Map<?, ?>) result.get("learnings");
        assertEquals("fastapi-jwt", learnings.get("pattern_used"));
        assertTrue(learnings.get("modifications").toString().contains("fallback oauth2@demo:oauth2-integrator"));
        assertTrue(learnings.get("modifications").toString().contains("pip install python-jose"));

        Outcome o = runs.outcome(id);
        assertEquals(id, o.executionId());
        assertTrue(o.success());
        assertEquals("fastapi-jwt", o.patternId());
        // step 2 ran its fallback: the planned component's failure, then the fallback's outcome under the same step
        assertEquals(4, o.steps().size());
        assertEquals("jwt-auth@demo", o.steps().get(1).plugin());
        assertEquals("failure", o.steps().get(1).status());
        assertEquals(2, o.steps().get(2).step());
        assertEquals("oauth2@demo", o.steps().get(2).plugin());
        assertEquals("pip install python-jose", o.steps().get(2).fixApplied());
        assertEquals(3 * 1200, o.steps().get(0).durationMs());

        Map<String, Object> status = runs.status(id);
        assertEquals("completed", status.get("status"));
        List<?> steps = (List<?>) status.get("steps");
        assertEquals(3, ((List<?>) ((Map<?, ?>) steps.get(0)).get("attempts")).size());
        assertTrue(runs.list().stream().anyMatch(r -> r.get("run_id").equals(id)));
    }

    @Test
    void nonRetryableErrorsSkipStraightOnAndEscalationSaysWhatWasTried() throws IOException {
        RunStore runs = store();
        Recorder ctx = new Recorder();
        String id = (String) runs.start("api-jwt", ws.toString(), ctx).get("run_id");
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "@app.post(\"/login\")\n");
        assertEquals("next", runs.report(id, 1, ok(Map.of("project_path", "app")), ctx).get("decision"));
        assertEquals("next", runs.report(id, 2, ok(Map.of()), ctx).get("decision"));
        // Step 3 fails with a non-retryable error ("permission denied") and has no fallback: escalate at once.
        Map<String, Object> c = runs.report(id, 3, new StepReport("failure", Map.of(), "EACCES: permission denied, open 'tests'",
                10, null), ctx);
        assertEquals("escalate", c.get("decision"), c.toString());
        assertTrue(c.get("error").toString().contains("permission denied"), c.get("error").toString());
        assertTrue(c.get("message").toString().contains("not retryable"), c.get("message").toString());
        assertEquals(1, ((List<?>) c.get("tried")).size());
        assertEquals("escalated", runs.status(id).get("status"));
        Outcome o = runs.outcome(id);
        assertFalse(o.success());
        assertEquals("failure", o.steps().get(2).status());
    }

    @Test
    void retriesAreBoundedAndTheFallbackHasItsOwnBudget() throws IOException {
        RunStore runs = store();
        Recorder ctx = new Recorder();
        String id = (String) runs.start("api-jwt", ws.toString(), ctx).get("run_id");
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "x\n");
        assertEquals("next", runs.report(id, 1, ok(Map.of("project_path", "app")), ctx).get("decision"));
        List<String> decisions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> d = runs.report(id, 2, fail("connection reset by peer"), ctx);
            decisions.add((String) d.get("decision"));
            if ("escalate".equals(d.get("decision"))) {
                assertEquals(4, ((List<?>) d.get("tried")).size());
                assertTrue(d.get("message").toString().contains("fallback oauth2@demo:oauth2-integrator failed too"));
                break;
            }
        }
        // Step 2 allows 1 retry: primary, retry, fallback, fallback retry, escalate.
        assertEquals(List.of("retry", "fallback", "retry", "escalate"), decisions);
        // "permission denied" is classed non-retryable: straight to the fallback.
        String id2 = (String) runs.start("api-jwt", ws.toString(), ctx).get("run_id");
        runs.report(id2, 1, ok(Map.of("project_path", "app")), ctx);
        assertEquals("fallback", runs.report(id2, 2, fail("EACCES: permission denied, open '/x'"), ctx).get("decision"));
    }

    @Test
    void backoffIsExponentialCappedAndJittered() {
        WorkflowStep.RetryStrategy plain = new WorkflowStep.RetryStrategy(3, 1000, 2.0, 60_000, false, List.of());
        assertEquals(1000, RunPolicy.delayMs(plain, 1, 7));
        assertEquals(2000, RunPolicy.delayMs(plain, 2, 7));
        assertEquals(4000, RunPolicy.delayMs(plain, 3, 7));
        assertEquals(32_000, RunPolicy.delayMs(plain, 6, 7));
        assertEquals(60_000, RunPolicy.delayMs(plain, 7, 7));
        assertEquals(60_000, RunPolicy.delayMs(new WorkflowStep.RetryStrategy(3, 1000, 2.0, 600_000, false, List.of()), 12, 7),
                "the cap is 60 s whatever the spec says");
        WorkflowStep.RetryStrategy jit = WorkflowStep.RetryStrategy.standard();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            long d = RunPolicy.delayMs(jit, 3, seed);
            assertTrue(d >= 2000 && d <= 4000, "jittered third retry in [2, 4] s: " + d);
            seen.add(d);
            assertTrue(RunPolicy.delayMs(jit, 10, seed) <= 60_000);
        }
        assertTrue(seen.size() > 50, "jitter spreads the delays");
    }

    @Test
    void badCallsAreRefusedAndLeaveTheJournalUntouched() throws IOException {
        RunStore runs = store();
        Recorder ctx = new Recorder();
        String id = (String) runs.start("api-jwt", ws.toString(), ctx).get("run_id");
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "x\n");
        runs.report(id, 1, ok(Map.of("project_path", "app")), ctx);
        Path journal = runs.journal(id);
        byte[] before = Files.readAllBytes(journal);

        assertRefused(runs, "nope-run", 1, ok(Map.of()), "unknown run_id");
        assertRefused(runs, "../x", 1, ok(Map.of()), "invalid run_id");
        assertRefused(runs, "a\0b", 1, ok(Map.of()), "invalid run_id");
        assertRefused(runs, id, 9, ok(Map.of()), "unknown step 9");
        assertRefused(runs, id, 3, ok(Map.of()), "out of order");
        assertRefused(runs, id, 1, ok(Map.of("project_path", "app")), "already succeeded");
        assertRefused(runs, id, 2, new StepReport("success", Map.of(), null, 5, 7), "attempt 7");
        Refusal unknownWf = assertThrows(Refusal.class, () -> runs.start("missing-flow", ws.toString(), ctx));
        assertTrue(unknownWf.getMessage().contains("unknown workflow_id"));
        assertThrows(Refusal.class, () -> runs.start("../etc", ws.toString(), ctx));
        assertThrows(Refusal.class, () -> runs.start("api-jwt", ws.resolve("missing").toString(), ctx));
        assertThrows(Refusal.class, () -> runs.rollback("../x", null, ctx));
        assertThrows(Refusal.class, () -> runs.rollback(id, 3, ctx));
        assertThrows(Refusal.class, () -> runs.outcome(id));

        // Malformed reports are refused before anything is read or written.
        assertMalformed(Map.of("status", "done"), "'status' must be");
        assertMalformed(Map.of("status", "success", "outputs", List.of("a")), "'outputs' must be an object");
        assertMalformed(Map.of("status", "success", "outputs", "text"), "'outputs' must be an object");
        assertMalformed(Map.of("status", "success", "outputs", Map.of("", 1)), "invalid name");
        assertMalformed(Map.of("status", "success", "outputs", Map.of("big", "x".repeat(300_000))), "too large");
        assertMalformed(Map.of("status", "success", "duration_ms", -5), "duration_ms");
        assertArrayEquals(before, Files.readAllBytes(journal), "refused calls leave the journal as it was");
        assertEquals(1, runs.ids().size(), "no journal was created for refused starts");
    }

    private static void assertRefused(RunStore runs, String id, int step, StepReport r, String expected) {
        Refusal e = assertThrows(Refusal.class, () -> runs.report(id, step, r, ToolContext.NONE));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertMalformed(Map<String, Object> args, String expected) {
        Map<String, Object> a = new HashMap<>(args);
        a.put("run_id", "r-1");
        a.put("step", 1);
        Refusal e = assertThrows(Refusal.class,
                () -> ExecuteStepTool.report(ExecuteStepTool.DEFINITION.args(a)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aRestartedStoreFindsTheRunWhereItWasAndATornLastLineIsIgnored() throws IOException {
        RunStore runs = store();
        String id = (String) runs.start("api-jwt", ws.toString(), ToolContext.NONE).get("run_id");
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "x\n");
        runs.report(id, 1, ok(Map.of("project_path", "app")), ToolContext.NONE);
        assertEquals("retry", runs.report(id, 2, fail("timeout"), ToolContext.NONE).get("decision"));
        // A crash in the middle of writing the next line leaves half of it.
        Path journal = runs.journal(id);
        Files.write(journal, "{\"type\":\"report\",\"at\":\"2026-11-24T00:00:00Z\",\"step\":2,\"att".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);

        RunStore again = store();
        Map<String, Object> s = again.status(id);
        assertEquals("running", s.get("status"));
        assertEquals(2, s.get("current_step"));
        assertEquals(2, ((Map<?, ?>) s.get("awaiting")).get("attempt"));
        assertTrue(s.get("warnings").toString().contains("torn last line"), s.toString());
        // The run goes on from there; the torn bytes are cut off before the next line is written.
        assertEquals("fallback", again.report(id, 2, fail("timeout"), ToolContext.NONE).get("decision"));
        String text = Files.readString(journal);
        assertFalse(text.contains("\"att{"), text);
        assertTrue(text.endsWith("\n"));
        RunStore third = store();
        Map<String, Object> s3 = third.status(id);
        assertNull(s3.get("warnings"));
        assertEquals("fallback", ((Map<?, ?>) s3.get("awaiting")).get("via"));
        assertThrows(Refusal.class, () -> third.report(id, 1, ok(Map.of("project_path", "app")), ToolContext.NONE),
                "a succeeded step is never run again");
    }

    @Test
    void rollbackRestoresTheWorkspaceAndClosesTheRun() throws IOException {
        RunStore runs = store();
        String id = (String) runs.start("api-jwt", ws.toString(), ToolContext.NONE).get("run_id");
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "step one\n");
        runs.report(id, 1, ok(Map.of("project_path", "app")), ToolContext.NONE);
        Files.writeString(ws.resolve("app/main.py"), "step two\n");
        Files.writeString(ws.resolve("app/auth.py"), "jwt\n");
        Files.writeString(ws.resolve("README.md"), "changed\n");

        Map<String, Object> r = runs.rollback(id, 2, ToolContext.NONE);
        assertEquals("step one\n", Files.readString(ws.resolve("app/main.py")));
        assertFalse(Files.exists(ws.resolve("app/auth.py")));
        assertEquals("# project\n", Files.readString(ws.resolve("README.md")));
        assertEquals("rolled_back", r.get("run_status"));
        assertEquals("rolled_back", runs.status(id).get("status"));
        assertThrows(Refusal.class, () -> runs.report(id, 2, ok(Map.of()), ToolContext.NONE));
        runs.rollback(id, null, ToolContext.NONE);
        assertFalse(Files.exists(ws.resolve("app")));
        assertEquals(2, ((List<?>) runs.status(id).get("rollbacks")).size());
    }

    @Test
    void aDamagedJournalIsReportedAndRefusesWrites() throws IOException {
        RunStore runs = store();
        String id = (String) runs.start("api-jwt", ws.toString(), ToolContext.NONE).get("run_id");
        runs.report(id, 1, fail("timeout"), ToolContext.NONE);
        Path journal = runs.journal(id);
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.add(1, "{not json");
        Files.write(journal, lines);
        byte[] before = Files.readAllBytes(journal);
        Map<String, Object> s = runs.status(id);
        assertEquals("damaged", s.get("status"));
        assertTrue(s.get("warnings").toString().contains("line 2"), s.toString());
        Refusal e = assertThrows(Refusal.class, () -> runs.report(id, 1, fail("timeout"), ToolContext.NONE));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(journal));
        assertTrue(runs.list().stream().anyMatch(r -> "damaged".equals(r.get("status"))), "listing still works");
    }

    @Test
    void aWorkspaceOverlappingTheDataFolderIsRefused() throws IOException {
        Files.createDirectories(home);
        RunStore runs = store();
        Refusal above = assertThrows(Refusal.class, () -> runs.start("api-jwt", tmp.toString(), ToolContext.NONE));
        assertTrue(above.getMessage().contains("overlaps the meta-orchestrator data folder"), above.getMessage());
        Path inside = Files.createDirectories(home.resolve("workflows"));
        assertThrows(Refusal.class, () -> runs.start("api-jwt", inside.toString(), ToolContext.NONE));
        assertTrue(runs.ids().isEmpty());
    }

    @Test
    void withoutGitThereAreNoRestorePoints() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        RunStore runs = store();
        Map<String, Object> s = runs.start("api-jwt", plain.toString(), ToolContext.NONE);
        assertNull(s.get("restore_point"));
        assertTrue(s.get("restore_note").toString().contains("not a git working tree"));
        Refusal e = assertThrows(Refusal.class, () -> runs.rollback((String) s.get("run_id"), null, ToolContext.NONE));
        assertTrue(e.getMessage().contains("not a git working tree"), e.getMessage());
    }
}
