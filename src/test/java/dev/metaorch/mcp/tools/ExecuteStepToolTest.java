package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.execute.StepReport;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** execute_step: its pinned definition, reports that move a run to its end, and the reports it refuses. */
class ExecuteStepToolTest {

    @TempDir
    Path home;
    @TempDir
    Path ws;
    Services s;
    McpTool t;
    String runId;

    @BeforeEach
    void start() {
        s = ToolTests.services(home);
        runId = ToolTests.startRun(s, "wf-exec", ws);
        t = Tools.byName(s, ExecuteStepTool.NAME);
    }

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new ExecuteStepTool(null), false);
    }

    @Test
    void reportsAreValidatedAndTheRunMovesOnToItsEnd() throws Exception {
        // the first step's check (app/main.py exists) fails until the file is there
        ToolResult failed = t.call(Map.of("run_id", runId, "step", 1, "status", "success", "outputs", Map.of("project_path", "app")),
                ToolContext.NONE);
        assertEquals("retry", failed.structured().get("decision"), failed.text());
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "print('hi')\n");
        ToolResult next = t.call(Map.of("run_id", runId, "step", 1, "status", "success", "outputs", Map.of("project_path", "app"),
                "duration_ms", 1200), ToolContext.NONE);
        assertEquals("next", next.structured().get("decision"), next.text());
        Map<?, ?> invoke = (Map<?, ?>) next.structured().get("invoke");
        assertEquals(2, invoke.get("step"));
        assertEquals(Map.of("project_path", "app"), invoke.get("inputs"), "step 2's input is filled from step 1's output");
        ToolResult done = t.call(Map.of("run_id", runId, "step", 2, "status", "success"), ToolContext.NONE);
        assertEquals("completed", done.structured().get("decision"), done.text());
    }

    @Test
    void malformedReportsAreRefusedAndLeaveTheJournalAsItWas() throws Exception {
        Path journal = s.runs().journal(runId);
        byte[] before = Files.readAllBytes(journal);
        assertRefused(t, args("run_id", runId, "status", "success"), "'step' is required");
        assertRefused(t, args("step", 1, "status", "success"), "'run_id' is required");
        assertRefused(t, args("run_id", runId, "step", 1), "'status' is required");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "done"), "'status' must be \"success\" or \"failure\" (got 'done')");
        assertRefused(t, args("run_id", runId, "step", 0, "status", "success"), "'step' must be at least 1 (got 0)");
        assertRefused(t, args("run_id", runId, "step", 1.5, "status", "success"), "'step' must be an integer");
        assertRefused(t, args("run_id", runId, "step", 100_001, "status", "success"), "'step' must be at most 100000");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "attempt", 1001), "'attempt' must be at most 1000");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "duration_ms", -5), "'duration_ms' must be at least 0");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "outputs", List.of("a")), "'outputs' must be an object");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "outputs", Map.of(" ", 1)), "invalid name");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "outputs", Map.of("big", "x".repeat(StepReport.MAX_OUTPUTS_BYTES))),
                "'outputs' is too large");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "error", 7), "'error' must be a string");
        assertRefused(t, args("run_id", runId, "step", 1, "status", "success", "verbose", true), "unknown argument 'verbose'");
        assertRefused(t, args("run_id", "no-such-run", "step", 1, "status", "success"), "no-such-run");
        assertArrayEquals(before, Files.readAllBytes(journal), "refused reports leave the journal as it was");
    }

    @Test
    void aLongErrorIsCutNotRefused() {
        String error = "E".repeat(StepReport.MAX_ERROR_CHARS + 50);
        StepReport r = ExecuteStepTool.report(ExecuteStepTool.DEFINITION.args(args("run_id", runId, "step", 1, "status", "failure",
                "error", error)));
        assertEquals(StepReport.MAX_ERROR_CHARS, r.error().indexOf('\u2026'));
        assertEquals(Map.of(), r.outputs());
        assertEquals(null, r.attempt());
    }
}
