package dev.metaorch.mcp.tools;

import static dev.metaorch.mcp.tools.ToolTests.args;
import static dev.metaorch.mcp.tools.ToolTests.assertDefinitionPinned;
import static dev.metaorch.mcp.tools.ToolTests.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.learn.Pattern;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.testing.SnapshotFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** record_outcome: its pinned definition, an explicit outcome learned, and the outcomes it refuses. */
class RecordOutcomeToolTest {

    @TempDir
    Path home;
    @TempDir
    Path catalog;
    Services s;
    McpTool t;

    @BeforeEach
    void start() throws Exception {
        SnapshotFixtures.plugins(catalog, List.of("api@m", "cache@m"));
        s = ToolTests.services(home, catalog.toString());
        t = Tools.byName(s, RecordOutcomeTool.NAME);
    }

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new RecordOutcomeTool(null, null, null), false);
    }

    @Test
    void learnsAnExplicitOutcome() {
        ToolResult r = t.call(args("execution_id", "exec-7", "task", "Add caching to the API", "status", "failure",
                "duration_seconds", 30, "plugin_sequence", List.of("api@m", Map.of("plugin", "cache@m", "component", "redis-setup")),
                "errors", List.of("ECONNREFUSED 127.0.0.1:6379"), "fix", "start redis first", "tags", List.of("cache")),
                ToolContext.NONE);
        assertFalse(r.error(), r.text());
        assertEquals("exec-7", r.structured().get("execution_id"));
        assertEquals(true, r.structured().get("created"));
        Pattern p = s.patternStore().pattern((String) r.structured().get("pattern_id")).orElseThrow();
        assertEquals(List.of("api@m", "cache@m"), p.pluginSequence().stream().map(Pattern.Step::plugin).toList());
        assertEquals("redis-setup", p.pluginSequence().get(1).component());
        assertEquals(1, p.metrics().failedExecutions());
        assertEquals("start redis first", p.knownIssues().get(0).fix());
        assertTrue(r.text().contains("Recorded execution exec-7"), r.text());
    }

    @Test
    void badOutcomesAreRefusedAndNothingIsWritten() {
        List<String> seq = List.of("api@m");
        assertRefused(t, args("plugin_sequence", seq), "give run_id, or an explicit outcome with 'status'");
        assertRefused(t, args("status", "maybe", "plugin_sequence", seq), "'status' must be \"success\" or \"failure\" (got 'maybe')");
        assertRefused(t, args("status", "success", "plugin_sequence", List.of(1)), "'plugin_sequence[1]' must be a string or an object");
        assertRefused(t, args("status", "success", "plugin_sequence", List.of(Map.of("component", "x"))), "'plugin_sequence[1].plugin' is required");
        assertRefused(t, args("status", "success", "plugin_sequence", List.of(Map.of("plugin", "api@m", "role", "x"))),
                "unknown field 'role' in 'plugin_sequence[1]'");
        assertRefused(t, args("status", "success", "plugin_sequence", Collections.nCopies(51, "api@m")), "'plugin_sequence' has more than 50 items");
        assertRefused(t, args("status", "success", "plugin_sequence", List.of(" ")), "invalid plugin id");
        assertRefused(t, args("status", "success", "steps", List.of(Map.of("plugin", "api@m", "status", "fine"))), "'steps[1].status' must be");
        assertRefused(t, args("status", "success", "steps", List.of(Map.of("plugin", "api@m", "status", "success", "step", 0))),
                "'steps[1].step' must be at least 1");
        assertRefused(t, args("status", "success", "steps", List.of(Map.of("plugin", "api@m", "status", "success", "step", 1001))),
                "'step' must be at most 1000");
        assertRefused(t, args("status", "success", "steps", List.of(Map.of("plugin", "api@m", "status", "success", "duration_seconds", -1))),
                "'steps[1].duration_seconds' must be at least 0.0");
        assertRefused(t, args("status", "success", "steps", List.of("api@m")), "'steps[1]' must be an object");
        assertRefused(t, args("status", "success", "duration_seconds", 2e7, "plugin_sequence", seq), "'duration_seconds' must be at most");
        assertRefused(t, args("status", "success", "plugin_sequence", seq, "tags", Collections.nCopies(21, "t")), "'tags' has more than 20 items");
        assertRefused(t, args("status", "success", "plugin_sequence", seq, "tags", List.of("t".repeat(101))),
                "an item of 'tags' is longer than 100 characters");
        assertRefused(t, args("status", "success", "plugin_sequence", seq, "domain", " "), "'domain' must not be empty");
        assertRefused(t, args("status", "success", "pattern_id", "../../etc/passwd", "plugin_sequence", seq), "pattern_id");
        assertRefused(t, args("status", "success", "plugin_sequence", List.of("ghost@m")), "unknown plugin id 'ghost@m'", "nothing was recorded");
        assertRefused(t, args("run_id", "run-1", "status", "success"), "'status' cannot be combined with run_id");
        assertRefused(t, args("status", "success", "plugin_sequence", seq, "surprise", 1), "unknown argument 'surprise'");
        assertRefused(t, args("run_id", "run-7"), "unknown run_id 'run-7'");
        assertFalse(Files.exists(home.resolve("patterns")), "a refused outcome writes nothing");
    }
}
