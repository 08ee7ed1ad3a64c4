package dev.metaorch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.metaorch.learn.Pattern;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Real JVMs writing one data folder at once, and writers killed with SIGKILL mid-write. */
class MultiProcessTest {

    @TempDir
    Path home;
    @TempDir
    Path catalog;

    private Process worker(String id, int count, int threads) throws Exception {
        // the plugins RecordWorker records (record_outcome refuses ids the catalog does not have)
        dev.metaorch.testing.SnapshotFixtures.plugins(catalog, List.of("p0@m", "p1@m", "p2@m", "shared@m"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xlog:disable", "-cp", System.getProperty("java.class.path"),
                RecordWorker.class.getName(), home.toString(), catalog.toString(), id, String.valueOf(count),
                String.valueOf(threads));
        pb.redirectError(home.getParent().resolve(id + ".err").toFile());
        return pb.start();
    }

    @Test
    void fourProcessesTimesTwoHundredFiftyRecordsGiveExactlyOneThousand() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            ps.add(worker("w" + w, 250, 2));
        }
        for (int w = 0; w < 4; w++) {
            Process p = ps.get(w);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "worker " + w + " finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out + Files.readString(home.getParent().resolve("w" + w + ".err")));
            assertTrue(out.contains("done 250 errors 0") || out.contains("done 251 errors 0") || out.contains("errors 0"), out);
        }
        PatternStore s = new PatternStore(home);
        assertEquals(1000, s.stats().workflowsExecuted());
        assertEquals(1000, s.recordedExecutions().size());
        int total = s.patterns().stream().mapToInt(p -> p.metrics().totalExecutions()).sum();
        assertEquals(1000, total, "every execution counted once in the patterns");
        assertEquals(3, s.patterns().size());
        assertEquals(800, s.plugin("shared@m").uses(), "successes credit every plugin; 200 failures blame none");
        assertEquals(1001, Files.readAllLines(home.resolve("patterns/metrics.csv")).size());
        int failures = s.patterns().stream().mapToInt(p -> p.metrics().failedExecutions()).sum();
        assertEquals(200, failures);
        int issueCount = s.patterns().stream().flatMap(p -> p.knownIssues().stream()).mapToInt(Pattern.KnownIssue::frequency).sum();
        assertEquals(200, issueCount, "each failure's error recorded once, normalized into one issue per pattern");
        assertTrue(s.patterns().stream().allMatch(p -> p.knownIssues().size() == 1));
    }

    @Test
    void aWriterKilledMidWriteLeavesOnlyWholeParseableFiles() throws Exception {
        Random r = new Random(7);
        int kills = 5;
        for (int k = 0; k < kills; k++) {
            Process p = worker("k" + k, -1, 2);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            Thread.sleep(200 + r.nextInt(800));
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            checkWhole();
        }
        // The next writer cleans what the dead ones left (temp files) and carries on.
        PatternStore s = new PatternStore(home);
        int before = s.stats().workflowsExecuted();
        assertTrue(before > kills, "the writers recorded before they died");
        s.record(PatternStoreTest.rec("after-kill", "Set up CI for the monorepo", true, "p1@m", "shared@m"));
        assertEquals(before + 1, s.stats().workflowsExecuted());
        try (Stream<Path> all = Files.walk(home)) {
            assertEquals(List.of(), all.filter(x -> x.getFileName().toString().endsWith(".tmp")).toList());
        }
        int inPatterns = s.patterns().stream().mapToInt(x -> x.metrics().totalExecutions()).sum();
        int indexed = s.stats().workflowsExecuted();
        assertTrue(indexed - inPatterns >= 0 && indexed - inPatterns <= kills,
                "an execution is never counted twice; at most one per kill was cut short (" + indexed + " vs " + inPatterns + ")");
    }

    /** Every file is whole: YAML parses into its type, every CSV and JSONL line is complete. */
    private void checkWhole() throws Exception {
        try (Stream<Path> all = Files.walk(home)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp") || name.equals(".lock") || name.equals(".generation")) {
                    continue; // a dead writer's temp file is never read; the next writer deletes it
                }
                String text = Files.readString(f);
                if (name.endsWith(".yaml") && f.getParent().getFileName().toString().equals("plugins")) {
                    PatternStore.PluginsFile pf = Json.yaml().readValue(text, PatternStore.PluginsFile.class);
                    assertTrue(pf.plugins().containsKey("shared@m"), f.toString());
                } else if (name.endsWith(".yaml")) {
                    Pattern p = Json.yaml().readValue(text, Pattern.class);
                    assertEquals(name.replace(".yaml", ""), p.id());
                    assertTrue(p.metrics().totalExecutions() > 0);
                } else if (name.equals("metrics.csv")) {
                    assertTrue(text.endsWith("\n"));
                    for (String line : text.split("\n")) {
                        assertEquals(3, line.split(",").length, line);
                    }
                } else if (name.equals("executions.jsonl")) {
                    assertTrue(text.endsWith("\n"));
                    Set<String> ids = new HashSet<>();
                    for (String line : text.split("\n")) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        assertTrue(ids.add(n.get("execution_id").asString()), "no id twice");
                    }
                } else if (name.equals("README.md")) {
                    assertTrue(text.startsWith("# Pattern library") && text.endsWith("|\n"), text);
                }
            }
        }
    }

}
