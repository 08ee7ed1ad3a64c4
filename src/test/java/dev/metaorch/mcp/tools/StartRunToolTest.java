package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** start_run: its pinned definition, a run started from a stored workflow, and the calls it refuses. */
class StartRunToolTest {

    @TempDir
    Path home;
    @TempDir
    Path ws;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new StartRunTool(null), false);
    }

    @Test
    void startsARunAndSaysWhatToInvokeFirst() {
        Services s = ToolTests.services(home);
        ToolTests.storeWorkflow(s, "wf-start", "code-review@claude-code-plugins");
        McpTool t = Tools.byName(s, StartRunTool.NAME);
        ToolResult r = t.call(Map.of("workflow_id", "wf-start", "workspace", ws.toString()), ToolContext.NONE);
        assertFalse(r.error(), r.text());
        String runId = (String) r.structured().get("run_id");
        assertTrue(runId.startsWith("wf-start-"), runId);
        assertEquals("next", r.structured().get("decision"));
        assertEquals(1, ((Map<?, ?>) r.structured().get("invoke")).get("step"));
        assertTrue(r.text().contains("execute_step"), r.text());
        assertEquals("running", s.runs().status(runId).get("status"));
    }

    @Test
    void badCallsAreRefusedAndStartNothing() {
        Services s = ToolTests.services(home);
        ToolTests.storeWorkflow(s, "wf-start", "code-review@claude-code-plugins");
        McpTool t = Tools.byName(s, StartRunTool.NAME);
        String w = ws.toString();
        assertRefused(t, args("workflow_id", "wf-start"), "'workspace' is required");
        assertRefused(t, args("workspace", w), "'workflow_id' is required");
        assertRefused(t, args("workflow_id", "  ", "workspace", w), "'workflow_id' must not be empty");
        assertRefused(t, args("workflow_id", "w".repeat(129), "workspace", w), "'workflow_id' is too long (129 characters, at most 128)");
        assertRefused(t, args("workflow_id", "wf-start", "workspace", 5), "'workspace' must be a string");
        assertRefused(t, args("workflow_id", "wf-start", "workspace", w, "dry_run", true), "unknown argument 'dry_run'",
                "allowed: workflow_id, workspace");
        assertRefused(t, args("workflow_id", "no-such-flow", "workspace", w), "unknown workflow_id");
        assertRefused(t, args("workflow_id", "wf-start", "workspace", ws.resolve("missing").toString()));
        assertEquals(0, s.runs().list().size(), "no run was started");
    }
}
