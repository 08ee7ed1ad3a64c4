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

/** match_patterns: its pinned definition, a recorded pattern found for a like task, and the calls it refuses. */
class MatchPatternsToolTest {

    @TempDir
    Path home;

    @Test
    void definitionIsPinned() throws Exception {
        assertDefinitionPinned(new MatchPatternsTool(null, null, null), true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void findsARecordedPatternForALikeTask() {
        Services s = ToolTests.services(home);
        McpTool t = Tools.byName(s, MatchPatternsTool.NAME);
        ToolResult empty = t.call(Map.of("task", "review my pull request"), ToolContext.NONE);
        assertEquals(List.of(), empty.structured().get("matches"));
        assertEquals(0, empty.structured().get("patterns_searched"));

        ToolResult rec = Tools.byName(s, RecordOutcomeTool.NAME).call(Map.of("status", "success",
                "task", "review the pull request for bugs", "plugin_sequence", List.of("code-review@claude-code-plugins")),
                ToolContext.NONE);
        String id = (String) rec.structured().get("pattern_id");
        ToolResult r = t.call(Map.of("task", "review my pull request for bugs", "limit", 2), ToolContext.NONE);
        List<Map<String, Object>> matches = (List<Map<String, Object>>) r.structured().get("matches");
        assertEquals(1, r.structured().get("patterns_searched"));
        assertEquals(1, matches.size(), r.text());
        assertEquals(id, matches.get(0).get("pattern_id"));
        Map<String, Object> parts = (Map<String, Object>) matches.get(0).get("score_parts");
        assertTrue(parts.keySet().containsAll(List.of("task_match", "success_evidence", "usage", "recency")), parts.toString());
        assertTrue(r.text().contains(id), r.text());
    }

    @Test
    void badCallsAreRefused() {
        McpTool t = Tools.byName(ToolTests.services(home), MatchPatternsTool.NAME);
        assertRefused(t, args(), "'task' is required");
        assertRefused(t, args("task", ""), "'task' must not be empty");
        assertRefused(t, args("task", "t".repeat(4001)), "'task' is too long");
        assertRefused(t, args("task", "deploy", "limit", 21), "'limit' must be between 1 and 20 (got 21)");
        assertRefused(t, args("task", "deploy", "domain", "web"), "unknown argument 'domain'", "allowed: limit, task");
    }
}
