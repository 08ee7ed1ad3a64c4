package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate_workflow: its pinned definition, a plan of the caller's subtasks stored and rendered, refused calls. */
class GenerateWorkflowToolTest {

    @TempDir
    Path home;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new GenerateWorkflowTool(null, null, null, null), false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void plansOneStepPerSubtaskAndStoresTheSpec() {
        Services s = ToolTests.services(home);
        ToolResult r = Tools.byName(s, GenerateWorkflowTool.NAME).call(Map.of("task", "review my pull request, then commit it",
                "subtasks", List.of("review the pull request for bugs", "commit the changes and push")), ToolContext.NONE);
        String id = (String) r.structured().get("workflow_id");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) r.structured().get("steps");
        assertEquals(2, steps.size());
        assertEquals(List.of(1, 2), steps.stream().map(x -> x.get("subtask")).toList());
        Path stored = home.resolve("workflows").resolve(id + ".yaml");
        assertTrue(Files.isRegularFile(stored));
        assertEquals(id, s.workflows().load(id).workflowId());
        // the one Markdown rendering of a workflow, with where it is stored
        assertTrue(r.text().startsWith("# workflow " + id + "\n"), r.text());
        assertTrue(r.text().contains("- stored at: " + stored), r.text());
        assertTrue(r.text().contains("```mermaid"), r.text());
        assertTrue(r.structured().containsKey("allowlist"));
    }

    @Test
    void badCallsAreRefusedAndStoreNothing() {
        Services s = ToolTests.services(home);
        McpTool t = Tools.byName(s, GenerateWorkflowTool.NAME);
        assertRefused(t, args(), "'task' is required");
        assertRefused(t, args("task", " "), "'task' must not be empty");
        assertRefused(t, args("task", "x".repeat(4001)), "'task' is too long (4001 characters, at most 4000)");
        assertRefused(t, args("task", "x", "subtasks", Collections.nCopies(21, "a step")), "'subtasks' has more than 20 items");
        assertRefused(t, args("task", "x", "subtasks", List.of("review", " ")), "'subtasks[2]' must not be empty");
        assertRefused(t, args("task", "x", "subtasks", List.of("s".repeat(501))), "'subtasks[1]' is too long");
        assertRefused(t, args("task", "x", "subtasks", "review, commit"), "'subtasks' must be a list of strings");
        assertRefused(t, args("task", "x", "max_steps", 21), "'max_steps' must be between 1 and 20 (got 21)");
        assertRefused(t, args("task", "x", "subtasks", List.of("a", "b", "c"), "max_steps", 2), "3 subtasks but max_steps is 2");
        assertRefused(t, args("task", "x", "installed_only", "yes"), "'installed_only' must be true or false");
        assertRefused(t, args("task", "x", "required_plugins", List.of(3)), "'required_plugins[1]' must be a string");
        assertRefused(t, args("task", "x", "required_plugins", List.of("definitely-not-a-plugin")), "unknown plugin");
        assertRefused(t, args("task", "x", "colour", "red"), "unknown argument 'colour'");
        assertTrue(!Files.exists(home.resolve("workflows")) || s.workflows().ids().isEmpty(), "nothing was stored");
    }
}
