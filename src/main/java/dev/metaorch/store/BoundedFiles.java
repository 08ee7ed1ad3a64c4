package dev.metaorch.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reads files of the data folder defensively: only regular files (no symbolic links, FIFOs or devices,
 * which could point outside the folder or block the reader), only inside the given root, and only up to
 * a size checked before a byte is parsed.
 */
public final class BoundedFiles {

    /** Why a file was not read; the message is meant for a warning. */
    public static final class Rejected extends IOException {
        public Rejected(String message) {
            super(message);
        }
    }

    private BoundedFiles() {
    }

    public static byte[] read(Path file, Path root, long maxBytes) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new Rejected("symbolic link, not followed");
        }
        if (!a.isRegularFile()) {
            throw new Rejected("not a regular file");
        }
        if (a.size() > maxBytes) {
            throw new Rejected("too large (" + a.size() + " bytes, at most " + maxBytes + ")");
        }
        if (!inside(file, root)) {
            throw new Rejected("resolves outside " + root);
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes + 1, Math.max(a.size() + 1, 16)));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill
            }
            if (buf.position() > maxBytes) {
                throw new Rejected("grew beyond " + maxBytes + " bytes while read");
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    /** Whether the real location of {@code p} (links resolved) is inside the real location of {@code root}. */
    public static boolean inside(Path p, Path root) {
        try {
            return p.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
