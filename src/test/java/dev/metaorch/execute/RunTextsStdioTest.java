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
 * Issue 19, item 3, through the real server over stdio: the text result of a failed command check carries the
 * command's output tail (bounded), and every invocation in a text result lists the checks to come.
 */
class RunTextsStdioTest {

    @TempDir
    Path tmp;

    @Test
    void theTextCarriesTheOutputTailAndTheChecksToCome() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [sh]\n");
        // 200 lines of noise, then the lines that say what went wrong
        String script = "i=1; while [ $i -le 200 ]; do echo \"collecting line $i\"; i=$((i+1)); done; "
                + "echo 'FAILED tests/test_parser.py::test_empty_input - AssertionError: expected [] got None'; "
                + "echo '1 failed, 12 passed in 0.42s'; test -f fixed";
        WorkflowStep s1 = new WorkflowStep(1, "unit-testing@claude-code-workflows", "unit-testing-test-automator", "agent",
                "Task(subagent_type=\"unit-testing-test-automator\")", "Write the unit tests", Map.of(), Map.of(),
                List.of(new Check.Command(List.of("sh", "-c", script), ".", 60, 0, null, "the suite passes")), Specs.retries(2),
                WorkflowStep.Fallback.none("none"), List.of());
        WorkflowStep s2 = new WorkflowStep(2, "git-pr-workflows@claude-code-workflows", "git-pr-workflows-code-reviewer", "agent",
                "Task(subagent_type=\"git-pr-workflows-code-reviewer\")", "Review", Map.of(), Map.of(),
                List.of(new Check.FileExists("review.md", "the review is written")), Specs.retries(1),
                WorkflowStep.Fallback.none("none"), List.of());
        new WorkflowStore(home).save(new WorkflowSpec("wf-texts", "add unit tests", "2026-12-04T00:00:00Z", "subtasks", null,
                List.of(s1, s2), List.of(), List.of(), List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of()));
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            JsonNode start = c.toolResult("start_run", Map.of("workflow_id", "wf-texts", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL);
            String run = start.path("structuredContent").path("run_id").asString();
            String startText = start.path("content").get(0).path("text").asString();
            assertTrue(startText.contains("Checks this step faces") && startText.contains("the suite passes"), startText);

            JsonNode r = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("retry", r.path("structuredContent").path("decision").asString(), r.toString());
            String text = r.path("content").get(0).path("text").asString();
            assertTrue(text.contains("FAILED tests/test_parser.py::test_empty_input"), "the failing command's output: " + text);
            assertTrue(text.contains("1 failed, 12 passed"), text);
            assertFalse(text.contains("collecting line 150\n"), "bounded: only the tail: " + text);
            assertTrue(text.lines().filter(l -> l.startsWith("collecting line")).count() <= RunTexts.TAIL_LINES, text);
            assertTrue(text.contains("Checks this step faces"), "the retry says which checks it will face: " + text);

            Files.writeString(ws.resolve("fixed"), "");
            JsonNode next = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "attempt", 2, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL);
            assertEquals("next", next.path("structuredContent").path("decision").asString(), next.toString());
            String nextText = next.path("content").get(0).path("text").asString();
            assertTrue(nextText.contains("file exists: review.md") && nextText.contains("the review is written"), nextText);
        }
    }
}
