package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityDiskFull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk full in a private mount namespace with a 2 MB tmpfs as the data folder: clear tool errors, no
 * broken file, and writes succeed again once space returns. Runs as root here (the tests are run as root).
 */
class DiskFullTest {

    @TempDir
    Path tmp;

    @Test
    void diskFullGivesClearErrorsCorruptsNothingAndServiceResumes() throws Exception {
        ReliabilityDiskFull.Report r = ReliabilityDiskFull.run(tmp, Catalogs.oneMarketplace(), "2m");
        System.err.println("disk full: " + r);
        assertNull(r.skipped(), "this machine runs the tests as root with unshare available");
        assertTrue(r.writesBefore() > 0, "writes succeed while there is room: " + r.notes());
        assertTrue(r.clearErrors() > 0, "full disk must produce clear errors: " + r);
        assertEquals(0, r.unclear(), r.notes().toString());
        assertTrue(r.broken().isEmpty(), "broken files: " + r.broken());
        assertEquals(r.resumeTried(), r.resumed(), "service resumes when space returns: " + r.notes());
        assertEquals(0, r.ackedMissing(), "acknowledged outcomes lost");
        assertEquals(0, r.uncounted(), "outcomes failed on a full disk and retried must count once: " + r.notes());
        assertTrue(r.aliveAfter());
    }
}
