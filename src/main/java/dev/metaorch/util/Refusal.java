package dev.metaorch.util;

/**
 * A request the server refuses because of its input or state (unknown id, bad argument, refused path), thrown by
 * the domain packages without knowing who asked. The MCP layer turns it into an {@code isError} tool result and
 * the command line into an error message and exit code, both with this message; nothing is written.
 */
public class Refusal extends RuntimeException {

    public Refusal(String message) {
        super(message);
    }
}
