package dev.metaorch.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.bench.StdioProcess;

/**
 * Starts the real server from the test classpath as a {@link StdioProcess}; only command lines here, the
 * JSON-RPC conversation is StdioProcess's.
 */
public final class TestServers {

    /** How long a test waits for an answer unless it says otherwise. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private TestServers() {
    }

    /** The folder with the shared fixtures (the snapshot catalog). */
    public static String shared() {
        return System.getProperty("shared.dir", "../shared");
    }

    /**
     * {@code java -cp <test classpath> dev.metaorch.cli.Main serve --home HOME args...} with this JVM's own java
     * and no JVM log flags, so a JVM warning printed to stdout would show up in the channel checks.
     */
    public static List<String> serveCommand(Path home, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.metaorch.cli.Main", "serve", "--home", home.toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** {@link #serveCommand} started with stderr appended to {@code stderrLog}. */
    public static StdioProcess serve(Path home, List<String> args, Path stderrLog) throws IOException {
        return start(serveCommand(home, args), Map.of(), stderrLog);
    }

    /** Any command, with extra environment variables and stderr appended to {@code stderrLog}. */
    public static StdioProcess start(List<String> command, Map<String, String> env, Path stderrLog) throws IOException {
        return new StdioProcess(new StdioProcess.Launch(command).env(env).stderrTo(stderrLog));
    }
}
