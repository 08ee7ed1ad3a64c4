package dev.metaorch.recommend;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.metaorch.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the rest of the code gets the {@link RelevanceIndex} of a catalog: one index per catalog instance, built on
 * first use (or opened from the file a previous run kept) and shared while the catalog is current, so a rebuilt
 * catalog gets a new index. It owns what building leaves behind: the folder built indexes are kept in and the
 * background threads writing them, which its owner lets finish ({@link #finishSaving}) before the process exits.
 *
 * <p>The server's provider belongs to {@code Services}; tests and benchmarks make their own. Creating one loads no
 * search library class (Lucene loads on the first {@link #index}), so it can be made on the path to the server's
 * first answer.
 */
public final class IndexProvider {

    private static final Logger log = LoggerFactory.getLogger(IndexProvider.class);

    /** Weak keys: a catalog nobody holds any more lets its index go; a few catalogs at most are current at once. */
    private final Cache<Catalog, RelevanceIndex> cache = Caffeine.newBuilder().weakKeys().maximumSize(4).build();
    private final Path dir;
    private final RelevanceConfig config;
    /** Made on first use: it belongs to the index classes, which must not load with the provider. */
    private volatile IndexFiles files;
    private final Set<Thread> saving = ConcurrentHashMap.newKeySet();

    /**
     * A provider keeping built indexes in {@code dir} (the data folder's {@code cache/index}), so the next process
     * over the same catalog opens its index instead of building it; null keeps them in memory only.
     */
    public IndexProvider(Path dir) {
        this(dir, RelevanceConfig.DEFAULT);
    }

    IndexProvider(Path dir, RelevanceConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("an index provider needs a relevance configuration");
        }
        this.dir = dir;
        this.config = config;
    }

    /** A provider that keeps nothing on disk. */
    public static IndexProvider inMemory() {
        return new IndexProvider(null);
    }

    /** The folder built indexes are kept in, or null when they are kept in memory only. */
    public Path dir() {
        return dir;
    }

    /**
     * The index of this catalog, built on first use (or opened from its kept file) and shared while the catalog is
     * current.
     */
    public RelevanceIndex index(Catalog catalog) {
        if (catalog == null) {
            throw new IllegalArgumentException("no catalog to index");
        }
        return cache.get(catalog, this::open);
    }

    /** Opens the kept index of {@code catalog}, or builds it and keeps it (in the background); never cached. */
    RelevanceIndex open(Catalog catalog) {
        IndexFiles kept = files();
        String key = kept == null ? null : IndexFiles.key(catalog, config);
        if (key != null) {
            IndexFiles.Contents contents = kept.load(key, catalog.plugins().size());
            if (contents != null) {
                try {
                    return RelevanceIndex.fromContents(catalog, config, contents);
                } catch (RuntimeException e) {
                    log.warn("kept index {} unusable ({}); rebuilding", key, e.toString());
                }
            }
        }
        IndexFiles.Contents built = IndexBuilder.contents(catalog, config);
        RelevanceIndex index = RelevanceIndex.fromContents(catalog, config, built);
        if (key != null) {
            // Saving is off the path to the first answer; the directories are not written to again.
            IndexFiles.Contents complete = built.withSpecificity(index.specificity());
            Thread t = new Thread(() -> {
                try {
                    kept.save(key, complete);
                } finally {
                    saving.remove(Thread.currentThread());
                }
            }, "index-save");
            t.setDaemon(true);
            saving.add(t);
            t.start();
        }
        return index;
    }

    private IndexFiles files() {
        IndexFiles f = files;
        if (f == null && dir != null) {
            synchronized (this) {
                f = files;
                if (f == null) {
                    f = new IndexFiles(dir);
                    files = f;
                }
            }
        }
        return f;
    }

    /**
     * Lets an index file being written finish (at most {@code millis}): a process that builds its index and ends
     * soon after still leaves it for the next start.
     */
    public void finishSaving(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        for (Thread t : List.copyOf(saving)) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            t.join(left);
        }
    }
}
