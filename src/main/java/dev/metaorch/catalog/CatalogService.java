package dev.metaorch.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

/**
 * The shared catalog: built once, cached with Caffeine, rebuilt when any file it was read from changes.
 * Every tool call asks {@link #current()}; concurrent callers share one build and never see a partial one.
 */
public final class CatalogService {

    /** How often, at most, the source files are stat'ed to detect a change. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private record Built(Catalog catalog, Map<Path, String> stamps) {
    }

    private final CatalogSources sources;
    private final LoadingCache<CatalogSources, Built> cache;
    private final AtomicLong versions = new AtomicLong();
    private final LongSupplier clock;
    private volatile long lastCheck;
    // The files the last build read: stamped again before the next build reads them (see settled).
    private volatile Set<Path> lastWatched = Set.of();

    public CatalogService(CatalogSources sources) {
        this(sources, System::nanoTime);
    }

    CatalogService(CatalogSources sources, LongSupplier nanoClock) {
        this.sources = sources;
        this.clock = nanoClock;
        // One key, one value: Caffeine gives us a build that runs once however many callers wait for it.
        this.cache = Caffeine.newBuilder().maximumSize(1).build(this::build);
    }

    public CatalogSources sources() {
        return sources;
    }

    /** The catalog as of now; rebuilt first when a source file changed since the last build. */
    public Catalog current() {
        Built b = cache.get(sources);
        long now = clock.getAsLong();
        if (now - lastCheck >= CHECK_INTERVAL.toNanos()) {
            lastCheck = now;
            if (!stamps(b.stamps().keySet()).equals(b.stamps())) {
                cache.asMap().remove(sources, b);
                b = cache.get(sources);
            }
        }
        return b.catalog();
    }

    /** Drops the cached catalog; the next call rebuilds it. */
    public void invalidate() {
        cache.invalidateAll();
    }

    private Built build(CatalogSources s) {
        long started = System.currentTimeMillis();
        Map<Path, String> before = stamps(lastWatched);
        List<String> warnings = new ArrayList<>();
        Set<Path> watched = new LinkedHashSet<>();
        List<Marketplace> marketplaces = new ArrayList<>();
        for (Path snap : s.snapshots()) {
            watched.add(snap);
            if (!Files.exists(snap)) {
                warnings.add("catalog " + snap + " does not exist");
                continue;
            }
            try {
                watched.addAll(SnapshotLoader.files(snap));
            } catch (IOException e) {
                // reported by the loader
            }
            marketplaces.addAll(SnapshotLoader.load(snap, warnings));
        }
        for (Path dir : s.marketplaces()) {
            if (!Files.isDirectory(dir)) {
                warnings.add("marketplace folder " + dir + " does not exist");
                watched.add(dir);
                continue;
            }
            marketplaces.add(MarketplaceFolderLoader.load(dir, "folder", dir.toString(), watched));
        }
        if (s.useClaudeState() && s.claudePluginsDir() != null) {
            marketplaces.addAll(ClaudeStateLoader.marketplaces(s.claudePluginsDir(), warnings, watched));
        }
        Map<String, InstallState> install = ClaudeStateLoader.installState(s.claudePluginsDir(), s.claudeSettings(), warnings, watched);
        if (!install.isEmpty()) {
            List<Marketplace> withState = new ArrayList<>();
            for (Marketplace m : marketplaces) {
                withState.add(new Marketplace(m.name(), m.source(), m.origin(),
                        m.plugins().stream().map(p -> install.containsKey(p.id()) ? p.withInstall(install.get(p.id())) : p).toList(),
                        m.warnings()));
            }
            marketplaces = withState;
        }
        watched.remove(null);
        lastWatched = Set.copyOf(watched);
        return new Built(new Catalog(marketplaces, warnings, Instant.now(), versions.incrementAndGet()),
                settled(stamps(watched), before, started));
    }

    /** The stamp of a file that changed while a build read it: never equal to a real one, so the next check rebuilds. */
    static final String UNSETTLED = "changed while it was read";

    /**
     * The stamps taken after a build, with those of files that may have changed while it read them replaced by
     * {@link #UNSETTLED}. Stamping after the read alone would miss an edit made during it (the build holds the old
     * text or a half-written file while the stamp already holds the new time and size, so no check ever sees a
     * change): a file the last build also read is unsettled when its stamp moved during this build, a file read for
     * the first time when its modification time is not older than the build's start.
     */
    static Map<Path, String> settled(Map<Path, String> after, Map<Path, String> before, long started) {
        Map<Path, String> out = new HashMap<>(after);
        for (Map.Entry<Path, String> e : after.entrySet()) {
            String was = before.get(e.getKey());
            boolean moved = was != null ? !was.equals(e.getValue()) : modifiedSince(e.getValue(), started);
            if (moved) {
                out.put(e.getKey(), UNSETTLED);
            }
        }
        return out;
    }

    private static boolean modifiedSince(String stamp, long millis) {
        int colon = stamp.indexOf(':');
        return colon > 0 && Long.parseLong(stamp.substring(0, colon)) >= millis;
    }

    /** Modification time and size of each path ("-" when missing), the change detector. */
    private static Map<Path, String> stamps(Set<Path> paths) {
        Map<Path, String> out = new HashMap<>();
        for (Path p : paths) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(p, a.lastModifiedTime().toMillis() + ":" + a.size());
            } catch (IOException e) {
                out.put(p, "-");
            }
        }
        return out;
    }
}
