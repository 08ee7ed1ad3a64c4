package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of the load part (the bench runs 8 processes for 60 s): 4 server processes on one
 * data folder, each sending recommend_plugins / generate_workflow / record_outcome for 8 s. No update is lost or doubled, no call
 * fails, no process dies. (Throughput and latency are printed, never asserted.)
 */
class LoadTest {

    @TempDir
    Path tmp;

    @Test
    void processesSharingOneDataFolderLoseNoUpdate() throws Exception {
        ReliabilityLoad.Report r = ReliabilityLoad.run(tmp, Catalogs.oneMarketplace(), Catalogs.shared(), 4, 8, 23);
        System.err.println("load: " + r);
        assertEquals(0, r.crashed(), "server processes died");
        for (ReliabilityLoad.ToolFigures t : r.tools()) {
            assertTrue(t.ok() > 0, t.tool() + " was never answered: " + t);
            assertEquals(0, t.errors(), t.tool() + " errors: " + t.sampleErrors());
            assertEquals(0, t.unanswered(), t.tool() + " unanswered");
        }
        assertTrue(r.acknowledged() > 0);
        assertEquals(r.acknowledged(), r.inStore(), "executions in the store == acknowledged record_outcome calls: " + r.notes());
        assertEquals(r.acknowledged(), r.patternTotal(), "the pattern files count each acknowledged execution once: " + r.notes());
        assertEquals(0, r.lost());
        assertEquals(0, r.doubled());
        assertTrue(r.broken().isEmpty(), r.broken().toString());
    }
}
