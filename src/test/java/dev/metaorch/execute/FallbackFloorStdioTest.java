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
import dev.metaorch.workflow.Fallbacks;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 2, through the real server over stdio: a fallback is offered only above the similarity floor
 * chosen on data; below it the plan says so and a failing step escalates, saying what was tried.
 */
class FallbackFloorStdioTest {

    @TempDir
    Path tmp;

    @Test
    void fallbacksOnlyAboveTheFloorOtherwiseEscalateSayingWhatWasTried() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        WorkflowStep s1 = new WorkflowStep(1, "unit-testing@claude-code-workflows", "unit-testing-test-automator", "agent",
                "Task(subagent_type=\"unit-testing-test-automator\")", "Write the unit tests", Map.of(), Map.of(),
                List.of(new Check.FileExists("tests", "tests exist")), Specs.retries(1),
                // stored by an earlier planner: similar in words only
                new WorkflowStep.Fallback("code-documentation@claude-code-workflows", "docs-architect", "agent",
                        "Task(subagent_type=\"docs-architect\")", 0.25, "same role"), List.of());
        new WorkflowStore(home).save(new WorkflowSpec("wf-weak-fallback", "add unit tests", "2026-12-04T00:00:00Z", "subtasks",
                null, List.of(s1), List.of(), List.of(), List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of()));
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            String run = c.toolResult("start_run", Map.of("workflow_id", "wf-weak-fallback", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL).path("structuredContent").path("run_id").asString();
            JsonNode r = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "failure",
                    "error", "EACCES: permission denied, open 'tests/test_parser.py'"), null, ExecuteStdioE2ETest.CALL);
            JsonNode sc = r.path("structuredContent");
            assertEquals("escalate", sc.path("decision").asString(), "a fallback below the floor is no fallback: " + r);
            assertTrue(sc.path("message").asString().contains("below the floor " + Fallbacks.MIN_SIMILARITY), r.toString());
            assertEquals(1, sc.path("tried").size(), r.toString());

            // Fresh plans: every fallback offered is at or above the floor; an absent one says why.
            for (String task : List.of("add input validation to the signup form and write tests for it",
                    "write release notes for version 2.0 and publish the changelog",
                    "set up a postgres database with migrations for the user service")) {
                JsonNode plan = c.toolResult("generate_workflow", Map.of("task", task), null, ExecuteStdioE2ETest.CALL);
                assertFalse(plan.path("isError").asBoolean(), plan.toString());
                for (JsonNode st : plan.path("structuredContent").path("steps")) {
                    JsonNode fb = st.path("fallback");
                    if (fb.path("plugin").isMissingNode() || fb.path("plugin").isNull()) {
                        assertFalse(fb.path("reason").asString().isBlank(), "an absent fallback says why: " + st);
                    } else {
                        assertTrue(fb.path("similarity").asDouble() >= Fallbacks.MIN_SIMILARITY, task + ": " + fb);
                    }
                }
            }
        }
    }
}
