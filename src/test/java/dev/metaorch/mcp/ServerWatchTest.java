package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.metaorch.util.Waits;
import org.junit.jupiter.api.Test;

/**
 * How a running tool call is watched, without timing luck: the calls below never finish on their own, or finish from
 * inside the heartbeat that the test counts, so every outcome is decided by the order of events, not by a clock.
 */
class ServerWatchTest {

    private static final Duration EVERY = Duration.ofMillis(5);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aCallPastTheDeadlineSaysSoInAHeartbeatThenEndsWithAClearError() {
        CompletableFuture<ToolResult> never = new CompletableFuture<>();
        // the worker has waited for the index since well before the deadline
        Waits.Wait late = new Waits.Wait("the search index", System.nanoTime() - DEADLINE.multipliedBy(2).toNanos());
        List<String> beats = new CopyOnWriteArrayList<>();
        ToolResult r = Server.watch("recommend_plugins", never, () -> late, beats::add, EVERY, DEADLINE);
        assertEquals(1, beats.size(), beats.toString());
        assertTrue(beats.get(0).startsWith("still waiting for the search index"), beats.get(0));
        assertTrue(r.error());
        assertTrue(r.text().startsWith("recommend_plugins: gave up after waiting 60 s for the search index"), r.text());
        assertTrue(never.isCancelled(), "the call is cancelled");
    }

    @Test
    void aCallStillWorkingBeatsUntilItFinishes() {
        CompletableFuture<ToolResult> call = new CompletableFuture<>();
        List<String> beats = new CopyOnWriteArrayList<>();
        ToolResult done = ToolResult.of("done", Map.of());
        ToolResult r = Server.watch("generate_workflow", call, () -> null, b -> {
            beats.add(b);
            if (beats.size() == 3) {
                call.complete(done); // the call finishes while the third beat is sent
            }
        }, EVERY, DEADLINE);
        assertEquals(done, r);
        assertEquals(3, beats.size());
        assertTrue(beats.stream().allMatch(b -> b.startsWith("still working (")), beats.toString());
    }

    @Test
    void aWaitUnderTheDeadlineKeepsTheCallGoing() {
        CompletableFuture<ToolResult> call = new CompletableFuture<>();
        Waits.Wait recent = new Waits.Wait("the catalog", System.nanoTime());
        List<String> beats = new CopyOnWriteArrayList<>();
        ToolResult r = Server.watch("catalog_status", call, () -> recent, b -> {
            beats.add(b);
            if (beats.size() == 2) {
                call.complete(ToolResult.of("ok", Map.of()));
            }
        }, EVERY, DEADLINE);
        assertFalse(r.error());
        assertEquals(2, beats.size());
        assertTrue(beats.get(0).startsWith("still waiting for the catalog"), beats.get(0));
    }

    @Test
    void aCallThatThrowsEndsWithAnInternalErrorNotTheException() {
        CompletableFuture<ToolResult> call = CompletableFuture.failedFuture(new IllegalStateException("boom"));
        ToolResult r = Server.watch("run_status", call, () -> null, b -> { }, EVERY, DEADLINE);
        assertTrue(r.error());
        assertEquals("run_status" + Server.INTERNAL_FAILURE + " (IllegalStateException); details are in the server log",
                r.text());
    }
}
