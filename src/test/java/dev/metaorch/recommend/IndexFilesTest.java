package dev.metaorch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search index kept on disk between runs: opened when it matches, rebuilt when it is damaged or stale. */
class IndexFilesTest {

    @TempDir
    Path dir;

    /** Opens or builds without caching, so every open reads the folder again; its saves are waited on. */
    private IndexProvider indexes;

    @org.junit.jupiter.api.BeforeEach
    void provider() {
        indexes = new IndexProvider(dir);
    }

    static final List<String> QUERIES = List.of("review my pull request for security issues", "tune slow sql queries",
            "slim docker images", "write a newsletter email", "format markdown tables", "nothing matches zzzz");

    static Catalog catalog() {
        return RecommenderTest.catalog(RecommenderTest.with(RecommenderTest.filler(25),
                RecommenderTest.plugin("sec-review", "alpha", "Security review of pull requests", "security",
                        Component.of(ComponentKind.AGENT, "security-auditor", "Audits code changes for vulnerabilities")),
                RecommenderTest.plugin("db-tuner", "beta", "Database helpers", "database",
                        Component.of(ComponentKind.COMMAND, "explain", "Explains and tunes slow SQL queries")),
                // built for one vendor: specificity has something to say about it
                RecommenderTest.plugin("zetamail-pack", "beta", "Send newsletters through Zetamail", "email",
                        Component.of(ComponentKind.SKILL, "zetamail-sender", "Sends a newsletter email with Zetamail"))));
    }

    static void sameAnswers(RelevanceIndex expected, RelevanceIndex actual) {
        for (String q : QUERIES) {
            assertEquals(Ranked.ids(expected, q, 10), Ranked.ids(actual, q, 10), q);
            assertEquals(expected.searchComponents(q, java.util.Set.of(), null, 5).stream().map(h -> h.component().name()).toList(),
                    actual.searchComponents(q, java.util.Set.of(), null, 5).stream().map(h -> h.component().name()).toList(), q);
        }
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    /** An index built over the test catalog, and the file it was kept in under its key. */
    private record Kept(Catalog catalog, IndexFiles files, RelevanceIndex built, Path file, String key) {
    }

    private Kept buildAndKeep() throws Exception {
        Catalog c = catalog();
        IndexFiles files = new IndexFiles(dir);
        RelevanceIndex built = indexes.open(c);
        return new Kept(c, files, built, awaitIndexFile(), IndexFiles.key(c, RelevanceConfig.DEFAULT));
    }

    private Path awaitIndexFile() throws Exception {
        indexes.finishSaving(10_000);
        List<Path> idx = files(".idx");
        assertEquals(1, idx.size(), "one index file: " + idx);
        return idx.get(0);
    }

    @Test
    void aKeptIndexIsOpenedAndAnswersExactlyAsTheBuiltOne() throws Exception {
        Kept k = buildAndKeep();
        assertTrue(k.file().getFileName().toString().startsWith(k.key()));
        IndexFiles.Contents read = k.files().load(k.key(), k.catalog().plugins().size());
        assertNotNull(read, "the file written is read back");
        // what specificity derived from the texts is kept with the index, not derived again on opening
        assertNotNull(read.specificity());
        assertTrue(read.specificity().sameAs(k.built().specificity()));
        Plugin vendor = k.catalog().plugin("zetamail-pack@beta").orElseThrow();
        assertFalse(k.built().subjects(vendor).isEmpty(), "the vendor pack has a subject");

        Object inode = Files.readAttributes(k.file(), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        RelevanceIndex opened = indexes.open(k.catalog());
        indexes.finishSaving(10_000);
        assertEquals(List.of(k.file()), files(".idx"));
        assertEquals(inode, Files.readAttributes(k.file(), java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "opened, not built and written again");
        sameAnswers(k.built(), opened);
        assertEquals(k.built().subjects(vendor), opened.subjects(vendor));
        assertFalse(Ranked.ids(k.built(), "tune slow sql queries", 3).isEmpty());
    }

    @Test
    void aDamagedOrTruncatedFileIsDiscardedAndTheIndexRebuilt() throws Exception {
        Kept k = buildAndKeep();

        byte[] bytes = Files.readAllBytes(k.file());
        bytes[bytes.length / 2] ^= 0x5A; // one flipped byte in the middle of the postings
        Files.write(k.file(), bytes);
        assertNull(k.files().load(k.key(), k.catalog().plugins().size()), "a flipped byte is caught by the checksum");
        assertFalse(Files.exists(k.file()), "the damaged file is removed");

        RelevanceIndex rebuilt = indexes.open(k.catalog());
        sameAnswers(k.built(), rebuilt);
        Path again = awaitIndexFile();
        Files.write(again, java.util.Arrays.copyOf(Files.readAllBytes(again), 100)); // torn write
        assertNull(k.files().load(k.key(), k.catalog().plugins().size()));
        sameAnswers(k.built(), indexes.open(k.catalog()));

        Files.writeString(dir.resolve(k.key() + ".idx"), "not an index");
        assertNull(k.files().load(k.key(), k.catalog().plugins().size()));
    }

    @Test
    void theKeyFollowsTheCatalogAndTheSettings() {
        Catalog c = catalog();
        String key = IndexFiles.key(c, RelevanceConfig.DEFAULT);
        assertEquals(key, IndexFiles.key(catalog(), RelevanceConfig.DEFAULT), "same content, same key");
        Catalog changed = RecommenderTest.catalog(RecommenderTest.with(RecommenderTest.filler(25),
                RecommenderTest.plugin("sec-review", "alpha", "Security review of pull requests!", "security",
                        Component.of(ComponentKind.AGENT, "security-auditor", "Audits code changes for vulnerabilities")),
                RecommenderTest.plugin("db-tuner", "beta", "Database helpers", "database",
                        Component.of(ComponentKind.COMMAND, "explain", "Explains and tunes slow SQL queries")),
                // built for one vendor: specificity has something to say about it
                RecommenderTest.plugin("zetamail-pack", "beta", "Send newsletters through Zetamail", "email",
                        Component.of(ComponentKind.SKILL, "zetamail-sender", "Sends a newsletter email with Zetamail"))));
        assertNotEquals(key, IndexFiles.key(changed, RelevanceConfig.DEFAULT), "one changed description");
        assertNotEquals(key, IndexFiles.key(c, RelevanceConfig.DEFAULT.with("pairs", 0)), "other settings");
    }

    @Test
    void anIndexForAnotherCatalogIsNeverReadAndOldFilesArePruned() throws Exception {
        IndexFiles files = new IndexFiles(dir);
        for (int n = 1; n <= 7; n++) {
            Catalog c = RecommenderTest.catalog(RecommenderTest.filler(n + 3));
            indexes.open(c);
            indexes.finishSaving(10_000);
            Thread.sleep(20); // distinct modification times for pruning
        }
        assertEquals(5, files(".idx").size(), "the current file and the four most recently used are kept");
        Catalog other = RecommenderTest.catalog(RecommenderTest.filler(2));
        assertNull(files.load(IndexFiles.key(other, RelevanceConfig.DEFAULT), other.plugins().size()));
    }
}
