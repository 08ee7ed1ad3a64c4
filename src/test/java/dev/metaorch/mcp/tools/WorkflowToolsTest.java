package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowToolsTest {

    static Services services(Path home) {
        Services s = new Services(Settings.load(home, Map.of()), CatalogSources.snapshots(Fixtures.catalogDir()));
        s.markReady();
        return s;
    }

    @Test
    @SuppressWarnings("unchecked")
    void generateWorkflowAnswersTheContractShapeAndStoresTheSpec(@TempDir Path home) {
        Services s = services(home);
        ToolResult r = Tools.byName(s, GenerateWorkflowTool.NAME).call(Map.of("task", "harden the API and add integration tests",
                "max_steps", 4), ToolContext.NONE);
        Map<String, Object> spec = r.structured();
        String id = (String) spec.get("workflow_id");
        assertTrue(Files.isRegularFile(home.resolve("workflows").resolve(id + ".yaml")));
        for (String k : List.of("workflow_id", "task", "steps", "environment_requirements", "dependencies", "final_validation",
                "rollback_procedure", "estimated_success_rate", "estimate_basis", "mermaid")) {
            assertTrue(spec.containsKey(k), "missing " + k + " in " + spec.keySet());
        }
        List<Map<String, Object>> steps = (List<Map<String, Object>>) spec.get("steps");
        assertTrue(!steps.isEmpty() && steps.size() <= 4);
        for (String k : List.of("step", "plugin", "component", "kind", "invoke", "purpose", "inputs", "outputs", "validation",
                "retry_strategy", "fallback")) {
            assertTrue(steps.get(0).containsKey(k), "missing step field " + k);
        }
        Map<String, Object> check = ((List<Map<String, Object>>) steps.get(0).get("validation")).get(0);
        assertTrue(check.containsKey("type") && check.containsKey("reason"), check.toString());
        assertTrue(r.text().contains("```mermaid"), r.text());
        // The JSON round-trips through the spec type the execution engine reads.
        assertEquals(id, s.workflows().load(id).workflowId());
    }

    @Test
    void badArgumentsAreClearErrorsAndWriteNothing(@TempDir Path home) {
        Services s = services(home);
        McpTool t = Tools.byName(s, GenerateWorkflowTool.NAME);
        assertTrue(assertThrows(Refusal.class, () -> t.call(Map.of("task", "x", "colour", "red"), ToolContext.NONE))
                .getMessage().contains("unknown argument 'colour'"));
        assertTrue(assertThrows(Refusal.class, () -> t.call(Map.of("task", "deploy it",
                "required_plugins", List.of("definitely-not-a-plugin")), ToolContext.NONE)).getMessage().contains("unknown plugin"));
        assertTrue(assertThrows(Refusal.class, () -> t.call(Map.of("task", "deploy it",
                "marketplaces", List.of("nope")), ToolContext.NONE)).getMessage().contains("unknown marketplace"));
        assertTrue(assertThrows(Refusal.class, () -> t.call(Map.of("task", "  "), ToolContext.NONE))
                .getMessage().contains("must not be empty"));
        assertTrue(assertThrows(Refusal.class, () -> t.call(Map.of("task", "a", "max_steps", 99), ToolContext.NONE))
                .getMessage().contains("max_steps"));
        assertTrue(!Files.exists(home.resolve("workflows")) || s.workflows().ids().isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void matchPatternsOnAnEmptyLibraryIsAnEmptyList(@TempDir Path home) {
        ToolResult r = Tools.byName(services(home), MatchPatternsTool.NAME).call(Map.of("task", "deploy to kubernetes"), ToolContext.NONE);
        assertTrue(!r.error());
        assertEquals(List.of(), r.structured().get("matches"));
        assertTrue(r.text().contains("empty"), r.text());
    }

    @Test
    void researchToolMergesTheThreeAnalyses(@TempDir Path home) {
        ToolResult r = Tools.byName(services(home), ResearchPluginsTool.NAME).call(Map.of("task", "set up CI/CD and deploy to kubernetes", "limit", 4),
                ToolContext.NONE);
        for (String k : List.of("capabilities", "integration", "reliability", "analyses")) {
            assertTrue(r.structured().containsKey(k), k);
        }
        assertTrue(r.text().startsWith("## Research report"), r.text());
    }

    @Test
    void descriptionsStayShort(@TempDir Path home) {
        Services s = services(home);
        for (String name : Set.of(GenerateWorkflowTool.NAME, ResearchPluginsTool.NAME, MatchPatternsTool.NAME)) {
            McpTool t = Tools.byName(s, name);
            assertTrue(t.description().length() <= 200, name + " description too long");
            assertTrue(t.inputSchema().length() <= 2000, name + " schema too long");
        }
    }
}
