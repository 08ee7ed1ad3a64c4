package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.TestServers;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 8: every tool call ends, with an answer or the clear deadline error, and a wait that passes its
 * deadline leaves a thread dump on stderr. No duration is asserted; the client waits well past the server's
 * deadline only so that a call that never ends fails the test instead of hanging it.
 */
class EveryCallEndsStdioTest {

    @TempDir
    Path tmp;

    static final int DEADLINE_S = 120;
    /** How long the client waits: the server's deadline plus room for the answer to be written. */
    static final Duration CLIENT_WAIT = Duration.ofSeconds(DEADLINE_S + 180);

    static List<String> command(Path home) {
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--home", home.toString(), "--catalog",
                Path.of(TestServers.shared(), "catalog").toString());
        cmd.add(3, "-Xmx384m");
        return cmd;
    }

    @Test
    void eightFreshServersAtOnceEveryFirstCallEnds() throws Exception {
        List<StdioProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Path home = Files.createDirectories(tmp.resolve("home-" + i));
                servers.add(TestServers.start(command(home), Map.of("META_ORCH_WAIT_DEADLINE_S", String.valueOf(DEADLINE_S)),
                        tmp.resolve("stderr-" + i + ".log")));
            }
            List<Long> ids = new ArrayList<>();
            for (StdioProcess s : servers) {
                s.handshake("every-call-ends", CLIENT_WAIT);
            }
            // every first call at once, before any server has its catalog
            for (StdioProcess s : servers) {
                ids.add(s.sendRequest("tools/call", Map.of("name", "generate_workflow", "arguments",
                        Map.of("task", "add input validation to the signup API and write tests for it"),
                        "_meta", Map.of("progressToken", "first"))));
            }
            for (int i = 0; i < servers.size(); i++) {
                JsonNode answer = servers.get(i).awaitResponse(ids.get(i), CLIENT_WAIT);
                JsonNode result = answer.path("result");
                assertFalse(result.isMissingNode(), "server " + i + " answered a result: " + answer);
                assertIncreasing(servers.get(i).progress("first"));
                if (result.path("isError").asBoolean(false)) {
                    String text = result.path("content").get(0).path("text").asString();
                    assertTrue(text.contains("gave up after waiting " + DEADLINE_S + " s"), "the only error allowed is the deadline's: " + text);
                } else {
                    assertFalse(result.path("structuredContent").path("steps").isEmpty(), answer.toString());
                }
            }
        } finally {
            for (StdioProcess s : servers) {
                s.kill();
            }
        }
    }

    @Test
    void aWaitPastItsDeadlineEndsWithAClearErrorAndAThreadDump() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        new WorkflowStore(home).save(new dev.metaorch.workflow.WorkflowSpec("wf-lock", "t", "2026-12-04T00:00:00Z", "subtasks",
                null, List.of(MeaningfulChecksStdioTest.step(1, "one step", List.of(), Map.of())), List.of(), List.of(), List.of(),
                List.of(), 0.5, "prior", null, List.of(), Map.of()));
        Path log = tmp.resolve("stderr.log");
        try (StdioProcess c = TestServers.start(command(home), Map.of("META_ORCH_WAIT_DEADLINE_S", "5"), log)) {
            c.handshake("deadline", CLIENT_WAIT);
            Path ws = Files.createDirectories(tmp.resolve("ws"));
            String run = c.toolResult("start_run", Map.of("workflow_id", "wf-lock", "workspace", ws.toString()), null, CLIENT_WAIT)
                    .path("structuredContent").path("run_id").asString();
            // another process holds the run's lock (as a server stuck in a report of the same run would)
            Path lockFile = home.resolve("runs").resolve(".locks").resolve(run + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = ch.lock()) {
                JsonNode r = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "success"), "stuck", CLIENT_WAIT);
                assertTrue(r.path("isError").asBoolean(), r.toString());
                String text = r.path("content").get(0).path("text").asString();
                assertTrue(text.contains("gave up after waiting 5 s for run " + run + "'s lock"), text);
                assertFalse(c.progress("stuck").isEmpty(), "a long call sends progress while it waits");
                assertIncreasing(c.progress("stuck"));
            }
            long until = System.nanoTime() + CLIENT_WAIT.toNanos();
            while (!Files.readString(log).contains("thread dump") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            String err = Files.readString(log);
            assertTrue(err.contains("thread dump") && err.contains("\"tool-call\""), "the threads are dumped on stderr");
            // the server still answers: the lock is free again, the report goes through
            JsonNode again = c.toolResult("execute_step", Map.of("run_id", run, "step", 1, "status", "success"), null, CLIENT_WAIT);
            assertEquals("completed", again.path("structuredContent").path("decision").asString(), again.toString());
        }
    }

    /** Progress values must increase with each notification (MCP), whether the tool or the heartbeat sent them. */
    static void assertIncreasing(List<JsonNode> progress) {
        double last = -1;
        for (JsonNode n : progress) {
            double v = n.path("params").path("progress").asDouble();
            assertTrue(v > last, "progress increases: " + progress);
            last = v;
        }
    }
}
