package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.config.Settings;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Outcome;
import dev.metaorch.util.Json;
import dev.metaorch.util.Progress;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals as the run store wrote them before its events had types (the files under
 * {@code journal-v1/}, written by that build) load with the same state, and every line reads back into the same
 * bytes, so run folders kept from then stay valid and a journal mixes old and new lines without a seam.
 */
class JournalFormatTest {

    /** Retries, a known fix, a fallback that succeeded, a test step retried, completed. */
    static final String COMPLETED = "api-jwt-20261204-172235-b26b0157";
    /** Completed with its command check unverified (the program was not allowed). */
    static final String UNVERIFIED = "api-jwt-20261204-172237-af7b44d3";
    /** Step 3 failed with an error that is not retryable and has no fallback: escalated. */
    static final String NOT_RETRYABLE = "api-jwt-20261204-172238-62f4b551";
    /** Step 2's retries and its fallback's retries spent: escalated after four attempts. */
    static final String EXHAUSTED = "api-jwt-20261204-172239-186395ae";
    /** Rolled back to step 2, then to the start. */
    static final String ROLLED_BACK = "api-jwt-20261204-172239-db445d5b";
    /** Still running in a folder without git, waiting for attempt 2 of step 2. */
    static final String RUNNING = "api-jwt-20261204-172241-25281031";
    static final List<String> ALL = List.of(COMPLETED, UNVERIFIED, NOT_RETRYABLE, EXHAUSTED, ROLLED_BACK, RUNNING);

    @TempDir
    Path tmp;
    Path home;
    Path plain;
    RunStore runs;

    static String fixture(String id) throws IOException {
        try (InputStream in = JournalFormatTest.class.getResourceAsStream("journal-v1/" + id + ".jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        home = tmp.resolve("home");
        plain = Files.createDirectories(tmp.resolve("plain-project"));
        Files.createDirectories(home.resolve("runs"));
        for (String id : ALL) {
            // The running run goes on in a folder of this test.
            String text = fixture(id).replace("/home/dev/plain-project", plain.toString());
            Files.writeString(home.resolve("runs").resolve(id + ".jsonl"), text);
        }
        runs = new RunStore(new Settings(home, List.of("sh"), List.of(), null, List.of()), new WorkflowStore(home),
                () -> KnownIssueSource.NONE);
    }

    @Test
    void everyLineReadsBackIntoTheSameBytes() throws IOException {
        int lines = 0;
        for (String id : ALL) {
            for (String line : fixture(id).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> read = Json.MAPPER.readValue(line, Map.class);
                JournalEvent e = JournalEvent.parse(read);
                assertFalse(e instanceof JournalEvent.Unrecognized, line);
                assertEquals(line, Json.write(e.toMap()), "line of " + id);
                lines++;
            }
        }
        assertEquals(31, lines);
    }

    @Test
    void theDecisionsOfTheOldLinesAreTyped() throws IOException {
        List<String> kinds = new ArrayList<>();
        for (String line : fixture(EXHAUSTED).split("\n")) {
            @SuppressWarnings("unchecked")
            JournalEvent e = JournalEvent.parse(Json.MAPPER.readValue(line, Map.class));
            if (e instanceof JournalEvent.Reported r) {
                kinds.add(r.decision().getClass().getSimpleName());
            }
        }
        assertEquals(List.of("Next", "Retry", "Fallback", "Retry", "Escalate"), kinds);
        String[] completed = fixture(COMPLETED).split("\n");
        @SuppressWarnings("unchecked")
        JournalEvent.Reported fix = (JournalEvent.Reported) JournalEvent.parse(Json.MAPPER.readValue(completed[4], Map.class));
        Decision.KnownFix k = assertInstanceOf(Decision.KnownFix.class, fix.decision());
        assertEquals(new Decision.Fix("pip install python-jose", "ModuleNotFoundError: No module named 'jose'", "jwt-auth@demo", 4),
                k.fix());
        assertEquals(2, k.invoke().step());
        assertEquals(2, k.invoke().attempt());
        @SuppressWarnings("unchecked")
        JournalEvent.Reported last = (JournalEvent.Reported) JournalEvent.parse(Json.MAPPER.readValue(completed[completed.length - 1], Map.class));
        Decision.Completed done = assertInstanceOf(Decision.Completed.class, last.decision());
        assertTrue(done.success());
        assertEquals(1, done.finalValidation().size());
    }

    @Test
    void finishedRunsLoadAsTheyEnded() {
        Map<String, Object> s = runs.status(COMPLETED);
        assertEquals("completed", s.get("status"));
        assertNull(s.get("awaiting"));
        assertEquals(9, s.get("events"));
        List<?> steps = (List<?>) s.get("steps");
        assertEquals(List.of(3, 3, 2), steps.stream().map(x -> ((List<?>) ((Map<?, ?>) x).get("attempts")).size()).toList());
        Map<?, ?> result = (Map<?, ?>) s.get("result");
        assertEquals("success", result.get("status"));
        assertEquals(5, result.get("failed_attempts"));
        assertEquals(List.of("step 2 applied the known fix: pip install python-jose", "step 2 used the fallback oauth2@demo:oauth2-integrator"),
                ((Map<?, ?>) result.get("learnings")).get("modifications"));

        Outcome o = runs.outcome(COMPLETED);
        assertTrue(o.success());
        assertEquals(List.of("python-scaffold@demo", "jwt-auth@demo", "oauth2@demo", "test-runner@demo"),
                o.steps().stream().map(Outcome.StepResult::plugin).toList());
        assertEquals("pip install python-jose", o.steps().get(2).fixApplied());
        assertEquals("ModuleNotFoundError: No module named 'jose'", o.steps().get(1).error());
        assertEquals(3 * 1200, o.steps().get(0).durationMs());

        assertEquals("completed", runs.status(UNVERIFIED).get("status"));
        assertTrue(runs.outcome(UNVERIFIED).success());

        Map<String, Object> c = runs.status(NOT_RETRYABLE);
        assertEquals("escalated", c.get("status"));
        assertEquals(3, ((Map<?, ?>) c.get("result")).get("failed_step"));
        assertEquals(1, ((List<?>) ((Map<?, ?>) c.get("result")).get("tried")).size());
        assertFalse(runs.outcome(NOT_RETRYABLE).success());

        Map<?, ?> d = (Map<?, ?>) runs.status(EXHAUSTED).get("result");
        assertEquals(4, ((List<?>) d.get("tried")).size());
        assertTrue(d.get("message").toString().contains("the fallback oauth2@demo:oauth2-integrator failed too"), d.toString());
        Outcome od = runs.outcome(EXHAUSTED);
        assertEquals(List.of("success", "failure", "failure"), od.steps().stream().map(Outcome.StepResult::status).toList());
        assertEquals("connection reset by peer", od.steps().get(2).error());

        Map<String, Object> e = runs.status(ROLLED_BACK);
        assertEquals("rolled_back", e.get("status"));
        List<?> rollbacks = (List<?>) e.get("rollbacks");
        assertEquals(List.of(2, 1), rollbacks.stream().map(r -> ((Map<?, ?>) r).get("to_step")).toList());
        assertEquals("rollback", ((Map<?, ?>) rollbacks.get(0)).get("type"));
        assertFalse(runs.outcome(ROLLED_BACK).success(), "a rolled-back run is a failure");

        assertEquals(ALL.size(), runs.list().size());
        assertTrue(runs.list().stream().noneMatch(r -> r.containsKey("warnings")), runs.list().toString());
    }

    @Test
    void aRunningRunGoesOnFromAnOldJournal() throws IOException {
        Map<String, Object> s = runs.status(RUNNING);
        assertEquals("running", s.get("status"));
        assertEquals(2, s.get("current_step"));
        Map<?, ?> awaiting = (Map<?, ?>) s.get("awaiting");
        assertEquals(2, awaiting.get("attempt"));
        assertEquals(Map.of("project_path", "app", "auth_type", "JWT"), awaiting.get("inputs"));
        assertTrue(s.get("restore_note").toString().contains("not a git working tree"));

        long before = Files.readAllLines(runs.journal(RUNNING)).size();
        // Step 2 has one retry, spent on attempt 1: the fallback now.
        Map<String, Object> a = runs.report(RUNNING, 2, new StepReport("failure", Map.of(), "timeout", 5, 2), Progress.NONE);
        assertEquals("fallback", a.get("decision"), a.toString());
        assertEquals("oauth2-integrator", ((Map<?, ?>) a.get("invoke")).get("component"));
        assertEquals(before + 1, Files.readAllLines(runs.journal(RUNNING)).size());
        assertEquals("fallback", ((Map<?, ?>) runs.status(RUNNING).get("awaiting")).get("via"));
    }

    @Test
    void linesOfANewerBuildAreWarnedAboutNotFatalAndABrokenOneDamagesTheRun() throws IOException {
        Path journal = runs.journal(RUNNING);
        String kept = Files.readString(journal);
        Files.writeString(journal, kept + "{\"type\":\"paused\",\"at\":\"2026-12-04T17:30:00Z\"}\n"
                + "{\"type\":\"report\",\"at\":\"2026-12-04T17:31:00Z\",\"step\":2,\"attempt\":2,\"via\":\"primary\","
                + "\"decision\":\"wait_for_human\"}\n");
        Map<String, Object> s = runs.status(RUNNING);
        assertEquals("running", s.get("status"));
        assertEquals("2026-12-04T17:31:00Z", s.get("updated_at"));
        assertEquals(List.of("unknown event type 'paused' in the journal (ignored)",
                "unknown decision 'wait_for_human' in the journal"), s.get("warnings"));

        // A next decision without the invocation it leads to cannot be followed: the run is damaged from there.
        Files.writeString(journal, kept + "{\"type\":\"report\",\"at\":\"2026-12-04T17:31:00Z\",\"step\":2,"
                + "\"attempt\":2,\"via\":\"primary\",\"passed\":true,\"decision\":\"next\"}\n");
        Map<String, Object> d = runs.status(RUNNING);
        assertEquals("damaged", d.get("status"));
        assertTrue(d.get("warnings").toString().contains("event 5 (report) is malformed"), d.toString());
    }
}
