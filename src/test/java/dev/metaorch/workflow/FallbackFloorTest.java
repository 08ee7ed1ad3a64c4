package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.testing.ClosesServices;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fallback floor is the one the stated rule gives on the judged data (issue 19, item 2). */
class FallbackFloorTest {

    @Test
    void theFloorIsWhatTheRuleGivesOnTheJudgedSubtasks(@TempDir Path home) {
        Path shared = Path.of(System.getProperty("shared.dir", "../shared"));
        Services s = ClosesServices.track(Main.services(Options.parse("catalog", "--home", home.toString(), "--catalog",
                shared.resolve("catalog").toString()), Map.of()));
        // only candidates of the same phase are ever offered (Fallbacks), so only those calibrate the floor
        List<FallbackFloor.Pair> pairs = FallbackFloor.pairs(s.catalog(), shared.resolve("bench").resolve("realistic-dev.jsonl"))
                .stream().filter(FallbackFloor.Pair::samePhase).toList();
        FallbackFloor.Calibration c = FallbackFloor.calibrate(pairs);
        System.err.println(FallbackFloor.table(pairs));
        System.err.printf("rule floor %.3f: %d pairs above, precision %.2f, recall %.2f%n", c.floor(), c.above(), c.precision(), c.recall());
        assertTrue(pairs.size() > 100, "enough judged pairs: " + pairs.size());
        assertEquals(Math.round(c.floor() * 100) / 100.0, Fallbacks.MIN_SIMILARITY, 0.005,
                "Fallbacks.MIN_SIMILARITY is the floor the rule gives (rounded to 0.01)");
    }
}
