package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Decomposition on tasks that are not in any dev set: the user's order, data dependencies, context clauses, and
 * the phase of an action from general verbs and nouns.
 */
class ActionsTest {

    static List<String> texts(String task) {
        return Actions.of(task).stream().map(a -> a.text().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    @Test
    void theUsersOrderIsKept() {
        assertEquals(List.of("scan our npm dependencies for vulnerable packages", "update them"),
                texts("scan our npm dependencies for vulnerable packages and update them"));
        List<String> release = texts("write a changelog and release notes for v2.0 and tag the release");
        assertTrue(release.get(0).contains("changelog"), release.toString());
        assertEquals("tag the release", release.get(release.size() - 1));
        assertEquals(List.of("lint the gradle build", "publish the library to the internal registry"),
                texts("Lint the gradle build, then publish the library to the internal registry."));
    }

    @Test
    void aDataDependencyOrAnAfterReordersTheActions() {
        // the fix uses what the audit finds: the audit runs first although named second
        assertEquals(List.of("audit the helm charts", "fix the helm charts"),
                texts("fix the helm charts and audit the helm charts"));
        assertEquals(List.of("write the changelog", "tag the release"), texts("tag the release once we write the changelog"));
        assertEquals(List.of("benchmark the parser", "rewrite the tokenizer"),
                texts("rewrite the tokenizer after benchmarking the parser"));
        // unrelated actions keep the user's order
        assertEquals(List.of("update the readme", "profile the importer"), texts("update the README and profile the importer"));
    }

    @Test
    void theSituationIsContextNotAnAction() {
        assertEquals(List.of("find the failing test", "fix it"),
                texts("the nightly build is red since this morning. find the failing test and fix it"));
        assertEquals(List.of("design a rate limiter for the gateway", "implement a rate limiter for the gateway"),
                texts("can you design and implement a rate limiter for the gateway"));
        // what is joined to the situation by "and" is more of the situation, not a further object of the action
        assertEquals(List.of("refactor the session store", "add a benchmark"),
                texts("refactor the session store, it is used by the login flow and the billing jobs. add a benchmark"));
    }

    @Test
    void aGerundInAListIsANounAndOneOpeningAClauseIsAnAction() {
        assertEquals(List.of("set up logging", "set up alerting for the queue workers"),
                texts("set up logging and alerting for the queue workers"));
        assertEquals(List.of("lint the stylesheets", "fix the warnings"), texts("lint the stylesheets, then fixing the warnings"));
    }

    @Test
    void withAfterACommaAddsSomethingToDeliver() {
        // after a comma, "with" lists more to deliver; without one it says what the object has
        assertEquals(List.of("write a parser for the config format", "write a fuzzing harness and golden files"),
                texts("write a parser for the config format, with a fuzzing harness and golden files"));
        assertEquals(List.of("provision a cluster with three node pools"), texts("provision a cluster with three node pools"));
        // a separator right after the consumed "with" (the next one starts inside it) is read, not overrun
        assertEquals(List.of("write a parser"), texts("write a parser, with , "));
    }

    @Test
    void aClauseWithoutAVerbJoinsTheActionBeforeItUnlessItNamesARoleOfItsOwn() {
        assertEquals(List.of("add unit tests for the lexer and parser"), texts("add unit tests for the lexer and parser"));
        assertEquals(List.of("build a cli for the importer", "build a changelog for each release"),
                texts("build a CLI for the importer plus a changelog for each release"));
    }

    @Test
    void anActionsPhaseComesFromItsVerbAndRoleWords() {
        assertEquals(Phase.TEST, Actions.of("add a vitest test suite to the widget library").get(0).phase());
        assertEquals(Phase.DEPLOY, Actions.of("set up a GitLab CI pipeline").get(0).phase());
        assertEquals(Phase.SECURE, Actions.of("scan the container images for vulnerabilities").get(0).phase());
        assertEquals(Phase.DOCUMENT, Actions.of("write a runbook for the billing service").get(0).phase());
        assertEquals(Phase.DISCOVER, Actions.of("profile the image resizer").get(0).phase());
        // a relative clause says what the object is: a CI workflow that runs tests is CI, not a test step
        assertEquals(Phase.DEPLOY, Actions.of("set up a CI workflow that runs the tests").get(0).phase());
        assertEquals(Phase.TEST, Actions.of("write tests for the module that builds the cache").get(0).phase());
        // "make sure" is "ensure": a check, not a build
        assertEquals(Phase.TEST, Actions.of("write the parser and make sure it handles empty files").get(1).phase());
    }

    @Test
    void theVocabularyHoldsNoStemFittedToADevCase() {
        Vocabulary v = Vocabulary.get();
        for (Vocabulary.PhaseWords p : v.phases().values()) {
            for (String fitted : List.of("worker", "playwright", "qa=", "promot", "export", "proxy", "product=", "conductor")) {
                assertFalse(p.roles().contains(fitted), fitted + " in " + p.roles());
                assertFalse(p.verbs().stream().anyMatch(x -> x.startsWith(fitted)), fitted + " in " + p.verbs());
            }
        }
        assertFalse(v.orchestration().contains("conductor"));
    }
}
