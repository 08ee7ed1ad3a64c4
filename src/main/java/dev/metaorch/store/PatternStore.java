package dev.metaorch.store;

import static dev.metaorch.util.Texts.firstLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.LibraryStats;
import dev.metaorch.learn.Lifecycle;
import dev.metaorch.learn.OutcomeRule;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.PluginStats;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The file pattern store: the pattern library, per-plugin metrics and known issues in the data folder
 * ({@code patterns/<status>/<id>.yaml}, {@code plugins/metrics.yaml}; the pattern format in patterns/README.md),
 * shared by every server process on the machine.
 * <p>
 * Reads come from an in-memory snapshot that is checked against the files at most every
 * {@value #RECHECK_MS} ms (a generation file every writer bumps, plus folder times for hand edits), and
 * only changed files are parsed again. Writers take {@link DataLock} (threads and processes), re-read
 * what changed, and write every file atomically ({@link AtomicFiles}). A file that cannot be read safely
 * (syntax error, alias bomb, too large, wrong types, a link, an id that does not match its name) is
 * skipped with a warning; it never stops the store.
 * <p>
 * What an outcome changes is decided by {@link OutcomeRule}; the store hands it the library under the lock,
 * names new patterns (ids are file names) and writes what the rule returns.
 */
public final class PatternStore implements PatternLibrary, Evidence, KnownIssueSource {

    private static final Logger log = LoggerFactory.getLogger(PatternStore.class);

    /** Largest pattern file read; real ones are a few KB. Checked before parsing. */
    public static final long MAX_PATTERN_BYTES = 1L << 20;
    /** Largest plugins/metrics.yaml read (the YAML parser's own limit is 4 M code points). */
    public static final long MAX_METRICS_BYTES = 4L << 20;
    /** Most pattern files read per status folder (a folder flooded with files must not stall readers). */
    public static final int MAX_FILES_PER_FOLDER = 20_000;
    static final long RECHECK_MS = 200;
    static final long LOCK_TIMEOUT_MS = 60_000;

    /**
     * @param shippedDirs read-only starting libraries laid out like {@code patterns/} (the repo's folder)
     * @param fsync       false only for scratch folders (benchmarks): renames stay atomic, fsyncs are skipped
     * @param clock       time source for timestamps and recency
     * @param domainOf    infers a domain from a plugin sequence (catalog categories), or returns null
     */
    public record Config(List<Path> shippedDirs, boolean fsync, Clock clock, Function<List<String>, String> domainOf) {
        public Config {
            shippedDirs = shippedDirs == null ? List.of() : List.copyOf(shippedDirs);
            clock = clock == null ? Clock.systemUTC() : clock;
            domainOf = domainOf == null ? ids -> null : domainOf;
        }

        public static Config defaults() {
            return new Config(List.of(), true, null, null);
        }
    }

    /** A pattern as loaded, with where it came from. */
    public record Entry(Pattern pattern, Path file, boolean shipped) {
    }

    /** The whole plugins/metrics.yaml. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PluginsFile(String updated, Map<String, PluginStats> plugins) {
    }

    private record Snapshot(String stamp, Map<String, Entry> patterns, Map<String, PluginStats> plugins,
                            List<String> warnings) {
        static final Snapshot EMPTY = new Snapshot("", Map.of(), Map.of(), List.of());
    }

    /** A parsed file remembered by its attributes, so unchanged files are not parsed again. */
    private record Parsed(String attrs, Object value, String warning) {
    }

    private final Path home;
    private final Path patternsDir;
    private final Path pluginsFile;
    private final Path indexFile;
    private final Path csvFile;
    private final Path readmeFile;
    private final Path genFile;
    private final Path lockFile;
    private final Config config;
    private final OutcomeRule rule;

    private final Object readLock = new Object();
    private volatile Snapshot snap = Snapshot.EMPTY;
    private volatile long checkedAt = Long.MIN_VALUE / 2;
    private final Map<Path, Parsed> parsed = new ConcurrentHashMap<>();

    // The durable index of recorded executions (patterns/executions.jsonl), read incrementally.
    private final Object indexLock = new Object();
    private final Map<String, String> recorded = new HashMap<>();
    private long indexOffset;
    private int indexSuccesses;
    private final Map<String, Integer> indexDomains = new HashMap<>();

    public PatternStore(Path home, Config config) {
        this.home = home.toAbsolutePath().normalize();
        this.config = config;
        this.rule = new OutcomeRule(config.domainOf());
        this.patternsDir = this.home.resolve("patterns");
        this.pluginsFile = this.home.resolve("plugins").resolve("metrics.yaml");
        this.indexFile = patternsDir.resolve("executions.jsonl");
        this.csvFile = patternsDir.resolve("metrics.csv");
        this.readmeFile = patternsDir.resolve("README.md");
        this.genFile = patternsDir.resolve(".generation");
        this.lockFile = this.home.resolve(".lock");
    }

    public PatternStore(Path home) {
        this(home, Config.defaults());
    }

    public Path home() {
        return home;
    }

    public Path patternsDir() {
        return patternsDir;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Pattern> patterns() {
        return current().patterns().values().stream().map(Entry::pattern).toList();
    }

    @Override
    public Optional<Pattern> pattern(String id) {
        Entry e = current().patterns().get(id);
        return e == null ? Optional.empty() : Optional.of(e.pattern());
    }

    public List<Entry> entries() {
        return List.copyOf(current().patterns().values());
    }

    /** The evidence about a pattern (counts, posterior mean, Wilson bounds); {@link PatternScore#NONE} when unknown. */
    public PatternScore score(String patternId) {
        Entry e = current().patterns().get(patternId);
        return e == null ? PatternScore.NONE : PatternScore.of(e.pattern());
    }

    @Override
    public PluginEvidence plugin(String pluginId) {
        PluginStats s = current().plugins().get(pluginId);
        return s == null ? PluginEvidence.none(pluginId) : evidence(pluginId, s);
    }

    @Override
    public Map<String, PluginEvidence> all() {
        Map<String, PluginEvidence> out = new LinkedHashMap<>();
        current().plugins().forEach((id, s) -> {
            if (s.uses() > 0) {
                out.put(id, evidence(id, s));
            }
        });
        return out;
    }

    /** The same posterior arithmetic for plugins as for patterns. */
    public PatternScore pluginScore(String pluginId) {
        PluginStats s = current().plugins().get(pluginId);
        return s == null ? PatternScore.NONE : PatternScore.of(s.successes(), s.uses());
    }

    public Map<String, PluginStats> pluginStats() {
        return current().plugins();
    }

    @Override
    public List<PluginIssue> issues(String pluginId) {
        PluginStats s = current().plugins().get(pluginId);
        if (s == null) {
            return List.of();
        }
        return s.knownIssues().stream().map(k -> new PluginIssue(pluginId, k.issue(), k.fix(), k.frequency(), k.check())).toList();
    }

    /** Files skipped at the last load, with why. */
    public List<String> warnings() {
        return current().warnings();
    }

    /** Whether an execution id was recorded already (by any process). */
    public boolean recorded(String executionId) {
        synchronized (indexLock) {
            readIndex();
            return recorded.containsKey(executionId);
        }
    }

    public LibraryStats stats() {
        return stats(10);
    }

    /** @param limit how many top patterns and domains to list */
    public LibraryStats stats(int limit) {
        Snapshot s = current();
        int total;
        int ok;
        List<LibraryStats.DomainCount> domains;
        synchronized (indexLock) {
            readIndex();
            total = recorded.size();
            ok = indexSuccesses;
            domains = indexDomains.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(limit).map(e -> new LibraryStats.DomainCount(e.getKey(), e.getValue())).toList();
        }
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        Pattern.STATUSES.forEach(st -> byStatus.put(st, 0));
        s.patterns().values().forEach(e -> byStatus.merge(e.pattern().status(), 1, Integer::sum));
        int plugins = (int) s.plugins().values().stream().filter(p -> p.uses() > 0).count();
        List<LibraryStats.PatternSummary> top = s.patterns().values().stream().map(Entry::pattern)
                .sorted(RANKING).limit(limit)
                .map(p -> new LibraryStats.PatternSummary(p.id(), p.name(), p.status(), p.domain(), PatternScore.of(p)))
                .toList();
        return new LibraryStats(total, ok, total - ok, total == 0 ? 0 : (double) ok / total, s.patterns().size(),
                byStatus, plugins, domains, top, s.warnings());
    }

    /** Most trusted status first, then the posterior mean (never the raw rate), then runs. */
    public static final Comparator<Pattern> RANKING = Comparator
            .comparingInt((Pattern p) -> -Lifecycle.rank(p.status()))
            .thenComparingDouble(p -> -PatternScore.of(p).mean())
            .thenComparingInt(p -> -p.metrics().totalExecutions())
            .thenComparing(Pattern::id);

    /** Re-reads the files now when they changed (normally done at most every {@value #RECHECK_MS} ms). */
    public void refresh() {
        synchronized (readLock) {
            reload();
        }
    }

    private Snapshot current() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_MS * 1_000_000L) {
            return snap;
        }
        synchronized (readLock) {
            if (System.nanoTime() - checkedAt < RECHECK_MS * 1_000_000L) {
                return snap;
            }
            return reload();
        }
    }

    private Snapshot reload() {
        String stamp = stamp();
        if (!stamp.equals(snap.stamp())) {
            snap = load(stamp);
        }
        checkedAt = System.nanoTime();
        return snap;
    }

    /** What changes whenever a writer commits (the generation file) or someone edits the folders by hand. */
    private String stamp() {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append(new String(BoundedFiles.read(genFile, home, 256), StandardCharsets.UTF_8));
        } catch (IOException e) {
            sb.append('-');
        }
        for (String st : Pattern.STATUSES) {
            sb.append('|').append(modified(patternsDir.resolve(st)));
        }
        sb.append('|').append(modified(pluginsFile));
        for (Path d : config.shippedDirs()) {
            for (String st : Pattern.STATUSES) {
                sb.append('|').append(modified(d.resolve(st)));
            }
        }
        return sb.toString();
    }

    private static String modified(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + ":" + a.size() + ":" + a.fileKey();
        } catch (IOException e) {
            return "-";
        }
    }

    private Snapshot load(String stamp) {
        List<String> warnings = new ArrayList<>();
        Map<String, Entry> out = new TreeMap<>();
        for (Path d : config.shippedDirs()) {
            for (String st : Pattern.STATUSES) {
                scan(d, d.resolve(st), st, true, out, warnings);
            }
        }
        Map<String, Entry> own = new TreeMap<>();
        for (String st : Pattern.STATUSES) {
            scan(home, patternsDir.resolve(st), st, false, own, warnings);
        }
        out.putAll(own); // the data folder's copy of a shipped pattern wins
        Map<String, PluginStats> plugins = readPlugins(warnings);
        return new Snapshot(stamp, Map.copyOf(out), plugins, List.copyOf(warnings));
    }

    private void scan(Path root, Path dir, String status, boolean shipped, Map<String, Entry> out, List<String> warnings) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (!BoundedFiles.inside(dir, root)) {
            warn(warnings, dir, "folder resolves outside " + root + "; skipped");
            return;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".yaml")) {
                    continue;
                }
                if (++n > MAX_FILES_PER_FOLDER) {
                    warnings.add(dir + ": more than " + MAX_FILES_PER_FOLDER + " files; the rest skipped");
                    break;
                }
                Pattern p = readPattern(root, f, name.substring(0, name.length() - 5), status, warnings);
                if (p == null) {
                    continue;
                }
                Entry prev = out.get(p.id());
                // Two copies of one id (a promotion interrupted between write and move): keep the one with more evidence.
                if (prev == null || p.metrics().totalExecutions() > prev.pattern().metrics().totalExecutions()
                        || (p.metrics().totalExecutions() == prev.pattern().metrics().totalExecutions()
                        && Objects.toString(p.lastUpdated(), "").compareTo(Objects.toString(prev.pattern().lastUpdated(), "")) > 0)) {
                    out.put(p.id(), new Entry(p, f, shipped));
                }
            }
        } catch (IOException | RuntimeException e) {
            warn(warnings, dir, "cannot list: " + e.getMessage());
        }
    }

    private Pattern readPattern(Path root, Path f, String stem, String status, List<String> warnings) {
        String attrs = attrs(f);
        Parsed c = parsed.get(f);
        if (c == null || !c.attrs().equals(attrs)) {
            c = parsePattern(root, f, stem, attrs);
            parsed.put(f, c);
            if (c.warning() != null) {
                log.warn("skipped {}: {}", f, c.warning());
            }
        }
        if (c.warning() != null) {
            warnings.add(f + ": " + c.warning());
            return null;
        }
        Pattern p = (Pattern) c.value();
        return status.equals(p.status()) ? p : OutcomeRule.withStatus(p, status); // the folder is the status
    }

    private Parsed parsePattern(Path root, Path f, String stem, String attrs) {
        try {
            if (!Ids.valid(stem)) {
                return new Parsed(attrs, null, "file name is not a valid pattern id");
            }
            byte[] bytes = BoundedFiles.read(f, root, MAX_PATTERN_BYTES);
            Pattern p = SafeYaml.read(bytes, Pattern.class);
            String problem = problem(p, stem);
            return problem == null ? new Parsed(attrs, p, null) : new Parsed(attrs, null, problem);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new Parsed(attrs, null, firstLine(e));
        }
    }

    private static String problem(Pattern p, String stem) {
        if (p == null) {
            return "empty document";
        }
        if (!stem.equals(p.id())) {
            return "id '" + Ids.printable(p.id()) + "' does not match the file name";
        }
        Pattern.Metrics m = p.metrics();
        if (m.totalExecutions() < 0 || m.successfulExecutions() < 0 || m.successfulExecutions() > m.totalExecutions()) {
            return "inconsistent metrics (total " + m.totalExecutions() + ", successful " + m.successfulExecutions() + ")";
        }
        for (Pattern.Step s : p.pluginSequence()) {
            if (s == null || s.plugin() == null || s.plugin().isBlank()) {
                return "a plugin_sequence step without a plugin";
            }
        }
        return null;
    }

    private Map<String, PluginStats> readPlugins(List<String> warnings) {
        if (!Files.exists(pluginsFile, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        String attrs = attrs(pluginsFile);
        Parsed c = parsed.get(pluginsFile);
        if (c == null || !c.attrs().equals(attrs)) {
            c = parsePlugins(attrs);
            parsed.put(pluginsFile, c);
            if (c.warning() != null) {
                log.warn("skipped {}: {}", pluginsFile, c.warning());
            }
        }
        if (c.warning() != null) {
            warnings.add(pluginsFile + ": " + c.warning());
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, PluginStats> m = (Map<String, PluginStats>) c.value();
        return m;
    }

    private Parsed parsePlugins(String attrs) {
        try {
            byte[] bytes = BoundedFiles.read(pluginsFile, home, MAX_METRICS_BYTES);
            PluginsFile pf = SafeYaml.read(bytes, PluginsFile.class);
            Map<String, PluginStats> out = new TreeMap<>();
            if (pf != null && pf.plugins() != null) {
                pf.plugins().forEach((id, s) -> {
                    if (id != null && s != null && s.uses() >= 0 && s.successes() >= 0 && s.successes() <= s.uses()
                            && s.timedUses() >= 0 && s.timedUses() <= s.uses()) {
                        out.put(id, s);
                    }
                });
            }
            return new Parsed(attrs, Map.copyOf(out), null);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new Parsed(attrs, null, firstLine(e));
        }
    }

    private static String attrs(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.size() + ":" + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + ":" + a.fileKey();
        } catch (IOException e) {
            return "-";
        }
    }

    private static void warn(List<String> warnings, Path p, String msg) {
        warnings.add(p + ": " + msg);
        log.warn("{}: {}", p, msg);
    }

    private static PluginEvidence evidence(String id, PluginStats s) {
        return new PluginEvidence(id, s.uses(), s.successes(), s.avgSeconds(), s.lastUsed());
    }

    // ------------------------------------------------------------------ the execution index

    private void readIndex() {
        try {
            long size;
            try {
                BasicFileAttributes a = Files.readAttributes(indexFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return;
                }
                size = a.size();
            } catch (NoSuchFileException e) {
                size = 0;
            }
            if (size < indexOffset) { // replaced or truncated by hand: start over
                recorded.clear();
                indexDomains.clear();
                indexSuccesses = 0;
                indexOffset = 0;
            }
            if (size == indexOffset) {
                return;
            }
            try (FileChannel ch = FileChannel.open(indexFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                ch.position(indexOffset);
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                long pos = indexOffset;
                while (ch.read(buf) > 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        pos++;
                        if (b == '\n') {
                            indexLine(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                            indexOffset = pos;
                        } else if (line.size() < 64 * 1024) {
                            line.write(b);
                        }
                    }
                    buf.clear();
                }
                // a line without its newline is still being written (or was torn): read it next time
            }
        } catch (IOException e) {
            log.warn("cannot read {}: {}", indexFile, e.toString());
        }
    }

    private void indexLine(String line) {
        if (line.isBlank()) {
            return;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            String id = n.path("execution_id").asString(null);
            if (id == null || recorded.containsKey(id)) {
                return;
            }
            recorded.put(id, n.path("pattern_id").asString(""));
            if ("success".equals(n.path("status").asString(""))) {
                indexSuccesses++;
            }
            indexDomains.merge(n.path("domain").asString("general"), 1, Integer::sum);
        } catch (RuntimeException e) {
            log.warn("skipped a broken line of {}: {}", indexFile, firstLine(e));
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Records one finished execution: refuses what cannot be written safely, applies {@link OutcomeRule} to the
     * library as the files hold it now, writes the pattern and the per-plugin metrics it returns, appends
     * metrics.csv and regenerates the summary. An execution id recorded before (by any process) changes nothing.
     * This writes the files only: outcomes are recorded through {@link OutcomeRecorder}, which mirrors them too.
     */
    public RecordResult record(Recording rec) {
        Outcome o = rec.outcome();
        if (o == null) {
            throw new Refusal("record_outcome: no outcome given");
        }
        if (!"success".equals(o.status()) && !"failure".equals(o.status())) {
            throw new Refusal("record_outcome: status must be 'success' or 'failure' (got '" + Ids.printable(o.status()) + "')");
        }
        String execId = o.executionId() == null
                ? "x-" + UUID.randomUUID() : Ids.check("execution_id", o.executionId());
        if (o.patternId() != null) {
            Ids.check("pattern_id", o.patternId());
        }
        List<Pattern.Step> sequence = OutcomeRule.sequence(rec);
        for (Pattern.Step s : sequence) {
            checkPluginId(s.plugin());
        }
        for (Outcome.StepResult r : o.steps()) {
            if (r.plugin() != null) {
                checkPluginId(r.plugin());
            }
        }
        if (o.patternId() == null && sequence.isEmpty()) {
            throw new Refusal("record_outcome: name the pattern (pattern_id), the plugin_sequence, or give per-step results");
        }
        try (DataLock lock = DataLock.acquire(lockFile, LOCK_TIMEOUT_MS)) {
            prepareFolders();
            Snapshot s;
            synchronized (readLock) {
                s = reload();
            }
            synchronized (indexLock) {
                readIndex();
                String prior = recorded.get(execId);
                if (prior != null) {
                    Entry e = s.patterns().get(prior);
                    Pattern p = e == null ? null : e.pattern();
                    return new RecordResult(execId, true, false, p == null ? null : p.status(), p,
                            p == null ? PatternScore.NONE : PatternScore.of(p));
                }
            }
            Instant now = config.clock().instant().truncatedTo(ChronoUnit.SECONDS);
            Map<String, Pattern> library = new HashMap<>(s.patterns().size() * 2);
            s.patterns().forEach((id, e) -> library.put(id, e.pattern()));
            OutcomeRule.Update u = rule.apply(rec, new OutcomeRule.Library(library, s.plugins(),
                    (domain, keywords, seq) -> newId(s, domain, keywords, seq)), now);
            Pattern before = u.before();
            Entry existing = before == null ? null : s.patterns().get(before.id());
            Pattern after = u.after();
            String status = after.status();

            // The index line comes first: should this process die before the rest is written, the
            // execution is never counted twice (a retry is a duplicate), at worst once partly.
            long indexBefore = Files.isRegularFile(indexFile, LinkOption.NOFOLLOW_LINKS) ? Files.size(indexFile) : 0;
            appendIndex(execId, after.id(), o.status(), after.domain(), now);
            try {
                writePattern(existing, after);
            } catch (IOException | RuntimeException e) {
                // The pattern file is the count. When it could not be written (a full disk), the index line
                // must go too, or the client's retry would be taken for a duplicate and never counted.
                // We hold the data lock, so the line is still the last one.
                undoIndex(indexBefore, e);
                throw e;
            }
            writePlugins(u, now);
            appendCsv(now, after);
            Map<String, Entry> all = new TreeMap<>(s.patterns());
            all.put(after.id(), new Entry(after, patternsDir.resolve(status).resolve(after.id() + ".yaml"), false));
            writeReadme(all, now);
            bumpGeneration();
            synchronized (readLock) {
                // What changed is known exactly: swap it into the snapshot instead of re-listing the folders.
                Map<String, Entry> patterns = new TreeMap<>(snap.patterns());
                patterns.put(after.id(), all.get(after.id()));
                Parsed pluginsNow = parsed.get(pluginsFile);
                @SuppressWarnings("unchecked")
                Map<String, PluginStats> plugins = pluginsNow != null && pluginsNow.warning() == null
                        ? (Map<String, PluginStats>) pluginsNow.value() : snap.plugins();
                List<String> warnings = snap.warnings().stream().filter(w -> !w.startsWith(pluginsFile.toString())).toList();
                snap = new Snapshot(stamp(), Map.copyOf(patterns), plugins, warnings);
                checkedAt = System.nanoTime();
            }
            synchronized (indexLock) {
                readIndex();
            }
            return new RecordResult(execId, false, before == null, before == null ? null : before.status(), after,
                    PatternScore.of(after));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pattern store in " + home + ": " + e.getMessage(), e);
        }
    }

    private static void checkPluginId(String id) {
        if (id == null || id.isBlank() || id.length() > 200 || id.chars().anyMatch(Character::isISOControl)) {
            throw new Refusal("record_outcome: invalid plugin id '" + Ids.printable(id) + "'");
        }
    }

    private String newId(Snapshot s, String domain, List<String> keywords, List<Pattern.Step> sequence) {
        String base = Ids.slug(domain + " " + String.join(" ", keywords.subList(0, Math.min(4, keywords.size()))), 80);
        String hash;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest((OutcomeRule.sequenceKey(sequence) + "|" + domain + "|" + String.join(" ", keywords))
                    .getBytes(StandardCharsets.UTF_8));
            hash = HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String id = base + "-" + hash;
        for (int k = 2; taken(s, id); k++) {
            id = base + "-" + hash + "-" + k;
        }
        return id;
    }

    /** Taken by a loaded pattern or by any file of that name, readable or not. */
    private boolean taken(Snapshot s, String id) {
        if (s.patterns().containsKey(id)) {
            return true;
        }
        for (String st : Pattern.STATUSES) {
            if (Files.exists(patternsDir.resolve(st).resolve(id + ".yaml"), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    private void writePattern(Entry existing, Pattern after) throws IOException {
        Path target = Ids.file(patternsDir.resolve(after.status()), "pattern_id", after.id(), ".yaml");
        byte[] yaml = Json.yaml().writeValueAsBytes(after);
        if (existing != null && !existing.shipped() && existing.file().getParent().getParent().equals(patternsDir)
                && Files.isRegularFile(existing.file(), LinkOption.NOFOLLOW_LINKS)) {
            Path old = existing.file();
            AtomicFiles.write(old, yaml, config.fsync());
            if (!old.equals(target)) {
                AtomicFiles.move(old, target); // the promotion or demotion itself: one rename
                parsed.remove(old);
            }
        } else {
            AtomicFiles.write(target, yaml, config.fsync());
        }
        parsed.put(target, new Parsed(attrs(target), after, null)); // what we wrote need not be parsed back
        for (String st : Pattern.STATUSES) {
            Path other = patternsDir.resolve(st).resolve(after.id() + ".yaml");
            if (!st.equals(after.status()) && Files.exists(other, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(other); // a stale copy left by an interrupted move
            }
        }
    }

    private void writePlugins(OutcomeRule.Update u, Instant now) throws IOException {
        if (!u.pluginsChanged() && Files.exists(pluginsFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        preserveIfBroken(pluginsFile);
        AtomicFiles.write(pluginsFile, Json.yaml().writeValueAsBytes(new PluginsFile(now.toString(), u.plugins())), config.fsync());
        parsed.put(pluginsFile, new Parsed(attrs(pluginsFile), Map.copyOf(u.plugins()), null));
    }

    /** A metrics file that cannot be read is kept aside (never silently overwritten) before a fresh one is written. */
    private void preserveIfBroken(Path f) throws IOException {
        Parsed c = parsed.get(f);
        if (c != null && c.warning() != null && Files.exists(f, LinkOption.NOFOLLOW_LINKS) && c.attrs().equals(attrs(f))) {
            Path aside = f.resolveSibling(f.getFileName() + ".unreadable-" + System.currentTimeMillis());
            Files.move(f, aside);
            log.warn("{} was unreadable ({}); kept as {} and started afresh", f, c.warning(), aside.getFileName());
        }
    }

    private void undoIndex(long size, Exception cause) {
        try (FileChannel ch = FileChannel.open(indexFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.truncate(size);
            ch.force(true);
        } catch (IOException e) {
            cause.addSuppressed(e);
            log.error("could not take back the index line of a failed record in {}: {}", indexFile, e.toString());
        }
    }

    private void appendIndex(String execId, String patternId, String status, String domain, Instant now) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("execution_id", execId);
        line.put("pattern_id", patternId);
        line.put("status", status);
        line.put("domain", domain);
        line.put("recorded_at", now.toString());
        AtomicFiles.appendLine(indexFile, Json.write(line), config.fsync());
    }

    private void appendCsv(Instant now, Pattern p) throws IOException {
        if (!Files.exists(csvFile, LinkOption.NOFOLLOW_LINKS)) {
            AtomicFiles.appendLine(csvFile, "timestamp,pattern_id,success_rate", config.fsync());
        }
        AtomicFiles.appendLine(csvFile, now + "," + p.id() + ","
                + String.format(Locale.ROOT, "%.4f", p.metrics().successRate()), config.fsync());
    }

    private void writeReadme(Map<String, Entry> all, Instant now) throws IOException {
        int executions;
        synchronized (indexLock) {
            executions = recorded.size() + 1;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Pattern library\n\n")
                .append("Generated by meta-orchestrator after every recorded outcome (changes here are overwritten). ")
                .append("Patterns: ").append(all.size()).append("; recorded executions: ").append(executions).append("; updated ")
                .append(now).append(".\n\n")
                .append("Status follows the evidence: see the pattern format and the promotion rule in the project's "
                        + "patterns/README.md. `mean` is the posterior mean (s+1)/(n+2); `lower` the Wilson bound at z = ")
                .append(Lifecycle.Z).append(".\n\n")
                .append("| pattern | status | runs | success rate | mean | lower | domain | plugin sequence |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        all.values().stream().map(Entry::pattern).sorted(RANKING).limit(2000).forEach(p -> {
            PatternScore sc = PatternScore.of(p);
            sb.append("| ").append(cell(p.id())).append(" | ").append(p.status()).append(" | ")
                    .append(sc.trials()).append(" | ").append(String.format(Locale.ROOT, "%.2f", sc.raw())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", sc.mean())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", sc.lower())).append(" | ")
                    .append(cell(p.domain())).append(" | ")
                    .append(cell(String.join(" > ", p.pluginSequence().stream().map(Pattern.Step::plugin).toList())))
                    .append(" |\n");
        });
        AtomicFiles.write(readmeFile, sb.toString().getBytes(StandardCharsets.UTF_8), config.fsync());
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replaceAll("[\\r\\n]+", " ");
    }

    private void bumpGeneration() throws IOException {
        long g = 0;
        try {
            String cur = new String(BoundedFiles.read(genFile, home, 256), StandardCharsets.UTF_8);
            g = Long.parseLong(cur.substring(0, cur.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            // missing or damaged: restart the count; the random part still makes the stamp new
        }
        AtomicFiles.write(genFile, ((g + 1) + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), config.fsync());
    }

    /** Creates the folders and refuses to write through links that leave the data folder. */
    private void prepareFolders() throws IOException {
        Files.createDirectories(home);
        List<Path> dirs = new ArrayList<>();
        dirs.add(patternsDir);
        Pattern.STATUSES.forEach(st -> dirs.add(patternsDir.resolve(st)));
        dirs.add(pluginsFile.getParent());
        for (Path d : dirs) {
            Files.createDirectories(d);
            if (Files.isSymbolicLink(d) || !BoundedFiles.inside(d, home)) {
                throw new Refusal("refusing to write: " + d + " is a link that leaves the data folder");
            }
            cleanTemps(d);
        }
        for (Path f : List.of(indexFile, csvFile, readmeFile, genFile, pluginsFile)) {
            if (Files.isSymbolicLink(f)) {
                throw new Refusal("refusing to write: " + f + " is a symbolic link");
            }
        }
    }

    /** Temp files of writers that died mid-write (we hold the lock, so no live writer owns one). */
    private static void cleanTemps(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("cannot clean {}: {}", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Sorted pattern ids per status (for tests and tools). */
    public Map<String, List<String>> idsByStatus() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Pattern.STATUSES.forEach(st -> out.put(st, new ArrayList<>()));
        for (Entry e : current().patterns().values()) {
            out.computeIfAbsent(e.pattern().status(), k -> new ArrayList<>()).add(e.pattern().id());
        }
        return out;
    }

    /** Recorded execution ids (for tests): each once. */
    public Set<String> recordedExecutions() {
        synchronized (indexLock) {
            readIndex();
            return new HashSet<>(recorded.keySet());
        }
    }
}
