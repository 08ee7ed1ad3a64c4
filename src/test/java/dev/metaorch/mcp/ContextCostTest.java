package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.bench.StdioProcess;
import dev.metaorch.cli.Main;
import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Options;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

/**
 * Every tool definition costs context in every Claude Code session that has the server enabled. All of them
 * together (name, description and input schema, serialized exactly as tools/list sends them) must stay within
 * {@link #BUDGET_TOKENS}, counted as characters / 4. The test walks {@link Tools#all}, so new tools count.
 */
class ContextCostTest {

    static final int BUDGET_TOKENS = 3000;

    @Test
    void toolDefinitionsStayWithinTheContextBudget() throws Exception {
        Path home = Files.createTempDirectory("mo-cost");
        Services services = Main.services(Options.parse("catalog", "--home", home.toString(), "--catalog",
                home.resolve("none.jsonl").toString()), Map.of("HOME", home.toString()));
        McpJsonMapper mapper = Server.jsonMapper();
        List<McpTool> tools = Tools.all(services);
        assertFalse(tools.isEmpty());
        long chars = 0;
        long full = 0;
        StringBuilder table = new StringBuilder();
        for (McpTool t : tools) {
            McpSchema.Tool def = Server.toolDefinition(t, mapper);
            long c = def.name().length() + def.description().length() + mapper.writeValueAsString(def.inputSchema()).length();
            chars += c;
            full += mapper.writeValueAsString(def).length();
            table.append(String.format("  %-20s %5d chars  ~%4d tokens%n", def.name(), c, c / 4));
        }
        long tokens = chars / 4;
        System.out.printf("tool definitions: %d tools, %d chars, ~%d tokens (budget %d); whole tools/list entries %d chars%n%s",
                tools.size(), chars, tokens, BUDGET_TOKENS, full, table);
        assertTrue(tokens <= BUDGET_TOKENS, "tool definitions take ~" + tokens + " tokens (" + chars
                + " chars / 4), over the budget of " + BUDGET_TOKENS + ":\n" + table);
    }

    @Test
    void theCountMatchesWhatTheServerSends() throws Exception {
        // The in-process definitions above are the ones tools/list returns: same names, same schemas.
        Path root = Files.createTempDirectory("mo-cost-e2e");
        Services services = Main.services(Options.parse("catalog", "--home", root.toString()), Map.of("HOME", root.toString()));
        McpJsonMapper mapper = Server.jsonMapper();
        Files.writeString(root.resolve("none.jsonl"), ""); // an empty catalog (a missing path is a command-line error)
        try (StdioProcess server = TestServers.serve(root, List.of("--catalog", root.resolve("none.jsonl").toString()),
                root.resolve("stderr.log"))) {
            server.handshake("test", TestServers.ANSWER_TIMEOUT);
            var listed = server.result("tools/list", Map.of(), TestServers.ANSWER_TIMEOUT).get("tools");
            List<McpTool> tools = Tools.all(services);
            assertEquals(tools.size(), listed.size());
            Map<String, tools.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
            listed.forEach(n -> byName.put(n.get("name").asString(), n));
            for (McpTool t : tools) {
                McpSchema.Tool def = Server.toolDefinition(t, mapper);
                var sent = byName.get(def.name());
                assertTrue(sent != null, def.name() + " is listed");
                assertEquals(def.description(), sent.get("description").asString());
                assertEquals(dev.metaorch.util.Json.MAPPER.readTree(mapper.writeValueAsString(def.inputSchema())), sent.get("inputSchema"));
            }
        }
    }
}
