package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 1, through the real server over stdio: a check that cannot run (its program is not on the
 * allowlist, or not installed) leaves the step unverified with the exact config.yaml line that would let it run;
 * the decision is next, never a fallback; the plan and start_run list every check a step faces and what it needs.
 */
class UnverifiedChecksStdioTest {

    @TempDir
    Path tmp;

    static WorkflowSpec spec(String program) {
        WorkflowStep s1 = new WorkflowStep(1, "unit-testing@claude-code-workflows", "unit-testing-test-automator", "agent",
                "Task(subagent_type=\"unit-testing-test-automator\")", "Write the unit tests", Map.of(), Map.of(),
                List.of(new Check.FileExists("tests/test_app.py", "the tests are written"),
                        new Check.Command(List.of(program, "test"), ".", 30, 0, null, "the suite passes")),
                Specs.retries(2), new WorkflowStep.Fallback("code-documentation@claude-code-workflows", "docs-architect", "agent",
                "Task(subagent_type=\"docs-architect\")", 0.3, "unrelated"), List.of());
        WorkflowStep s2 = new WorkflowStep(2, "git-pr-workflows@claude-code-workflows", "git-pr-workflows-code-reviewer", "agent",
                "Task(subagent_type=\"git-pr-workflows-code-reviewer\")", "Review", Map.of(), Map.of(),
                List.of(new Check.FileExists("review.md", "the review is written")), Specs.retries(1),
                WorkflowStep.Fallback.none("none"), List.of());
        return new WorkflowSpec("wf-" + program, "add unit tests", "2026-12-04T00:00:00Z", "subtasks", null, List.of(s1, s2),
                List.of(), List.of(), List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of());
    }

    static Map<String, Object> sc(JsonNode r) {
        return dev.metaorch.util.Json.toMap(r.get("structuredContent"));
    }

    static String text(JsonNode r) {
        return r.path("content").get(0).path("text").asString();
    }

    @Test
    void aCheckThatCannotRunIsUnverifiedWithTheConfigLineAndTheRunGoesOn() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        // mvn is allowed; npm is not; the third program is allowed but installed nowhere
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [mvn, no-such-program-xyz]\n");
        new WorkflowStore(home).save(spec("npm"));
        new WorkflowStore(home).save(spec("no-such-program-xyz"));
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            JsonNode start = c.toolResult("start_run", Map.of("workflow_id", "wf-npm", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL);
            assertFalse(start.path("isError").asBoolean(), start.toString());
            String run = start.path("structuredContent").path("run_id").asString();
            // start_run lists every check the step faces, and what the command check needs allowed
            JsonNode faced = start.path("structuredContent").path("invoke").path("validation");
            assertEquals(2, faced.size(), faced.toString());
            assertTrue(faced.get(0).path("runs_now").asBoolean(), faced.toString());
            assertFalse(faced.get(1).path("runs_now").asBoolean(), faced.toString());
            assertTrue(faced.get(1).path("needs").asString().contains("allowed_programs: [mvn, no-such-program-xyz, npm]"), faced.toString());
            assertTrue(text(start).contains("command npm test") && text(start).contains("allowed_programs: [mvn, no-such-program-xyz, npm]"),
                    text(start));

            Files.createDirectories(ws.resolve("tests"));
            Files.writeString(ws.resolve("tests/test_app.py"), "def test_x(): pass\n");
            JsonNode r1 = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL);
            Map<String, Object> d = sc(r1);
            assertEquals("next", d.get("decision"), "a check that could not run is not a failed step: " + r1);
            List<?> unverified = (List<?>) d.get("unverified");
            assertEquals(1, unverified.size(), d.toString());
            assertEquals("allowed_programs: [mvn, no-such-program-xyz, npm]", ((Map<?, ?>) unverified.get(0)).get("allow"));
            assertTrue(text(r1).contains("UNVERIFIED") && text(r1).contains("allowed_programs: [mvn, no-such-program-xyz, npm]"), text(r1));

            // an allowed program that is not installed: unverified too, and the answer says to install it
            Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
            String run2 = (String) sc(c.toolResult("start_run", Map.of("workflow_id", "wf-no-such-program-xyz", "workspace",
                    ws2.toString()), null, ExecuteStdioE2ETest.CALL)).get("run_id");
            Files.createDirectories(ws2.resolve("tests"));
            Files.writeString(ws2.resolve("tests/test_app.py"), "def test_x(): pass\n");
            JsonNode r2 = c.toolResult("execute_step", Map.of("run_id", run2, "step", 1, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL);
            assertEquals("next", sc(r2).get("decision"), r2.toString());
            assertTrue(text(r2).contains("install no-such-program-xyz"), text(r2));

            // the plan says which programs its checks run and the line that allows the missing ones
            Files.writeString(ws.resolve("package.json"), "{\"name\": \"app\", \"scripts\": {\"test\": \"jest\", \"build\": \"tsc\"}}\n");
            JsonNode plan = c.toolResult("generate_workflow", Map.of("task", "add unit tests for the parser module",
                    "workspace", ws.toString()), null, ExecuteStdioE2ETest.CALL);
            assertFalse(plan.path("isError").asBoolean(), plan.toString());
            JsonNode allow = plan.path("structuredContent").path("allowlist");
            assertTrue(allow.path("missing").toString().contains("npm"), allow.toString());
            assertTrue(allow.path("config_line").asString().startsWith("allowed_programs: [mvn, no-such-program-xyz"), allow.toString());
            assertTrue(text(plan).contains(allow.path("config_line").asString()), text(plan));
            assertFalse(plan.path("structuredContent").path("environment_requirements").toString().contains("(none needed)"),
                    plan.toString());
        }
    }
}
