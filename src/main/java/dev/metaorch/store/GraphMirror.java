package dev.metaorch.store;

import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;

/**
 * The second store a recorded outcome goes to, after the files ({@link OutcomeRecorder} calls it once the
 * file store has written). Implementations never throw and never wait longer than their call budget; what
 * the second store does not take now they keep to replay later. {@link #NONE} when there is no second store
 * (Neo4j not configured).
 */
public interface GraphMirror {

    GraphMirror NONE = new GraphMirror() {
        @Override
        public void patternSaved(Pattern p) {
        }

        @Override
        public void outcomeRecorded(Outcome o) {
        }
    };

    /** A pattern file was written (created, updated or moved to another status folder). */
    void patternSaved(Pattern p);

    /**
     * An outcome was recorded (its execution id makes a repeat harmless). Its step errors become the plugins'
     * known issues in the mirror too, as they did in the file store.
     */
    void outcomeRecorded(Outcome o);
}
