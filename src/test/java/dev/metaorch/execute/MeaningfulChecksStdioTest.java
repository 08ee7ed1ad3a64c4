package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.CheckPlanner;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 4, through the real server over stdio: a test report that says tests failed cannot pass the
 * report check; test counts come only from a test runner's own output; a document step is checked through the
 * file it says it wrote, not the README.
 */
class MeaningfulChecksStdioTest {

    @TempDir
    Path tmp;

    static WorkflowStep step(int n, String purpose, List<Check> checks, Map<String, Object> outputs) {
        return new WorkflowStep(n, "unit-testing@claude-code-workflows", "unit-testing-test-automator", "agent",
                "Task(subagent_type=\"unit-testing-test-automator\")", purpose, Map.of(), outputs, checks, Specs.retries(3),
                WorkflowStep.Fallback.none("none"), List.of());
    }

    static String decision(JsonNode r) {
        return r.path("structuredContent").path("decision").asString();
    }

    @Test
    void testReportsCountsAndDocumentsAreCheckedForWhatTheyMean() throws Exception {
        // the planner's own test-report check for a testing task in a project with a test runner
        Pattern report = Pattern.compile(CheckPlanner.TESTS_PASSED);
        assertFalse(report.matcher("Ran the suite: 3 failed, 9 passed").find());
        assertFalse(report.matcher("Tests run: 12, Failures: 2, Errors: 0").find());
        assertFalse(report.matcher("pass/fail summary to follow").find(), "no count of passed tests");
        assertTrue(report.matcher("## Tests\n12 passed in 0.42s\n").find());

        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [sh]\n");
        WorkflowStep tests = step(1, "Write and run the tests", List.of(new Check.RegexInFile("test-report.md", CheckPlanner.TESTS_PASSED,
                "the report shows the tests passed")), Map.of());
        WorkflowStep docs = step(2, "Write the changelog", List.of(
                new Check.FileExists(CheckPlanner.outputPath("docs"), "the document it wrote"),
                new Check.RegexInFile(CheckPlanner.outputPath("docs"), "(?m)^#{1,3} \\S", "titled sections")), Map.of("docs", "files"));
        WorkflowStep suite = step(3, "Run the suite", List.of(new Check.Command(List.of("sh", "-c",
                "echo 'collected 12 items'; echo '=========== 12 passed in 0.42s ==========='"), ".", 60, 0, null, "the suite passes")),
                Map.of());
        new WorkflowStore(home).save(new WorkflowSpec("wf-meaning", "tests and changelog", "2026-12-04T00:00:00Z", "subtasks", null,
                List.of(tests, docs, suite), List.of(), List.of(), List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of()));
        new WorkflowStore(home).save(new WorkflowSpec("wf-no-tests", "one document", "2026-12-04T00:00:00Z", "subtasks", null,
                List.of(step(1, "Write notes", List.of(new Check.FileExists("notes.md", "notes")), Map.of())), List.of(), List.of(),
                List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of()));
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            Files.writeString(ws.resolve("README.md"), "# Project\n\n## Usage\n"); // a README with headings: not the step's work
            String run = c.toolResult("start_run", Map.of("workflow_id", "wf-meaning", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL).path("structuredContent").path("run_id").asString();

            Files.writeString(ws.resolve("test-report.md"), "# Test report\nRan the suite: 3 failed, 9 passed\n");
            assertEquals("retry", decision(c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL)), "a report of failed tests does not pass");
            Files.writeString(ws.resolve("test-report.md"), "# Test report\n12 passed in 0.42s\n");
            assertEquals("next", decision(c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "attempt", 2,
                    "status", "success"), null, ExecuteStdioE2ETest.CALL)));

            // the changelog step: the README is there, but the step names no document it wrote
            JsonNode noDoc = c.toolResult("execute_step", Map.of("run_id", run, "step", 2, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("retry", decision(noDoc), noDoc.toString());
            assertTrue(noDoc.toString().contains("output docs"), noDoc.toString());
            Files.writeString(ws.resolve("CHANGELOG.md"), "no headings yet\n");
            assertEquals("retry", decision(c.toolResult("execute_step", Map.of("run_id", run, "step", 2, "attempt", 2, "status", "success",
                    "outputs", Map.of("docs", "CHANGELOG.md")), null, ExecuteStdioE2ETest.CALL)), "the document it wrote is what is checked");
            Files.writeString(ws.resolve("CHANGELOG.md"), "# Changelog\n\n## 2.0.0\n- new parser\n");
            assertEquals("next", decision(c.toolResult("execute_step", Map.of("run_id", run, "step", 2, "attempt", 3, "status", "success",
                    "outputs", Map.of("docs", "CHANGELOG.md")), null, ExecuteStdioE2ETest.CALL)));

            JsonNode done = c.toolResult("execute_step", Map.of("run_id", run, "step", 3, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("completed", decision(done), done.toString());
            JsonNode t = done.path("structuredContent").path("result").path("test_results");
            assertEquals(12, t.path("total").asInt(), "counted from pytest's summary, not from the checks: " + t);
            assertEquals(0, t.path("failed").asInt(), t.toString());
            assertTrue(t.path("source").asString().contains("pytest"), t.toString());

            // a run where no test ran has no test counts
            Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
            String run2 = c.toolResult("start_run", Map.of("workflow_id", "wf-no-tests", "workspace", ws2.toString()), null,
                    ExecuteStdioE2ETest.CALL).path("structuredContent").path("run_id").asString();
            Files.writeString(ws2.resolve("notes.md"), "notes\n");
            JsonNode done2 = c.toolResult("execute_step", Map.of("run_id", run2, "step", 1, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("completed", decision(done2), done2.toString());
            assertTrue(done2.path("structuredContent").path("result").path("test_results").path("total").isNull(), done2.toString());
        }
    }
}
