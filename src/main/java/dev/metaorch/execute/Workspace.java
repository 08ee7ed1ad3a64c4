package dev.metaorch.execute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import dev.metaorch.util.Refusal;

/**
 * The folder a run works in: the root of every validation check. Every path a check names is resolved
 * here and refused when it could leave the folder: absolute paths, {@code ..} segments, NUL characters,
 * and symbolic links (in the file itself or any parent) whose target lies outside.
 */
public final class Workspace {

    /** Most entries a glob walks before giving up, so a glob over a huge tree stays bounded. */
    static final int MAX_GLOB_VISITS = 200_000;

    private final Path root;

    private Workspace(Path root) {
        this.root = root;
    }

    /** The workspace at {@code folder} (an existing directory), by its real path. */
    public static Workspace open(String folder) {
        if (folder == null || folder.isBlank()) {
            throw new Refusal("workspace is required: an existing folder, the root of every check");
        }
        if (folder.indexOf('\0') >= 0) {
            throw new Refusal("workspace path contains a NUL character");
        }
        Path p = Path.of(folder);
        if (!p.isAbsolute()) {
            throw new Refusal("workspace must be an absolute path (got '" + folder + "')");
        }
        if (!Files.isDirectory(p)) {
            throw new Refusal("workspace '" + folder + "' is not an existing folder");
        }
        try {
            Path real = p.toRealPath();
            if (real.getParent() == null) {
                throw new Refusal("workspace must not be the file-system root");
            }
            return new Workspace(real);
        } catch (IOException e) {
            throw new Refusal("workspace '" + folder + "' cannot be read: " + e.getMessage());
        }
    }

    public Path root() {
        return root;
    }

    /** Thrown for a path that would leave the workspace; the message says why. */
    public static final class EscapeException extends RuntimeException {
        public EscapeException(String message) {
            super(message);
        }
    }

    /**
     * Resolves a path relative to the workspace, refusing any that leaves it. The file need not exist: then
     * its nearest existing parent is checked.
     */
    public Path resolve(String rel) {
        Path p = lexical(rel);
        checkReal(rel, p);
        return p;
    }

    private Path lexical(String rel) {
        if (rel == null || rel.isBlank()) {
            throw new EscapeException("empty path");
        }
        if (rel.indexOf('\0') >= 0) {
            throw new EscapeException("path contains a NUL character");
        }
        if (rel.startsWith("/") || rel.startsWith("\\") || rel.startsWith("~") || rel.matches("^[A-Za-z]:.*")
                || Path.of(rel).isAbsolute()) {
            throw new EscapeException("path '" + rel + "' is absolute; checks take paths relative to the workspace "
                    + root);
        }
        for (String seg : rel.split("[/\\\\]")) {
            if (seg.equals("..")) {
                throw new EscapeException("path '" + rel + "' escapes the workspace " + root + " ('..' is not allowed)");
            }
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root)) {
            throw new EscapeException("path '" + rel + "' escapes the workspace " + root);
        }
        return p;
    }

    /** The real location of the path (or its nearest existing parent) must be inside the workspace. */
    private void checkReal(String rel, Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new EscapeException("path '" + rel + "' escapes the workspace " + root);
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            // A dangling link: judge it by where it points.
            if (Files.isSymbolicLink(existing)) {
                try {
                    Path target = existing.getParent().resolve(Files.readSymbolicLink(existing)).normalize();
                    if (!target.startsWith(root)) {
                        throw new EscapeException("path '" + rel + "' resolves outside the workspace " + root
                                + " through a symbolic link (to " + target + ")");
                    }
                    return;
                } catch (IOException ex) {
                    throw new EscapeException("path '" + rel + "' cannot be resolved: " + ex.getMessage());
                }
            }
            throw new EscapeException("path '" + rel + "' cannot be resolved: " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw new EscapeException("path '" + rel + "' resolves outside the workspace " + root
                    + " through a symbolic link (to " + real + ")");
        }
    }

    public static boolean isGlob(String path) {
        return path != null && (path.contains("*") || path.contains("?") || path.contains("[") || path.contains("{"));
    }

    /**
     * Files and folders under the workspace matching a glob ({@code *} within a name, {@code **} across
     * folders), relative paths, at most {@code limit}. Links are not followed; a matching link that points
     * outside the workspace is refused like any other escaping path.
     */
    public List<Path> glob(String pattern, int limit) {
        lexical(pattern.replace("*", "x").replace("?", "x").replace("[", "x").replace("{", "x"));
        PathMatcher full = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        // "**/x" also matches x at the top, as people expect from shells and .gitignore.
        PathMatcher top = pattern.startsWith("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)) : null;
        PathMatcher m = p -> full.matches(p) || (top != null && p.getNameCount() == 1 && top.matches(p));
        List<Path> out = new ArrayList<>();
        int[] visits = {0};
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 64, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return visit(dir);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return visit(file);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                private FileVisitResult visit(Path p) {
                    if (++visits[0] > MAX_GLOB_VISITS) {
                        return FileVisitResult.TERMINATE;
                    }
                    Path rel = root.relativize(p);
                    if (!rel.toString().isEmpty() && m.matches(rel)) {
                        checkReal(rel.toString(), p);
                        out.add(rel);
                        if (out.size() >= limit) {
                            return FileVisitResult.TERMINATE;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
