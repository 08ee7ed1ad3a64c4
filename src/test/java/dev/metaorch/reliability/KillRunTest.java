package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast part of the fault suite: the server SIGKILLed five times in the middle of runs. */
class KillRunTest {

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedRunDecisionSurvivesSigkillAndEveryFileParses() throws Exception {
        ReliabilityFaults.KillReport r = ReliabilityFaults.killDuringRuns(tmp, Catalogs.oneMarketplace(), 5, 11);
        System.err.println("kill during runs: " + r);
        assertTrue(r.acknowledged() > 5, "the client got answers before the kills: " + r);
        assertTrue(r.killsLanded() >= 4, "the kills landed while the client was still driving the run: " + r);
        assertEquals(0, r.missing(), r.notes().toString());
        assertEquals(0, r.doubled(), r.notes().toString());
        assertEquals(0, r.restartsFailed(), r.notes().toString());
        assertTrue(r.broken().isEmpty(), r.broken().toString());
        assertTrue(r.filesChecked() > 0);
    }
}
