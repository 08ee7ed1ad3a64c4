package dev.metaorch.store;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.metaorch.learn.Pattern;

/**
 * Finds the patterns the project ships (the repository's top-level {@code patterns/} folder), loaded
 * read-only as a starting library: the system property {@code meta.orch.patterns} when set, else the
 * {@code patterns/} folder beside {@code target/} of the running classes or jar. None found is normal.
 */
public final class ShippedPatterns {

    private ShippedPatterns() {
    }

    public static List<Path> locate() {
        String prop = System.getProperty("meta.orch.patterns");
        if (prop != null && !prop.isBlank()) {
            return List.of(Path.of(prop));
        }
        try {
            Path code = Path.of(ShippedPatterns.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path parent = code.getParent() == null ? null : code.getParent().getParent();
            if (parent != null) {
                Path dir = parent.resolve("patterns");
                if (Pattern.STATUSES.stream().anyMatch(st -> Files.isDirectory(dir.resolve(st)))) {
                    return List.of(dir);
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (unusual class loader): no shipped library
        }
        return List.of();
    }
}
