package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import org.junit.jupiter.api.Test;

class PatternMatcherTest {

    static Pattern pattern(String id, List<String> keywords, int runs, int ok, String status, String updated) {
        return new Pattern(id, id, "deploy a containerized service", "devops", null, keywords,
                List.of(new Pattern.Step("kubernetes-operations", null, "deploy", null, null)),
                new Pattern.Metrics(runs, ok, runs - ok, runs == 0 ? 0 : (double) ok / runs, 60), List.of(), List.of(), List.of(),
                status, "2026-01-01T00:00:00Z", updated);
    }

    static final Instant NOW = Instant.parse("2026-11-20T00:00:00Z");

    @Test
    void emptyLibraryGivesNoMatches() {
        assertEquals(List.of(), PatternMatcher.match(PatternLibrary.EMPTY, "deploy to kubernetes", 3, NOW));
    }

    @Test
    void oneSuccessInOneRunDoesNotOutrankNinetyFiveInAHundred() {
        List<String> kw = List.of("deploy", "kubernetes", "docker");
        Pattern lucky = pattern("lucky", kw, 1, 1, "discovered", "2026-11-19T00:00:00Z");
        Pattern proven = pattern("proven", kw, 100, 95, "learned", "2026-11-19T00:00:00Z");
        List<PatternMatcher.Match> m = PatternMatcher.match(Fixtures.library(List.of(lucky, proven)), "deploy docker image to kubernetes", 3, NOW);
        assertEquals(List.of("proven", "lucky"), m.stream().map(x -> x.pattern().id()).toList());
        PatternMatcher.Match top = m.get(0);
        assertEquals(Set4.of("task_match", "success_evidence", "usage", "recency"), top.parts().keySet().stream().toList());
        assertTrue(top.parts().get("success_evidence") > m.get(1).parts().get("success_evidence"));
        assertEquals("high", top.confidence());
    }

    @Test
    void limitDeprecatedRecencyAndWeakMatches() {
        List<String> kw = List.of("deploy", "kubernetes");
        Pattern old = pattern("old", kw, 10, 9, "validated", "2025-01-01T00:00:00Z");
        Pattern fresh = pattern("fresh", kw, 10, 9, "validated", "2026-11-19T00:00:00Z");
        Pattern dead = pattern("dead", kw, 50, 50, "deprecated", "2026-11-19T00:00:00Z");
        Pattern other = pattern("other", List.of("pdf", "invoice"), 50, 50, "learned", "2026-11-19T00:00:00Z");
        List<PatternMatcher.Match> m = PatternMatcher.match(Fixtures.library(List.of(old, fresh, dead, other)), "deploy to kubernetes", 3, NOW);
        assertEquals(List.of("fresh", "old"), m.stream().map(x -> x.pattern().id()).toList());
        assertTrue(m.get(0).parts().get("recency") > m.get(1).parts().get("recency"));
        assertEquals(1, PatternMatcher.match(Fixtures.library(List.of(old, fresh)), "deploy to kubernetes", 1, NOW).size());
    }

    @Test
    void evidenceIsShownOnTheLifecycleScale() {
        List<String> kw = List.of("deploy", "kubernetes");
        Pattern p = pattern("p", kw, 10, 9, "validated", "2026-11-19T00:00:00Z");
        PatternMatcher.Match m = PatternMatcher.match(Fixtures.library(List.of(p)), "deploy to kubernetes", 1, NOW).get(0);
        dev.metaorch.learn.PatternScore s = dev.metaorch.learn.PatternScore.of(p);
        assertEquals(dev.metaorch.util.Texts.round(s.mean(), 3), m.parts().get("success_evidence"), 1e-9);
        String lower = String.valueOf(dev.metaorch.util.Texts.round(s.lower(), 3));
        assertTrue(m.basis().contains(lower) && m.basis().contains("z = " + dev.metaorch.learn.Lifecycle.Z), m.basis());
        // 9 of 10 clears 0.6 at z = 1.96 but not at the lifecycle's z: so the confidence is not "high".
        assertTrue(s.lower() < 0.6);
        assertEquals("medium", m.confidence());
    }

    /** Ordered key list helper. */
    static final class Set4 {
        static List<String> of(String... s) {
            return List.of(s);
        }
    }
}
