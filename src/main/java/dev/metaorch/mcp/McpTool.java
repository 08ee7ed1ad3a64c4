package dev.metaorch.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One MCP tool: a name, a description, an input schema kept beside it as
 * {@code src/main/resources/mcp/schemas/<name>.json}, and a handler. Handlers are plain code over
 * the domain packages; the MCP layer only adapts them.
 */
public interface McpTool {

    String name();

    String description();

    /** Whether the tool only reads (no state change): sent to clients as an annotation. */
    default boolean readOnly() {
        return true;
    }

    /** The JSON Schema (2020-12) of the arguments, as text. */
    default String inputSchema() {
        return schemaResource(name());
    }

    /**
     * Runs the tool. Throws {@link ToolException} for bad input or state; any other exception is a defect
     * and is reported as an internal error without leaking details.
     */
    ToolResult call(Map<String, Object> args, ToolContext ctx);

    static String schemaResource(String name) {
        String path = "/mcp/schemas/" + name + ".json";
        try (InputStream in = McpTool.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
