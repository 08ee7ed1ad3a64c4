package dev.metaorch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The benchmarks ship in a jar of their own beside the product jar: the product jar carries none of their
 * classes and says where they are, and the bench jar runs by itself with {@code java -jar}.
 */
class BenchJarIT {

    static final Path JAR = Path.of(System.getProperty("meta.jar", "target/meta-orchestrator.jar"));
    static final Path BENCH_JAR = JAR.resolveSibling("meta-orchestrator-bench.jar");

    record Result(int code, String out, String err) {
    }

    static Result java(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
        cmd.addAll(List.of(args));
        return run(dir, new ProcessBuilder(cmd));
    }

    static Result run(Path dir, ProcessBuilder pb) throws IOException, InterruptedException {
        List<String> cmd = pb.command();
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // a guard against a hung JVM only: the runs below end on their own
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("no exit: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theProductJarHoldsNoBenchmarkClass() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> bench = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("dev/metaorch/bench/")).toList();
            assertEquals(List.of(), bench);
            assertTrue(jar.getEntry("dev/metaorch/cli/Main.class") != null, "the product classes are there");
        }
    }

    @Test
    void theBenchJarHoldsTheBenchmarksAndFindsTheProductBesideIt() throws IOException {
        assertTrue(Files.isRegularFile(BENCH_JAR), BENCH_JAR + " is built beside " + JAR);
        try (JarFile jar = new JarFile(BENCH_JAR.toFile())) {
            Manifest m = jar.getManifest();
            assertEquals("dev.metaorch.bench.BenchMain", m.getMainAttributes().getValue("Main-Class"));
            assertEquals(JAR.getFileName().toString(), m.getMainAttributes().getValue("Class-Path"));
            List<String> classes = jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
            assertTrue(classes.contains("dev/metaorch/bench/StdioProcess.class"), classes.toString());
            List<String> foreign = classes.stream().filter(n -> !n.startsWith("dev/metaorch/bench/")
                    || n.matches(".*Test(\\$.*)?\\.class")).toList();
            assertEquals(List.of(), foreign, "only benchmark classes, no tests and no copy of the product");
        }
    }

    @Test
    void benchInTheProductJarSaysWhereTheBenchmarksAre(@TempDir Path dir) throws Exception {
        Result r = java(dir, "-jar", JAR.toString(), "bench", "recommend", "--quick");
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("scripts/meta-orchestrator bench"), r.err());
        assertTrue(r.err().contains(BENCH_JAR.getFileName().toString()), r.err());
    }

    @Test
    void theBenchJarRunsABenchmarkByItself(@TempDir Path dir) throws Exception {
        Result r = java(dir, "-jar", BENCH_JAR.toString(), "learning", "--rounds", "200", "--json");
        // 0: every target met; 3: the run finished and a target was missed (the benchmark's finding, not a failure
        // to run); anything else means the jar did not run the benchmark
        assertTrue(r.code() == 0 || r.code() == 3, r.code() + ": " + r.err());
        JsonNode o = Json.MAPPER.readTree(r.out());
        assertEquals(200, o.get("checkpoints").get(0).get("rounds").asInt(), r.out());

        Result same = java(dir, "-jar", BENCH_JAR.toString(), "bench", "learning", "--rounds", "200", "--json");
        assertEquals(r.code(), same.code(), same.err());
        // the same seeded market either way (only the "seconds" it took may differ)
        assertEquals(o.get("checkpoints"), Json.MAPPER.readTree(same.out()).get("checkpoints"), "with or without the leading word 'bench'");

        Result unknown = java(dir, "-jar", BENCH_JAR.toString(), "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown benchmark 'nope'"), unknown.err());
    }

    @Test
    void theLauncherRunsTheBenchJarForBench(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("scripts/meta-orchestrator", "bench", "nope");
        pb.environment().put("META_ORCH_JAR", JAR.toAbsolutePath().toString());
        pb.environment().put("META_ORCH_BENCH_JAR", BENCH_JAR.toAbsolutePath().toString());
        pb.environment().put("META_ORCH_NO_ARCHIVE", "1");
        pb.environment().put("META_ORCH_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Result r = run(dir, pb);
        // the bench jar's answer: the product jar would say that the benchmarks are elsewhere
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown benchmark 'nope'"), r.err());

        pb.environment().put("META_ORCH_BENCH_JAR", dir.resolve("missing/meta-orchestrator-bench.jar").toString());
        Result missing = run(dir, pb);
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().contains("missing/meta-orchestrator-bench.jar") && missing.err().contains("mvn"), missing.err());
    }
}
