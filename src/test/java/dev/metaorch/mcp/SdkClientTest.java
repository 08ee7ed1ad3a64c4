package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.MarketplaceFixtures;
import dev.metaorch.testing.TestServers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The MCP SDK's own stdio client against our server, spawned from the test classpath. */
class SdkClientTest {

    @Test
    void sdkClientListsAndCallsToolsAndGetsClearErrors(@TempDir Path tmp) {
        java.util.List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog",
                MarketplaceFixtures.catalogDir().toString());
        ServerParameters params = ServerParameters.builder(cmd.get(0))
                .args(cmd.subList(1, cmd.size()))
                .env(Map.of("HOME", tmp.toString(), "META_ORCH_HOME", tmp.resolve("data").toString()))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, Server.jsonMapper());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals(Server.NAME, init.serverInfo().name());
            McpSchema.ListToolsResult tools = client.listTools();
            assertTrue(tools.tools().stream().anyMatch(t -> t.name().equals("catalog_status")));

            McpSchema.CallToolResult ok = client.callTool(new McpSchema.CallToolRequest("catalog_status", Map.of()));
            assertFalse(Boolean.TRUE.equals(ok.isError()));
            @SuppressWarnings("unchecked")
            Map<String, Object> sc = (Map<String, Object>) ok.structuredContent();
            assertEquals(696, ((Number) sc.get("total_plugins")).intValue());

            // Bad argument type: the SDK validates against the input schema and answers isError.
            McpSchema.CallToolResult bad = client.callTool(new McpSchema.CallToolRequest("catalog_status",
                    Map.of("refresh", "yes please")));
            assertTrue(Boolean.TRUE.equals(bad.isError()), bad.toString());
            String text = ((McpSchema.TextContent) bad.content().get(0)).text();
            assertTrue(text.contains("refresh"), text);

            // Unknown argument: refused by additionalProperties:false, naming it.
            McpSchema.CallToolResult extra = client.callTool(new McpSchema.CallToolRequest("catalog_status",
                    Map.of("verbose", true)));
            assertTrue(Boolean.TRUE.equals(extra.isError()), extra.toString());
            assertTrue(((McpSchema.TextContent) extra.content().get(0)).text().contains("verbose"), extra.toString());

            // Unknown tool: an error, and the session goes on.
            boolean failed;
            try {
                McpSchema.CallToolResult none = client.callTool(new McpSchema.CallToolRequest("no_such_tool", Map.of()));
                failed = Boolean.TRUE.equals(none.isError());
            } catch (RuntimeException e) {
                // The SDK client surfaces the server's JSON-RPC error (its text is checked by the raw test below).
                failed = e instanceof io.modelcontextprotocol.spec.McpError;
            }
            assertTrue(failed, "unknown tool must be an error naming it");
            assertFalse(Boolean.TRUE.equals(client.callTool(new McpSchema.CallToolRequest("catalog_status", Map.of())).isError()));
        }
    }

    @Test
    void rawClientFromTheClasspathGetsAnErrorForAnUnknownTool(@TempDir Path tmp) throws Exception {
        try (StdioProcess c = TestServers.start(StdioProcess.serverCommand(null, "serve", "--catalog",
                MarketplaceFixtures.catalogDir().resolve("claude-code-plugins.jsonl").toString()),
                Map.of("HOME", tmp.toString(), "META_ORCH_HOME", tmp.resolve("data").toString()), tmp.resolve("stderr.log"))) {
            c.handshake("metaorch-tests", TestServers.ANSWER_TIMEOUT);
            JsonNode r = c.callTool("no_such_tool", Map.of(), TestServers.ANSWER_TIMEOUT);
            boolean isError = r.has("error") || r.path("result").path("isError").asBoolean(false);
            assertTrue(isError, r.toString());
            assertTrue(r.toString().contains("no_such_tool"), r.toString());
            JsonNode ok = c.callTool("catalog_status", Map.of(), TestServers.ANSWER_TIMEOUT).path("result");
            assertEquals(13, ok.path("structuredContent").path("total_plugins").asInt());
        }
    }
}
