package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.HostileFiles;
import dev.metaorch.bench.StdioProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The server meets hostile marketplace and pattern files at start: it starts, warns and serves. */
class HostileFilesTest {

    @TempDir
    Path tmp;

    @Test
    void serverStartsWarnsAndServes() throws Exception {
        Path home = tmp.resolve("home");
        Path market = tmp.resolve("market");
        HostileFiles.dataFolder(home, 100L << 20);
        HostileFiles.marketplace(market);
        Path log = tmp.resolve("stderr.log");
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--marketplace", market.toString(), "--home", home.toString());
        try (StdioProcess p = new StdioProcess(cmd, log, null)) {
            assertNotNull(p.initialize(Duration.ofSeconds(30)), "initialize must be answered");
            JsonNode status = p.request(1, "tools/call", Map.of("name", "catalog_status", "arguments", Map.of()), Duration.ofSeconds(30));
            assertNotNull(status, "catalog_status must be answered");
            JsonNode sc = status.path("result").path("structuredContent");
            assertFalse(status.path("result").path("isError").asBoolean(false), status.toString());
            JsonNode m = sc.path("marketplaces").get(0);
            assertEquals("hostile", m.path("name").asString());
            assertEquals(7, m.path("plugins").asInt(), "every entry is listed, broken or not");
            List<String> warnings = new ArrayList<>();
            m.path("warnings").forEach(w -> warnings.add(w.asString()));
            String all = String.join("\n", warnings);
            assertTrue(all.contains("leaves the marketplace folder"), all);
            assertTrue(all.contains("does not exist"), all);
            assertTrue(all.contains("symlink cycle") || all.contains("loop"), all);
            assertTrue(all.contains("not a regular file") || all.contains("is a folder"), all);
            assertTrue(all.contains("remote source"), all);
            // the broken agents still load, leniently
            JsonNode again = p.request(2, "tools/call", Map.of("name", "catalog_status", "arguments", Map.of("include_warnings", false)),
                    Duration.ofSeconds(30));
            assertNotNull(again);
            JsonNode tools = p.request(3, "tools/list", Map.of(), Duration.ofSeconds(30));
            for (JsonNode t : tools.path("result").path("tools")) {
                if (t.path("name").asString().equals("pattern_stats")) {
                    JsonNode stats = p.request(4, "tools/call", Map.of("name", "pattern_stats", "arguments", Map.of()), Duration.ofSeconds(30));
                    assertNotNull(stats, "pattern_stats must answer despite hostile pattern files");
                    assertFalse(stats.toString().contains("should never be read"), "a symlink out of the data folder was followed");
                }
            }
            assertTrue(p.closeAndWait(Duration.ofSeconds(5)), "server must exit after stdin closes");
        }
        assertTrue(Files.readString(log).length() < 1_000_000, "warnings must not flood stderr");
    }
}
