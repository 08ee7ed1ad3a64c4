package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.TestServers;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19 through the real server over stdio: a resources/list sent right after initialize, while the catalog
 * still loads in the background, already names plugins (it waits for the catalog) instead of listing none.
 */
class ResourcesListStdioTest {

    @TempDir
    Path tmp;

    @Test
    void theFirstResourceListAfterInitializeNamesThePlugins() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        List<String> cmd = new ArrayList<>(List.of("serve", "--home", home.toString()));
        // the marketplace folders: the slowest catalog to load, so the list is asked for while it loads
        for (Path m : dev.metaorch.bench.RecommendBench.marketplaceFolders(
                Path.of(System.getProperty("shared.dir", "../shared")).resolve("marketplaces"))) {
            cmd.addAll(List.of("--marketplace", m.toString()));
        }
        List<String> command = StdioProcess.serverCommand(null, cmd.toArray(String[]::new));
        try (StdioProcess p = TestServers.start(command, Map.of(), tmp.resolve("server.log"))) {
            Duration wait = Duration.ofMinutes(5);
            p.handshake("resources-list", wait);
            JsonNode list = p.result("resources/list", Map.of(), wait);
            List<String> uris = new ArrayList<>();
            list.path("resources").forEach(r -> uris.add(r.path("uri").asString()));
            assertTrue(uris.stream().anyMatch(u -> u.startsWith("plugin://")), "the first list names plugins: " + uris);
        }
    }
}
