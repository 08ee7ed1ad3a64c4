package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.metaorch.bench.ReliabilitySecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals and secrets through the real server: commands off the allowlist never run, paths leaving the
 * workspace or the data folder are refused and touch nothing, the Neo4j password never shows anywhere.
 */
class SecurityTest {

    @TempDir
    Path tmp;

    @Test
    void refusesEscapesAndNeverShowsTheNeo4jPassword() throws Exception {
        ReliabilitySecurity.Report r = ReliabilitySecurity.run(tmp, Catalogs.oneMarketplace());
        System.err.println("security: " + r);
        assertEquals(r.commandsTried(), r.commandsRefused(), r.notes().toString());
        assertTrue(r.allowedControlRan(), "the allowed program really runs, so refusals are not a broken runner: " + r.notes());
        assertFalse(r.markerCreated(), "a forbidden command ran");
        assertEquals(r.workspaceEscapesTried(), r.workspaceEscapesRefused(), r.notes().toString());
        assertEquals(r.dataEscapesTried(), r.dataEscapesRefused(), r.notes().toString());
        assertTrue(r.outsideChanged().isEmpty(), "written outside the data folder: " + r.outsideChanged());
        assertFalse(r.outsideContentLeaked(), "content of a file outside the workspace reached the client");
        assertEquals(0, r.secretLeaks(), "the Neo4j password appeared in " + r.secretWhere());
        assertTrue(r.secretScannedBytes() > 1000, "there was output to scan");
    }
}
