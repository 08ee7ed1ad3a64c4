package dev.metaorch.store.neo4j;

/**
 * A failed Neo4j call; the message is already redacted.
 *
 * @see GraphClient#call
 */
public final class GraphException extends RuntimeException {

    private final boolean unavailable;

    public GraphException(boolean unavailable, String message) {
        super(message, null, false, false);
        this.unavailable = unavailable;
    }

    /** True when Neo4j could not be reached or did not answer in time (replaying later may succeed). */
    public boolean unavailable() {
        return unavailable;
    }
}
