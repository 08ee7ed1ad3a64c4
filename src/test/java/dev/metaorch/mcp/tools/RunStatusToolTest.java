package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run_status: its pinned definition, every run or one run, and the calls it refuses. */
class RunStatusToolTest {

    @TempDir
    Path home;
    @TempDir
    Path ws;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new RunStatusTool(null), true);
    }

    @Test
    void listsEveryRunOrShowsOne() {
        Services s = ToolTests.services(home);
        McpTool t = Tools.byName(s, RunStatusTool.NAME);
        assertEquals(List.of(), t.call(Map.of(), ToolContext.NONE).structured().get("runs"));

        ToolTests.storeWorkflow(s, "wf-status", "code-review@claude-code-plugins");
        String runId = (String) Tools.byName(s, StartRunTool.NAME).call(Map.of("workflow_id", "wf-status", "workspace",
                ws.toString()), ToolContext.NONE).structured().get("run_id");
        List<?> runs = (List<?>) t.call(Map.of(), ToolContext.NONE).structured().get("runs");
        assertEquals(1, runs.size());
        assertEquals(runId, ((Map<?, ?>) runs.get(0)).get("run_id"));

        ToolResult one = t.call(Map.of("run_id", runId), ToolContext.NONE);
        assertEquals("running", one.structured().get("status"));
        assertTrue(one.text().contains(runId) && one.text().contains("api-scaffolder"), one.text());
    }

    @Test
    void badCallsAreRefused() {
        McpTool t = Tools.byName(ToolTests.services(home), RunStatusTool.NAME);
        assertRefused(t, args("run_id", ""), "'run_id' must not be empty");
        assertRefused(t, args("run_id", 12), "'run_id' must be a string");
        assertRefused(t, args("run_id", "r".repeat(129)), "'run_id' is too long");
        assertRefused(t, args("all", true), "unknown argument 'all'", "allowed: run_id");
        assertRefused(t, args("run_id", "no-such-run"), "no-such-run");
    }
}
