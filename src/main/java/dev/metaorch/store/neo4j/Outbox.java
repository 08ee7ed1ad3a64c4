package dev.metaorch.store.neo4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import dev.metaorch.store.AtomicFiles;
import dev.metaorch.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue of Neo4j writes that could not be made: {@code <home>/outbox/}, one JSON file per
 * write, written atomically, named {@code <millis>-<seq>-<writer>-<kind>.json} so that name order is
 * submission order (names never go backwards, even if the clock does). Several server processes share one
 * data folder and so one outbox: {@code <writer>} (process id and instance) keeps two of them from ever
 * choosing the same name in the same millisecond, where the second write would replace the first. Entries Neo4j refuses for good (not for being
 * away) are moved to {@code outbox/rejected/} for a person to look at, so one bad entry cannot block the rest.
 */
public final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("(\\d{13})-(\\d{6})(?:-p\\d+i\\d+)?-[a-z]+\\.json");
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

    private final Path dir;
    /** This writer's part of every name: unique among the processes (and instances) sharing the folder. */
    private final String writer = "p" + ProcessHandle.current().pid() + "i" + INSTANCES.getAndIncrement();
    private long lastMillis;
    private int seq;

    public Outbox(Path home) {
        this.dir = home.resolve("outbox");
        // Continue after the newest existing entry.
        for (Path p : list()) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches()) {
                lastMillis = Math.max(lastMillis, Long.parseLong(m.group(1)));
                seq = Integer.parseInt(m.group(2));
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** Appends a write; returns its file. */
    public synchronized Path add(GraphWrite w) throws IOException {
        Path f = dir.resolve(nextName(w));
        AtomicFiles.write(f, Json.write(w));
        return f;
    }

    /**
     * Keeps a write Neo4j refused for good (it is in the file store either way) in {@code outbox/rejected/}
     * for a person to look at, never in the queue.
     */
    public synchronized void keepRejected(GraphWrite w, String reason) {
        try {
            AtomicFiles.write(dir.resolve("rejected").resolve(nextName(w)), Json.write(w));
            log.warn("a {} write refused by Neo4j was kept in outbox/rejected: {}", w.kind(), reason);
        } catch (IOException e) {
            log.error("cannot keep a refused {} write in {}: {}", w.kind(), dir.resolve("rejected"), e.toString());
        }
    }

    private String nextName(GraphWrite w) {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            seq = 0;
        } else {
            seq++;
            if (seq > 999_999) {
                lastMillis++;
                seq = 0;
            }
        }
        return String.format("%013d-%06d-%s-%s.json", lastMillis, seq, writer, w.kind());
    }

    /** Pending entries, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    public boolean isEmpty() {
        return list().isEmpty();
    }

    public int size() {
        return list().size();
    }

    public GraphWrite read(Path f) throws IOException {
        return Json.MAPPER.readValue(Files.readString(f), GraphWrite.class);
    }

    /** Every pending write that can be read, oldest first. */
    public List<GraphWrite> readAll() {
        List<GraphWrite> out = new ArrayList<>();
        for (Path f : list()) {
            try {
                out.add(read(f));
            } catch (IOException | RuntimeException e) {
                log.debug("unreadable outbox entry {}", f.getFileName());
            }
        }
        return out;
    }

    public void remove(Path f) throws IOException {
        Files.deleteIfExists(f);
    }

    /** Moves an entry Neo4j will never accept out of the queue, keeping it for inspection. */
    public void reject(Path f, String reason) {
        try {
            Path rejected = dir.resolve("rejected");
            Files.createDirectories(rejected);
            Files.move(f, rejected.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            log.warn("outbox entry {} rejected and moved to outbox/rejected: {}", f.getFileName(), reason);
        } catch (IOException e) {
            log.error("cannot move rejected outbox entry {}: {}", f.getFileName(), e.toString());
        }
    }
}
