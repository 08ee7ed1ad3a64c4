package dev.metaorch.mcp;

import java.util.Map;

/**
 * One MCP tool: its {@link ToolDefinition} (name, description, annotations, input schema) and a handler. Handlers
 * are plain code over the domain packages, given only the services they use; the MCP layer only adapts them.
 */
public interface McpTool {

    ToolDefinition definition();

    default String name() {
        return definition().name();
    }

    default String description() {
        return definition().description();
    }

    /** Whether the tool only reads (no state change): sent to clients as an annotation. */
    default boolean readOnly() {
        return definition().readOnly();
    }

    /** The JSON Schema (2020-12) of the arguments, as text. */
    default String inputSchema() {
        return definition().schemaText();
    }

    /**
     * Runs the tool. Throws {@link ToolException} for bad input or state; any other exception is a defect
     * and is reported as an internal error without leaking details.
     */
    ToolResult call(Map<String, Object> args, ToolContext ctx);
}
