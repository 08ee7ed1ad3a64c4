package dev.metaorch.store;

import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;

/**
 * Records an outcome everywhere it is kept: the file store first (the record of truth; a refusal or a failed
 * write stops here and the mirror sees nothing), then the graph mirror with the ids the file store assigned.
 * The mirror never fails the call: what Neo4j does not take now waits in its outbox and is replayed in order.
 * record_outcome, the CLI's {@code record} and the benchmarks all record through this.
 */
public final class OutcomeRecorder {

    private final PatternStore files;
    private final GraphMirror mirror;

    public OutcomeRecorder(PatternStore files, GraphMirror mirror) {
        this.files = files;
        this.mirror = mirror == null ? GraphMirror.NONE : mirror;
    }

    /** See {@link PatternStore#record}; a duplicate execution changes neither store. */
    public RecordResult record(Recording rec) {
        RecordResult r = files.record(rec);
        if (!r.duplicate() && r.pattern() != null) {
            Outcome o = rec.outcome();
            mirror.patternSaved(r.pattern());
            // An explicit outcome may come without times; the graph then gets the time the file store
            // stamped, so both stores agree on "last used" (rankings read recency from either).
            String completed = o.completedAt() != null ? o.completedAt() : r.pattern().lastUpdated();
            mirror.outcomeRecorded(new Outcome(r.executionId(), r.pattern().id(), o.workflowId(), o.task(), o.status(),
                    o.durationMs(), o.startedAt(), completed, o.steps()));
        }
        return r;
    }
}
