package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.execute.TestGit;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rollback_run: its pinned definition, a git workspace put back to the run's start, and the calls it refuses. */
class RollbackRunToolTest {

    @TempDir
    Path home;
    @TempDir
    Path ws;
    Services s;
    McpTool t;
    String runId;

    @BeforeEach
    void start() throws Exception {
        TestGit.initRepo(ws);
        s = ToolTests.services(home);
        runId = ToolTests.startRun(s, "wf-rollback", ws);
        t = Tools.byName(s, RollbackRunTool.NAME);
    }

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new RollbackRunTool(null), false);
    }

    @Test
    void putsTheWorkspaceBackAndClosesTheRun() throws Exception {
        Files.createDirectories(ws.resolve("app"));
        Files.writeString(ws.resolve("app/main.py"), "print('hi')\n");
        Files.writeString(ws.resolve("README.md"), "changed\n");
        ToolResult r = t.call(Map.of("run_id", runId), ToolContext.NONE);
        assertFalse(r.error(), r.text());
        assertEquals("rolled_back", r.structured().get("run_status"));
        assertFalse(Files.exists(ws.resolve("app/main.py")), "a file created since the start is removed");
        assertEquals("# project\n", Files.readString(ws.resolve("README.md")));
        assertEquals("rolled_back", s.runs().status(runId).get("status"));
        assertTrue(r.text().length() > 0);
    }

    @Test
    void badCallsAreRefusedAndTouchNothing() throws Exception {
        Files.writeString(ws.resolve("README.md"), "changed\n");
        assertRefused(t, args("step", 1), "'run_id' is required");
        assertRefused(t, args("run_id", runId, "step", 0), "'step' must be at least 1 (got 0)");
        assertRefused(t, args("run_id", runId, "step", "1"), "'step' must be an integer");
        assertRefused(t, args("run_id", runId, "step", 100_001), "'step' must be at most 100000");
        assertRefused(t, args("run_id", runId, "force", true), "unknown argument 'force'");
        assertRefused(t, args("run_id", runId, "step", 7), "7");
        assertRefused(t, args("run_id", "../x"));
        assertEquals("changed\n", Files.readString(ws.resolve("README.md")));
        assertEquals("running", s.runs().status(runId).get("status"));
    }
}
