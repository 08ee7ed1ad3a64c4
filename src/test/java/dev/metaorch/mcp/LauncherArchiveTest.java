package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import dev.metaorch.bench.StdioProcess;
import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 through the real launcher ({@code scripts/meta-orchestrator}): its class archive is built in the
 * background, used by later launches, built again when the jar changes and when the archive under the current
 * name no longer fits (damaged, or written for other classes), and in every case nothing but JSON-RPC reaches
 * stdout. Skipped when the launcher is not in this checkout, unless {@code META_ORCH_REQUIRE_CLIENTS} is set.
 *
 * <p>The jar is a thin one made from {@code target/classes} with the dependency jars on its manifest
 * {@code Class-Path}, so the test runs before {@code package} and always on the current classes.
 */
class LauncherArchiveTest {

    static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path tmp;

    static Path launcher() {
        String override = System.getenv("META_ORCH_LAUNCHER");
        Path p = override != null && !override.isBlank() ? Path.of(override) : Path.of("scripts/meta-orchestrator").toAbsolutePath();
        boolean required = System.getenv("META_ORCH_REQUIRE_CLIENTS") != null && !System.getenv("META_ORCH_REQUIRE_CLIENTS").isBlank();
        if (!Files.isExecutable(p)) {
            if (required) {
                fail("META_ORCH_REQUIRE_CLIENTS is set but the launcher " + p + " is missing");
            }
            Assumptions.assumeTrue(false, "no launcher at " + p);
        }
        return p;
    }

    /** The launcher's own choice (Java 25 with an AOT cache here), and Java 17 with AppCDS. */
    static Stream<String> jvms() {
        List<String> out = new ArrayList<>(List.of("default"));
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        if (Files.isExecutable(java17)) {
            out.add(java17.toString());
        }
        return out.stream();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("jvms")
    void archiveIsBuiltUsedAndRebuiltWhenStaleWithOnlyJsonRpcOnStdout(String jvm) throws Exception {
        Path launcher = launcher();
        Path jar = tmp.resolve("app/meta-orchestrator.jar");
        Path cache = tmp.resolve("cache");
        Files.createDirectories(tmp.resolve("userhome"));
        thinJar(jar, 0);
        Map<String, String> env = new java.util.HashMap<>(Map.of("META_ORCH_JAR", jar.toString(), "META_ORCH_CACHE_DIR", cache.toString(),
                "HOME", tmp.resolve("userhome").toString(), "META_ORCH_HOME", tmp.resolve("data").toString(),
                "MO_TRAIN_DELAY", "0"));
        if (!jvm.equals("default")) {
            env.put("META_ORCH_JAVA", jvm);
        }

        // 1. First launch: answers at once without an archive; the archive appears in the background.
        session(launcher, env, "first");
        Path first = awaitArchive(cache, null);
        byte[] firstBytes = Files.readAllBytes(first);

        // 2. Next launch maps it, and still only JSON-RPC on stdout.
        session(launcher, env, "with-archive");

        // 3. The jar changes: a new archive is built for it; the old one goes away.
        thinJar(jar, 1);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        session(launcher, env, "new-jar");
        Path second = awaitArchive(cache, first);
        assertNotEquals(first, second);
        awaitGone(first);

        // 4. The archive under the current name no longer fits: first the bytes of another build's archive, then
        //    the right archive with part of its header overwritten (magic number kept). Each time the JVM must not
        //    write to stdout and the session must work; in the end the launcher must have built a good archive.
        byte[] good = Files.readAllBytes(second);
        Files.write(second, firstBytes);
        session(launcher, env, "foreign-archive");
        byte[] damaged = good.clone();
        Arrays.fill(damaged, 64, Math.min(damaged.length, 192), (byte) 0x5a);
        Files.write(second, damaged);
        session(launcher, env, "damaged-archive");
        awaitReplaced(second, damaged, "a damaged archive");
        assertFalse(Arrays.equals(Files.readAllBytes(second), firstBytes), "the foreign archive is gone too");
        session(launcher, env, "after-rebuild");
    }

    /** initialize + catalog_status through the launcher; every stdout line must be a JSON-RPC message. */
    private void session(Path launcher, Map<String, String> env, String label) throws Exception {
        Path catalog = Path.of(TestServers.shared(), "catalog").toAbsolutePath();
        List<String> cmd = List.of(launcher.toString(), "serve", "--catalog", catalog.toString(),
                "--home", tmp.resolve("home-" + label).toString());
        // run in tmp: where a crashing JVM would leave its hs_err file
        try (StdioProcess s = new StdioProcess(new StdioProcess.Launch(cmd).env(env)
                .stderrTo(tmp.resolve("stderr-" + label + ".log")).in(tmp))) {
            s.handshake("test", TestServers.ANSWER_TIMEOUT);
            JsonNode r = s.result("tools/call", Map.of("name", "catalog_status", "arguments", Map.of("include_warnings", false)),
                    TestServers.ANSWER_TIMEOUT);
            assertFalse(r.path("isError").asBoolean(false), label + ": " + r);
            assertTrue(r.get("structuredContent").get("total_plugins").asInt() > 0, label + ": " + r);
            s.closeAndWait(Duration.ofSeconds(10));
            assertEquals(0, s.process().exitValue(), label + ": exit status");
            for (String line : s.stdoutLines()) {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (RuntimeException e) {
                    throw new AssertionError(label + ": not JSON-RPC on stdout: " + line);
                }
                assertEquals("2.0", n.path("jsonrpc").asString(""), label + ": not JSON-RPC on stdout: " + line);
            }
        }
    }

    /** The archive file in the cache folder once no training holds the lock; not {@code previous}. */
    static Path awaitArchive(Path cache, Path previous) throws Exception {
        long end = System.nanoTime() + ARCHIVE_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            Optional<Path> a = archives(cache).stream().filter(p -> !p.equals(previous)).findFirst();
            if (a.isPresent() && !training(cache)) {
                return a.get();
            }
            failed(cache);
            Thread.sleep(250);
        }
        throw new AssertionError("no archive in " + cache + " after " + ARCHIVE_TIMEOUT + ": " + listing(cache));
    }

    static void awaitGone(Path p) throws Exception {
        long end = System.nanoTime() + ARCHIVE_TIMEOUT.toNanos();
        while (Files.exists(p) && System.nanoTime() < end) {
            Thread.sleep(250);
        }
        assertFalse(Files.exists(p), p + " (archive of the old jar) is removed");
    }

    static void awaitReplaced(Path archive, byte[] bad, String what) throws Exception {
        long end = System.nanoTime() + ARCHIVE_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (!training(archive.getParent()) && Files.isRegularFile(archive) && Files.size(archive) > 0
                    && !Arrays.equals(Files.readAllBytes(archive), bad)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the launcher kept " + what + " (" + archive.getFileName() + ") instead of building it again: "
                + listing(archive.getParent()));
    }

    static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".aot") || n.endsWith(".cds") || n.endsWith(".jsa")) && Files.isRegularFile(p);
            }).sorted().toList();
        }
    }

    static boolean training(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".lock") || p.getFileName().toString().contains(".tmp."));
        }
    }

    static void failed(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (Stream<Path> s = Files.list(cache)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().endsWith(".failed")) {
                    String log = Files.exists(cache.resolve("train.log")) ? Files.readString(cache.resolve("train.log")) : "";
                    throw new AssertionError("archive training failed: " + Files.readString(p) + "\n" + log);
                }
            }
        }
    }

    static String listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "(no folder)";
        }
        try (Stream<Path> s = Files.list(dir)) {
            String files = String.join(", ", s.map(p -> p.getFileName().toString()).sorted().toList());
            Path log = dir.resolve("train.log");
            return files + (Files.exists(log) ? "\ntrain.log:\n" + Files.readString(log) : "");
        }
    }

    /**
     * A runnable jar of the current classes: target/classes inside, dependency jars on the manifest Class-Path.
     * {@code variant} adds a small resource so two builds differ in content and size.
     */
    static void thinJar(Path jar, int variant) throws IOException {
        Files.createDirectories(jar.getParent());
        List<String> deps = new ArrayList<>();
        Path classes = null;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (Files.isDirectory(p)) {
                if (p.endsWith(Path.of("target", "classes"))) {
                    classes = p;
                }
            } else if (e.endsWith(".jar") && !e.contains("junit") && !e.contains("opentest4j") && !e.contains("apiguardian")) {
                deps.add(p.toUri().toString());
            }
        }
        if (classes == null) {
            throw new IllegalStateException("target/classes not on the class path");
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.metaorch.cli.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", deps));
        Path tmpJar = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmpJar); JarOutputStream out = new JarOutputStream(os, m);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/build-variant.txt"));
            out.write(("variant " + variant + "\n").repeat(variant + 1).getBytes());
            out.closeEntry();
        }
        Files.move(tmpJar, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
