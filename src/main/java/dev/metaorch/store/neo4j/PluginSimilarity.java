package dev.metaorch.store.neo4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * How alike two plugins are, for {@code SIMILAR_TO} and {@code find_alternatives}.
 *
 * <p>The measure: every plugin becomes one text (name split on separators, category, keywords, description,
 * and the names and descriptions of its components), analyzed with Lucene's {@link EnglishAnalyzer}
 * (lower case, stop words removed, Porter stems). Each term is weighted {@code (1 + ln tf) * ln(N / df)}
 * (sublinear TF-IDF over the catalog), vectors are L2-normalized, and the score is their cosine (0..1).
 * Terms found in every plugin weigh 0, so shared boilerplate does not make plugins alike; a plugin listed
 * by two marketplaces with the same texts scores close to 1.
 *
 * <p>Immutable and built once per catalog version, so calls share it.
 */
public final class PluginSimilarity {

    /** Edges below this score are not kept (the design's threshold). */
    public static final double EDGE_THRESHOLD = 0.7;

    /** A scored pair; {@code a < b} by id for symmetric listings. */
    public record Pair(String a, String b, double score) {
    }

    /** A neighbour of one plugin. */
    public record Neighbour(String pluginId, double score) {
    }

    private final Catalog catalog;
    private final List<String> ids;
    private final Map<String, Integer> index = new HashMap<>();
    // Sparse unit vectors: sorted term ids and their weights.
    private final int[][] terms;
    private final float[][] weights;
    // term id -> plugins (index) containing it, for pruning all-pairs search
    private final int[][] postings;

    private static volatile PluginSimilarity last;

    private PluginSimilarity(Catalog catalog) {
        this.catalog = catalog;
        List<Plugin> plugins = catalog.plugins();
        int n = plugins.size();
        this.ids = plugins.stream().map(Plugin::id).toList();
        for (int i = 0; i < n; i++) {
            index.put(ids.get(i), i);
        }
        Map<String, Integer> termIds = new HashMap<>();
        List<Map<Integer, Integer>> tfs = new ArrayList<>(n);
        List<Integer> df = new ArrayList<>();
        try (Analyzer analyzer = new EnglishAnalyzer()) {
            for (Plugin p : plugins) {
                Map<Integer, Integer> tf = new HashMap<>();
                try (TokenStream ts = analyzer.tokenStream("text", text(p))) {
                    CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) {
                        int id = termIds.computeIfAbsent(term.toString(), k -> {
                            df.add(0);
                            return df.size() - 1;
                        });
                        tf.merge(id, 1, Integer::sum);
                    }
                    ts.end();
                }
                tf.keySet().forEach(t -> df.set(t, df.get(t) + 1));
                tfs.add(tf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        terms = new int[n][];
        weights = new float[n][];
        int[] postingSizes = new int[df.size()];
        for (int i = 0; i < n; i++) {
            Map<Integer, Integer> tf = tfs.get(i);
            int[] t = tf.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            float[] w = new float[t.length];
            double norm = 0;
            for (int k = 0; k < t.length; k++) {
                double idf = Math.log((double) n / df.get(t[k]));
                w[k] = (float) ((1 + Math.log(tf.get(t[k]))) * idf);
                norm += w[k] * w[k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < t.length; k++) {
                w[k] = norm == 0 ? 0 : (float) (w[k] / norm);
                postingSizes[t[k]]++;
            }
            terms[i] = t;
            weights[i] = w;
        }
        postings = new int[df.size()][];
        for (int t = 0; t < postings.length; t++) {
            postings[t] = new int[postingSizes[t]];
        }
        int[] fill = new int[df.size()];
        for (int i = 0; i < n; i++) {
            for (int t : terms[i]) {
                postings[t][fill[t]++] = i;
            }
        }
    }

    /** The similarity of this catalog, reused while the same catalog object is current. */
    public static PluginSimilarity of(Catalog catalog) {
        PluginSimilarity s = last;
        if (s != null && s.catalog == catalog) {
            return s;
        }
        s = new PluginSimilarity(catalog);
        last = s;
        return s;
    }

    static String text(Plugin p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.name().replaceAll("[-_./]+", " ")).append(". ");
        if (p.category() != null) {
            sb.append(p.category()).append(". ");
        }
        p.keywords().forEach(k -> sb.append(k).append(' '));
        sb.append(p.description()).append(' ');
        for (Component c : p.components()) {
            sb.append(c.roleName().replaceAll("[-_:./]+", " ")).append(". ").append(c.description()).append(' ');
        }
        return sb.toString();
    }

    /** Cosine of two plugins of the catalog; 0 when either is unknown. */
    public double score(String a, String b) {
        Integer i = index.get(a);
        Integer j = index.get(b);
        if (i == null || j == null) {
            return 0;
        }
        return dot(i, j);
    }

    private double dot(int i, int j) {
        int[] ta = terms[i];
        int[] tb = terms[j];
        float[] wa = weights[i];
        float[] wb = weights[j];
        double s = 0;
        int x = 0;
        int y = 0;
        while (x < ta.length && y < tb.length) {
            if (ta[x] == tb[y]) {
                s += wa[x++] * wb[y++];
            } else if (ta[x] < tb[y]) {
                x++;
            } else {
                y++;
            }
        }
        return Math.min(1.0, s);
    }

    /** The plugins most like {@code pluginId} at or above {@code minScore}, best first. */
    public List<Neighbour> neighbours(String pluginId, double minScore, int limit) {
        Integer i = index.get(pluginId);
        if (i == null) {
            return List.of();
        }
        double[] acc = accumulate(i);
        List<Neighbour> out = new ArrayList<>();
        for (int j = 0; j < acc.length; j++) {
            if (j != i && acc[j] >= minScore) {
                out.add(new Neighbour(ids.get(j), Math.min(1.0, acc[j])));
            }
        }
        out.sort(Comparator.comparingDouble(Neighbour::score).reversed().thenComparing(Neighbour::pluginId));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** Dot products of plugin i with every plugin, through the postings of its terms. */
    private double[] accumulate(int i) {
        double[] acc = new double[ids.size()];
        int[] t = terms[i];
        float[] w = weights[i];
        for (int k = 0; k < t.length; k++) {
            if (w[k] == 0) {
                continue;
            }
            for (int j : postings[t[k]]) {
                // weights of plugin j for term t[k]: binary search in its sorted term list
                int pos = Arrays.binarySearch(terms[j], t[k]);
                acc[j] += w[k] * weights[j][pos];
            }
        }
        return acc;
    }

    /** Every pair at or above {@code minScore}, each once ({@code a < b}), best first. */
    public List<Pair> pairs(double minScore) {
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            double[] acc = accumulate(i);
            for (int j = 0; j < acc.length; j++) {
                if (j != i && acc[j] >= minScore && ids.get(i).compareTo(ids.get(j)) < 0) {
                    out.add(new Pair(ids.get(i), ids.get(j), Math.min(1.0, acc[j])));
                }
            }
        }
        out.sort(Comparator.comparingDouble(Pair::score).reversed().thenComparing(Pair::a).thenComparing(Pair::b));
        return out;
    }

    public int size() {
        return ids.size();
    }
}
