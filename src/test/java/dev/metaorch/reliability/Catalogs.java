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

    /**
     * One real marketplace snapshot (92 plugins): the fault, load and security tests start many server
     * processes, and on 2 cores the full catalog's load would dominate their time without testing more.
     */
    static Path oneMarketplace() {
        return snapshots().resolve("claude-code-workflows.jsonl");
    }
}
