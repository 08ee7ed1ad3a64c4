package dev.metaorch.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;

/** The real snapshot catalog (from the shared folder) and small in-memory libraries for the tests. */
public final class Fixtures {

    private static Catalog catalog;

    private Fixtures() {
    }

    public static Path shared() {
        return Path.of(System.getProperty("shared.dir", "../shared"));
    }

    public static Path catalogDir() {
        Path p = shared().resolve("catalog");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("snapshot catalog not found at " + p.toAbsolutePath() + " (set -Dshared.dir)");
        }
        return p;
    }

    public static synchronized Catalog catalog() {
        if (catalog == null) {
            catalog = new CatalogService(CatalogSources.snapshots(catalogDir())).current();
        }
        return catalog;
    }

    /** A pattern library over a fixed list: what the file store answers, without files. */
    public static PatternLibrary library(List<Pattern> patterns) {
        return new PatternLibrary() {
            @Override
            public List<Pattern> patterns() {
                return patterns;
            }

            @Override
            public Optional<Pattern> pattern(String id) {
                return patterns.stream().filter(p -> p.id().equals(id)).findFirst();
            }
        };
    }

    public static WorkflowGenerator generator(PatternLibrary lib, Evidence ev) {
        return new WorkflowGenerator(Fixtures::catalog, () -> lib, () -> ev, () -> KnownIssueSource.NONE);
    }

    public static WorkflowGenerator generator() {
        return generator(PatternLibrary.EMPTY, Evidence.NONE);
    }
}
