package dev.metaorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metaorch.cli.Main;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the services leaves nothing half written in the data folder. */
class ServicesTest {

    @Test
    void closingLetsTheIndexFileBeingWrittenFinish(@TempDir Path home) throws Exception {
        // the five snapshot marketplaces: an index whose file takes a while to write in the background
        Services s = Main.services(Options.parse("catalog", "--home", home.toString(), "--catalog",
                MarketplaceFixtures.catalogDir().toString()), Map.of());
        s.index(s.catalog());
        s.close();
        // right after close: the whole file is in place under its final name, no partial file is left
        Path dir = home.resolve("cache").resolve("index");
        List<Path> files;
        try (Stream<Path> l = Files.list(dir)) {
            files = l.toList();
        }
        assertEquals(1, files.size(), "one file, no partial one: " + files);
        assertTrue(files.get(0).getFileName().toString().endsWith(".idx"), files.toString());
        assertTrue(Files.size(files.get(0)) > 0);
    }
}
