package dev.metaorch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.cli.Main;
import dev.metaorch.util.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench jar's command line: the benchmark's name with or without {@code bench}, and its own flags. */
class BenchMainTest {

    private static Options parse(String... argv) {
        return BenchMain.benchOptions(Options.parse(BenchMain.FLAGS, argv));
    }

    @Test
    void theNameComesWithOrWithoutBench() {
        for (Options o : List.of(parse("recommend", "--quick"), parse("bench", "recommend", "--quick"),
                parse("--quick", "recommend"), parse("bench", "--quick", "recommend"))) {
            assertEquals("bench", o.command());
            assertEquals(List.of("recommend"), o.positional());
            assertTrue(o.flag("quick"), o.toString());
        }
        assertEquals(List.of(), parse().positional(), "no name given");
        assertEquals(List.of(), parse("--json").positional());
        assertEquals(List.of("workflows"), parse("workflows", "--cases", "1").positional());
        assertEquals("1", parse("workflows", "--cases", "1").value("cases"));
    }

    @Test
    void theBenchmarksFlagsAreNoFlagsOfTheProduct() {
        for (String f : List.of("quick", "cv", "neo4j", "show")) {
            assertTrue(BenchMain.FLAGS.contains(f), f);
            assertTrue(!Options.FLAGS.contains(f), f);
        }
        assertTrue(BenchMain.FLAGS.containsAll(Options.FLAGS));
        // in the product a trailing --quick is an option that lacks its value
        assertThrows(Options.UsageException.class, () -> Options.parse("recommend", "x", "--quick"));
    }

    @Test
    void aWrongCommandLineIsExitStatusTwo(@TempDir Path home) {
        Map<String, String> env = Map.of("HOME", home.toString(), "META_ORCH_HOME", home.resolve("data").toString());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(2, BenchMain.run(new String[]{}, out, env));
        assertEquals(2, BenchMain.run(new String[]{"nope"}, out, env));
        assertEquals(2, BenchMain.run(new String[]{"recommend", "--no-such-option", "1"}, out, env));
        assertEquals("", buf.toString(StandardCharsets.UTF_8), "errors go to stderr");
        assertEquals(0, BenchMain.run(new String[]{"--help"}, out, env));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains(BenchCommand.NAMES));
    }

    @Test
    void theProductSaysWhereTheBenchmarksAre() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[]{"bench", "recommend", "--quick"}, out, Map.of()));
        assertEquals(2, Main.run(new String[]{"--json", "bench", "learning"}, out, Map.of()));
        assertEquals(2, Main.run(new String[]{"bench"}, out, Map.of()));
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
    }
}
