package dev.metaorch.mcp.tools;

import dev.metaorch.util.Progress;

/**
 * Waits, telling the client why, until the server's slow parts (catalog load, store connections) are up. Tools that
 * read the catalog or the stores call it first; a tool that does not need them is not given one.
 */
@FunctionalInterface
public interface Warmup {

    /** For callers that have loaded everything before the first call (tests, the command line). */
    Warmup NONE = ctx -> {
    };

    void await(Progress ctx);
}
