package dev.metaorch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one recorder: the file store first, then the mirror, keyed by what the file store assigned. */
class OutcomeRecorderTest {

    @TempDir
    Path home;

    /** A mirror that notes each call and checks the file store had written before it was called. */
    final class Noting implements GraphMirror {
        final List<String> calls = new ArrayList<>();
        final List<Outcome> outcomes = new ArrayList<>();

        @Override
        public void patternSaved(Pattern p) {
            assertTrue(Files.exists(home.resolve("patterns").resolve(p.status()).resolve(p.id() + ".yaml")),
                    "the pattern file is written before the mirror hears of it");
            calls.add("pattern " + p.id() + " " + p.metrics().totalExecutions());
        }

        @Override
        public void outcomeRecorded(Outcome o) {
            calls.add("outcome " + o.executionId() + " " + o.patternId());
            outcomes.add(o);
        }
    }

    PatternStore store() {
        Clock clock = Clock.fixed(Instant.parse("2026-04-01T09:15:00Z"), ZoneOffset.UTC);
        return new PatternStore(home, new PatternStore.Config(List.of(), true, clock, null));
    }

    static Recording explicit(String execId, String patternId, String completedAt) {
        return new Recording(new Outcome(execId, patternId, "wf-1", "lint the code", "success", 1500, null, completedAt,
                List.of(new Outcome.StepResult(1, "lint@m", "linter", "success", 1500, null, null))),
                List.of(), "tools", null, List.of(), List.of(), List.of(), null);
    }

    @Test
    void theMirrorGetsThePatternThenTheOutcomeWithTheIdsTheFileStoreAssigned() {
        Noting mirror = new Noting();
        OutcomeRecorder recorder = new OutcomeRecorder(store(), mirror);
        RecordResult r = recorder.record(explicit(null, null, null));
        String id = r.pattern().id();
        assertTrue(r.executionId().startsWith("x-"), r.executionId());
        assertEquals(List.of("pattern " + id + " 1", "outcome " + r.executionId() + " " + id), mirror.calls);
        Outcome o = mirror.outcomes.get(0);
        // no completion time given: the graph gets the time the file store stamped
        assertEquals("2026-04-01T09:15:00Z", o.completedAt());
        assertEquals("wf-1", o.workflowId());
        assertEquals(1500, o.durationMs());
        assertEquals("lint@m", o.steps().get(0).plugin());

        RecordResult again = recorder.record(explicit("run-7", id, "2026-03-31T23:00:00Z"));
        assertEquals(2, again.pattern().metrics().totalExecutions());
        assertEquals("2026-03-31T23:00:00Z", mirror.outcomes.get(1).completedAt(), "a given completion time is kept");
    }

    @Test
    void aDuplicateOrARefusedOutcomeReachesNeitherStoreTwice() {
        Noting mirror = new Noting();
        OutcomeRecorder recorder = new OutcomeRecorder(store(), mirror);
        recorder.record(explicit("run-1", null, null));
        assertEquals(2, mirror.calls.size());
        assertTrue(recorder.record(explicit("run-1", null, null)).duplicate());
        assertThrows(Refusal.class, () -> recorder.record(explicit("run-2", "no-such-pattern", null)));
        assertEquals(2, mirror.calls.size(), mirror.calls.toString());
        assertEquals(1, store().recordedExecutions().size());
    }
}
