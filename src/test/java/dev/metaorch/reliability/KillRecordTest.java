package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast part of the fault suite: the server SIGKILLed five times while a client records outcomes. */
class KillRecordTest {

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedOutcomeSurvivesSigkillOnceAndEveryFileParses() throws Exception {
        ReliabilityFaults.KillReport r = ReliabilityFaults.killDuringRecord(tmp, Catalogs.oneMarketplace(), 5, 17);
        System.err.println("kill during record_outcome: " + r);
        assertTrue(r.acknowledged() > 5, "the client got answers before the kills: " + r);
        assertTrue(r.killsLanded() >= 4, "the kills landed while the client was still recording: " + r);
        assertEquals(0, r.missing(), r.notes().toString());
        assertEquals(0, r.doubled(), r.notes().toString());
        assertEquals(0, r.restartsFailed(), r.notes().toString());
        assertTrue(r.broken().isEmpty(), r.broken().toString());
    }
}
