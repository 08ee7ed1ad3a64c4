package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityHostileFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server meets hostile marketplace and pattern files at start (syntax errors, an alias bomb, a 100 MB
 * file, wrong types, symlinks out, a symlink cycle, FIFOs, folders named like files): it starts, warns
 * and serves, and reads nothing outside the data folder.
 */
class HostileFilesTest {

    @TempDir
    Path tmp;

    @Test
    void serverStartsWarnsServesAndReadsNothingOutside() throws Exception {
        ReliabilityHostileFiles.Report r = ReliabilityHostileFiles.run(tmp, 100L << 20);
        System.err.println("hostile files: " + r);
        assertTrue(r.started(), "initialize must be answered");
        assertEquals(r.servedTotal(), r.served(), r.notes().toString());
        assertEquals(7, r.marketplacePlugins(), "every entry is listed, broken or not");
        String all = String.join("\n", r.catalogWarnings());
        assertTrue(all.contains("leaves the marketplace folder"), all);
        assertTrue(all.contains("does not exist"), all);
        assertTrue(all.contains("symlink cycle") || all.contains("loop"), all);
        assertTrue(all.contains("not a regular file") || all.contains("is a folder"), all);
        assertTrue(all.contains("remote source"), all);
        assertNotEquals(Boolean.TRUE, r.outsideRead(), "the file a data-folder symlink points to was read");
        assertFalse(r.outsideContentSeen(), "content from outside the data folder reached the client");
        assertTrue(r.exitedAfterStdinClosed(), "server must exit after stdin closes");
        assertTrue(Files.readString(tmp.resolve("stderr.log")).length() < 1_000_000, "warnings must not flood stderr");
    }
}
