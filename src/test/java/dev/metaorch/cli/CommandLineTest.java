package dev.metaorch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The command line as a user meets it: the real process, its exit status, stdout and stderr (issue 19, item 7).
 */
class CommandLineTest {

    @TempDir
    Path tmp;

    record Exit(int code, String out, String err) {
    }

    /** Runs {@code meta-orchestrator args...} from the test classpath with a private HOME and data folder. */
    Exit cli(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.metaorch.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("META_ORCH_HOME", tmp.resolve("data").toString());
        pb.environment().remove("META_ORCH_MARKETPLACES");
        pb.environment().remove("NEO4J_URI");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command ended");
        return new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static String catalog() {
        return Path.of(TestServers.shared(), "catalog").toString();
    }

    @Test
    void aMissingCatalogOrMarketplacePathIsAnErrorNamingIt() throws Exception {
        String missing = tmp.resolve("nonexistent").toString();
        Exit r = cli("recommend", "review my pull request", "--catalog", missing);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--catalog " + missing), r.err());
        assertEquals("", r.out(), "nothing on stdout");

        Exit m = cli("catalog", "--json", "--marketplace", tmp.resolve("gone").toString());
        assertEquals(2, m.code(), m.err());
        assertTrue(m.err().contains("--marketplace " + tmp.resolve("gone")), m.err());

        // serve too: a server over a catalog that is not there would answer "nothing matches" to everything
        Exit s = cli("serve", "--catalog", missing);
        assertEquals(2, s.code(), s.err());
        assertTrue(s.err().contains(missing), s.err());
    }

    @Test
    void batchTakesQueryOrTaskKeysAndPlainLines() throws Exception {
        Path file = tmp.resolve("tasks.txt");
        Files.writeString(file, String.join("\n",
                "{\"id\": \"q\", \"query\": \"security audit of my web app\"}",
                "{\"id\": \"t\", \"task\": \"write terraform for a vpc\"}",
                "set up kubernetes deployment with helm charts",
                "{\"task\": \"generate api documentation\"}") + "\n");
        Exit r = cli("recommend", "--batch", file.toString(), "--json", "--limit", "2", "--catalog", catalog());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        String[] ids = {"q", "t", "3", "4"};
        for (int i = 0; i < 4; i++) {
            JsonNode n = Json.MAPPER.readTree(lines.get(i));
            assertFalse(n.has("error"), lines.get(i));
            assertEquals(ids[i], n.path("id").asString(), "id echoed, else the line number: " + lines.get(i));
            assertEquals(2, n.path("results").size(), lines.get(i));
        }
    }

    @Test
    void batchWhereEveryLineFailedExitsNonZero() throws Exception {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, "{\"id\": 1, \"prompt\": \"x\"}\n{\"id\": 2, \"query\": 5}\n{not json\n");
        Exit r = cli("recommend", "--batch", file.toString(), "--json", "--catalog", catalog());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).contains("query") && lines.get(0).contains("task"), "the error says which keys: " + lines.get(0));
        assertTrue(r.err().contains("3 of 3"), r.err());
    }

    @Test
    void recordOptionsAreDocumentedInHelpAndReadme() throws Exception {
        Exit help = cli("--help");
        assertEquals(0, help.code());
        String readme = Files.readString(Path.of("README.md"));
        for (String o : Commands.RECORD_OPTIONS) {
            assertTrue(help.out().contains("--" + o), "--help documents record's --" + o);
            assertTrue(readme.contains("`--" + o), "README documents record's --" + o);
        }
        assertTrue(help.out().contains("--batch FILE") && help.out().contains("\"task\""), "--help documents the batch format");
    }

    @Test
    void cliErrorsNameCommandsNotMcpTools() throws Exception {
        Exit show = cli("run", "show", "no-such-run", "--catalog", catalog());
        assertEquals(1, show.code(), show.err());
        assertTrue(show.err().contains("meta-orchestrator runs"), show.err());
        assertFalse(show.err().contains("run_status"), show.err());

        Exit rec = cli("record", "--status", "success", "--catalog", catalog(), "a task");
        assertEquals(1, rec.code(), rec.err());
        assertFalse(rec.err().matches("(?s).*\\b(record_outcome|plugin_sequence|pattern_id)\\b.*"), rec.err());
        assertTrue(rec.err().contains("--plugin") && rec.err().contains("--pattern"), rec.err());

        Exit recRun = cli("record", "--run", "no-such-run", "--catalog", catalog());
        assertEquals(1, recRun.code(), recRun.err());
        assertTrue(recRun.err().contains("--run") && !recRun.err().contains("run_id"), recRun.err());
    }
}
