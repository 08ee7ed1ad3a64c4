package dev.metaorch.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** git for test set-up, as an argument vector, failing loudly. */
public final class TestGit {

    private TestGit() {
    }

    static String run(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@t",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A fresh repository with one commit holding {@code README.md} and a .gitignore for {@code *.log}. */
    public static void initRepo(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        run(dir, "init", "-q");
        java.nio.file.Files.writeString(dir.resolve("README.md"), "# project\n");
        java.nio.file.Files.writeString(dir.resolve(".gitignore"), "*.log\n");
        run(dir, "add", "-A");
        run(dir, "commit", "-q", "-m", "initial");
    }
}
