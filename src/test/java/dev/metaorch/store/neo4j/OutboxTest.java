package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox one data folder's servers share: no write replaces another's, order is kept, refusals are kept. */
class OutboxTest {

    @TempDir
    Path home;

    @Test
    void twoWritersOnOneFolderNeverReplaceEachOthersEntries() throws Exception {
        // Two outboxes on one folder stand for two server processes: each has its own name sequence, and
        // in the same millisecond they would pick the same name if the writer were not part of it.
        Outbox a = new Outbox(home);
        Outbox b = new Outbox(home);
        int each = 400;
        CountDownLatch go = new CountDownLatch(1);
        Thread ta = new Thread(() -> fill(a, "a", each, go));
        Thread tb = new Thread(() -> fill(b, "b", each, go));
        ta.start();
        tb.start();
        go.countDown();
        ta.join();
        tb.join();
        List<Path> files = a.list();
        assertEquals(2 * each, files.size(), "every write has its own entry");
        Set<String> ids = new HashSet<>();
        for (Path f : files) {
            ids.add(a.read(f).outcome().executionId());
        }
        assertEquals(2 * each, ids.size());
        // each writer's entries stay in its own submission order
        for (String w : List.of("a", "b")) {
            List<String> order = files.stream().map(f -> read(a, f)).filter(id -> id.startsWith(w + "-")).toList();
            for (int i = 0; i < order.size(); i++) {
                assertEquals(w + "-" + i, order.get(i));
            }
        }
        // a new outbox on the folder (a restarted server) continues after them
        Path next = new Outbox(home).add(Fixtures.outcomeWrite("later"));
        assertEquals(next, new Outbox(home).list().get(2 * each));
    }

    @Test
    void aRefusedWriteIsKeptOutsideTheQueue() throws Exception {
        Outbox o = new Outbox(home);
        o.keepRejected(Fixtures.outcomeWrite("refused"), "test");
        assertTrue(o.isEmpty());
        try (var s = Files.list(home.resolve("outbox").resolve("rejected"))) {
            assertEquals(1, s.count());
        }
    }

    private static String read(Outbox o, Path f) {
        try {
            return o.read(f).outcome().executionId();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void fill(Outbox o, String writer, int n, CountDownLatch go) {
        try {
            go.await();
            for (int i = 0; i < n; i++) {
                o.add(Fixtures.outcomeWrite(writer + "-" + i));
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
