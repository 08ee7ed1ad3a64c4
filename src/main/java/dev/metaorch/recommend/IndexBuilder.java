package dev.metaorch.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.PerFieldSimilarityWrapper;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Turns a catalog into the two Lucene directories a {@link RelevanceIndex} searches: one document per plugin, each kind
 * of its text in a field of its own, and one per component (in plugin order, then component order, so a plugin's
 * component documents are consecutive). Kept apart from searching because the same documents are built now or read
 * back from a kept file ({@link IndexFiles}), and the field names and analysis are what both sides must agree on.
 */
final class IndexBuilder {

    private IndexBuilder() {
    }

    // plugin document fields
    static final String ORD = "ord";
    static final String NAME = "name";
    static final String DESC = "desc";
    static final String CNAMES = "cnames";
    static final String CDESCS = "cdescs";
    static final String EXAMPLES = "ex";
    static final String README = "readme";
    static final String BODIES = "bodies";
    static final String DOCS = "docs";
    static final String PAIRS = "pairs";
    static final String FULL = "full";
    // component document fields
    static final String KIND = "kind";
    static final String CNAME = "cname";
    static final String CDESC = "cdesc";
    static final String CEX = "cex";
    static final String CBODY = "cbody";
    static final String CPLUGIN = "cplugin";
    /** The kind of the stand-in document of a plugin without described components. */
    static final String SELF = "plugin";
    /** Fields whose length is normalized with {@code bLong} (long texts); the rest use {@code bShort}. */
    private static final Set<String> LONG = Set.of(README, BODIES, DOCS, CBODY, FULL);

    static Analyzer analyzer() {
        Analyzer english = new EnglishAnalyzer();
        // the pair field holds pre-joined word pairs: split on spaces only
        return new PerFieldAnalyzerWrapper(english, Map.of(PAIRS, new WhitespaceAnalyzer()));
    }

    /** BM25 per field: short fields normalized by {@code bShort}, long ones by {@code bLong}. */
    static Similarity similarity(RelevanceConfig config) {
        BM25Similarity shortSim = new BM25Similarity((float) config.k1(), (float) config.bShort());
        BM25Similarity longSim = new BM25Similarity((float) config.k1(), (float) config.bLong());
        return new PerFieldSimilarityWrapper() {
            @Override
            public Similarity get(String field) {
                return LONG.contains(field) ? longSim : shortSim;
            }
        };
    }

    /** Analyses the catalog into the plugin and component directories and the arrays that go with them. */
    static IndexFiles.Contents contents(Catalog catalog, RelevanceConfig config) {
        Analyzer analyzer = analyzer();
        List<Plugin> plugins = catalog.plugins();
        ByteBuffersDirectory pdir = directory();
        ByteBuffersDirectory cdir = directory();
        List<Integer> cp = new ArrayList<>();
        List<Integer> ci = new ArrayList<>();
        // The plugin index and the component index are independent: build them on two threads (the
        // index build is on the path to the first recommendation). Analyzers are thread-safe.
        java.util.concurrent.CompletableFuture<Void> components = java.util.concurrent.CompletableFuture.runAsync(
                () -> writeComponents(plugins, config, cdir, cp, ci), BUILD_THREAD);
        try (IndexWriter pw = new IndexWriter(pdir, writerConfig(analyzer))) {
            for (int ord = 0; ord < plugins.size(); ord++) {
                Plugin p = plugins.get(ord);
                Document d = new Document();
                d.add(new IntField(ORD, ord, Field.Store.NO));
                text(d, NAME, p.name());
                text(d, DESC, descriptionText(p));
                StringBuilder names = new StringBuilder();
                StringBuilder descs = new StringBuilder();
                StringBuilder bodies = new StringBuilder();
                for (Component c : p.components()) {
                    names.append(componentName(c)).append('\n');
                    descs.append(c.description()).append('\n');
                    bodies.append(cut(c.body(), config.bodyChars())).append('\n');
                }
                text(d, CNAMES, names.toString());
                text(d, CDESCS, descs.toString());
                text(d, EXAMPLES, PluginText.examples(p));
                // a field no query reads is not built (its text still reaches the whole-text field)
                if (config.readme() > 0) {
                    text(d, README, cut(p.readme(), config.readmeChars()));
                }
                if (config.bodies() > 0) {
                    text(d, BODIES, bodies.toString());
                }
                if (config.docs() > 0) {
                    text(d, DOCS, p.docs());
                }
                if (config.full() > 0 || config.fullRanker() > 0) {
                    text(d, FULL, p.name() + "\n" + descriptionText(p) + "\n" + names + descs + PluginText.examples(p) + "\n"
                            + cut(p.readme(), config.readmeChars()) + "\n" + bodies + p.docs());
                }
                if (config.pairs() > 0) {
                    // word order evidence from the short texts only: a body's pairs say little
                    text(d, PAIRS, bigrams(analyzer, p.name() + "\n" + p.description() + "\n" + names + descs
                            + PluginText.examples(p)));
                }
                pw.addDocument(d);
            }
            // One segment merged in order keeps document ids equal to insertion order.
            pw.forceMerge(1);
        } catch (IOException e) {
            components.join();
            throw new UncheckedIOException(e);
        }
        try {
            components.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return new IndexFiles.Contents(pdir, cdir, cp.stream().mapToInt(Integer::intValue).toArray(),
                ci.stream().mapToInt(Integer::intValue).toArray(), null);
    }

    /**
     * Adds a field even when its text is empty: a field some documents lack gets sparse norms, and writing the
     * postings reads a document's norm once per term through a sparse iterator started anew for each term (a scan
     * within a block each time). That was most of the component index's build time; with every field in every
     * document the norms are dense and read directly. An empty field has no terms, so BM25's statistics (documents
     * with the field, average length) and every score stay as they were.
     */
    private static void text(Document d, String field, String value) {
        String v = value == null ? "" : value;
        d.add(FULL.equals(field) ? new TextField(field, v, Field.Store.NO) : new Field(field, v, COUNTS_ONLY));
    }

    /**
     * Only the whole-text field is searched for phrases (a name of several words); every other field keeps what
     * BM25 reads (which documents, how often, how long) and not where, which is most of the writing.
     */
    private static final FieldType COUNTS_ONLY = countsOnly();

    private static FieldType countsOnly() {
        FieldType t = new FieldType(TextField.TYPE_NOT_STORED);
        t.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        t.freeze();
        return t;
    }

    /** The first {@code max} characters of a text, cut at a word boundary; the whole text when shorter. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text == null ? "" : text;
        }
        int end = max;
        while (end > 0 && !Character.isWhitespace(text.charAt(end))) {
            end--;
        }
        return text.substring(0, end == 0 ? max : end);
    }

    static String descriptionText(Plugin p) {
        return p.description() + "\n" + String.join(" ", p.keywords()) + (p.category() == null ? "" : "\n" + p.category());
    }

    static String componentName(Component c) {
        return c.file() != null && !c.file().equals(c.name()) ? c.name() + " " + c.file() : c.name();
    }

    /** Builds threads for the component half of an index; daemon, so a build never keeps the JVM alive. */
    private static final java.util.concurrent.Executor BUILD_THREAD = r -> {
        Thread t = new Thread(r, "index-build");
        t.setDaemon(true);
        t.start();
    };

    /** The component documents, in plugin order then component order (ids follow insertion order). */
    private static void writeComponents(List<Plugin> plugins, RelevanceConfig config, ByteBuffersDirectory cdir,
                                        List<Integer> cp, List<Integer> ci) {
        Analyzer analyzer = analyzer();
        try (IndexWriter cw = new IndexWriter(cdir, writerConfig(analyzer))) {
            for (int ord = 0; ord < plugins.size(); ord++) {
                Plugin p = plugins.get(ord);
                List<Component> comps = p.components();
                String within = p.name() + "\n" + p.description();
                if (comps.stream().allMatch(c -> c.description().isBlank() && c.body().isBlank())) {
                    // A plugin without described components (remote sources list none) stands in the component
                    // ranking with its own text, or fusion would count its missing vote against it.
                    Document cd = new Document();
                    cd.add(new IntField(ORD, ord, Field.Store.NO));
                    cd.add(new StringField(KIND, SELF, Field.Store.NO));
                    text(cd, CNAME, p.name());
                    text(cd, CDESC, p.description());
                    text(cd, CEX, String.join("\n", p.examples()));
                    text(cd, CBODY, cut(p.readme(), config.bodyChars()));
                    text(cd, CPLUGIN, ""); // it is the plugin: nothing to say it is within (see text)
                    cw.addDocument(cd);
                    cp.add(ord);
                    ci.add(-1);
                }
                for (int i = 0; i < comps.size(); i++) {
                    Component c = comps.get(i);
                    Document cd = new Document();
                    cd.add(new IntField(ORD, ord, Field.Store.NO));
                    cd.add(new StringField(KIND, c.kind().id(), Field.Store.NO));
                    text(cd, CNAME, componentName(c));
                    text(cd, CDESC, c.description());
                    text(cd, CEX, String.join("\n", c.examples()));
                    text(cd, CBODY, cut(c.body(), config.bodyChars()));
                    text(cd, CPLUGIN, within);
                    cw.addDocument(cd);
                    cp.add(ord);
                    ci.add(i);
                }
            }
            cw.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An in-memory directory whose files are read as one buffer each: the default many-block layout makes
     * every postings or terms clone copy its list of blocks, which was the largest single cost of a query.
     */
    static ByteBuffersDirectory directory() {
        return new ByteBuffersDirectory(new org.apache.lucene.store.SingleInstanceLockFactory(),
                org.apache.lucene.store.ByteBuffersDataOutput::new, ByteBuffersDirectory.OUTPUT_AS_ONE_BUFFER);
    }

    /**
     * One writer thread flushes one segment, and {@code forceMerge(1)} then only asks whether it is merged. A flushed
     * segment is a compound file by default while the merge policy wants a segment this large not to be one, so it
     * answered no and rewrote the whole index once more: segments are written as plain files instead.
     */
    private static IndexWriterConfig writerConfig(Analyzer analyzer) {
        return new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()).setRAMBufferSizeMB(512)
                .setMergePolicy(new LogDocMergePolicy()).setCommitOnClose(true)
                .setUseCompoundFile(false);
    }

    /** Adjacent analyzed words (stop words dropped) joined by '_', separated by spaces. */
    static String bigrams(Analyzer analyzer, String text) {
        List<String> t = QueryTerms.tokens(analyzer, DESC, text);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < t.size(); i++) {
            sb.append(t.get(i - 1)).append('_').append(t.get(i)).append(' ');
        }
        return sb.toString();
    }
}
