package dev.metaorch.recommend;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built {@link RelevanceIndex} kept on disk, so a restarted server opens its index instead of analysing
 * the whole catalog again (the build is most of the time to the first recommendation).
 *
 * <p>One file per index, {@code <key>.idx}, where the key is a digest of everything the index is made
 * from: the catalog's indexed fields, the model's settings, the Lucene version and the code that builds
 * it. A changed catalog, setting or jar gets a different key, so a file is never read for the wrong
 * catalog and there is nothing to invalidate. The file is written to a partial file and renamed, and it
 * ends with a CRC of its contents: a torn, truncated or altered file is detected, deleted and rebuilt.
 * It is a cache: any failure to read or write it only costs a rebuild.
 */
final class IndexFiles {

    private static final Logger log = LoggerFactory.getLogger(IndexFiles.class);

    /** Bump when the file layout or the documents an index holds change in a way the key cannot see. */
    private static final int FORMAT = 4;
    private static final int MAGIC = 0x4D4F4958; // "MOIX"
    private static final String SUFFIX = ".idx";
    private static final String PARTIAL = ".partial";
    /** Index files kept besides the current one (other catalogs, e.g. a snapshot named on the command line). */
    private static final int KEEP = 4;

    /**
     * What a file restores: the two directories, the arrays computed with them and what {@link Specificity} derived
     * from the catalog's texts (null in contents built now, before it is derived; a kept file always has it).
     */
    record Contents(ByteBuffersDirectory plugins, ByteBuffersDirectory components, int[] compPlugin, int[] compIndex,
                    Specificity specificity) {

        Contents withSpecificity(Specificity s) {
            return new Contents(plugins, components, compPlugin, compIndex, s);
        }
    }

    private final Path dir;

    IndexFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /**
     * The digest that names the index of {@code catalog} built with {@code config}; null when the code's
     * identity is unknown (then nothing is kept: a file could outlive the code that wrote it).
     */
    static String key(Catalog catalog, RelevanceConfig config) {
        String code = codeIdentity();
        if (code == null) {
            return null;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Digest d = new Digest(md);
        d.add("format " + FORMAT).add(Version.LATEST.toString()).add(config.toString()).add(code);
        for (Plugin p : catalog.plugins()) {
            d.add(p.id()).add(p.name()).add(p.description()).add(String.join("\u0001", p.keywords()))
                    .add(p.category() == null ? "\u0000" : p.category()).add(Integer.toString(p.components().size()))
                    .add(String.join("\u0001", p.examples())).add(p.readme()).add(p.docs());
            for (Component c : p.components()) {
                d.add(c.kind().id()).add(c.name()).add(c.file() == null ? "\u0000" : c.file()).add(c.description())
                        .add(String.join("\u0001", c.examples())).add(c.body());
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    /** The index stored under {@code key}, or null when there is none or it cannot be trusted (then it is removed). */
    Contents load(String key, int pluginCount) {
        Path file = dir.resolve(key + SUFFIX);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 8) {
                throw new IOException("truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
            if (crc.getValue() != stored) {
                throw new IOException("checksum mismatch");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 8));
            if (in.readInt() != MAGIC || in.readInt() != FORMAT || !key.equals(in.readUTF())) {
                throw new IOException("not an index file of this version");
            }
            ByteBuffersDirectory plugins = readDirectory(in);
            ByteBuffersDirectory components = readDirectory(in);
            int[] cp = readInts(in);
            int[] ci = readInts(in);
            if (cp.length != ci.length) {
                throw new IOException("arrays do not match the catalog");
            }
            Specificity spec = Specificity.read(in, pluginCount, cp.length);
            touch(file);
            return new Contents(plugins, components, cp, ci, spec);
        } catch (IOException | RuntimeException e) {
            log.warn("index file {} unusable ({}); rebuilding", file, e.toString());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a later save replaces it
            }
            return null;
        }
    }

    /** Stores {@code contents} under {@code key}; failures are logged, never thrown (it is a cache). */
    void save(String key, Contents contents) {
        try {
            Files.createDirectories(dir);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
            DataOutputStream out = new DataOutputStream(buf);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(key);
            writeDirectory(out, contents.plugins());
            writeDirectory(out, contents.components());
            writeInts(out, contents.compPlugin());
            writeInts(out, contents.compIndex());
            contents.specificity().write(out);
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = buf.toByteArray();
            crc.update(body);
            Path target = dir.resolve(key + SUFFIX);
            Path partial = dir.resolve(key + SUFFIX + "." + ProcessHandle.current().pid() + PARTIAL);
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                write(ch, ByteBuffer.wrap(body));
                write(ch, ByteBuffer.allocate(8).putLong(0, crc.getValue()));
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            prune(target);
        } catch (IOException | RuntimeException e) {
            log.warn("could not keep the search index in {}: {}", dir, e.toString());
        }
    }

    /** Keeps the {@link #KEEP} most recently used index files besides {@code current}; drops stale partial files. */
    private void prune(Path current) throws IOException {
        List<Path> indexes = new ArrayList<>();
        Instant staleBefore = Instant.now().minusSeconds(600);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.endsWith(PARTIAL)) {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore)) {
                        Files.deleteIfExists(p); // left by a process killed while saving
                    }
                } else if (name.endsWith(SUFFIX) && !p.equals(current)) {
                    indexes.add(p);
                }
            }
        }
        indexes.sort((a, b) -> mtime(b).compareTo(mtime(a)));
        for (int i = KEEP; i < indexes.size(); i++) {
            Files.deleteIfExists(indexes.get(i));
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now())); // pruning keeps recently used files
        } catch (IOException ignored) {
            // read-only data folder: the file just ages
        }
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void writeDirectory(DataOutputStream out, ByteBuffersDirectory d) throws IOException {
        String[] files = d.listAll();
        out.writeInt(files.length);
        for (String name : files) {
            try (IndexInput in = d.openInput(name, IOContext.READONCE)) {
                byte[] b = new byte[Math.toIntExact(in.length())];
                in.readBytes(b, 0, b.length);
                out.writeUTF(name);
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    private static ByteBuffersDirectory readDirectory(DataInputStream in) throws IOException {
        ByteBuffersDirectory d = IndexBuilder.directory();
        int files = in.readInt();
        for (int i = 0; i < files; i++) {
            String name = in.readUTF();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            try (IndexOutput out = d.createOutput(name, IOContext.DEFAULT)) {
                out.writeBytes(b, b.length);
            }
        }
        return d;
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 50_000_000) {
            throw new IOException("bad array length " + n);
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    /**
     * Which code builds the index: the jar's size and time, or in a build tree the times of this package's
     * classes. A new build of the server never reads an index the old one wrote.
     */
    private static String codeIdentity() {
        try {
            var source = IndexFiles.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path p = Path.of(source.getLocation().toURI());
            if (Files.isRegularFile(p)) {
                return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            }
            StringBuilder sb = new StringBuilder(p.toString());
            Path pkg = p.resolve(IndexFiles.class.getPackageName().replace('.', '/'));
            try (DirectoryStream<Path> s = Files.newDirectoryStream(pkg, "*.class")) {
                List<String> parts = new ArrayList<>();
                for (Path c : s) {
                    parts.add(c.getFileName() + "@" + Files.getLastModifiedTime(c).toMillis());
                }
                parts.sort(null);
                parts.forEach(x -> sb.append(' ').append(x));
            }
            return sb.toString();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Feeds strings to a digest, each length-prefixed so no two sequences of strings collide by concatenation. */
    private record Digest(MessageDigest md) {
        Digest add(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            md.update(ByteBuffer.allocate(4).putInt(0, b.length));
            md.update(b);
            return this;
        }
    }
}
