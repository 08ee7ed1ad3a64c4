package dev.metaorch.execute;

import static dev.metaorch.util.Texts.firstLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.metaorch.workflow.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs validation checks for real, relative to a {@link Workspace}. A check never throws: a failure or a
 * refusal is a {@link CheckResult} saying why.
 */
public final class CheckRunner {

    private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

    /** Largest part of a file a regex check reads. */
    public static final int MAX_READ_BYTES = 2 * 1024 * 1024;
    /** Output of a command kept for the regex and the report; the rest is drained and dropped. */
    public static final int MAX_OUTPUT_BYTES = 256 * 1024;
    static final int DEFAULT_COMMAND_TIMEOUT_S = 120;
    static final int MAX_COMMAND_TIMEOUT_S = 600;
    /** How often a long command reports that it is still running. */
    static final long HEARTBEAT_MS = 5_000;
    static final int DEFAULT_HTTP_TIMEOUT_S = 10;
    /** Time a regex may spend on one text (guards against catastrophic backtracking). */
    static final long REGEX_BUDGET_MS = 2_000;

    private final Workspace ws;
    private final List<String> allowedPrograms;
    private final Path configFile;
    private volatile java.util.function.LongConsumer heartbeat = ms -> { };
    private long heartbeatMs = HEARTBEAT_MS;

    CheckRunner heartbeatEvery(long ms) {
        this.heartbeatMs = ms;
        return this;
    }

    /** Called every few seconds with the elapsed milliseconds while a command check runs (progress for the client). */
    public CheckRunner onHeartbeat(java.util.function.LongConsumer heartbeat) {
        this.heartbeat = heartbeat;
        return this;
    }

    public CheckRunner(Workspace ws, List<String> allowedPrograms, Path configFile) {
        this.ws = ws;
        this.allowedPrograms = List.copyOf(allowedPrograms);
        this.configFile = configFile;
    }

    public static String type(Check c) {
        if (c instanceof Check.FileExists) {
            return "file_exists";
        } else if (c instanceof Check.HttpEndpoint) {
            return "http";
        } else if (c instanceof Check.RegexInFile) {
            return "regex_in_file";
        }
        return "command";
    }

    public CheckResult run(Check check) {
        String type = type(check);
        String label = safeLabel(check);
        long t0 = System.nanoTime();
        try {
            if (check instanceof Check.FileExists f) {
                return fileExists(f, label, t0);
            } else if (check instanceof Check.HttpEndpoint h) {
                return http(h, label, t0);
            } else if (check instanceof Check.RegexInFile r) {
                return regexInFile(r, label, t0);
            } else if (check instanceof Check.Command k) {
                return command(k, label, t0);
            }
            return CheckResult.fail(type, label, "unknown check", ms(t0));
        } catch (Workspace.EscapeException e) {
            return CheckResult.refuse(type, label, "refused: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("check {} failed unexpectedly", label, e);
            return CheckResult.fail(type, label, "check could not run: " + e, ms(t0));
        }
    }

    private static String safeLabel(Check c) {
        try {
            String l = c.label();
            return l.length() > 300 ? l.substring(0, 300) + "\u2026" : l;
        } catch (RuntimeException e) {
            return type(c);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private CheckResult fileExists(Check.FileExists f, String label, long t0) {
        if (Workspace.isGlob(f.path())) {
            List<Path> found = ws.glob(f.path(), 5);
            if (found.isEmpty()) {
                return CheckResult.fail("file_exists", label, "no file in the workspace matches '" + f.path() + "'", ms(t0));
            }
            return CheckResult.pass("file_exists", label, "matches: " + found, ms(t0));
        }
        Path p = ws.resolve(f.path());
        if (Files.exists(p)) {
            return CheckResult.pass("file_exists", label, (Files.isDirectory(p) ? "folder " : "file ") + f.path() + " exists", ms(t0));
        }
        return CheckResult.fail("file_exists", label, f.path() + " does not exist in the workspace", ms(t0));
    }

    private CheckResult regexInFile(Check.RegexInFile r, String label, long t0) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(r.regex(), Pattern.MULTILINE);
        } catch (PatternSyntaxException | NullPointerException e) {
            return CheckResult.fail("regex_in_file", label, "invalid regex: " + firstLine(e.getMessage()), ms(t0));
        }
        Path p = ws.resolve(r.path());
        if (!Files.isRegularFile(p)) {
            return CheckResult.fail("regex_in_file", label, r.path() + " is not a file in the workspace", ms(t0));
        }
        String text;
        boolean truncated;
        try (SeekableByteChannel ch = Files.newByteChannel(p)) {
            truncated = ch.size() > MAX_READ_BYTES;
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), MAX_READ_BYTES));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read up to the cap
            }
            text = decode(buf.array(), buf.position());
        } catch (IOException e) {
            return CheckResult.fail("regex_in_file", label, "cannot read " + r.path() + ": " + e.getMessage(), ms(t0));
        }
        String note = truncated ? " (first " + MAX_READ_BYTES + " bytes read)" : "";
        Boolean found = find(pattern, text);
        if (found == null) {
            return CheckResult.fail("regex_in_file", label, "regex took longer than " + REGEX_BUDGET_MS + " ms; gave up" + note, ms(t0));
        }
        return found ? CheckResult.pass("regex_in_file", label, "matched in " + r.path() + note, ms(t0))
                : CheckResult.fail("regex_in_file", label, "no match in " + r.path() + note, ms(t0));
    }

    private CheckResult http(Check.HttpEndpoint h, String label, long t0) {
        URI uri;
        try {
            uri = new URI(h.url());
        } catch (URISyntaxException | NullPointerException e) {
            return CheckResult.fail("http", label, "invalid URL: " + h.url(), ms(t0));
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            return CheckResult.refuse("http", label, "refused: only http(s) URLs with a host are checked (got " + h.url() + ")");
        }
        // Only "localhost" or a loopback IP literal: a DNS name could resolve to loopback when checked and
        // elsewhere when connected.
        String host = uri.getHost();
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipLiteral = literal.matches("[0-9.]+") || literal.contains(":");
        boolean loopback;
        try {
            loopback = host.equalsIgnoreCase("localhost") || (ipLiteral && InetAddress.getByName(literal).isLoopbackAddress());
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            return CheckResult.refuse("http", label, "refused: " + host
                    + " is not a loopback address; HTTP checks only reach this machine (localhost, 127.0.0.1, ::1)");
        }
        int timeout = h.timeoutSeconds() <= 0 ? DEFAULT_HTTP_TIMEOUT_S : Math.min(h.timeoutSeconds(), 120);
        // No redirects: a redirect could lead off this machine.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeout))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<Void> resp = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeout)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = resp.statusCode();
            boolean ok = h.expectStatus() > 0 ? status == h.expectStatus() : status >= 200 && status < 400;
            String expect = h.expectStatus() > 0 ? String.valueOf(h.expectStatus()) : "2xx/3xx";
            return ok ? CheckResult.pass("http", label, "answered " + status, ms(t0))
                    : CheckResult.fail("http", label, "answered " + status + ", expected " + expect, ms(t0));
        } catch (IOException e) {
            return CheckResult.fail("http", label, "no answer from " + h.url() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())), ms(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail("http", label, "interrupted", ms(t0));
        }
    }

    /**
     * The exact config.yaml line (under {@code validation:}) that allows {@code programs} besides the ones allowed
     * now, e.g. {@code allowed_programs: [mvn, npm]}.
     */
    public static String allowLine(List<String> allowed, java.util.Collection<String> programs) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(allowed);
        all.addAll(programs);
        return "allowed_programs: [" + String.join(", ", all) + "]";
    }

    /** Where {@link #allowLine} goes, said once for people. */
    public static String allowWhere(Path configFile) {
        return "under 'validation:' in " + configFile;
    }

    /**
     * What a check needs before it can run: for a command whose program is not on the allowlist, the config line
     * that allows it; null when it needs nothing.
     */
    public static String needs(Check c, List<String> allowed) {
        if (c instanceof Check.Command k && k.argv() != null && !k.argv().isEmpty() && !allowed.contains(k.argv().get(0))) {
            return k.argv().get(0) + " on the allowlist: " + allowLine(allowed, List.of(k.argv().get(0)));
        }
        return null;
    }

    /** How much of a passing command's output is kept (its end, where runners print their summary). */
    static final int PASS_TAIL_CHARS = 600;

    /** A program name the allowlist can name: no path, no shell text. */
    private static final Pattern PLAIN_PROGRAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** Why a program may not run, or null when it may. */
    String refusal(String program) {
        String where = "validation.allowed_programs in " + configFile;
        if (allowedPrograms.isEmpty()) {
            return "refused: program '" + program + "' not found on the allowlist: command checks are off until you list the "
                    + "programs they may run under " + where + " (the file is yours to edit; no tool call writes it)";
        }
        if (!allowedPrograms.contains(program)) {
            return "refused: program '" + program + "' not found on the allowlist (" + where + ": "
                    + String.join(", ", allowedPrograms) + ")";
        }
        return null;
    }

    private CheckResult command(Check.Command k, String label, long t0) {
        if (k.argv() == null || k.argv().isEmpty() || k.argv().get(0).isBlank()) {
            return CheckResult.fail("command", label, "empty argument vector", ms(t0));
        }
        for (String a : k.argv()) {
            if (a == null || a.indexOf('\0') >= 0) {
                return CheckResult.refuse("command", label, "refused: an argument is null or contains a NUL character");
            }
        }
        String program = k.argv().get(0);
        String refused = refusal(program);
        if (refused != null) {
            if (!PLAIN_PROGRAM.matcher(program).matches()) {
                // a path or shell text is never suggested for the allowlist: refused, and the check fails
                return CheckResult.refuse("command", label, refused);
            }
            // Not a failure of the step: the check could not run here. Say exactly what would let it run.
            String line = allowLine(allowedPrograms, List.of(program));
            return CheckResult.unverified("command", label, true, "not run: program '" + program + "' is not on the allowlist, "
                    + "so this check is unverified; to run it, put '" + line + "' " + allowWhere(configFile)
                    + " (the file is yours to edit; no tool call writes it)", line);
        }
        Path cwd = k.cwd() == null || k.cwd().isBlank() || k.cwd().equals(".") ? ws.root() : ws.resolve(k.cwd());
        if (!Files.isDirectory(cwd)) {
            return CheckResult.fail("command", label, "working folder " + k.cwd() + " does not exist in the workspace", ms(t0));
        }
        Pattern outRegex = null;
        if (k.outputRegex() != null && !k.outputRegex().isEmpty()) {
            try {
                outRegex = Pattern.compile(k.outputRegex(), Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                return CheckResult.fail("command", label, "invalid output regex: " + firstLine(e.getMessage()), ms(t0));
            }
        }
        int timeout = k.timeoutSeconds() <= 0 ? DEFAULT_COMMAND_TIMEOUT_S : Math.min(k.timeoutSeconds(), MAX_COMMAND_TIMEOUT_S);
        ProcessBuilder pb = new ProcessBuilder(k.argv()).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("NEO4J_PASSWORD"); // the server's secrets are not the check's business
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            // An allowed program that is not installed (or not on PATH) cannot check anything: unverified, not failed.
            return CheckResult.unverified("command", label, false, "not run: cannot start " + program + " (" + firstLine(e.getMessage())
                    + "), so this check is unverified; install " + program + " or put it on the server's PATH",
                    "install " + program + " (on the server's PATH)");
        }
        try {
            proc.getOutputStream().close(); // nothing to read: never the server's own stdin
        } catch (IOException ignored) {
            // already closed
        }
        CappedReader reader = new CappedReader(proc.getInputStream());
        Thread t = new Thread(reader, "check-output");
        t.setDaemon(true);
        t.start();
        boolean finished;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            finished = false;
            while (!finished) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                finished = proc.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(heartbeatMs)), TimeUnit.NANOSECONDS);
                if (!finished) {
                    heartbeat.accept(ms(t0));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(proc);
            return CheckResult.fail("command", label, "interrupted", ms(t0));
        }
        if (!finished) {
            killTree(proc);
        }
        try {
            t.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String output = reader.text();
        String tail = tail(output, 2_000) + (reader.dropped > 0 ? "\n[" + reader.dropped + " bytes of output dropped]" : "");
        if (!finished) {
            return CheckResult.fail("command", label, "timed out after " + timeout + " s; process tree killed. Output:\n" + tail, ms(t0));
        }
        int exit = proc.exitValue();
        if (exit != k.expectExit()) {
            return CheckResult.fail("command", label, "exit code " + exit + " (expected " + k.expectExit() + "). Output:\n" + tail, ms(t0));
        }
        if (outRegex != null) {
            Boolean found = find(outRegex, output);
            if (found == null || !found) {
                return CheckResult.fail("command", label, "exit code " + exit + " but the output "
                        + (found == null ? "regex timed out" : "does not match /" + k.outputRegex() + "/") + ". Output:\n" + tail, ms(t0));
            }
        }
        // the end of the output stays: a test runner's summary is there (test counts are read from it, never guessed)
        String end = tail(output, PASS_TAIL_CHARS);
        return CheckResult.pass("command", label, "exit code " + exit + (outRegex != null ? ", output matches" : "")
                + (end.isBlank() ? "" : ". Output:\n" + end), ms(t0));
    }

    /** Kills the process and everything it started (children first, collected before the parent dies). */
    static void killTree(Process proc) {
        List<ProcessHandle> kids = new ArrayList<>();
        proc.descendants().forEach(kids::add);
        proc.destroyForcibly();
        kids.forEach(ProcessHandle::destroyForcibly);
        try {
            proc.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a stream to its end, keeping the first {@link #MAX_OUTPUT_BYTES}. */
    private static final class CappedReader implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile long dropped;

        CappedReader(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (kept) {
                        int room = MAX_OUTPUT_BYTES - kept.size();
                        if (room > 0) {
                            kept.write(buf, 0, Math.min(room, n));
                        }
                        if (n > room) {
                            dropped += n - Math.max(room, 0);
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed or closed its output
            }
        }

        String text() {
            synchronized (kept) {
                return decode(kept.toByteArray(), kept.size());
            }
        }
    }

    static String decode(byte[] bytes, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the pattern is found; null when it ran out of time. */
    static Boolean find(Pattern p, String text) {
        long deadline = System.nanoTime() + REGEX_BUDGET_MS * 1_000_000;
        try {
            Matcher m = p.matcher(new DeadlineChars(text, deadline));
            return m.find();
        } catch (DeadlineChars.Expired e) {
            return null;
        }
    }

    /** A CharSequence that stops a regex once its time budget is spent (the JDK regex engine has no timeout). */
    private record DeadlineChars(CharSequence s, long deadline) implements CharSequence {
        static final class Expired extends RuntimeException {
            Expired() {
                super(null, null, false, false);
            }
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new Expired();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new DeadlineChars(s.subSequence(start, end), deadline);
        }

        @Override
        public String toString() {
            return s.toString();
        }
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "\u2026" + s.substring(s.length() - max);
    }
}
