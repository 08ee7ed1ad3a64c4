package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.metaorch.bench.HostileInputRun;
import dev.metaorch.bench.StdioProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast part of the reliability suite: 2,000 hostile messages against the real server over stdio. */
class HostileInputTest {

    @TempDir
    Path home;

    @Test
    void everyMessageWithAUsableIdIsAnsweredAndTheServerSurvives() throws Exception {
        Path catalog = Path.of(System.getProperty("shared.dir", "../shared"), "catalog");
        Path log = home.resolve("stderr.log");
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
        cmd.add(1, "-Xmx512m");
        HostileInputRun.Report r = HostileInputRun.run(cmd, 2000, 250, 7, log);
        System.err.println("hostile input: " + r);
        assertEquals(0, r.crashes(), "crashes; stderr:\n" + tail(log));
        assertEquals(0, r.unanswered(), "unanswered " + r.unansweredByCategory() + " e.g. " + r.samples());
        assertEquals(0, r.hangs());
        assertEquals(r.sanityTotal(), r.sanityOk(), "well-formed calls after batches must still be answered correctly");
        assertTrue(r.expectingAnswer() > 1500, "the generator must produce mostly answerable messages");
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
