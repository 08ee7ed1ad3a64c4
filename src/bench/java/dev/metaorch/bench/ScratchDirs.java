package dev.metaorch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch folders of the benchmarks. */
final class ScratchDirs {

    private ScratchDirs() {
    }

    /** Deletes a scratch folder and everything in it; best effort (a benchmark never fails on cleanup). */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left behind in a temporary folder
                }
            });
        } catch (IOException ignored) {
            // left behind in a temporary folder
        }
    }
}
