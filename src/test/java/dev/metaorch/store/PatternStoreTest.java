package dev.metaorch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.metaorch.learn.LibraryStats;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternStoreTest {

    @TempDir
    Path home;

    static Recording rec(String execId, String task, boolean ok, String... plugins) {
        List<Pattern.Step> seq = Stream.of(plugins).map(p -> new Pattern.Step(p, null, null, null, null)).toList();
        return new Recording(new Outcome(execId, null, null, task, ok ? "success" : "failure", 30_000, null, null, List.of()),
                seq, "web-development", null, List.of(), List.of(), List.of(), null);
    }

    static Pattern readFile(Path f) throws Exception {
        return Json.yaml().readValue(Files.readString(f), Pattern.class);
    }

    @Test
    void aNewSequenceBecomesADiscoveredPatternWithAllItsFiles() throws Exception {
        PatternStore s = new PatternStore(home);
        RecordResult r = s.record(rec("e1", "Build a REST API with JWT authentication", true, "a@m", "b@m"));
        assertTrue(r.created());
        assertEquals("discovered", r.status());
        Path f = home.resolve("patterns/discovered/" + r.pattern().id() + ".yaml");
        Pattern p = readFile(f);
        assertEquals(1, p.metrics().totalExecutions());
        assertEquals("web-development", p.domain());
        assertEquals(List.of("build", "rest", "api", "jwt", "authentication"), p.taskKeywords());
        assertEquals(2, p.pluginSequence().size());
        List<String> csv = Files.readAllLines(home.resolve("patterns/metrics.csv"));
        assertEquals("timestamp,pattern_id,success_rate", csv.get(0));
        assertTrue(csv.get(1).endsWith("," + p.id() + ",1.0000"), csv.get(1));
        String readme = Files.readString(home.resolve("patterns/README.md"));
        assertTrue(readme.contains("| " + p.id() + " | discovered | 1 | 1.00 |"), readme);
        PatternStore.PluginsFile plugins = Json.yaml().readValue(Files.readString(home.resolve("plugins/metrics.yaml")),
                PatternStore.PluginsFile.class);
        assertEquals(1, plugins.plugins().get("a@m").uses());
        assertEquals(1, plugins.plugins().get("b@m").successes());
        assertEquals(1, s.plugin("a@m").uses());
    }

    @Test
    void sameTaskClassAndSequenceIsOnePatternOtherwiseNewOnes() {
        PatternStore s = new PatternStore(home);
        String id = s.record(rec("e1", "Build a REST API with JWT authentication", true, "a@m", "b@m")).pattern().id();
        RecordResult again = s.record(rec("e2", "REST APIs: build JWT authenticated endpoints", false, "a@m", "b@m"));
        assertEquals(id, again.pattern().id());
        assertFalse(again.created());
        assertEquals(2, again.pattern().metrics().totalExecutions());
        RecordResult otherSeq = s.record(rec("e3", "Build a REST API with JWT authentication", true, "a@m", "c@m"));
        assertNotEquals(id, otherSeq.pattern().id());
        assertTrue(otherSeq.created());
        RecordResult otherTask = s.record(rec("e4", "Deploy the cluster with Helm charts", true, "a@m", "b@m"));
        assertNotEquals(id, otherTask.pattern().id());
        assertEquals(3, s.patterns().size());
        // naming the pattern updates it whatever the task says
        RecordResult named = s.record(new Recording(new Outcome("e5", id, null, null, "success", 0, null, null, List.of()),
                List.of(), null, null, List.of(), List.of(), List.of(), null));
        assertEquals(id, named.pattern().id());
        assertEquals(3, named.pattern().metrics().totalExecutions());
        assertThrows(Refusal.class, () -> s.record(new Recording(
                new Outcome("e6", "no-such-pattern", null, null, "success", 0, null, null, List.of()),
                List.of(), null, null, List.of(), List.of(), List.of(), null)));
    }

    @Test
    void recordingTheSameExecutionTwiceCountsItOnceAcrossStores() {
        PatternStore a = new PatternStore(home);
        PatternStore b = new PatternStore(home); // another process's view of the same folder
        RecordResult first = a.record(rec("run-1", "lint the code", true, "x@m"));
        RecordResult dup = b.record(rec("run-1", "lint the code", true, "x@m"));
        assertTrue(dup.duplicate());
        assertEquals(first.pattern().id(), dup.pattern().id());
        a.refresh();
        assertEquals(1, a.pattern(first.pattern().id()).orElseThrow().metrics().totalExecutions());
        assertEquals(1, a.stats().workflowsExecuted());
        assertEquals(1, a.plugin("x@m").uses());
        assertTrue(a.record(rec("run-1", "lint the code", false, "x@m")).duplicate());
    }

    @Test
    void failuresBecomeKnownIssuesWithFrequencyAndFix() {
        PatternStore s = new PatternStore(home);
        List<Outcome.StepResult> steps1 = List.of(
                new Outcome.StepResult(1, "a@m", "scaffold", "success", 2000, null, null),
                new Outcome.StepResult(2, "b@m", "cache", "failure", 1000, "Redis connection refused at /var/run/redis.sock:6379", null));
        List<Outcome.StepResult> steps2 = List.of(
                new Outcome.StepResult(1, "a@m", "scaffold", "success", 4000, null, null),
                new Outcome.StepResult(2, "b@m", "cache", "success", 3000, "Redis connection refused at /tmp/other/redis.sock:6380",
                        "start redis-server first"));
        s.record(new Recording(new Outcome("f1", null, null, "add caching", "failure", 3000, null, null, steps1),
                List.of(), "web", null, List.of(), List.of(), List.of("workflow timed out after 300 s"), null));
        RecordResult r = s.record(new Recording(new Outcome("f2", null, null, "add caching", "success", 7000, null, null, steps2),
                List.of(), "web", null, List.of(), List.of(), List.of(), null));
        Pattern p = r.pattern();
        assertEquals(2, p.metrics().totalExecutions());
        assertEquals(List.of("a@m", "b@m"), p.pluginSequence().stream().map(Pattern.Step::plugin).toList());
        assertEquals("cache", p.pluginSequence().get(1).component());
        Pattern.KnownIssue redis = p.knownIssues().get(0);
        assertEquals(2, redis.frequency(), p.knownIssues().toString());
        assertEquals("start redis-server first", redis.fix());
        assertTrue(redis.issue().contains("<path>"), redis.issue());
        assertTrue(p.knownIssues().stream().anyMatch(k -> k.issue().equals("workflow timed out after <n> s")));
        var issues = s.issues("b@m");
        assertEquals(1, issues.size());
        assertEquals(2, issues.get(0).frequency());
        assertEquals("start redis-server first", issues.get(0).fix());
        assertEquals(2, s.plugin("b@m").uses());
        assertEquals(1, s.plugin("b@m").successes());
        assertEquals(2.0, s.plugin("b@m").avgSeconds(), 1e-9);
        assertEquals(List.of(), s.issues("a@m"));
    }

    @Test
    void failureWithoutStepResultsBlamesNoPlugin() {
        PatternStore s = new PatternStore(home);
        s.record(rec("g1", "write docs", false, "d@m", "e@m"));
        assertEquals(0, s.plugin("d@m").uses());
        s.record(rec("g2", "write docs", true, "d@m", "e@m"));
        assertEquals(1, s.plugin("d@m").uses());
        assertEquals(1, s.plugin("e@m").successes());
    }

    @Test
    void filesMoveBetweenStatusFoldersAtTheDocumentedBoundaries() throws Exception {
        PatternStore s = new PatternStore(home);
        String id = null;
        for (int i = 1; i <= 9; i++) {
            RecordResult r = s.record(rec("p" + i, "generate release notes", true, "r@m"));
            id = r.pattern().id();
            assertEquals("discovered", r.status(), "after " + i + " of " + i);
        }
        RecordResult tenth = s.record(rec("p10", "generate release notes", true, "r@m"));
        assertEquals("validated", tenth.status());
        assertTrue(tenth.promoted());
        assertTrue(Files.exists(home.resolve("patterns/validated/" + id + ".yaml")));
        assertFalse(Files.exists(home.resolve("patterns/discovered/" + id + ".yaml")));
        assertEquals("validated", readFile(home.resolve("patterns/validated/" + id + ".yaml")).status());
        for (int i = 11; i <= 20; i++) {
            s.record(rec("p" + i, "generate release notes", true, "r@m"));
        }
        assertEquals("learned", s.pattern(id).orElseThrow().status());
        assertTrue(Files.exists(home.resolve("patterns/learned/" + id + ".yaml")));
        // failures pull it down: 20 of 23 is 87 %: validated, no longer learned
        for (int i = 21; i <= 23; i++) {
            s.record(rec("p" + i, "generate release notes", false, "r@m"));
        }
        assertEquals("validated", s.pattern(id).orElseThrow().status());
        // and far enough to deprecate: 20 of 60 has an upper bound below 0.6
        for (int i = 24; i <= 60; i++) {
            s.record(rec("p" + i, "generate release notes", false, "r@m"));
        }
        assertEquals("deprecated", s.pattern(id).orElseThrow().status());
        assertTrue(Files.exists(home.resolve("patterns/deprecated/" + id + ".yaml")));
        for (String st : List.of("discovered", "validated", "learned")) {
            assertFalse(Files.exists(home.resolve("patterns/" + st + "/" + id + ".yaml")), st);
        }
        LibraryStats stats = s.stats();
        assertEquals(60, stats.workflowsExecuted());
        assertEquals(1, stats.patternsByStatus().get("deprecated"));
        assertEquals(61, Files.readAllLines(home.resolve("patterns/metrics.csv")).size());
    }

    @Test
    void pathTricksInIdsAreRejectedAndNothingIsWritten() throws Exception {
        PatternStore s = new PatternStore(home);
        for (String bad : List.of("../escape", "..", "a/b", "/etc/passwd", "a\\b", "x\u0000y", ".hidden", "a..b", "", " ",
                "x".repeat(129))) {
            assertThrows(Refusal.class, () -> s.record(new Recording(
                    new Outcome(bad, null, null, "t", "success", 0, null, null, List.of()),
                    List.of(new Pattern.Step("a@m", null, null, null, null)), null, null, List.of(), List.of(), List.of(), null)),
                    "execution id " + bad);
            if (!bad.isBlank()) {
                assertThrows(Refusal.class, () -> s.record(new Recording(
                        new Outcome("ok-1", bad, null, "t", "success", 0, null, null, List.of()),
                        List.of(), null, null, List.of(), List.of(), List.of(), null)), "pattern id " + bad);
            }
        }
        assertThrows(Refusal.class, () -> Ids.file(home, "pattern_id", "../x", ".yaml"));
        assertFalse(Files.exists(home.resolve("patterns")), "nothing written for refused input");
        assertFalse(Files.exists(home.getParent().resolve("escape")));
    }

    @Test
    void writesRefuseFoldersThatAreLinksOutOfTheDataFolder() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        Files.createDirectories(home.resolve("patterns"));
        Files.createSymbolicLink(home.resolve("patterns/discovered"), outside);
        PatternStore s = new PatternStore(home);
        assertThrows(Refusal.class, () -> s.record(rec("l1", "task", true, "a@m")));
        try (Stream<Path> l = Files.list(outside)) {
            assertEquals(0, l.count());
        }
    }

    @Test
    void shippedPatternsAreReadOnlyAndCopiedOnFirstUpdate() throws Exception {
        Path shipped = Files.createTempDirectory("shipped");
        Pattern p = new Pattern("shipped-1", "Shipped", null, "testing", null, List.of("test", "unit"),
                List.of(new Pattern.Step("t@m", null, "run tests", null, null)),
                new Pattern.Metrics(10, 10, 0, 1.0, 5), List.of(), List.of(), List.of(), "validated", null, null);
        Files.createDirectories(shipped.resolve("validated"));
        Path f = shipped.resolve("validated/shipped-1.yaml");
        Files.writeString(f, Json.yaml().writeValueAsString(p));
        String before = Files.readString(f);
        PatternStore s = new PatternStore(home, new PatternStore.Config(List.of(shipped), true, null, null));
        assertEquals("validated", s.pattern("shipped-1").orElseThrow().status());
        RecordResult r = s.record(rec("s1", "unit test the parser", true, "t@m"));
        assertEquals("testing".equals(r.pattern().domain()) ? "shipped-1" : r.pattern().id(), r.pattern().id());
        RecordResult named = s.record(new Recording(new Outcome("s2", "shipped-1", null, null, "success", 0, null, null, List.of()),
                List.of(), null, null, List.of(), List.of(), List.of(), null));
        assertEquals(11, named.pattern().metrics().totalExecutions());
        assertEquals("validated", named.status());
        assertTrue(Files.exists(home.resolve("patterns/validated/shipped-1.yaml")));
        assertEquals(before, Files.readString(f), "the shipped file is never written");
        assertEquals(11, s.pattern("shipped-1").orElseThrow().metrics().totalExecutions());
    }

    @Test
    void otherProcessesWritesAreSeenAfterRefresh() {
        PatternStore reader = new PatternStore(home);
        assertEquals(0, reader.patterns().size());
        PatternStore writer = new PatternStore(home);
        writer.record(rec("w1", "format code", true, "f@m"));
        reader.refresh();
        assertEquals(1, reader.patterns().size());
        assertEquals(1, reader.plugin("f@m").uses());
        assertEquals(1, reader.stats().workflowsExecuted());
    }

    @Test
    void aBrokenPluginMetricsFileIsKeptAsideNotLost() throws Exception {
        Files.createDirectories(home.resolve("plugins"));
        Files.writeString(home.resolve("plugins/metrics.yaml"), "plugins: [this is: not: valid");
        PatternStore s = new PatternStore(home);
        assertEquals(1, s.warnings().size());
        s.record(rec("m1", "task", true, "a@m"));
        try (Stream<Path> l = Files.list(home.resolve("plugins"))) {
            assertTrue(l.anyMatch(x -> x.getFileName().toString().startsWith("metrics.yaml.unreadable-")));
        }
        assertEquals(1, s.plugin("a@m").uses());
        assertNull(s.warnings().stream().filter(w -> w.contains("metrics.yaml")).findFirst().orElse(null));
    }
}
