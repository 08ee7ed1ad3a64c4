package dev.metaorch.execute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore points of a git workspace, taken before each step, and rollback to them.
 *
 * <p>A restore point is a commit object of the whole working tree, untracked files included (ignored files
 * are not), built from a temporary index ({@code GIT_INDEX_FILE}): the user's branch, index and stash are
 * never touched. It is kept alive by a ref {@code refs/meta-orchestrator/<run>/<step>}. Rollback writes the
 * restore point's files back into the workspace and removes the files that appeared since; the state
 * before the rollback is itself kept as a ref, so a rollback can be undone. git runs as an argument
 * vector, never through a shell.
 */
public final class GitRestorePoints {

    private static final Logger log = LoggerFactory.getLogger(GitRestorePoints.class);
    static final String REF_ROOT = "refs/meta-orchestrator/";
    private static final long GIT_TIMEOUT_S = 120;

    /** A recorded restore point. */
    public record Point(String ref, String commit) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ref", ref);
            m.put("commit", commit);
            return m;
        }
    }

    /** What a rollback did. */
    public record Restored(String commit, String savedRef, List<String> removed, int restoredFiles) {
    }

    /** A git command that failed. */
    public static final class GitException extends RuntimeException {
        public GitException(String message) {
            super(message);
        }
    }

    private GitRestorePoints() {
    }

    /** The repository's top folder when the workspace is inside a git working tree, else null. */
    public static Path toplevel(Path ws) {
        try {
            Result r = git(ws, null, "rev-parse", "--show-toplevel");
            if (r.exit != 0) {
                return null;
            }
            return Path.of(r.out.strip()).toRealPath();
        } catch (IOException | GitException e) {
            return null;
        }
    }

    /** Records a restore point of the workspace's repository under {@code refs/meta-orchestrator/<run>/<name>}. */
    public static Point record(Path ws, String runId, String name) {
        Path top = requireRepo(ws);
        String commit = snapshot(top, "meta-orchestrator restore point: run " + runId + ", before " + name);
        String ref = REF_ROOT + runId + "/" + name;
        check(git(top, null, "update-ref", ref, commit), "update-ref");
        return new Point(ref, commit);
    }

    /**
     * Brings the workspace (the repository's files under it) back to {@code commit}: changed and deleted files
     * are restored, files created since are removed. Ignored files are left alone.
     */
    public static Restored restore(Path ws, String runId, String commit, String savedName) {
        Path top = requireRepo(ws);
        check(git(top, null, "cat-file", "-e", commit + "^{commit}"), "restore point " + commit + " is gone");
        String now = snapshot(top, "meta-orchestrator: state before rollback of run " + runId);
        String savedRef = REF_ROOT + runId + "/" + savedName;
        check(git(top, null, "update-ref", savedRef, now), "update-ref");
        Path rel = top.relativize(ws);
        String spec = rel.toString().isEmpty() ? "." : rel.toString();
        // Files present now but not in the restore point: created after it, so they go.
        Result added = check(git(top, null, "diff-tree", "-r", "-z", "--name-only", "--no-renames", "--diff-filter=A",
                commit, now, "--", spec), "diff-tree");
        List<String> removed = new ArrayList<>();
        for (String name : added.out.split("\0")) {
            if (name.isEmpty()) {
                continue;
            }
            Path p = top.resolve(name).normalize();
            if (!p.startsWith(ws)) {
                continue;
            }
            try {
                if (Files.deleteIfExists(p)) { // a link is removed itself, never followed
                    removed.add(ws.relativize(p).toString());
                    pruneEmptyParents(p.getParent(), ws);
                }
            } catch (IOException e) {
                throw new GitException("cannot remove " + p + ": " + e.getMessage());
            }
        }
        Result changed = check(git(top, null, "diff-tree", "-r", "-z", "--name-only", "--no-renames", commit, now, "--", spec),
                "diff-tree");
        int restored = (int) Stream.of(changed.out.split("\0")).filter(s -> !s.isEmpty()).count() - removed.size();
        Path tmp = tempDir();
        try {
            String index = tmp.resolve("index").toString();
            check(git(top, index, "read-tree", commit), "read-tree");
            check(git(top, index, "restore", "--source=" + commit, "--worktree", "--", spec), "restore");
        } finally {
            deleteTree(tmp);
        }
        return new Restored(commit, savedRef, removed, Math.max(restored, 0));
    }

    private static Path requireRepo(Path ws) {
        Path top = toplevel(ws);
        if (top == null) {
            throw new GitException("the workspace " + ws + " is not inside a git working tree");
        }
        return top;
    }

    /** A commit of the whole working tree (tracked and untracked, not ignored), parented on HEAD when there is one. */
    private static String snapshot(Path top, String message) {
        Path tmp = tempDir();
        try {
            Path index = tmp.resolve("index");
            Result gp = git(top, null, "rev-parse", "--git-path", "index");
            if (gp.exit == 0) {
                Path real = top.resolve(gp.out.strip());
                if (Files.isRegularFile(real)) {
                    // Starting from the user's index lets git reuse its cached file hashes; the copy is ours alone.
                    Files.copy(real, index, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String idx = index.toString();
            check(git(top, idx, "add", "-A", "--", "."), "add");
            String tree = check(git(top, idx, "write-tree"), "write-tree").out.strip();
            Result head = git(top, null, "rev-parse", "--verify", "-q", "HEAD^{commit}");
            List<String> args = new ArrayList<>(List.of("commit-tree", tree, "-m", message));
            if (head.exit == 0 && !head.out.isBlank()) {
                args.add("-p");
                args.add(head.out.strip());
            }
            return check(git(top, idx, args.toArray(String[]::new)), "commit-tree").out.strip();
        } catch (IOException e) {
            throw new GitException("cannot record a restore point: " + e.getMessage());
        } finally {
            deleteTree(tmp);
        }
    }

    private static void pruneEmptyParents(Path dir, Path stop) throws IOException {
        while (dir != null && dir.startsWith(stop) && !dir.equals(stop)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                if (s.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(dir);
            dir = dir.getParent();
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("meta-orch-git");
        } catch (IOException e) {
            throw new GitException("cannot create a temporary folder: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", dir, e.toString());
        }
    }

    record Result(int exit, String out, String err) {
    }

    private static Result check(Result r, String what) {
        if (r.exit != 0) {
            throw new GitException("git " + what + " failed (exit " + r.exit + "): " + r.err.strip());
        }
        return r;
    }

    /** Runs git as an argument vector in {@code dir}, with an optional private index. */
    static Result git(Path dir, String indexFile, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.add("-C");
        argv.add(dir.toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GIT_"));
        env.remove("NEO4J_PASSWORD");
        if (indexFile != null) {
            env.put("GIT_INDEX_FILE", indexFile);
        }
        // commit-tree needs an identity; ours, so the user's configuration is not required.
        env.put("GIT_AUTHOR_NAME", "meta-orchestrator");
        env.put("GIT_AUTHOR_EMAIL", "meta-orchestrator@localhost");
        env.put("GIT_COMMITTER_NAME", "meta-orchestrator");
        env.put("GIT_COMMITTER_EMAIL", "meta-orchestrator@localhost");
        env.put("GIT_TERMINAL_PROMPT", "0");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new GitException("git is not available: " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread to = drain(p.getInputStream(), out);
            Thread te = drain(p.getErrorStream(), err);
            if (!p.waitFor(GIT_TIMEOUT_S, TimeUnit.SECONDS)) {
                CheckRunner.killTree(p);
                throw new GitException("git " + args[0] + " timed out after " + GIT_TIMEOUT_S + " s");
            }
            to.join(5_000);
            te.join(5_000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GitException("git " + args[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CheckRunner.killTree(p);
            throw new GitException("interrupted");
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // process gone
            }
        }, "git-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
