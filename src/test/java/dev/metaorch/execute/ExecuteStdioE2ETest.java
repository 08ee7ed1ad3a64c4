package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.TestServers;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The run tools through the real stdio server: a 3-step workflow over a real git workspace with a failing
 * validation retried, a fallback, a SIGKILL of the server in the middle of a check and a restart, an
 * escalation, progress notifications, a rollback; and the refusals (allowlist, escaping paths, symlinks).
 */
class ExecuteStdioE2ETest {

    @TempDir
    Path tmp;

    static Path catalog() {
        return Path.of(System.getProperty("shared.dir", "../shared"), "catalog");
    }

    /** Step 3's check blocks for 60 s while tests/slow exists, so the test can kill the server inside it. */
    static WorkflowSpec spec() {
        WorkflowSpec base = Specs.threeSteps("api-e2e");
        WorkflowStep s3 = base.steps().get(2);
        WorkflowStep slow = new WorkflowStep(3, s3.plugin(), s3.component(), s3.kind(), s3.invoke(), s3.purpose(), s3.inputs(),
                s3.outputs(), List.of(new Check.Command(List.of("sh", "-c",
                "if [ -f tests/slow ]; then touch tests/started; sleep 60; fi; test -f tests/ok"), ".", 120, 0, null, "suite")),
                s3.retryStrategy(), s3.fallback(), List.of());
        return new WorkflowSpec(base.workflowId(), base.task(), base.created(), base.decomposition(), base.patternId(),
                List.of(base.steps().get(0), base.steps().get(1), slow), List.of(), List.of(), base.finalValidation(),
                List.of(), 0.8, "prior", null, List.of(), Map.of());
    }

    /** How long a tool call may take; a check runs inside some. */
    static final Duration CALL = Duration.ofSeconds(120);

    /**
     * The server from the test classpath with a 512 MB heap, its session opened and logging at debug, so the
     * test sees the log notifications as well as the progress ones.
     */
    static StdioProcess server(Path home, Path stderr) throws Exception {
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--home", home.toString(), "--catalog", catalog().toString());
        cmd.add(3, "-Xmx512m");
        StdioProcess p = TestServers.start(cmd, Map.of(), stderr);
        try {
            p.handshake("execute-e2e", CALL);
            p.call("logging/setLevel", Map.of("level", "debug"), CALL);
            return p;
        } catch (Exception e) {
            p.kill();
            throw e;
        }
    }

    static Map<String, Object> structured(JsonNode result) {
        return dev.metaorch.util.Json.toMap(result.get("structuredContent"));
    }

    @Test
    void aRunOverTheRealServerSurvivesSigkillAndRollsBack() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [sh]\n");
        new WorkflowStore(home).save(spec());
        Path ws = tmp.resolve("project");
        TestGit.initRepo(ws);
        ws = ws.toRealPath();
        Path stderr = tmp.resolve("server.log");
        String runId;
        Path journal;
        try (StdioProcess c = server(home, stderr)) {
            JsonNode start = c.toolResult("start_run", Map.of("workflow_id", "api-e2e", "workspace", ws.toString()), "p-start", CALL);
            assertFalse(start.path("isError").asBoolean(), start.toString());
            runId = start.path("structuredContent").path("run_id").asString();
            journal = home.resolve("runs").resolve(runId + ".jsonl");
            assertEquals("fastapi-scaffolder", start.path("structuredContent").path("invoke").path("component").asString());
            assertTrue(start.path("structuredContent").path("restore_point").path("ref").asString()
                    .startsWith("refs/meta-orchestrator/" + runId + "/"));

            // Step 1: the client says success, but app/main.py is missing: the check fails and the server says retry.
            JsonNode r1 = c.toolResult("execute_step", Map.of("run_id", runId, "step", 1, "status", "success",
                    "outputs", Map.of("project_path", "./app"), "duration_ms", 900), "p-1a", CALL);
            assertEquals("retry", r1.path("structuredContent").path("decision").asString(), r1.toString());
            long delay = r1.path("structuredContent").path("delay_ms").asLong();
            assertTrue(delay >= 500 && delay <= 1000, "delay " + delay);
            List<JsonNode> prog = c.progress("p-1a");
            assertTrue(prog.size() >= 2, "progress notifications: " + prog);
            assertTrue(prog.stream().anyMatch(n -> n.path("params").path("message").asString().contains("step 1/3")
                    && n.path("params").path("message").asString().contains("file exists: app/main.py - FAIL")), prog.toString());
            assertTrue(c.logMessages().stream().anyMatch(n -> n.toString().contains("app/main.py")), "log notifications");

            // The client waits the delay (not here: the server never sleeps for it), fixes, reports again.
            Files.createDirectories(ws.resolve("app"));
            Files.writeString(ws.resolve("app/main.py"), "from fastapi import FastAPI\napp = FastAPI()\n");
            JsonNode r2 = c.toolResult("execute_step", Map.of("run_id", runId, "step", 1, "attempt", 2, "status", "success",
                    "outputs", Map.of("project_path", "./app")), "p-1b", CALL);
            assertEquals("next", r2.path("structuredContent").path("decision").asString(), r2.toString());
            assertEquals("./app", r2.path("structuredContent").path("invoke").path("inputs").path("project_path").asString());
            assertTrue(c.progress("p-1b").stream().anyMatch(n -> n.path("params").path("message").asString().endsWith("- pass")));

            // Step 2: a non-retryable error goes straight to the fallback component, inputs carried over.
            JsonNode r3 = c.toolResult("execute_step", Map.of("run_id", runId, "step", 2, "status", "failure",
                    "error", "EACCES: permission denied, open 'app/auth.py'"), "p-2a", CALL);
            assertEquals("fallback", r3.path("structuredContent").path("decision").asString(), r3.toString());
            assertEquals("oauth2-integrator", r3.path("structuredContent").path("invoke").path("component").asString());
            assertEquals("./app", r3.path("structuredContent").path("invoke").path("inputs").path("project_path").asString());
            Files.writeString(ws.resolve("app/main.py"), "from fastapi import FastAPI\napp = FastAPI()\n@app.post(\"/login\")\n");
            JsonNode r4 = c.toolResult("execute_step", Map.of("run_id", runId, "step", 2, "status", "success",
                    "outputs", Map.of("auth_routes", List.of("POST /login"))), "p-2b", CALL);
            assertEquals("next", r4.path("structuredContent").path("decision").asString(), r4.toString());

            // Step 3's check is running (it blocks while tests/slow exists) when the server is SIGKILLed.
            Files.createDirectories(ws.resolve("tests"));
            Files.writeString(ws.resolve("tests/slow"), "");
            byte[] beforeKill = Files.readAllBytes(journal);
            c.sendRequest("tools/call", Map.of("name", "execute_step", "arguments",
                    Map.of("run_id", runId, "step", 3, "status", "success", "outputs", Map.of())));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.exists(ws.resolve("tests/started")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ws.resolve("tests/started")), "the check started");
            c.kill();
            assertEquals(137, c.process().exitValue(), "killed by SIGKILL");
            assertArrayEquals(beforeKill, Files.readAllBytes(journal), "an unanswered report leaves no trace");
        }
        Files.delete(ws.resolve("tests/slow"));
        Files.delete(ws.resolve("tests/started"));

        try (StdioProcess c = server(home, stderr)) {
            // The restarted server has the run where it was: steps 1 and 2 done, step 3 awaited, attempt 1.
            JsonNode st = c.toolResult("run_status", Map.of("run_id", runId), null, CALL);
            Map<String, Object> s = structured(st);
            assertEquals("running", s.get("status"), st.toString());
            assertEquals(3, s.get("current_step"));
            assertEquals(1, ((Map<?, ?>) s.get("awaiting")).get("attempt"));
            List<?> steps = (List<?>) s.get("steps");
            assertEquals("succeeded", ((Map<?, ?>) steps.get(0)).get("status"));
            assertEquals(2, ((List<?>) ((Map<?, ?>) steps.get(0)).get("attempts")).size());
            assertEquals("succeeded", ((Map<?, ?>) steps.get(1)).get("status"));
            assertEquals("oauth2-integrator", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) steps.get(1)).get("attempts")).get(1)).get("component"));

            // A succeeded step is never run again; the refusal writes nothing.
            byte[] before = Files.readAllBytes(journal);
            JsonNode again = c.toolResult("execute_step", Map.of("run_id", runId, "step", 1, "status", "success",
                    "outputs", Map.of("project_path", "./app")), null, CALL);
            assertTrue(again.path("isError").asBoolean(), again.toString());
            assertTrue(again.toString().contains("already succeeded"), again.toString());
            JsonNode unsafe = c.toolResult("execute_step", Map.of("run_id", "../" + runId, "step", 3, "status", "success"), null, CALL);
            assertTrue(unsafe.path("isError").asBoolean(), unsafe.toString());
            JsonNode malformed = c.toolResult("execute_step", Map.of("run_id", runId, "step", 3, "status", "success",
                    "outputs", List.of(1, 2)), null, CALL);
            assertTrue(malformed.path("isError").asBoolean(), malformed.toString());
            JsonNode unknown = c.toolResult("execute_step", Map.of("run_id", "no-such-run", "step", 1, "status", "success"), null, CALL);
            assertTrue(unknown.toString().contains("unknown run_id"), unknown.toString());
            assertArrayEquals(before, Files.readAllBytes(journal));

            // Step 3 fails with a non-retryable error and has no fallback: escalate, saying what was tried.
            Files.writeString(ws.resolve("tests/test_api.py"), "def test_login(): ...\n");
            JsonNode esc = c.toolResult("execute_step", Map.of("run_id", runId, "step", 3, "status", "failure",
                    "error", "pytest: permission denied: .pytest_cache", "duration_ms", 4000), "p-3", CALL);
            Map<String, Object> e = structured(esc);
            assertEquals("escalate", e.get("decision"), esc.toString());
            assertTrue(e.get("message").toString().contains("not retryable"), e.toString());
            assertEquals(1, ((List<?>) e.get("tried")).size());

            // Roll the workspace back to the start of step 2: its change to main.py and step 3's test file go.
            JsonNode rb = c.toolResult("rollback_run", Map.of("run_id", runId, "step", 2), "p-rb", CALL);
            assertFalse(rb.path("isError").asBoolean(), rb.toString());
            assertEquals("from fastapi import FastAPI\napp = FastAPI()\n", Files.readString(ws.resolve("app/main.py")));
            assertFalse(Files.exists(ws.resolve("tests")), "files created after the restore point are removed");
            assertFalse(c.progress("p-rb").isEmpty());
            // And to the start of the run: the scaffold goes too.
            c.toolResult("rollback_run", Map.of("run_id", runId), null, CALL);
            assertFalse(Files.exists(ws.resolve("app")));
            assertEquals("# project\n", Files.readString(ws.resolve("README.md")));
            assertEquals("", TestGit.run(ws, "status", "--porcelain"), "the user's branch and index are as before the run");

            JsonNode all = c.toolResult("run_status", Map.of(), null, CALL);
            assertTrue(all.toString().contains(runId));
            assertTrue(all.path("content").get(0).path("text").asString().contains("escalated"));
        }
    }

    @Test
    void refusalsThroughTheServer() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [sh]\n");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "password=hunter2\n");
        Path ws = Files.createDirectories(tmp.resolve("ws")).toRealPath();
        Files.createSymbolicLink(ws.resolve("escape.txt"), outside);
        WorkflowStep step = new WorkflowStep(1, "p@m", "c", "agent", "Task(subagent_type=\"c\")", "check things", Map.of(),
                Map.of(), List.of(new Check.Command(List.of("rm", "-rf", "."), null, 5, 0, null, "not allowed"),
                new Check.FileExists("../outside.txt", "escapes"),
                new Check.RegexInFile("escape.txt", "password", "through a link")),
                Specs.retries(3), WorkflowStep.Fallback.none("none"), List.of());
        new WorkflowStore(home).save(new WorkflowSpec("refusals", "t", null, null, null, List.of(step), null, null, null,
                null, 0.5, null, null, null, null));
        try (StdioProcess c = server(home, tmp.resolve("server.log"))) {
            String runId = c.toolResult("start_run", Map.of("workflow_id", "refusals", "workspace", ws.toString()), null, CALL)
                    .path("structuredContent").path("run_id").asString();
            JsonNode r = c.toolResult("execute_step", Map.of("run_id", runId, "step", 1, "status", "success"), "p", CALL);
            Map<String, Object> s = structured(r);
            assertEquals("escalate", s.get("decision"), r.toString());
            List<?> checks = (List<?>) s.get("checks");
            assertEquals(3, checks.size());
            for (Object o : checks) {
                assertEquals(true, ((Map<?, ?>) o).get("refused"), o.toString());
            }
            // off the allowlist: not run, unverified (not what escalates here), with the line that would allow it
            assertTrue(checks.get(0).toString().contains("program 'rm' is not on the allowlist"), checks.get(0).toString());
            assertEquals(true, ((Map<?, ?>) checks.get(0)).get("unverified"), checks.get(0).toString());
            assertTrue(checks.get(1).toString().contains("escapes the workspace"), checks.get(1).toString());
            assertTrue(checks.get(2).toString().contains("symbolic link"), checks.get(2).toString());
            assertFalse(r.toString().contains("hunter2"), "nothing of the outside file is read");
            assertTrue(Files.exists(ws), "rm never ran");
            assertTrue(c.progress("p").stream().filter(n -> n.toString().contains("REFUSED")).count() >= 2);
            assertTrue(c.progress("p").stream().anyMatch(n -> n.toString().contains("UNVERIFIED")));
        }
    }
}
