package dev.metaorch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.metaorch.bench.WordCoverage.Kind;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import org.junit.jupiter.api.Test;

/** The benchmark's word-coverage check: which judged requests a relevant plugin's own words can win. */
class WordCoverageTest {

    private static Plugin plugin(String name, String description, Component... comps) {
        return new Plugin(null, name, "m", "1.0.0", description, "development", List.of(), null, null, null, ".", null,
                true, true, List.of(comps), List.of(), null);
    }

    private static final Catalog CATALOG = new Catalog(List.of(new Marketplace("m", "test", "snapshot", List.of(
            plugin("flask-helper", "Deploy Flask applications"),
            plugin("web-suite", "Deploy Python web applications",
                    Component.of(ComponentKind.AGENT, "flask-expert", "Flask specialist")),
            plugin("notes", "Keep meeting notes"),
            plugin("diary", "Keep a diary of meetings")), List.of())), List.of(), java.time.Instant.now(), 1);

    private final WordCoverage coverage = new WordCoverage(CATALOG);

    private Kind kind(String request, String... relevant) {
        return coverage.classify(request, List.of(relevant));
    }

    @Test
    void aPluginHoldingMoreOfTheRequestOutmatchesTheRelevantOne() {
        // web-suite holds deploy, python, web, flask (in its component); flask-helper only deploy and flask
        assertEquals(Kind.OUTMATCHED, kind("deploy my python web app with flask", "flask-helper@m"));
        assertEquals(Kind.BEST_COVERED, kind("deploy my python web app with flask", "web-suite@m"));
        // notes holds keep, meeting and notes; diary only keep and meeting
        assertEquals(Kind.OUTMATCHED, kind("keep meeting notes", "diary@m"));
    }

    @Test
    void anyRelevantPluginCoveringBestIsEnough() {
        assertEquals(Kind.BEST_COVERED, kind("deploy my python web app with flask", "flask-helper@m", "web-suite@m"));
    }

    @Test
    void equalCoverageIsNotOutmatched() {
        // notes and diary both hold "keep" and "meeting" (stemmed) and nothing else of the request: a tie, so
        // either one, as the relevant plugin, could still be ranked first
        assertEquals(Kind.BEST_COVERED, kind("keep the meeting", "notes@m"));
        assertEquals(Kind.BEST_COVERED, kind("keep the meeting", "diary@m"));
    }

    @Test
    void noSharedWordAndUnjudgeableRequests() {
        assertEquals(Kind.NO_SHARED_WORD, kind("quantum teleportation", "notes@m"));
        assertEquals(Kind.UNJUDGEABLE, kind("deploy flask", "missing@m"));
        assertEquals(Kind.UNJUDGEABLE, kind("the and of", "notes@m"));
    }

    @Test
    void countsMissesAtRankOneByKind() {
        List<DevQueries> qs = List.of(
                new DevQueries("a", "deploy my python web app with flask", List.of("flask-helper@m"), "exact"),
                new DevQueries("b", "keep meeting notes", List.of("notes@m"), "exact"),
                new DevQueries("c", "quantum teleportation", List.of("diary@m"), "exact"));
        // a ranker that always answers notes first: right for b only
        WordCoverage.Counts c = coverage.count(qs, q -> List.of("notes@m", "diary@m"));
        assertEquals(3, c.requests());
        assertEquals(2, c.misses());
        assertEquals(1, c.all().get(Kind.OUTMATCHED));
        assertEquals(1, c.all().get(Kind.BEST_COVERED));
        assertEquals(1, c.missedFirst().get(Kind.OUTMATCHED));
        assertEquals(1, c.missedFirst().get(Kind.NO_SHARED_WORD));
        assertTrue(WordCoverage.describe(c).contains("of 3 requests, 1 share no word"), WordCoverage.describe(c));
    }
}
