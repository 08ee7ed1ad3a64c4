package dev.metaorch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Claude Code CLI for tests. {@code META_ORCH_CLAUDE} (env or system property) names the binary, as
 * scripts/test.sh sets it; otherwise {@code @anthropic-ai/claude-code} is installed with npm into
 * {@code ~/.cache/meta-orchestrator/npm} once. When it cannot be had the calling test is skipped, unless
 * {@code META_ORCH_REQUIRE_CLIENTS=1}, which makes a missing client a failure.
 */
public final class ClaudeCode {

    public static final String PACKAGE = "@anthropic-ai/claude-code@2";

    private static Path binary;
    private static String unavailable;

    private ClaudeCode() {
    }

    static String setting(String name) {
        String v = System.getProperty(name);
        return v != null && !v.isBlank() ? v : System.getenv(name);
    }

    public static boolean required() {
        String v = setting("META_ORCH_REQUIRE_CLIENTS");
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /** The claude binary, or the test is skipped (failed when clients are required). */
    public static synchronized Path binary() {
        if (binary == null && unavailable == null) {
            try {
                binary = locate();
            } catch (IOException | RuntimeException e) {
                unavailable = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted";
            }
        }
        if (binary == null) {
            String why = "Claude Code CLI not available: " + unavailable;
            if (required()) {
                Assertions.fail(why + " (META_ORCH_REQUIRE_CLIENTS is set)");
            }
            Assumptions.abort(why);
        }
        return binary;
    }

    private static Path locate() throws IOException, InterruptedException {
        String named = setting("META_ORCH_CLAUDE");
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            if (!Files.isExecutable(p)) {
                throw new IOException("META_ORCH_CLAUDE=" + named + " is not an executable file");
            }
            return p;
        }
        Path prefix = Path.of(System.getProperty("user.home"), ".cache", "meta-orchestrator", "npm");
        Path bin = prefix.resolve("node_modules/.bin/claude");
        if (!Files.isExecutable(bin)) {
            Files.createDirectories(prefix);
            Result r = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE),
                    prefix, Map.of(), 300);
            if (r.code() != 0 || !Files.isExecutable(bin)) {
                throw new IOException("npm install " + PACKAGE + " failed (" + r.code() + "): " + tail(r.output()));
            }
        }
        return bin;
    }

    /** Output and exit status of one command. */
    public record Result(int code, String output) {
    }

    /**
     * Runs {@code claude args...} with {@code HOME=home}, telemetry and non-essential traffic off, stdin closed.
     * Fails the test on a non-zero exit status.
     */
    public static Result run(Path home, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        try {
            Result r = run(cmd, home, Map.of("HOME", home.toString(), "DISABLE_TELEMETRY", "1",
                    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"), 120);
            Assertions.assertEquals(0, r.code(), () -> "claude " + String.join(" ", args) + " failed:\n" + r.output());
            return r;
        } catch (IOException e) {
            throw new AssertionError("claude could not be started", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out;
        try (var in = p.getInputStream()) {
            // Output is small; reading to the end also waits for the process to close its side.
            out = in.readAllBytes();
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
