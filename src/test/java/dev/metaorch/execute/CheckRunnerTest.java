package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckRunnerTest {

    @TempDir
    Path tmp;

    private Workspace ws() throws IOException {
        Path w = Files.createDirectories(tmp.resolve("ws"));
        return Workspace.open(w.toString());
    }

    private CheckRunner runner(Workspace ws, String... allowed) {
        return new CheckRunner(ws, List.of(allowed), tmp.resolve("home/config.yaml"));
    }

    @Test
    void fileExistsPlainAndGlob() throws IOException {
        Workspace ws = ws();
        Files.createDirectories(ws.root().resolve("src/app"));
        Files.writeString(ws.root().resolve("src/app/main.py"), "print(1)\n");
        CheckRunner r = runner(ws);
        assertTrue(r.run(new Check.FileExists("src/app/main.py", "")).passed());
        assertTrue(r.run(new Check.FileExists("src/app", "")).passed());
        assertTrue(r.run(new Check.FileExists("src/**/*.py", "")).passed());
        assertTrue(r.run(new Check.FileExists("**/main.py", "")).passed());
        Files.writeString(ws.root().resolve("setup.cfg"), "");
        assertTrue(r.run(new Check.FileExists("**/*.cfg", "")).passed(), "**/ matches at the top too");
        CheckResult missing = r.run(new Check.FileExists("src/app/other.py", ""));
        assertFalse(missing.passed());
        assertFalse(missing.refused());
        assertFalse(r.run(new Check.FileExists("**/*.rs", "")).passed());
    }

    @Test
    void pathsLeavingTheWorkspaceAreRefused() throws IOException {
        Workspace ws = ws();
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "token=abc\n");
        CheckRunner r = runner(ws);
        CheckResult dots = r.run(new Check.FileExists("../secret.txt", ""));
        assertTrue(dots.refused(), dots.detail());
        assertTrue(dots.detail().contains("escapes the workspace"), dots.detail());
        CheckResult abs = r.run(new Check.RegexInFile(outside.toString(), "token", ""));
        assertTrue(abs.refused(), abs.detail());
        assertTrue(abs.detail().contains("absolute"), abs.detail());
        assertTrue(r.run(new Check.FileExists("a/../../secret.txt", "")).refused());
        assertTrue(r.run(new Check.FileExists("x\0y", "")).refused());
        // A symbolic link inside the workspace pointing out of it.
        Files.createSymbolicLink(ws.root().resolve("link.txt"), outside);
        CheckResult link = r.run(new Check.RegexInFile("link.txt", "token", ""));
        assertTrue(link.refused(), link.detail());
        assertTrue(link.detail().contains("symbolic link"), link.detail());
        // A linked folder: the file below it resolves outside too.
        Files.createSymbolicLink(ws.root().resolve("up"), tmp);
        assertTrue(r.run(new Check.FileExists("up/secret.txt", "")).refused());
        assertTrue(r.run(new Check.FileExists("up/not-there.txt", "")).refused());
        // Globs that would match through the link are refused as well.
        assertTrue(r.run(new Check.FileExists("*.txt", "")).refused());
        // A command's working folder through the link is refused before anything runs.
        CheckResult cwd = runner(ws, "ls").run(new Check.Command(List.of("ls"), "up", 5, 0, null, ""));
        assertTrue(cwd.refused(), cwd.detail());
    }

    @Test
    void linksInsideTheWorkspaceAreFine() throws IOException {
        Workspace ws = ws();
        Files.writeString(ws.root().resolve("real.txt"), "version: 2\n");
        Files.createSymbolicLink(ws.root().resolve("alias.txt"), ws.root().resolve("real.txt"));
        assertTrue(runner(ws).run(new Check.RegexInFile("alias.txt", "version: \\d", "")).passed());
    }

    @Test
    void regexInFile() throws IOException {
        Workspace ws = ws();
        Files.writeString(ws.root().resolve("main.py"), "import os\n@app.post(\"/login\")\ndef login(): pass\n");
        CheckRunner r = runner(ws);
        assertTrue(r.run(new Check.RegexInFile("main.py", "^@app\\.post\\(\"/login\"\\)$", "")).passed());
        assertFalse(r.run(new Check.RegexInFile("main.py", "/register", "")).passed());
        CheckResult bad = r.run(new Check.RegexInFile("main.py", "(unclosed", ""));
        assertFalse(bad.passed());
        assertTrue(bad.detail().contains("invalid regex"));
        assertFalse(r.run(new Check.RegexInFile("nope.py", "x", "")).passed());
        // Catastrophic backtracking is cut off instead of hanging the server.
        Files.writeString(ws.root().resolve("aaa.txt"), "a".repeat(26) + "!");
        CheckResult slow = r.run(new Check.RegexInFile("aaa.txt", "(.*a){27}", ""));
        assertFalse(slow.passed());
        assertTrue(slow.detail().contains("gave up"), slow.detail());
    }

    @Test
    void commandsNeedTheAllowlist() throws IOException {
        Workspace ws = ws();
        // A program off the allowlist is not run: the check is unverified (not failed), with the line that allows it.
        CheckResult none = runner(ws).run(new Check.Command(List.of("true"), null, 5, 0, null, ""));
        assertTrue(none.refused() && none.unverified() && !none.failed());
        assertEquals("allowed_programs: [true]", none.allow());
        assertTrue(none.detail().contains("under 'validation:'") && none.detail().contains("config.yaml"), none.detail());
        CheckResult other = runner(ws, "git").run(new Check.Command(List.of("rm", "-rf", "x"), null, 5, 0, null, ""));
        assertTrue(other.refused() && other.unverified());
        assertTrue(other.detail().contains("program 'rm' is not on the allowlist"), other.detail());
        assertEquals("allowed_programs: [git, rm]", other.allow());
        // An allowed program that is not installed is unverified too, never run and never failed.
        CheckResult missing = runner(ws, "no-such-program-xyz").run(new Check.Command(List.of("no-such-program-xyz"), null, 5, 0, null, ""));
        assertTrue(missing.unverified() && !missing.refused() && !missing.failed(), missing.toString());
        // Shell text or a path is never offered for the allowlist: refused, and the check fails.
        CheckResult shell = runner(ws).run(new Check.Command(List.of("true; rm -rf x"), null, 5, 0, null, ""));
        assertTrue(shell.refused() && !shell.unverified() && shell.failed());
        // The allowlist names programs exactly: a path to another binary with the same name is refused.
        assertTrue(runner(ws, "true").run(new Check.Command(List.of("/tmp/true"), null, 5, 0, null, "")).refused());
    }

    @Test
    void commandsRunWithArgumentVectorsExitCodesAndOutput() throws IOException {
        Workspace ws = ws();
        Files.createDirectories(ws.root().resolve("sub"));
        Files.writeString(ws.root().resolve("sub/f.txt"), "hello\n");
        CheckRunner r = runner(ws, "ls", "sh", "cat");
        assertTrue(r.run(new Check.Command(List.of("ls"), "sub", 10, 0, "^f\\.txt$", "")).passed());
        CheckResult wrongOut = r.run(new Check.Command(List.of("ls"), "sub", 10, 0, "^g\\.txt$", ""));
        assertFalse(wrongOut.passed());
        assertTrue(wrongOut.detail().contains("does not match"));
        // An argument is one argument: no shell splits or expands it.
        CheckResult literal = r.run(new Check.Command(List.of("cat", "f.txt; echo pwned"), "sub", 10, 0, null, ""));
        assertFalse(literal.passed());
        assertFalse(literal.detail().contains("pwned\n") && literal.detail().contains("hello"), literal.detail());
        CheckResult exit3 = r.run(new Check.Command(List.of("sh", "-c", "echo out; exit 3"), null, 10, 0, null, ""));
        assertFalse(exit3.passed());
        assertTrue(exit3.detail().contains("exit code 3"), exit3.detail());
        assertTrue(r.run(new Check.Command(List.of("sh", "-c", "exit 3"), null, 10, 3, null, "")).passed());
        // Output is capped.
        CheckResult big = r.run(new Check.Command(List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo END"),
                null, 20, 0, null, ""));
        assertTrue(big.passed(), big.detail());
        assertTrue(r.run(new Check.Command(List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo END"),
                null, 20, 0, "END", "")).detail().contains("dropped"));
    }

    @Test
    void commandTimeoutKillsTheProcessTree() throws IOException {
        Workspace ws = ws();
        CheckRunner r = runner(ws, "sh");
        long t0 = System.nanoTime();
        // The child sleeps in the background; the tree kill must end it too, or the output pipe would stay open.
        CheckResult res = r.run(new Check.Command(List.of("sh", "-c", "sleep 30 & echo started; sleep 30"), null, 1, 0, null, ""));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(res.passed());
        assertTrue(res.detail().contains("timed out after 1 s"), res.detail());
        assertTrue(res.detail().contains("started"), res.detail());
        assertTrue(ms < 15_000, "took " + ms + " ms");
    }

    @Test
    void longCommandsSendHeartbeats() throws IOException {
        Workspace ws = ws();
        List<Long> beats = new java.util.concurrent.CopyOnWriteArrayList<>();
        CheckRunner r = runner(ws, "sleep").heartbeatEvery(200).onHeartbeat(beats::add);
        assertTrue(r.run(new Check.Command(List.of("sleep", "1"), null, 10, 0, null, "")).passed());
        assertTrue(beats.size() >= 2, "heartbeats: " + beats);
        assertTrue(beats.get(beats.size() - 1) > beats.get(0));
    }

    @Test
    void httpLoopbackOnly() throws IOException {
        Workspace ws = ws();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            CheckRunner r = runner(ws);
            assertTrue(r.run(new Check.HttpEndpoint("http://127.0.0.1:" + port + "/health", 200, 5, "")).passed());
            assertTrue(r.run(new Check.HttpEndpoint("http://localhost:" + port + "/health", 0, 5, "")).passed());
            CheckResult nf = r.run(new Check.HttpEndpoint("http://127.0.0.1:" + port + "/missing", 200, 5, ""));
            assertFalse(nf.passed());
            assertTrue(nf.detail().contains("404"), nf.detail());
        } finally {
            server.stop(0);
        }
        CheckResult remote = runner(ws).run(new Check.HttpEndpoint("http://192.0.2.10/", 200, 1, ""));
        assertTrue(remote.refused(), remote.detail());
        assertTrue(runner(ws).run(new Check.HttpEndpoint("http://example.com/", 200, 1, "")).refused(), "names other than localhost");
        assertTrue(runner(ws).run(new Check.HttpEndpoint("http://[::1]:1/", 200, 1, "")).detail().contains("no answer"));
        assertTrue(runner(ws).run(new Check.HttpEndpoint("file:///etc/passwd", 200, 1, "")).refused());
        assertFalse(runner(ws).run(new Check.HttpEndpoint("http://127.0.0.1:1/", 200, 2, "")).passed());
    }

    @Test
    void workspaceMustBeAnExistingAbsoluteFolder() throws IOException {
        assertThrows(Refusal.class, () -> Workspace.open("relative/path"));
        assertThrows(Refusal.class, () -> Workspace.open(tmp.resolve("missing").toString()));
        assertThrows(Refusal.class, () -> Workspace.open(Files.writeString(tmp.resolve("f"), "").toString()));
        assertThrows(Refusal.class, () -> Workspace.open("/"));
    }
}
