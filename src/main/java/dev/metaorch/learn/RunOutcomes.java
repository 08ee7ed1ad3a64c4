package dev.metaorch.learn;

import java.util.Optional;

/**
 * Turns a finished run (its journal under {@code runs/}) into the {@link Outcome} the learner records.
 * The execution engine implements it; until one is wired, every run id is unknown.
 */
public interface RunOutcomes {

    RunOutcomes NONE = runId -> Optional.empty();

    /** The outcome of the finished run, or empty when no finished run has that id. */
    Optional<Outcome> outcome(String runId);
}
