package dev.metaorch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;

/** The learning rule alone: libraries in memory, no files, no clock. */
class OutcomeRuleTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final Instant LATER = Instant.parse("2026-05-02T08:30:00Z");

    final OutcomeRule rule = new OutcomeRule(ids -> ids.contains("k8s@m") ? "DevOps Tools" : null);

    /** A library whose namer numbers new patterns, so a test sees which pattern is new. */
    static final class Lib {
        final Map<String, Pattern> patterns = new LinkedHashMap<>(); // read in the order put
        final Map<String, PluginStats> plugins = new HashMap<>();
        final List<String> named = new ArrayList<>();

        OutcomeRule.Library view() {
            return new OutcomeRule.Library(patterns, plugins, (domain, keywords, seq) -> {
                String id = domain + "-" + String.join("-", keywords) + "-" + (named.size() + 1);
                named.add(id);
                return id;
            });
        }

        /** Applies the update the way a store would: the pattern and the plugins replaced. */
        OutcomeRule.Update apply(OutcomeRule rule, Recording rec, Instant now) {
            OutcomeRule.Update u = rule.apply(rec, view(), now);
            patterns.put(u.after().id(), u.after());
            plugins.clear();
            plugins.putAll(u.plugins());
            return u;
        }
    }

    static List<Pattern.Step> seq(String... plugins) {
        return Stream.of(plugins).map(p -> new Pattern.Step(p, null, null, null, null)).toList();
    }

    static Recording rec(String task, boolean ok, long ms, String domain, String... plugins) {
        return new Recording(new Outcome(null, null, null, task, ok ? "success" : "failure", ms, null, null, List.of()),
                seq(plugins), domain, null, List.of(), List.of(), List.of(), null);
    }

    static Recording steps(String task, boolean ok, String domain, Outcome.StepResult... results) {
        return new Recording(new Outcome(null, null, null, task, ok ? "success" : "failure", 0, null, null, List.of(results)),
                List.of(), domain, null, List.of(), List.of(), List.of(), null);
    }

    static Outcome.StepResult step(int n, String plugin, boolean ok, long ms, String error, String fix) {
        return new Outcome.StepResult(n, plugin, null, ok ? "success" : "failure", ms, error, fix);
    }

    @Test
    void aNewSequenceIsANewDiscoveredPatternNamedByTheLibrary() {
        Lib lib = new Lib();
        OutcomeRule.Update u = lib.apply(rule, rec("Build a REST API with JWT authentication", true, 30_000, "Web Dev",
                "a@m", "b@m"), NOW);
        assertTrue(u.created());
        assertNull(u.before());
        Pattern p = u.after();
        assertEquals("web-dev-build-rest-api-jwt-authentication-1", p.id());
        assertEquals(List.of("web-dev-build-rest-api-jwt-authentication-1"), lib.named);
        assertEquals("discovered", p.status());
        assertEquals("web-dev", p.domain());
        assertEquals(List.of("build", "rest", "api", "jwt", "authentication"), p.taskKeywords());
        assertEquals("Build a REST API with JWT authentication", p.name());
        assertEquals(new Pattern.Metrics(1, 1, 0, 1.0, 30.0), p.metrics());
        // a success without step results counts for every step of the sequence
        assertEquals(List.of(1.0, 1.0), p.pluginSequence().stream().map(Pattern.Step::successRate).toList());
        assertEquals(NOW.toString(), p.created());
        assertEquals(NOW.toString(), p.lastUpdated());
        assertTrue(u.pluginsChanged());
        assertEquals(new PluginStats(1, 1, 0, 0.0, NOW.toString(), List.of()), u.plugins().get("a@m"));
    }

    @Test
    void theSameTaskClassAndSequenceUpdateOnePatternAnythingElseStartsAnother() {
        Lib lib = new Lib();
        String id = lib.apply(rule, rec("Build a REST API with JWT authentication", true, 0, "web", "a@m", "b@m"), NOW)
                .after().id();
        OutcomeRule.Update same = lib.apply(rule, rec("REST APIs: build JWT authenticated endpoints", false, 0, "web",
                "a@m", "b@m"), LATER);
        assertFalse(same.created());
        assertEquals(id, same.after().id());
        assertEquals(2, same.after().metrics().totalExecutions());
        assertEquals(NOW.toString(), same.after().created());
        assertEquals(LATER.toString(), same.after().lastUpdated());

        assertTrue(lib.apply(rule, rec("Build a REST API with JWT authentication", true, 0, "web", "a@m", "c@m"), NOW).created(),
                "another sequence");
        assertTrue(lib.apply(rule, rec("Build a REST API with JWT authentication", true, 0, "web", "b@m", "a@m"), NOW).created(),
                "the same plugins in another order");
        assertTrue(lib.apply(rule, rec("Deploy the cluster with Helm charts", true, 0, "web", "a@m", "b@m"), NOW).created(),
                "another task class");
        assertTrue(lib.apply(rule, rec("Build a REST API with JWT authentication", true, 0, "data", "a@m", "b@m"), NOW).created(),
                "another domain");
        assertEquals(5, lib.patterns.size());
    }

    @Test
    void ofTwoMatchingPatternsTheExactSequenceWinsThenTheOneWithMoreRuns() {
        Lib lib = new Lib();
        Pattern.Step withComponent = new Pattern.Step("a@m", "reviewer", null, null, null);
        Pattern.Step plain = new Pattern.Step("a@m", null, null, null, null);
        // ids chosen so that the last tie-break (the smaller id) would pick the other pattern
        Pattern loose = pattern("a-loose", List.of(plain), 1);
        Pattern exact = pattern("z-exact", List.of(withComponent), 1);
        Pattern busy = pattern("z-busy", List.of(plain), 9);
        lib.patterns.put(loose.id(), loose);
        lib.patterns.put(exact.id(), exact);
        Recording run = new Recording(new Outcome(null, null, null, "review the code", "success", 0, null, null, List.of()),
                List.of(withComponent), "web", null, List.of(), List.of(), List.of(), null);
        assertEquals("z-exact", rule.apply(run, lib.view(), NOW).after().id());

        lib.patterns.remove("z-exact");
        lib.patterns.put(busy.id(), busy);
        assertEquals("z-busy", rule.apply(run, lib.view(), NOW).after().id());

        Lib same = new Lib();
        for (String id : List.of("m-3", "m-10", "m-2", "m-1")) {
            same.patterns.put(id, pattern(id, List.of(plain), 4));
        }
        assertEquals("m-1", rule.apply(run, same.view(), NOW).after().id(), "equal candidates: the smaller id");
    }

    @Test
    void aNamedPatternIsTakenAsNamedAndItsSequenceIsTheOutcomes() {
        Lib lib = new Lib();
        Pattern p = pattern("named-1", seq("a@m", "b@m"), 3);
        lib.patterns.put(p.id(), p);
        Recording named = new Recording(new Outcome("x1", "named-1", null, "some unrelated words", "success", 0, null, null,
                List.of()), List.of(), null, null, List.of(), List.of(), List.of(), null);
        OutcomeRule.Update u = rule.apply(named, lib.view(), NOW);
        assertSame(p, u.before());
        assertEquals(4, u.after().metrics().totalExecutions());
        // the pattern's sequence stands in for the outcome's: both plugins count a use
        assertEquals(1, u.plugins().get("a@m").uses());
        assertEquals(1, u.plugins().get("b@m").uses());

        Recording unknown = new Recording(new Outcome("x2", "nope", null, null, "success", 0, null, null, List.of()),
                List.of(), null, null, List.of(), List.of(), List.of(), null);
        Refusal r = assertThrows(Refusal.class, () -> rule.apply(unknown, lib.view(), NOW));
        assertTrue(r.getMessage().contains("unknown pattern_id 'nope'"), r.getMessage());

        Recording other = new Recording(new Outcome("x3", "named-1", null, null, "success", 0, null, null, List.of()),
                seq("a@m", "c@m"), null, null, List.of(), List.of(), List.of(), null);
        r = assertThrows(Refusal.class, () -> rule.apply(other, lib.view(), NOW));
        assertTrue(r.getMessage().contains("plugin_sequence differs"), r.getMessage());
        assertTrue(lib.named.isEmpty(), "a refused outcome names nothing");
    }

    @Test
    void runningMeansOfThePatternAndOfEachMatchedStep() {
        Lib lib = new Lib();
        lib.apply(rule, steps("add caching", true, "web", step(1, "a@m", true, 2000, null, null),
                step(2, "b@m", true, 4000, null, null)), NOW);
        OutcomeRule.Update u = lib.apply(rule, steps("add caching", false, "web", step(1, "a@m", true, 4000, null, null),
                step(2, "b@m", false, 0, "boom", null)), NOW);
        List<Pattern.Step> s = u.after().pluginSequence();
        assertEquals(1.0, s.get(0).successRate());
        assertEquals(3.0, s.get(0).avgTime(), 1e-9);
        assertEquals(0.5, s.get(1).successRate());
        assertEquals(4.0, s.get(1).avgTime(), 1e-9, "a step without a duration keeps its mean time");
        assertEquals(new Pattern.Metrics(2, 1, 1, 0.5, 0.0), u.after().metrics());
        PluginStats b = u.plugins().get("b@m");
        assertEquals(2, b.uses());
        assertEquals(1, b.successes());
        assertEquals(1, b.timedUses());
        assertEquals(4.0, b.avgSeconds(), 1e-9);

        OutcomeRule.Update timed = lib.apply(rule, rec("add caching", true, 9000, "web", "a@m", "b@m"), NOW);
        assertEquals(9.0, timed.after().metrics().avgCompletionTime(), 1e-9, "the first known duration is the mean");
        OutcomeRule.Update again = lib.apply(rule, rec("add caching", true, 1000, "web", "a@m", "b@m"), NOW);
        assertEquals(7.0, again.after().metrics().avgCompletionTime(), 1e-9, "9 + (1 - 9) / 4");
    }

    @Test
    void resultsAreMatchedToStepsByNumberThenByPluginAndAFallbackCountsForItsStep() {
        Lib lib = new Lib();
        Pattern p = pattern("p", seq("a@m", "b@m", "c@m"), 0);
        lib.patterns.put(p.id(), p);
        Recording run = new Recording(new Outcome(null, "p", null, null, "success", 0, null, null, List.of(
                step(3, "b@m", true, 0, null, null),          // wrong number: matched by plugin to step 2
                step(1, "a@m", false, 0, "timed out", null),  // step 1 failed ...
                step(1, "z@m", true, 0, null, "used z"),       // ... and its fallback succeeded
                step(3, "c@m", false, 0, null, null))), List.of(), null, null, List.of(), List.of(), List.of(), null);
        Pattern after = rule.apply(run, lib.view(), NOW).after();
        assertEquals(List.of(1.0, 1.0, 0.0), after.pluginSequence().stream().map(Pattern.Step::successRate).toList());
        assertEquals(List.of("a@m", "b@m", "c@m"), after.pluginSequence().stream().map(Pattern.Step::plugin).toList());
        assertEquals(List.of("a@m: timed out"), after.knownIssues().stream().map(Pattern.KnownIssue::issue).toList());
    }

    @Test
    void aPatternRecordedFromPluginIdsLearnsItsComponentsFromARun() {
        Lib lib = new Lib();
        String id = lib.apply(rule, rec("add caching", true, 0, "web", "a@m", "b@m"), NOW).after().id();
        Recording run = new Recording(new Outcome(null, null, null, "add caching", "success", 0, null, null, List.of()),
                List.of(new Pattern.Step("a@m", "scaffold", "set up", null, null), new Pattern.Step("b@m", null, null, null, null)),
                "web", null, List.of(), List.of(), List.of(), null);
        Pattern after = rule.apply(run, lib.view(), NOW).after();
        assertEquals(id, after.id());
        assertEquals("scaffold", after.pluginSequence().get(0).component());
        assertEquals("set up", after.pluginSequence().get(0).purpose());
        assertNull(after.pluginSequence().get(1).component());
    }

    @Test
    void errorsMergeIntoKnownIssuesByNormalizedPatternMostFrequentFirst() {
        Lib lib = new Lib();
        Recording first = new Recording(new Outcome(null, null, null, "add caching", "failure", 0, null, null, List.of(
                step(1, "b@m", false, 0, "Redis connection refused at /var/run/redis.sock:6379", null))),
                List.of(), "web", null, List.of(), List.of(), List.of("workflow timed out after 300 s"), null);
        lib.apply(rule, first, NOW);
        Recording second = new Recording(new Outcome(null, null, null, "add caching", "success", 0, null, null, List.of(
                new Outcome.StepResult(1, "b@m", null, "success", 0, "Redis connection refused at /tmp/x/redis.sock:6380",
                        "start redis-server first", "redis answers PING"))),
                List.of(), "web", null, List.of(), List.of(), List.of(), null);
        OutcomeRule.Update u = lib.apply(rule, second, NOW);
        List<Pattern.KnownIssue> issues = u.after().knownIssues();
        assertEquals(2, issues.size(), issues.toString());
        assertEquals(2, issues.get(0).frequency());
        assertTrue(issues.get(0).issue().startsWith("b@m: redis connection refused at <path>"), issues.get(0).issue());
        assertEquals("start redis-server first", issues.get(0).fix());
        assertEquals("redis answers PING", issues.get(0).check());
        assertEquals(new Pattern.KnownIssue("workflow timed out after <n> s", 1, null, null), issues.get(1));
        List<Pattern.KnownIssue> plugin = u.plugins().get("b@m").knownIssues();
        assertEquals(1, plugin.size());
        assertEquals(2, plugin.get(0).frequency());
    }

    @Test
    void knownIssuesAreCappedKeepingTheMostFrequent() {
        List<Pattern.KnownIssue> issues = List.of();
        issues = OutcomeRule.addIssue(issues, "the frequent one", null, null);
        issues = OutcomeRule.addIssue(issues, "the frequent one", "fixed it", null);
        for (int i = 0; i < OutcomeRule.MAX_ISSUES + 5; i++) {
            issues = OutcomeRule.addIssue(issues, "distinct failure " + "abcdefghijklmnopqrstuvwxyz".charAt(i), null, null);
        }
        assertEquals(OutcomeRule.MAX_ISSUES, issues.size());
        assertEquals(new Pattern.KnownIssue("the frequent one", 2, "fixed it", null), issues.get(0));
        assertEquals(issues, OutcomeRule.addIssue(issues, "  ", "x", null), "a blank error adds nothing");
    }

    @Test
    void statusFollowsTheEvidenceAtEveryOutcome() {
        Lib lib = new Lib();
        List<String> seen = new ArrayList<>();
        OutcomeRule.Update u = null;
        for (int i = 0; i < 20; i++) {
            u = lib.apply(rule, rec("generate release notes", true, 0, "docs", "r@m"), NOW);
            assertEquals(Lifecycle.status(i + 1, i + 1), u.after().status(), "after " + (i + 1));
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(u.after().status())) {
                seen.add(u.after().status());
            }
        }
        assertEquals(List.of("discovered", "validated", "learned"), seen);
        assertEquals("validated", u.before().status());
        for (int i = 0; i < 40; i++) {
            u = lib.apply(rule, rec("generate release notes", false, 0, "docs", "r@m"), NOW);
        }
        assertEquals("deprecated", u.after().status());
    }

    @Test
    void aFailureWithoutStepResultsBlamesNoPlugin() {
        Lib lib = new Lib();
        OutcomeRule.Update u = lib.apply(rule, rec("write docs", false, 0, "docs", "d@m", "e@m"), NOW);
        assertFalse(u.pluginsChanged());
        assertTrue(u.plugins().isEmpty());
        assertEquals(1, u.after().metrics().failedExecutions());
    }

    @Test
    void theDomainIsTheRecordingsOrInferredFromThePluginsOrGeneral() {
        assertEquals("devops-tools", rule.apply(rec("roll out", true, 0, null, "k8s@m"), new Lib().view(), NOW).after().domain());
        assertEquals("general", rule.apply(rec("roll out", true, 0, null, "other@m"), new Lib().view(), NOW).after().domain());
        OutcomeRule broken = new OutcomeRule(ids -> {
            throw new IllegalStateException("catalog not loaded");
        });
        assertEquals("general", broken.apply(rec("roll out", true, 0, null, "k8s@m"), new Lib().view(), NOW).after().domain());
    }

    @Test
    void theRuleChangesNothingItWasGiven() {
        Lib lib = new Lib();
        lib.apply(rule, rec("add caching", true, 0, "web", "a@m"), NOW);
        Map<String, Pattern> patterns = Map.copyOf(lib.patterns);
        Map<String, PluginStats> plugins = Map.copyOf(lib.plugins);
        OutcomeRule.Update u = rule.apply(rec("add caching", false, 0, "web", "a@m"), lib.view(), LATER);
        assertEquals(patterns, lib.patterns);
        assertEquals(plugins, lib.plugins);
        assertNotEquals(u.before(), u.after());
    }

    @Test
    void theSequenceOfStepResultsIsInStepOrderOnePerStep() {
        Recording r = steps("t", true, null, step(2, "b@m", true, 0, null, null), step(1, "a@m", false, 0, null, null),
                step(1, "z@m", true, 0, null, null), new Outcome.StepResult(3, null, null, "success", 0, null, null));
        assertEquals(List.of("a@m", "b@m"), OutcomeRule.sequence(r).stream().map(Pattern.Step::plugin).toList());
        Recording given = rec("t", true, 0, null, "q@m");
        assertEquals(given.sequence(), OutcomeRule.sequence(given));
    }

    static Pattern pattern(String id, List<Pattern.Step> sequence, int runs) {
        return new Pattern(id, id, null, "web", null, List.of("review", "code"), sequence,
                new Pattern.Metrics(runs, runs, 0, runs == 0 ? 0 : 1.0, 0), List.of(), List.of(), List.of(), "discovered",
                NOW.toString(), NOW.toString());
    }
}
