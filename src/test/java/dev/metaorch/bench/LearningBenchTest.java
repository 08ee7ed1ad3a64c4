package dev.metaorch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LearningBenchTest {

    @Test
    void theMarketIsFixedBySeedAndBothRankersSeeTheSameStream() {
        LearningBench.Market a = LearningBench.Market.draw(300, 42);
        LearningBench.Market b = LearningBench.Market.draw(300, 42);
        assertEquals(a.p()[7][3], b.p()[7][3]);
        assertEquals(a.task()[299], b.task()[299]);
        for (double[] row : a.p()) {
            for (double p : row) {
                assertTrue(p >= 0.3 && p <= 0.95);
            }
        }
    }

    @Test
    void aShortRunPrintsItsTableAsJson() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LearningBench.run(200, 42, true, new PrintStream(buf, true, StandardCharsets.UTF_8));
        JsonNode o = Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        JsonNode row = o.get("checkpoints").get(0);
        assertEquals(200, row.get("rounds").asInt());
        assertTrue(row.get("ours_regret").asDouble() >= 0 && row.get("design_regret").asDouble() > 0);
        assertTrue(row.get("oracle_successes").asInt() >= row.get("ours_successes").asInt() - 20);
        assertEquals(0, o.get("ours_promotions_below_0_6").size());
        int patterns = 0;
        for (JsonNode n : o.get("ours_status_counts")) {
            patterns += n.asInt();
        }
        assertTrue(patterns > 20 && patterns <= 100, "one pattern per (class, sequence) tried: " + patterns);
    }
}
