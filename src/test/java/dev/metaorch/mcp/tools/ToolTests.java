package dev.metaorch.mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.Server;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.ClosesServices;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What every {@code <Tool>Test} does the same way: services over a catalog, the pinned definition, refusals. */
final class ToolTests {

    /** The definitions as clients saw them when last reviewed (ToolSchemaSnapshotTest writes them). */
    static final Path SNAPSHOTS = Path.of("src", "test", "resources", "snapshots");

    private ToolTests() {
    }

    /** Services over the small real snapshot (one marketplace of 13 plugins), ready at once. */
    static Services services(Path home) {
        return services(home, MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl").toString());
    }

    /** Services over the given catalog (a JSONL file or a folder of them), ready at once. */
    static Services services(Path home, String catalog) {
        Services s = ClosesServices.track(Main.services(Options.parse("serve", "--home", home.toString(), "--catalog", catalog), Map.of()));
        s.markReady();
        return s;
    }

    /**
     * The tool's definition as tools/list sends it (name, description, input schema) equals its snapshot, and the
     * read-only annotation says what the tool does: a change to either is a visible diff in review.
     */
    static void assertDefinitionPinned(McpTool t, boolean readOnly) throws IOException {
        JsonNode full = Json.tree(Server.toolDefinition(t, Server.jsonMapper()));
        ObjectNode pinned = Json.object();
        pinned.set("name", full.get("name"));
        pinned.set("description", full.get("description"));
        pinned.set("inputSchema", full.get("inputSchema"));
        Path file = SNAPSHOTS.resolve(t.name() + ".schema.json");
        JsonNode expected = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        assertEquals(expected, pinned, t.name() + " differs from " + file + " (ToolSchemaSnapshotTest -Dsnapshots.update=true "
                + "rewrites the snapshots when the change is intended)");
        assertEquals(readOnly, full.get("annotations").get("readOnlyHint").asBoolean(), t.name() + " readOnlyHint");
        assertEquals(readOnly, full.get("annotations").get("idempotentHint").asBoolean(), t.name() + " idempotentHint");
    }

    /** The call is refused (a {@link Refusal}, nothing written) with a message containing each of {@code expected}. */
    static Refusal assertRefused(McpTool t, Map<String, Object> args, String... expected) {
        Refusal e = assertThrows(Refusal.class, () -> t.call(args, ToolContext.NONE), "refused: " + args);
        for (String x : expected) {
            assertTrue(e.getMessage().contains(x), "expected '" + x + "' in: " + e.getMessage());
        }
        return e;
    }

    /** A mutable argument map from key-value pairs (values may be null or of any type, to build bad calls). */
    static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * Stores a two-step workflow over {@code plugin} whose first step is checked by {@code app/main.py} existing, the
     * second by nothing: enough for a run to start, pass a check, fail one and finish.
     */
    /** Stores a one-step workflow under {@code workflowId} and starts a run of it in {@code workspace}: the run id. */
    static String startRun(Services s, String workflowId, Path workspace) {
        storeWorkflow(s, workflowId, "code-review@claude-code-plugins");
        return (String) Tools.byName(s, StartRunTool.NAME).call(Map.of("workflow_id", workflowId, "workspace",
                workspace.toString()), ToolContext.NONE).structured().get("run_id");
    }

    static WorkflowSpec storeWorkflow(Services s, String id, String plugin) {
        WorkflowStep.RetryStrategy once = new WorkflowStep.RetryStrategy(1, 1000, 2.0, 60_000, true,
                WorkflowStep.RetryStrategy.standard().nonRetryable());
        WorkflowSpec spec = new WorkflowSpec(id, "Scaffold a small API and test it", "2026-11-24T00:00:00Z", "subtasks", null,
                List.of(new WorkflowStep(1, plugin, "api-scaffolder", "agent", "Task(subagent_type=\"api-scaffolder\")",
                                "Create the project", Map.of(), Map.of("project_path", "where the project is"),
                                List.of(new Check.FileExists("app/main.py", "the entry point exists")), once,
                                WorkflowStep.Fallback.none("none"), List.of()),
                        new WorkflowStep(2, plugin, "test-writer", "agent", "Task(subagent_type=\"test-writer\")",
                                "Write the tests", Map.of("project_path", Map.of("from_step", 1, "output", "project_path")),
                                Map.of(), List.of(), once, WorkflowStep.Fallback.none("none"), List.of())),
                List.of(), List.of(), List.of(), List.of(), 0.8, "neutral prior", null, List.of(), Map.of());
        s.workflows().save(spec);
        return spec;
    }
}
