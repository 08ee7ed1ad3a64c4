package dev.metaorch.learn;

import java.util.List;
import java.util.Optional;

/** Read access to the pattern library (the file store fills it; Neo4j mirrors it). */
public interface PatternLibrary {

    PatternLibrary EMPTY = new PatternLibrary() {
        @Override
        public List<Pattern> patterns() {
            return List.of();
        }

        @Override
        public Optional<Pattern> pattern(String id) {
            return Optional.empty();
        }
    };

    /** Every readable pattern, all statuses. */
    List<Pattern> patterns();

    Optional<Pattern> pattern(String id);
}
