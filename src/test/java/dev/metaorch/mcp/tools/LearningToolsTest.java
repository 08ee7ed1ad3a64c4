package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.ClosesServices;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class LearningToolsTest {

    @TempDir
    Path home;
    @TempDir
    Path catalog;
    Services services;

    @BeforeEach
    void setUp() throws Exception {
        // record_outcome refuses plugin ids the catalog does not have: a small snapshot with the ones used here
        dev.metaorch.testing.SnapshotFixtures.plugins(catalog, List.of("api@m", "cache@m", "a@m", "b@m"));
        services = ClosesServices.track(Main.services(Options.parse("serve", "--home", home.toString(), "--catalog", catalog.toString()), Map.of()));
        services.markReady();
    }

    ToolResult call(String tool, Map<String, Object> args) {
        return Tools.byName(services, tool).call(args, ToolContext.NONE);
    }

    @Test
    void recordOutcomeWritesAndPatternStatsOnlyReads() {
        // (their schemas are pinned by ToolSchemaSnapshotTest)
        assertFalse(Tools.byName(services, RecordOutcomeTool.NAME).readOnly());
        assertTrue(Tools.byName(services, PatternStatsTool.NAME).readOnly());
    }

    @Test
    void recordsAnExplicitOutcomeWithStepsAndReportsStats() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("execution_id", "exec-1");
        args.put("task", "Add Redis caching to the API");
        args.put("status", "success");
        args.put("duration_seconds", 42.5);
        args.put("domain", "Web Development");
        args.put("steps", List.of(
                Map.of("plugin", "api@m", "component", "backend-architect", "status", "success", "duration_seconds", 20),
                Map.of("plugin", "cache@m", "status", "success", "duration_seconds", 22.5,
                        "error", "ECONNREFUSED 127.0.0.1:6379", "fix_applied", "started redis")));
        ToolResult r = call(RecordOutcomeTool.NAME, args);
        assertFalse(r.error(), r.text());
        assertEquals("discovered", r.structured().get("status"));
        assertEquals(true, r.structured().get("created"));
        assertTrue(r.text().contains("Recorded execution exec-1"), r.text());
        String id = (String) r.structured().get("pattern_id");
        assertTrue(id.startsWith("web-development-add-redis-caching"), id);

        ToolResult dup = call(RecordOutcomeTool.NAME, args);
        assertEquals(true, dup.structured().get("duplicate"));
        assertTrue(dup.text().contains("already recorded"));

        ToolResult stats = call(PatternStatsTool.NAME, Map.of());
        assertEquals(1, stats.structured().get("workflows_executed"));
        assertEquals(2, stats.structured().get("plugins_with_usage_data"));
        assertEquals(Map.of("discovered", 1, "validated", 0, "learned", 0, "deprecated", 0), stats.structured().get("patterns_by_status"));
        assertEquals(List.of(Map.of("domain", "web-development", "workflows", 1)), stats.structured().get("top_domains"));
        assertEquals("started redis", services.knownIssues().issues("cache@m").get(0).fix());
        assertEquals(1, services.evidence().plugin("api@m").uses());
        assertEquals(id, services.patterns().patterns().get(0).id());
    }

    @Test
    void badInputIsAClearErrorAndWritesNothing() {
        List<Map<String, Object>> bad = List.of(
                Map.of("status", "maybe", "plugin_sequence", List.of("a@m")),
                Map.of("status", "success"),
                Map.of("plugin_sequence", List.of("a@m")),
                Map.of("status", "success", "plugin_sequence", List.of(1, 2)),
                Map.of("status", "success", "pattern_id", "../../etc/passwd"),
                Map.of("status", "success", "execution_id", "a/b", "plugin_sequence", List.of("a@m")),
                Map.of("status", "success", "plugin_sequence", List.of("a@m"), "surprise", 1),
                Map.of("status", "success", "steps", List.of(Map.of("plugin", "a@m", "status", "fine"))),
                Map.of("run_id", "../x"),
                Map.of("run_id", "run-1", "status", "success"));
        for (Map<String, Object> args : bad) {
            assertThrows(Refusal.class, () -> call(RecordOutcomeTool.NAME, args), args.toString());
        }
        Refusal unknown = assertThrows(Refusal.class, () -> call(RecordOutcomeTool.NAME, Map.of("run_id", "run-7")));
        assertTrue(unknown.getMessage().contains("unknown run_id 'run-7'"), unknown.getMessage());
        assertFalse(Files.exists(home.resolve("patterns")));
    }

    @Test
    void cliRecordAndStatsPrintTheToolsJson() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        String[] base = {"--home", home.toString(), "--catalog", catalog.toString()};
        int code = Main.run(concat(new String[]{"record", "--status", "failure", "--plugin", "a@m", "--plugin", "b@m",
                "--duration", "12", "--error", "Timeout after 30 s", "--fix", "raise the timeout", "--execution-id", "cli-1",
                "--json", "Migrate the database schema"}, base), out, Map.of());
        assertEquals(0, code, buf.toString());
        JsonNode rec = Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        assertEquals("cli-1", rec.get("execution_id").asString());
        assertEquals("timeout after <n> s", rec.get("known_issues").get(0).get("issue").asString());
        assertEquals("raise the timeout", rec.get("known_issues").get(0).get("fix").asString());
        buf.reset();
        assertEquals(0, Main.run(concat(new String[]{"stats", "--json"}, base), out, Map.of()));
        JsonNode stats = Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        assertEquals(1, stats.get("workflows_executed").asInt());
        assertEquals(0, stats.get("success_rate").asDouble());
        buf.reset();
        assertEquals(1, Main.run(concat(new String[]{"record", "--run", "nope"}, base), out, Map.of()));
        assertEquals(2, Main.run(concat(new String[]{"record", "--status", "success", "--duration", "soon"}, base), out, Map.of()));
    }

    @Test
    void aFinishedRunIsRecordedFromItsJournalOnce(@TempDir Path ws) throws Exception {
        dev.metaorch.workflow.WorkflowStep step = new dev.metaorch.workflow.WorkflowStep(1, "scaffold@demo", "api-scaffolder",
                "agent", "Task(subagent_type=\"api-scaffolder\")", "Create the project", Map.of(), Map.of(),
                List.of(new dev.metaorch.workflow.Check.FileExists("app/main.py", "the entry point exists")),
                new dev.metaorch.workflow.WorkflowStep.RetryStrategy(1, 1000, 2.0, 60_000, true,
                        dev.metaorch.workflow.WorkflowStep.RetryStrategy.standard().nonRetryable()),
                dev.metaorch.workflow.WorkflowStep.Fallback.none("none"), List.of());
        services.workflows().save(new dev.metaorch.workflow.WorkflowSpec("wf-learn-1", "Scaffold a small API",
                "2026-11-24T00:00:00Z", "subtasks", null, List.of(step), List.of(), List.of(), List.of(), List.of(), 0.8,
                "neutral prior", null, List.of(), Map.of()));
        String runId = (String) services.runs().start("wf-learn-1", ws.toString(), ToolContext.NONE).get("run_id");
        Refusal early = assertThrows(Refusal.class, () -> call(RecordOutcomeTool.NAME, Map.of("run_id", runId)));
        assertTrue(early.getMessage().contains("only a completed, escalated or rolled-back run"), early.getMessage());
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "print('hi')\n");
        services.runs().report(runId, 1, new dev.metaorch.execute.StepReport("success", Map.of(), null, 1500, null), ToolContext.NONE);

        ToolResult r = call(RecordOutcomeTool.NAME, Map.of("run_id", runId, "domain", "web-development"));
        assertFalse(r.error(), r.text());
        assertEquals(runId, r.structured().get("execution_id"));
        String id = (String) r.structured().get("pattern_id");
        var p = services.patternStore().pattern(id).orElseThrow();
        assertEquals("scaffold@demo", p.pluginSequence().get(0).plugin());
        assertEquals("api-scaffolder", p.pluginSequence().get(0).component());
        assertEquals(1, p.metrics().successfulExecutions());
        assertEquals(1, services.evidence().plugin("scaffold@demo").successes());
        assertEquals(true, call(RecordOutcomeTool.NAME, Map.of("run_id", runId)).structured().get("duplicate"));
        assertEquals(1, services.patternStore().stats().workflowsExecuted());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
