package dev.metaorch.store.neo4j;

import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One write the file store made that Neo4j must mirror; the unit of the outbox (one JSON file each).
 * Exactly one of the payload fields is set, named by {@code kind}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GraphWrite(String kind, Pattern pattern, Outcome outcome) {

    public static final String PATTERN = "pattern";
    public static final String OUTCOME = "outcome";

    public static GraphWrite pattern(Pattern p) {
        return new GraphWrite(PATTERN, p, null);
    }

    public static GraphWrite outcome(Outcome o) {
        return new GraphWrite(OUTCOME, null, o);
    }

    /** Applies this write; idempotent (see {@link GraphStore}). */
    void apply(GraphStore store) {
        switch (kind) {
            case PATTERN -> store.writePattern(pattern);
            case OUTCOME -> store.recordOutcome(outcome);
            default -> throw new GraphException(false, "unknown outbox entry kind '" + kind + "'");
        }
    }
}
