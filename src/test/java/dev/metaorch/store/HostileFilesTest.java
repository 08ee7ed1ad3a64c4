package dev.metaorch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.metaorch.learn.Pattern;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken and hostile files in the data folder are skipped with a warning; the store keeps working. */
class HostileFilesTest {

    @TempDir
    Path home;
    @TempDir
    Path outside;

    static final String BILLION_LAUGHS = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """;

    static String good(String id) {
        return Json.yaml().writeValueAsString(new Pattern(id, "Good", null, "general", null, List.of("lint"),
                List.of(new Pattern.Step("l@m", null, null, null, null)), new Pattern.Metrics(3, 2, 1, 0.6667, 1), List.of(),
                List.of(), List.of(), "discovered", null, null));
    }

    @Test
    void theYamlParserLimitsHold() {
        // Jackson hands an alias back as the anchor's name, unexpanded: the bomb stays nine strings
        Object bomb = Json.yaml().readValue(BILLION_LAUGHS, Object.class);
        assertEquals(List.of("h", "h", "h", "h", "h", "h", "h", "h", "h"), ((java.util.Map<?, ?>) bomb).get("i"));
        // ... which would be read silently wrong, so the store refuses aliases outright
        assertThrows(IllegalArgumentException.class, () -> SafeYaml.read(BILLION_LAUGHS.getBytes(), Object.class));
        assertEquals(java.util.Map.of("k", List.of(1, 2)), SafeYaml.read("k: &x [1, 2]".getBytes(), Object.class));
        String huge = "k: \"" + "x".repeat(Json.MAX_YAML_CODE_POINTS + 10) + "\"";
        assertThrows(RuntimeException.class, () -> Json.yaml().readValue(huge, Object.class), "code point limit");
        assertThrows(RuntimeException.class, () -> Json.yaml().readValue("[".repeat(5000) + "]".repeat(5000), Object.class),
                "nesting limit");
    }

    @Test
    void brokenAndHostileFilesAreSkippedWithAWarning() throws Exception {
        Path d = home.resolve("patterns/discovered");
        Files.createDirectories(d);
        Files.createDirectories(home.resolve("patterns/learned"));
        Files.writeString(d.resolve("good-1.yaml"), good("good-1"));
        Files.writeString(d.resolve("syntax.yaml"), "id: syntax\nname: [unclosed\n  : :\n");
        Files.writeString(d.resolve("bomb.yaml"), "id: bomb\n" + BILLION_LAUGHS.replace("a: &a", "tags: &a"));
        try (RandomAccessFile f = new RandomAccessFile(d.resolve("huge.yaml").toFile(), "rw")) {
            f.setLength(100L * 1024 * 1024); // 100 MB, sparse: refused on its size before a byte is read
        }
        Files.writeString(d.resolve("types.yaml"), "id: types\nmetrics:\n  total_executions: lots\n");
        Files.writeString(d.resolve("list.yaml"), "- id: list\n- 2\n");
        Files.writeString(d.resolve("mismatch.yaml"), good("other-id"));
        Files.writeString(d.resolve("negative.yaml"), good("negative").replace("total_executions: 3", "total_executions: -3"));
        Files.write(d.resolve("binary.yaml"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80});
        Files.writeString(d.resolve("deep.yaml"), "id: deep\ntags: " + "[".repeat(5000) + "]".repeat(5000));
        Files.writeString(d.resolve("bad name.yaml"), good("bad name"));
        Files.writeString(outside.resolve("secret.yaml"), good("linked"));
        Files.createSymbolicLink(d.resolve("linked.yaml"), outside.resolve("secret.yaml"));
        Files.createSymbolicLink(home.resolve("patterns/validated"), outside); // a status folder that leaves home
        Files.writeString(outside.resolve("elsewhere.yaml"), good("elsewhere"));
        Process mk = new ProcessBuilder("mkfifo", d.resolve("fifo.yaml").toString()).start();
        assertEquals(0, mk.waitFor());

        PatternStore s = new PatternStore(home);
        List<Pattern> loaded = assertTimeoutPreemptively(Duration.ofSeconds(20), s::patterns, "never blocks");
        assertEquals(List.of("good-1"), loaded.stream().map(Pattern::id).toList());
        List<String> w = s.warnings();
        for (String name : List.of("syntax.yaml", "bomb.yaml", "huge.yaml", "types.yaml", "list.yaml", "mismatch.yaml",
                "negative.yaml", "binary.yaml", "deep.yaml", "bad name.yaml", "linked.yaml", "fifo.yaml", "validated")) {
            assertTrue(w.stream().anyMatch(x -> x.contains(name)), name + " reported in " + w);
        }
        assertTrue(w.stream().anyMatch(x -> x.contains("huge.yaml") && x.contains("too large")), w.toString());
        // the store still works, and pattern_stats shows the warnings
        Files.delete(home.resolve("patterns/validated"));
        s.record(PatternStoreTest.rec("h1", "lint the code", true, "l@m"));
        assertEquals(1, s.stats().workflowsExecuted());
        assertTrue(s.stats().warnings().size() >= 11);
        assertEquals(List.of("secret.yaml", "elsewhere.yaml").size(), Files.list(outside).count(), "nothing written outside");
    }
}
