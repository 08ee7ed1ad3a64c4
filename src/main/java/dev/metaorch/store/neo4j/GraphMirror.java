package dev.metaorch.store.neo4j;

import java.util.List;

import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;

/**
 * The second half of the dual write: the file store calls these after each successful file write (file
 * first, then Neo4j). They never throw and never wait longer than the Neo4j call budget; what Neo4j does
 * not take now waits in the outbox. {@link #NONE} when Neo4j is not configured.
 */
public interface GraphMirror {

    GraphMirror NONE = new GraphMirror() {
        @Override
        public void patternSaved(Pattern p) {
        }

        @Override
        public void outcomeRecorded(Outcome o) {
        }

        @Override
        public void issuesReported(List<PluginIssue> issues) {
        }
    };

    /** A pattern file was written (created, updated or moved to another status folder). */
    void patternSaved(Pattern p);

    /** An outcome was recorded (its execution id makes a repeat harmless). */
    void outcomeRecorded(Outcome o);

    /** Known issues changed outside an outcome (e.g. imported). */
    void issuesReported(List<PluginIssue> issues);
}
