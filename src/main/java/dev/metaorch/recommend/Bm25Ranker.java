package dev.metaorch.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The pinned {@code bm25} baseline: Lucene {@link BM25Similarity} with its defaults, {@link EnglishAnalyzer},
 * one document per item in one field, the query's analyzed words as optional clauses. Generic so the
 * workflow benchmark can run it over agent documents; {@link #plugins(Catalog)} is the recommendation
 * baseline (one document per plugin, {@link PluginText#document}). Immutable and thread-safe once built.
 */
public final class Bm25Ranker<T> {

    static final String FIELD = "text";

    private final List<T> items;
    private final Analyzer analyzer;
    private final IndexSearcher searcher;

    private Bm25Ranker(List<T> items, Analyzer analyzer, IndexSearcher searcher) {
        this.items = items;
        this.analyzer = analyzer;
        this.searcher = searcher;
    }

    /** Indexes each item's text as one document. */
    public static <T> Bm25Ranker<T> of(List<T> items, Function<T, String> text) {
        List<T> copy = List.copyOf(items);
        Analyzer analyzer = new EnglishAnalyzer();
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity())
                .setRAMBufferSizeMB(256).setMergePolicy(new LogDocMergePolicy());
        try (IndexWriter w = new IndexWriter(dir, cfg)) {
            for (T item : copy) {
                Document d = new Document();
                d.add(new TextField(FIELD, text.apply(item), Field.Store.NO));
                w.addDocument(d);
            }
            // One segment (merged in order) keeps document ids equal to list positions.
            w.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            IndexSearcher s = new IndexSearcher(DirectoryReader.open(dir));
            s.setSimilarity(new BM25Similarity());
            return new Bm25Ranker<>(copy, analyzer, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recommendation baseline: one document per plugin of the catalog. */
    public static Bm25Ranker<Plugin> plugins(Catalog catalog) {
        return of(catalog.plugins(), PluginText::document);
    }

    /** The best {@code limit} items for the query, best first; empty when no word matches. */
    public List<Scored<T>> search(String query, int limit) {
        Query q = QueryTerms.disjunction(analyzer, FIELD, query, false);
        if (q == null) {
            return List.of();
        }
        try {
            TopDocs top = searcher.search(q, Math.max(1, limit));
            List<Scored<T>> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                out.add(new Scored<>(items.get(sd.doc), sd.score));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return items.size();
    }
}
