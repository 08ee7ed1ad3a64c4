package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.learn.PluginStats;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/** record_outcome writes the files first, then Neo4j; the graph's counts then match the file store's. */
@Tag("neo4j")
class DualWriteTest {

    static final String A = "feature-dev@claude-code-plugins";
    static final String B = "code-review@claude-plugins-official";

    @TempDir
    Path home;

    private static Map<String, Object> step(int n, String plugin, String status, String error, String fix) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("step", n);
        m.put("plugin", plugin);
        m.put("status", status);
        m.put("duration_seconds", 2);
        if (error != null) {
            m.put("error", error);
        }
        if (fix != null) {
            m.put("fix_applied", fix);
        }
        return m;
    }

    @Test
    void recordOutcomeMirrorsIntoNeo4jAndCountsMatchTheFileStore() throws Exception {
        System.setProperty("metaorch.neo4j.budget.ms", "20000"); // correctness here; OutageTest checks the bound
        try (TestNeo4j neo4j = TestNeo4j.started(Files.createTempDirectory("neo4j-dual"));
             Services s = Fixtures.services(home, neo4j.settings())) {
            s.markReady();
            s.graph().tick();
            for (int i = 0; i < 4; i++) {
                String bStatus = i == 1 ? "failure" : "success";
                String error = i == 1 || i == 2 ? "Error: ETIMEDOUT connecting to 10.0.0." + i + ":443" : null;
                Map<String, Object> args = Map.of("execution_id", "dual-" + i, "task", "build and review a feature",
                        "status", i == 1 ? "failure" : "success",
                        "steps", List.of(step(1, A, "success", null, null), step(2, B, bStatus, error, i == 2 ? "raise the timeout" : null)));
                ToolResult r = Tools.byName(s, "record_outcome").call(args, ToolContext.NONE);
                assertEquals(false, r.error(), r.text());
            }
            // a repeat is a duplicate for the file store and is not mirrored again
            Tools.byName(s, "record_outcome").call(Map.of("execution_id", "dual-0", "status", "success",
                    "steps", List.of(step(1, A, "success", null, null))), ToolContext.NONE);
            s.graph().tick();

            Map<String, Long> c = s.graph().store().counts();
            assertEquals(s.patternStore().recordedExecutions().size(), c.get("Execution"));
            assertEquals(s.patternStore().entries().size(), c.get("Pattern"));
            assertEquals(c.get("Execution"), c.get("IMPLEMENTS"));
            Map<String, PluginStats> files = s.patternStore().pluginStats();
            try (Driver d = neo4j.driver(); Session ses = d.session()) {
                for (String p : List.of(A, B)) {
                    var r = ses.run("MATCH (p:Plugin {plugin_id: $id}) RETURN p.total_uses AS u, p.successes AS ok", Map.of("id", p)).single();
                    assertEquals(files.get(p).uses(), r.get("u").asInt(), p);
                    assertEquals(files.get(p).successes(), r.get("ok").asInt(), p);
                }
                var issue = ses.run("MATCH (:Plugin {plugin_id: $id})-[:HAS_ISSUE]->(i:Issue) RETURN i.frequency AS f, i.solution AS fix",
                        Map.of("id", B)).list();
                assertEquals(1, issue.size());
                assertEquals(files.get(B).knownIssues().get(0).frequency(), issue.get(0).get("f").asInt());
                assertEquals("raise the timeout", issue.get(0).get("fix").asString());
            }
            ToolResult ki = Tools.byName(s, "known_issues").call(Map.of("plugin", B), ToolContext.NONE);
            assertEquals("neo4j", ki.structured().get("source"));
        } finally {
            System.clearProperty("metaorch.neo4j.budget.ms");
        }
    }
}
