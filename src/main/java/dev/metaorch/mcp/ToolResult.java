package dev.metaorch.mcp;

import java.util.Map;

/**
 * What a tool answers: readable text for the model and the same facts as structured JSON
 * ({@code structuredContent}; also what the CLI prints with {@code --json}).
 */
public record ToolResult(String text, Map<String, Object> structured, boolean error) {

    public static ToolResult of(String text, Map<String, Object> structured) {
        return new ToolResult(text, structured, false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(message, Map.of("error", message), true);
    }
}
