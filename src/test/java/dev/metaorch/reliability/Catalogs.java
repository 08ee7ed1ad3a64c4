package dev.metaorch.reliability;

import java.nio.file.Path;

/** The shared folder's catalog snapshots and dev sets, as the pom passes them. */
final class Catalogs {

    private Catalogs() {
    }

    static Path shared() {
        return Path.of(System.getProperty("shared.dir", "../shared"));
    }

    static Path snapshots() {
        return shared().resolve("catalog");
    }
}
