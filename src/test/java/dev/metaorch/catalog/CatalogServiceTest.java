package dev.metaorch.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.metaorch.testing.MarketplaceFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caching, change detection and concurrent use of the shared catalog. */
class CatalogServiceTest {

    private static final long SECOND = 1_000_000_000L;

    /** A copy of the claude-code-plugins fixture (13 plugins) that a test may edit. */
    private static Path editableMarketplace(Path tmp) {
        return MarketplaceFixtures.copy(MarketplaceFixtures.marketplace("claude-code-plugins"), tmp.resolve("m"));
    }

    private static CatalogSources folder(Path dir) {
        return new CatalogSources(List.of(), List.of(dir), null, null, false);
    }

    /** Rewrites a file and moves its mtime forward, so the change is seen even within one clock tick. */
    private static void edit(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
    }

    @Test
    void editingAComponentFileRebuildsTheCatalogOnTheNextCheck(@TempDir Path tmp) throws Exception {
        Path dir = editableMarketplace(tmp);
        AtomicLong clock = new AtomicLong(100 * SECOND);
        CatalogService s = new CatalogService(folder(dir), clock::get);
        Catalog first = s.current();
        assertEquals(13, first.size());
        assertSame(first, s.current(), "cached");

        Path agent = dir.resolve("plugins/pr-review-toolkit/agents/code-reviewer.md");
        edit(agent, "---\nname: renamed-reviewer\ndescription: edited\n---\n");
        clock.addAndGet(SECOND / 2);
        assertSame(first, s.current(), "files are not stat'ed again before the check interval");
        clock.addAndGet(3 * SECOND);
        Catalog second = s.current();
        assertNotEquals(first.version(), second.version());
        Plugin p = second.plugin("pr-review-toolkit@claude-code-plugins").orElseThrow();
        assertTrue(p.components(ComponentKind.AGENT).stream().anyMatch(a -> a.name().equals("renamed-reviewer")));
        clock.addAndGet(3 * SECOND);
        assertSame(second, s.current(), "nothing changed: no rebuild");

        // A new file in a watched folder changes the folder: picked up too.
        Path added = dir.resolve("plugins/pr-review-toolkit/agents/new-agent.md");
        Files.writeString(added, "---\nname: brand-new\ndescription: added\n---\n");
        Files.setLastModifiedTime(added.getParent(), FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        clock.addAndGet(3 * SECOND);
        Catalog third = s.current();
        assertTrue(third.plugin("pr-review-toolkit@claude-code-plugins").orElseThrow().components(ComponentKind.AGENT)
                .stream().anyMatch(a -> a.name().equals("brand-new")));

        // Editing marketplace.json (dropping a plugin) is seen as well.
        Path manifest = dir.resolve(".claude-plugin/marketplace.json");
        String json = Files.readString(manifest);
        edit(manifest, json.replace("\"name\": \"pr-review-toolkit\"", "\"name\": \"pr-review-toolkit-2\""));
        clock.addAndGet(3 * SECOND);
        Catalog fourth = s.current();
        assertTrue(fourth.plugin("pr-review-toolkit@claude-code-plugins").isEmpty());
        assertTrue(fourth.plugin("pr-review-toolkit-2@claude-code-plugins").isPresent());
    }

    @Test
    void invalidateForcesARebuild(@TempDir Path tmp) {
        CatalogService s = new CatalogService(folder(editableMarketplace(tmp)), () -> 0L);
        Catalog a = s.current();
        s.invalidate();
        Catalog b = s.current();
        assertNotEquals(a.version(), b.version());
        assertEquals(a.size(), b.size());
    }

    @Test
    void manyThreadsReadWhileTheCatalogIsRebuilt(@TempDir Path tmp) throws Exception {
        Path dir = editableMarketplace(tmp);
        // A clock that always moves on: every call checks the files, the worst case for races.
        AtomicLong clock = new AtomicLong();
        CatalogService s = new CatalogService(folder(dir), () -> clock.addAndGet(3 * SECOND));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        CountDownLatch started = new CountDownLatch(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                started.countDown();
                long lastVersion = 0;
                while (!stop.get()) {
                    try {
                        Catalog c = s.current();
                        calls.incrementAndGet();
                        if (c.size() != 13) {
                            failures.add(new AssertionError("partial catalog: " + c.size()));
                        }
                        if (c.version() < lastVersion) {
                            failures.add(new AssertionError("went back from version " + lastVersion + " to " + c.version()));
                        }
                        lastVersion = c.version();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Path agent = dir.resolve("plugins/pr-review-toolkit/agents/code-reviewer.md");
        int edits = 5;
        for (int i = 0; i < edits; i++) {
            edit(agent, "---\nname: reviewer-" + i + "\ndescription: edit " + i + "\n---\n");
            // wait until some reader has seen this edit before making the next
            long deadline = System.nanoTime() + 20 * SECOND;
            String want = "reviewer-" + i;
            while (System.nanoTime() < deadline && s.current().plugin("pr-review-toolkit@claude-code-plugins").orElseThrow()
                    .components(ComponentKind.AGENT).stream().noneMatch(a -> a.name().equals(want))) {
                Thread.sleep(5);
            }
        }
        stop.set(true);
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
        Catalog last = s.current();
        assertTrue(last.plugin("pr-review-toolkit@claude-code-plugins").orElseThrow().components(ComponentKind.AGENT)
                .stream().anyMatch(a -> a.name().equals("reviewer-" + (edits - 1))));
        // Concurrent callers share builds: one per edit, not one per caller (plus the first build).
        assertTrue(last.version() <= 1 + 2L * edits, "builds: " + last.version() + " for " + calls.get() + " calls");
    }

    @Test
    void aFileEditedWhileTheBuildReadsItIsCheckedAgain() {
        Path a = Path.of("a.md"), b = Path.of("b.md"), c = Path.of("c.md"), gone = Path.of("gone.md");
        long start = 1_000_000;
        // a: read by the last build too and unchanged; b: edited during this build; c: new, written during the build
        Map<Path, String> before = Map.of(a, "500:10", b, "600:10");
        Map<Path, String> after = Map.of(a, "500:10", b, "1000500:12", c, "1000200:7", gone, "-");
        Map<Path, String> s = CatalogService.settled(after, before, start);
        assertEquals("500:10", s.get(a));
        assertEquals(CatalogService.UNSETTLED, s.get(b), "the build may hold the old or a half-written text");
        assertEquals(CatalogService.UNSETTLED, s.get(c));
        assertEquals("-", s.get(gone));
        assertEquals("999:3", CatalogService.settled(Map.of(c, "999:3"), Map.of(), start).get(c), "older than the build");
    }
}
