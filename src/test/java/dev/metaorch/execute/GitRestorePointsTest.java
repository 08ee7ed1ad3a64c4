package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRestorePointsTest {

    @TempDir
    Path tmp;

    @Test
    void restoresTrackedAndUntrackedFilesWithoutTouchingBranchOrIndex() throws IOException {
        Path repo = tmp.resolve("repo");
        TestGit.initRepo(repo);
        repo = repo.toRealPath();
        Files.writeString(repo.resolve("README.md"), "# project\nedited before the run\n");
        Files.writeString(repo.resolve("notes.txt"), "untracked before the run\n");
        Files.writeString(repo.resolve("staged.txt"), "staged\n");
        TestGit.run(repo, "add", "staged.txt");
        String head = TestGit.run(repo, "rev-parse", "HEAD").strip();
        String branch = TestGit.run(repo, "symbolic-ref", "HEAD").strip();
        String status = TestGit.run(repo, "status", "--porcelain");
        byte[] index = Files.readAllBytes(repo.resolve(".git/index"));

        GitRestorePoints.Point p = GitRestorePoints.record(repo, "run-1", "1");
        assertEquals("refs/meta-orchestrator/run-1/1", p.ref());
        assertEquals(p.commit(), TestGit.run(repo, "rev-parse", p.ref()).strip());
        // The restore point holds the untracked file too.
        assertEquals("untracked before the run\n", TestGit.run(repo, "show", p.commit() + ":notes.txt"));
        // Recording changed nothing the user sees.
        assertEquals(head, TestGit.run(repo, "rev-parse", "HEAD").strip());
        assertEquals(status, TestGit.run(repo, "status", "--porcelain"));
        assertTrue(Arrays.equals(index, Files.readAllBytes(repo.resolve(".git/index"))));
        assertEquals("", TestGit.run(repo, "stash", "list"));

        // The step changes things: edits, deletes, creates (nested), and writes an ignored log.
        Files.writeString(repo.resolve("README.md"), "# rewritten by the step\n");
        Files.delete(repo.resolve("notes.txt"));
        Files.createDirectories(repo.resolve("app/models"));
        Files.writeString(repo.resolve("app/models/user.py"), "class User: pass\n");
        Files.writeString(repo.resolve("app/main.py"), "import models\n");
        Files.writeString(repo.resolve("build.log"), "ignored\n");

        GitRestorePoints.Restored r = GitRestorePoints.restore(repo, "run-1", p.commit(), "before-rollback-1");
        assertEquals("# project\nedited before the run\n", Files.readString(repo.resolve("README.md")));
        assertEquals("untracked before the run\n", Files.readString(repo.resolve("notes.txt")));
        assertFalse(Files.exists(repo.resolve("app")), "created folders are removed once empty");
        assertTrue(r.removed().contains("app/main.py"), r.removed().toString());
        assertEquals("ignored\n", Files.readString(repo.resolve("build.log")), "ignored files are left alone");
        assertEquals(head, TestGit.run(repo, "rev-parse", "HEAD").strip());
        assertEquals(branch, TestGit.run(repo, "symbolic-ref", "HEAD").strip());
        assertEquals(status, TestGit.run(repo, "status", "--porcelain"));
        // The state before the rollback is kept and holds what the step wrote.
        assertEquals("import models\n", TestGit.run(repo, "show", r.savedRef() + ":app/main.py"));
    }

    @Test
    void aWorkspaceBelowTheRepositoryTopIsRestoredAlone() throws IOException {
        Path repo = tmp.resolve("mono");
        TestGit.initRepo(repo);
        repo = repo.toRealPath();
        Path ws = Files.createDirectories(repo.resolve("svc"));
        Files.writeString(ws.resolve("a.txt"), "a\n");
        GitRestorePoints.Point p = GitRestorePoints.record(ws, "r", "1");
        Files.writeString(ws.resolve("a.txt"), "changed\n");
        Files.writeString(ws.resolve("new.txt"), "new\n");
        Files.writeString(repo.resolve("outside.txt"), "not the run's business\n");
        GitRestorePoints.restore(ws, "r", p.commit(), "before-rollback-1");
        assertEquals("a\n", Files.readString(ws.resolve("a.txt")));
        assertFalse(Files.exists(ws.resolve("new.txt")));
        assertTrue(Files.exists(repo.resolve("outside.txt")));
    }

    @Test
    void emptyRepositoryWithoutCommits() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("fresh"));
        TestGit.run(repo, "init", "-q");
        repo = repo.toRealPath();
        Files.writeString(repo.resolve("x.txt"), "x\n");
        GitRestorePoints.Point p = GitRestorePoints.record(repo, "r", "1");
        Files.writeString(repo.resolve("x.txt"), "y\n");
        Files.writeString(repo.resolve("z.txt"), "z\n");
        GitRestorePoints.restore(repo, "r", p.commit(), "before-rollback-1");
        assertEquals("x\n", Files.readString(repo.resolve("x.txt")));
        assertFalse(Files.exists(repo.resolve("z.txt")));
    }

    @Test
    void notARepository() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        assertNull(GitRestorePoints.toplevel(dir));
        assertThrows(GitRestorePoints.GitException.class, () -> GitRestorePoints.record(dir, "r", "1"));
    }
}
