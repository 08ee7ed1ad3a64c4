package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Issue 19, item 5, through the real server over stdio: one workflow is one pattern whichever path records it
 * (explicit outcome with plugin ids, a run, a run that used a fallback), the fallback's failure counts against
 * it, a rolled-back run is a failure, a 1-of-1 pattern does not take over generate_workflow, match_patterns has
 * a relevance floor, and unknown plugin ids are refused by name.
 */
class PatternIdentityStdioTest {

    @TempDir
    Path tmp;

    static final String TASK = "review the pull request of my web app for security issues before the production release";
    static final String REVIEW = "comprehensive-review@claude-code-workflows";
    static final String SCAN = "security-scanning@claude-code-workflows";
    static final String COMPLIANCE = "security-compliance@claude-code-workflows";

    static WorkflowSpec spec(String id) {
        WorkflowStep s1 = new WorkflowStep(1, REVIEW, "comprehensive-review-code-reviewer", "agent",
                "Task(subagent_type=\"comprehensive-review-code-reviewer\")", "Review the pull request", Map.of(),
                Map.of("review", "findings"), List.of(new Check.FileExists("review.md", "the review is written")),
                Specs.retries(1), WorkflowStep.Fallback.none("none"), List.of());
        WorkflowStep s2 = new WorkflowStep(2, SCAN, "security-scanning-security-auditor", "agent",
                "Task(subagent_type=\"security-scanning-security-auditor\")", "Audit security", Map.of(),
                Map.of("findings", "issues"), List.of(new Check.FileExists("security.md", "the audit is written")),
                Specs.retries(1), new WorkflowStep.Fallback(COMPLIANCE, "security-compliance-security-auditor", "agent",
                "Task(subagent_type=\"security-compliance-security-auditor\")", 0.8, "same role: security audit"), List.of());
        return new WorkflowSpec(id, TASK, "2026-12-04T00:00:00Z", "subtasks", null, List.of(s1, s2), List.of(), List.of(),
                List.of(), List.of(), 0.5, "prior", null, List.of(), Map.of());
    }

    static Map<String, Object> sc(JsonNode r) {
        return dev.metaorch.util.Json.toMap(r.get("structuredContent"));
    }

    static String decision(JsonNode r) {
        return r.path("structuredContent").path("decision").asString();
    }

    @Test
    void oneWorkflowIsOnePatternWhicheverPathRecordedIt() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        WorkflowStore store = new WorkflowStore(home);
        for (String id : List.of("wf-ok", "wf-fallback", "wf-rolled")) {
            store.save(spec(id));
        }
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            // An unknown plugin id is refused, named, and nothing is recorded.
            JsonNode bad = c.toolResult("record_outcome", Map.of("status", "success", "task", TASK,
                    "plugin_sequence", List.of("does-not-exist@nowhere", REVIEW, "typo-scan@claude-code-workflows")), null, ExecuteStdioE2ETest.CALL);
            assertTrue(bad.path("isError").asBoolean(), bad.toString());
            String badText = bad.path("content").get(0).path("text").asString();
            assertTrue(badText.contains("does-not-exist@nowhere") && badText.contains("typo-scan@claude-code-workflows"), badText);
            assertFalse(badText.contains("'" + REVIEW + "'"), "only the unknown ids are named: " + badText);
            assertEquals(0, ((Number) sc(c.toolResult("pattern_stats", Map.of(), null, ExecuteStdioE2ETest.CALL))
                    .get("total_patterns")).intValue());

            // 1. An explicit outcome naming plugin ids only.
            JsonNode explicit = c.toolResult("record_outcome", Map.of("status", "success", "task", TASK,
                    "plugin_sequence", List.of(REVIEW, SCAN)), null, ExecuteStdioE2ETest.CALL);
            assertFalse(explicit.path("isError").asBoolean(), explicit.toString());
            String pattern = (String) sc(explicit).get("pattern_id");

            // A 1-of-1 pattern does not drive the plan: its evidence does not beat a fresh plan.
            JsonNode plan = c.toolResult("generate_workflow", Map.of("task", TASK), null, ExecuteStdioE2ETest.CALL);
            assertFalse(plan.path("isError").asBoolean(), plan.toString());
            assertNotEquals("pattern", plan.path("structuredContent").path("decomposition").asString(), plan.toString());
            assertTrue(plan.toString().contains(pattern) && plan.toString().contains("lower bound"),
                    "the plan says why the pattern was not followed: " + plan);

            // 2. A run of the same workflow, with components.
            Path ws = Files.createDirectories(tmp.resolve("ws1"));
            String run1 = (String) sc(c.toolResult("start_run", Map.of("workflow_id", "wf-ok", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL)).get("run_id");
            Files.writeString(ws.resolve("review.md"), "# Review\n");
            assertEquals("next", decision(c.toolResult("execute_step", Map.of("run_id", run1, "step", 1, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL)));
            Files.writeString(ws.resolve("security.md"), "# Audit\n");
            assertEquals("completed", decision(c.toolResult("execute_step", Map.of("run_id", run1, "step", 2, "status", "success"),
                    null, ExecuteStdioE2ETest.CALL)));
            Map<String, Object> r1 = sc(c.toolResult("record_outcome", Map.of("run_id", run1), null, ExecuteStdioE2ETest.CALL));
            assertEquals(pattern, r1.get("pattern_id"), "the run counts for the pattern the explicit outcome started: " + r1);

            // 3. A run whose step 2 fails, runs the fallback, and the fallback fails too: a failure of the same pattern.
            Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
            String run2 = (String) sc(c.toolResult("start_run", Map.of("workflow_id", "wf-fallback", "workspace", ws2.toString()),
                    null, ExecuteStdioE2ETest.CALL)).get("run_id");
            Files.writeString(ws2.resolve("review.md"), "# Review\n");
            c.toolResult("execute_step", Map.of("run_id", run2, "step", 1, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            JsonNode fb = c.toolResult("execute_step", Map.of("run_id", run2, "step", 2, "status", "failure",
                    "error", "EACCES: permission denied, open 'src/app.py'"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("fallback", decision(fb), fb.toString());
            JsonNode esc = c.toolResult("execute_step", Map.of("run_id", run2, "step", 2, "status", "failure",
                    "error", "EACCES: permission denied, open 'src/app.py'"), null, ExecuteStdioE2ETest.CALL);
            assertEquals("escalate", decision(esc), esc.toString());
            Map<String, Object> r2 = sc(c.toolResult("record_outcome", Map.of("run_id", run2), null, ExecuteStdioE2ETest.CALL));
            assertEquals(pattern, r2.get("pattern_id"), "a run that used a fallback counts for the pattern it was planned as: " + r2);

            // 4. A run that completed and was then rolled back: a failure.
            Path ws3 = tmp.resolve("ws3");
            TestGit.initRepo(ws3);
            ws3 = ws3.toRealPath();
            String run3 = (String) sc(c.toolResult("start_run", Map.of("workflow_id", "wf-rolled", "workspace", ws3.toString()),
                    null, ExecuteStdioE2ETest.CALL)).get("run_id");
            Files.writeString(ws3.resolve("review.md"), "# Review\n");
            c.toolResult("execute_step", Map.of("run_id", run3, "step", 1, "status", "success"), null, ExecuteStdioE2ETest.CALL);
            Files.writeString(ws3.resolve("security.md"), "# Audit\n");
            assertEquals("completed", decision(c.toolResult("execute_step", Map.of("run_id", run3, "step", 2, "status", "success"),
                    null, ExecuteStdioE2ETest.CALL)));
            JsonNode rb = c.toolResult("rollback_run", Map.of("run_id", run3), null, ExecuteStdioE2ETest.CALL);
            assertFalse(rb.path("isError").asBoolean(), rb.toString());
            Map<String, Object> r3 = sc(c.toolResult("record_outcome", Map.of("run_id", run3), null, ExecuteStdioE2ETest.CALL));
            assertEquals(pattern, r3.get("pattern_id"), r3.toString());

            Map<?, ?> metrics = (Map<?, ?>) r3.get("metrics");
            assertEquals(4, ((Number) metrics.get("total_executions")).intValue(), r3.toString());
            assertEquals(2, ((Number) metrics.get("successful_executions")).intValue(),
                    "explicit + run 1 succeeded; the fallback run and the rolled-back run failed: " + r3);
            assertEquals(1, ((Number) sc(c.toolResult("pattern_stats", Map.of(), null, ExecuteStdioE2ETest.CALL))
                    .get("total_patterns")).intValue(), "one workflow, one pattern");

            // match_patterns: the pattern's own kind of task finds it; a deployment task sharing only common words does not.
            JsonNode same = c.toolResult("match_patterns", Map.of("task", "security review of a pull request"), null, ExecuteStdioE2ETest.CALL);
            assertEquals(pattern, same.path("structuredContent").path("matches").get(0).path("pattern_id").asString(), same.toString());
            JsonNode deploy = c.toolResult("match_patterns", Map.of("task", "deploy my web app to production"), null, ExecuteStdioE2ETest.CALL);
            assertEquals(0, deploy.path("structuredContent").path("matches").size(), deploy.toString());
        }
    }

    /** Issue 19, item 6: a known issue keeps the caller's error text (normalized), the failed check beside it. */
    @Test
    void knownIssuesKeepTheCallersErrorWithTheFailedCheckBesideIt() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        new WorkflowStore(home).save(spec("wf-issue"));
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            String run = (String) sc(c.toolResult("start_run", Map.of("workflow_id", "wf-issue", "workspace", ws.toString()), null,
                    ExecuteStdioE2ETest.CALL)).get("run_id");
            String error = "ModuleNotFoundError: No module named 'jose' (while loading /home/dev/app/auth.py line 12)";
            JsonNode r1 = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "failure", "error", error), null,
                    ExecuteStdioE2ETest.CALL);
            assertEquals("retry", decision(r1), r1.toString());
            // The second attempt says success, but the review it should write is missing: validation fails, no retries left.
            JsonNode r2 = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "attempt", 2, "status", "success"), null,
                    ExecuteStdioE2ETest.CALL);
            assertEquals("escalate", decision(r2), r2.toString());
            JsonNode rec = c.toolResult("record_outcome", Map.of("run_id", run), null, ExecuteStdioE2ETest.CALL);
            assertFalse(rec.path("isError").asBoolean(), rec.toString());

            JsonNode ki = c.toolResult("known_issues", Map.of("plugin", REVIEW), null, ExecuteStdioE2ETest.CALL);
            JsonNode issue = ki.path("structuredContent").path("issues").get(0);
            assertEquals(dev.metaorch.learn.ErrorPatterns.normalize(error), issue.path("error_pattern").asString(),
                    "the caller's error, normalized: " + ki);
            assertTrue(issue.path("failed_check").asString().contains("review.md does not exist"), ki.toString());
            assertTrue(ki.path("content").get(0).path("text").asString().contains("failed check: file exists: review.md"), ki.toString());
        }
    }

    /** The other side of the rule: a pattern whose record beats a fresh plan drives generate_workflow. */
    @Test
    void aPatternWithARecordThatBeatsAFreshPlanDrivesThePlan() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            String pattern = null;
            for (int i = 0; i < 3; i++) {
                pattern = (String) sc(c.toolResult("record_outcome", Map.of("status", "success", "task", TASK,
                        "plugin_sequence", List.of(REVIEW, SCAN)), null, ExecuteStdioE2ETest.CALL)).get("pattern_id");
            }
            // 3 of 3: the posterior's 0.05 quantile is 0.47, not above the 0.5 of a fresh plan without a record
            JsonNode early = c.toolResult("generate_workflow", Map.of("task", TASK), null, ExecuteStdioE2ETest.CALL);
            assertNotEquals("pattern", early.path("structuredContent").path("decomposition").asString(), early.toString());
            for (int i = 0; i < 12; i++) {
                c.toolResult("record_outcome", Map.of("status", "success", "task", TASK, "plugin_sequence", List.of(REVIEW, SCAN)),
                        null, ExecuteStdioE2ETest.CALL);
            }
            // 15 of 15: 0.83, above the 0.5 of a fresh plan whose sequence has no record
            JsonNode plan = c.toolResult("generate_workflow", Map.of("task", TASK), null, ExecuteStdioE2ETest.CALL);
            JsonNode spec = plan.path("structuredContent");
            assertEquals("pattern", spec.path("decomposition").asString(), plan.toString());
            assertEquals(pattern, spec.path("pattern_id").asString(), plan.toString());
        }
    }
}
