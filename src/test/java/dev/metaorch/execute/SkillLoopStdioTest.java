package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.bench.StdioProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 9: walks the loop exactly as skill/SKILL.md tells Claude to, through the real server over stdio,
 * and checks that SKILL.md describes every decision, field and setting the walk met.
 */
class SkillLoopStdioTest {

    @TempDir
    Path tmp;

    /** A report as SKILL.md asks for: what was done, findings, files changed, the runner's summary. */
    static final String REPORT = """
            # Step report

            ## What was done
            - created tests/test_signup.py and changed src/signup.py
            - findings rated: major: email not validated; low: long names accepted

            ## Tests
            12 passed in 0.42s

            ## Where it runs
            https://staging.example.test/app (dashboard and alert set up)
            """;

    @Test
    void theLoopAsSkillMdDescribesIt() throws Exception {
        String skill = Files.readString(Path.of("skill", "SKILL.md"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path ws = Files.createDirectories(tmp.resolve("project")).toRealPath();
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("src/signup.py"), "def signup(email):\n    return email\n");
        Files.writeString(ws.resolve("package.json"), "{\"name\": \"signup\", \"scripts\": {\"test\": \"jest\"}}\n");
        Set<String> met = new LinkedHashSet<>();
        try (StdioProcess c = ExecuteStdioE2ETest.server(home, tmp.resolve("server.log"))) {
            // 2. Plan: subtasks and workspace, as SKILL.md says
            List<String> subtasks = List.of("review the signup code for input validation problems",
                    "add input validation to the signup function", "write unit tests for the signup validation",
                    "document the validation rules in the changelog");
            JsonNode plan = c.toolResult("generate_workflow", Map.of("task", "add input validation to signup with tests and docs",
                    "subtasks", subtasks, "workspace", ws.toString()), null, ExecuteStdioE2ETest.CALL);
            assertFalse(plan.path("isError").asBoolean(), plan.toString());
            JsonNode spec = plan.path("structuredContent");
            assertEquals(subtasks.size(), spec.path("steps").size(), "one step per subtask");
            for (JsonNode st : spec.path("steps")) {
                if (!st.path("gap").asBoolean(false)) {
                    assertTrue(st.path("inputs").has("report_path"), st.toString());
                }
            }
            met.add("allowlist");
            assertTrue(spec.path("allowlist").path("missing").toString().contains("npm"), spec.path("allowlist").toString());

            // 3. Run
            JsonNode start = c.toolResult("start_run", Map.of("workflow_id", spec.path("workflow_id").asString(),
                    "workspace", ws.toString()), null, ExecuteStdioE2ETest.CALL);
            assertFalse(start.path("isError").asBoolean(), start.toString());
            String run = start.path("structuredContent").path("run_id").asString();
            JsonNode invoke = start.path("structuredContent").path("invoke");
            boolean failedOnce = false;
            String decision = null;
            for (int guard = 0; guard < 20 && invoke != null && !invoke.isMissingNode() && !invoke.isNull(); guard++) {
                met.add("validation");
                int step = invoke.path("step").asInt();
                // write the report where the step says, and what its checks name
                Path report = ws.resolve(invoke.path("inputs").path("report_path").asString("report.md"));
                Files.createDirectories(report.getParent());
                Files.writeString(report, REPORT);
                met.add("report_path");
                Map<String, Object> outputs = new LinkedHashMap<>();
                invoke.path("expected_outputs").propertyNames().forEach(n -> outputs.put(n, report.toString().substring(ws.toString().length() + 1)));
                for (JsonNode check : invoke.path("validation")) {
                    String label = check.path("check").asString();
                    String path = label.startsWith("file exists: ") ? label.substring("file exists: ".length())
                            : label.contains("/ in ") ? label.substring(label.lastIndexOf("/ in ") + 5) : null;
                    if (path == null) {
                        continue;
                    }
                    if (path.equals("{output:docs}")) {
                        Files.writeString(ws.resolve("CHANGELOG.md"), "# Changelog\n\n## Unreleased\n- signup validates emails\n");
                        outputs.put("docs", "CHANGELOG.md");
                    } else if (path.contains("*")) {
                        Files.createDirectories(ws.resolve("tests"));
                        Files.writeString(ws.resolve("tests/test_signup.spec.py"), "def test_signup(): pass\n");
                    } else {
                        Path p = ws.resolve(path);
                        Files.createDirectories(p.getParent());
                        Files.writeString(p, REPORT);
                    }
                }
                Map<String, Object> args = new LinkedHashMap<>();
                args.put("run_id", run);
                args.put("step", step);
                args.put("attempt", invoke.path("attempt").asInt());
                if (!failedOnce) {
                    // the first invocation went wrong: report it with the error as seen
                    failedOnce = true;
                    args.put("status", "failure");
                    args.put("error", "request timed out after 60 s talking to the model");
                } else {
                    args.put("status", "success");
                    args.put("outputs", outputs);
                    args.put("duration_ms", 1200);
                }
                JsonNode r = c.toolResult("execute_step", args, null, ExecuteStdioE2ETest.CALL);
                assertFalse(r.path("isError").asBoolean(), r.toString());
                JsonNode d = r.path("structuredContent");
                decision = d.path("decision").asString();
                met.add(decision);
                if (d.has("unverified")) {
                    met.add("unverified");
                    assertTrue(d.path("unverified").get(0).path("allow").asString().startsWith("allowed_programs: ["), d.toString());
                }
                if ("retry".equals(decision)) {
                    met.add("delay_ms");
                    assertTrue(d.path("delay_ms").asLong() > 0, d.toString());
                }
                assertFalse(List.of("escalate").contains(decision), "the walk does what the checks ask: " + r);
                invoke = d.path("invoke");
            }
            assertEquals("completed", decision);
            met.add("workspace");
            met.add("subtasks");

            // 4. Learn
            JsonNode rec = c.toolResult("record_outcome", Map.of("run_id", run), null, ExecuteStdioE2ETest.CALL);
            assertFalse(rec.path("isError").asBoolean(), rec.toString());
            met.add("record_outcome");
        }
        assertTrue(met.containsAll(List.of("retry", "next", "completed", "unverified", "report_path")), met.toString());
        for (String word : met) {
            assertTrue(skill.contains("`" + word + "`") || skill.contains(word), "SKILL.md describes " + word);
        }
        for (String d : List.of("next", "retry", "known_fix", "fallback", "escalate", "completed")) {
            assertTrue(skill.contains("`" + d + "`"), "SKILL.md describes the decision " + d);
        }
        assertTrue(skill.contains("allowed_programs"), "SKILL.md says how to allow programs");
        assertFalse(skill.contains("candidate plugins per sub-task"), "research does not give per-sub-task candidates");
    }
}
