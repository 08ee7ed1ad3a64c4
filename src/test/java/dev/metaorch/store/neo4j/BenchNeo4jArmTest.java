package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.LearningBench;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bench learning --neo4j} against a real Neo4j: the Neo4j-on arm dual-writes every outcome and ranks
 * with the graph's evidence, so its regret equals the file-only arm's exactly when the graph lost and
 * doubled nothing; the graph's counts must equal the file store's.
 */
@Tag("neo4j")
class BenchNeo4jArmTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(dev.metaorch.config.Settings.Neo4jSettings settings) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LearningBench.run(200, 42, true, new PrintStream(buf, true, StandardCharsets.UTF_8), true, settings);
        return (Map<String, Object>) Json.toMap(Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8))).get("neo4j");
    }

    @Test
    @SuppressWarnings("unchecked")
    void neo4jArmMatchesFileOnlyArm() throws Exception {
        // This test is about what the graph holds, not about the 1.8 s budget of a tool call: on a busy 2-core
        // machine one call can take longer, which would make the arm's evidence read fail for timing alone.
        String before = System.getProperty("metaorch.neo4j.budget.ms");
        System.setProperty("metaorch.neo4j.budget.ms", "60000");
        try (TestNeo4j neo4j = TestNeo4j.started(Files.createTempDirectory("neo4j-bench"))) {
            Map<String, Object> g = run(neo4j.settings());
            assertEquals(true, g.get("counts_match"), g.toString());
            assertEquals(200, ((Number) g.get("graph_executions")).intValue());
            assertEquals(0, ((Number) g.get("outbox_left")).intValue());
            for (Map<String, Object> row : (List<Map<String, Object>>) g.get("checkpoints")) {
                assertEquals(row.get("file_only_regret"), row.get("neo4j_regret"), row.toString());
            }
            // a second run must refuse the graph that now holds executions, and say why
            Map<String, Object> again = run(neo4j.settings());
            assertTrue(String.valueOf(again.get("skipped")).contains("already holds 200 executions"), again.toString());
        } finally {
            if (before == null) {
                System.clearProperty("metaorch.neo4j.budget.ms");
            } else {
                System.setProperty("metaorch.neo4j.budget.ms", before);
            }
        }
    }

    @Test
    void withoutNeo4jTheArmIsSkippedWithAReason() {
        assertEquals(Map.of("skipped", "NEO4J_URI is not set"), run(null));
    }
}
