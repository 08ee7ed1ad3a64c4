package dev.metaorch.mcp;

import dev.metaorch.util.Refusal;

/**
 * A tool call that cannot be answered because of its arguments, refused by the MCP layer itself (the domain
 * packages throw {@link Refusal}, of which this is one). It becomes an {@code isError} tool result with this
 * message; nothing is written.
 */
public class ToolException extends Refusal {

    public ToolException(String message) {
        super(message);
    }
}
