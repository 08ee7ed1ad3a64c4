package dev.metaorch.mcp;

/**
 * A tool call that cannot be answered because of its input or state (unknown id, bad argument,
 * refused path). It becomes an {@code isError} tool result with this message; nothing is written.
 */
public class ToolException extends RuntimeException {

    public ToolException(String message) {
        super(message);
    }
}
