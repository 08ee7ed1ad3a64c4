package dev.metaorch.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Crash-safe file writes: write a temp file in the same folder, fsync it, rename it over the target,
 * fsync the folder. A reader (or a restarted server) sees the old file or the new one, never a mix.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void write(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * @param sync false skips the fsyncs (the rename stays atomic, so readers still see whole files; only a
     *             power loss could lose the write). For scratch folders such as a benchmark's.
     */
    public static void write(Path target, byte[] content, boolean sync) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (sync) {
                fsyncDir(dir);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves a file atomically (e.g. a pattern promoted to another folder) and fsyncs both folders. */
    public static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.toAbsolutePath().getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(to.toAbsolutePath().getParent());
        fsyncDir(from.toAbsolutePath().getParent());
    }

    /** Appends a line and fsyncs it before returning (journals, CSV logs). */
    public static void appendLine(Path file, String line) throws IOException {
        appendLine(file, line, true);
    }

    /** Appends a line in one write; {@code sync} false skips the fsync (scratch folders). */
    public static void appendLine(Path file, String line, boolean sync) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean created = !Files.exists(file);
        // A torn tail (a writer killed mid-line) stays on its own line, so the new line is whole.
        String prefix = "";
        if (!created) {
            try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = r.size();
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    r.read(last, size - 1);
                    if (last.get(0) != '\n') {
                        prefix = "\n";
                    }
                }
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.wrap((prefix + line + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(true);
                }
            } catch (IOException e) {
                // A full disk accepts part of the line (the free bytes of the last page) and then fails:
                // cut the torn part off so the file holds only whole lines (truncating needs no space).
                try {
                    ch.truncate(size);
                    ch.force(true);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
        if (created && sync) {
            fsyncDir(file.toAbsolutePath().getParent());
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open folders for fsync; the rename is still atomic there.
        }
    }
}
