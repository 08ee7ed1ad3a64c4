package dev.metaorch.recommend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The settings of the relevance model, by name. {@link #DEFAULT} is what every tool uses; its values were chosen by
 * cross-validation on the dev sets ({@code bench recommend --cv} prints the choice and the ablation rows). Values
 * are checked when a configuration is made: a weight is never negative, {@code b} lies in [0, 1].
 *
 * <p>Plugin documents hold each kind of text in its own field, each scored by BM25 on its own (its own length
 * normalization and saturation), so a long body never drowns a short precise field; the weights say how much a
 * match in each kind of text is worth. Component documents are built the same way and aggregate to their plugin.
 *
 * @param pluginName       weight of plugin-name matches
 * @param pluginDesc       weight of description, keyword and category matches
 * @param componentNames   weight of matches in the names of the plugin's components
 * @param componentDescs   weight of matches in the descriptions of the plugin's components
 * @param examples         weight of matches in the example requests the authors give
 * @param readme           weight of matches in the plugin's README
 * @param bodies           weight of matches in the bodies of its agents, commands and skills
 * @param docs             weight of matches in what the marketplace's own docs say about it
 * @param k1               BM25 term-frequency saturation
 * @param bShort           BM25 length normalization of the short fields (names, descriptions, examples)
 * @param bLong            BM25 length normalization of the long fields (README, bodies, docs)
 * @param cName            component documents: weight of its name
 * @param cDesc            component documents: weight of its description
 * @param cExamples        component documents: weight of its example requests
 * @param cBody            component documents: weight of its body
 * @param cPlugin          component documents: weight of its plugin's name and description (what it works within)
 * @param componentRanker  weight of the component ranking (components aggregated per plugin) in the fusion; 0: off
 * @param componentRest    share of a plugin's further matching components added to its best one's score
 * @param pairs            weight of the request's adjacent word pairs found in a plugin's short fields
 * @param rrfK             reciprocal-rank-fusion constant; 0: fuse scores divided by each ranking's best instead
 * @param pool             candidates each ranking contributes to the fusion
 * @param bodyChars        characters of each component body indexed (its beginning says what it is for)
 * @param readmeChars      characters of each README indexed
 * @param specific         factor on the score of a plugin or component built for a vendor, product or framework the
 *                         request does not name ({@link Specificity}); 1: off
 * @param specificDf       a name word counts as such a vendor or framework only when at most this share of the
 *                         catalog's plugins mention it
 * @param queryStop        whether a request's framing words (Snowball's English stop list) are dropped from it
 * @param full             weight of matches in the plugin's whole text as one field (every kind above, one length
 *                         normalization): what the plugin says about itself, taken together
 * @param fullRanker       weight in the fusion of a ranking over that whole text alone; 0: off
 * @param coord            exponent of the share of the request's informative words a plugin covers ({@link
 *                         PluginHit#coverage()}), as a factor on its fused score: a plugin holding one rare word of a
 *                         short request falls behind one holding all of them; 0: off
 * @param coordTerms       requests of up to this many informative words take {@code coord} whole; a longer request
 *                         takes it scaled by (coordTerms / words)², since a developer's long task says more than any
 *                         one plugin covers
 * @param involve          whether a name the request writes ("Agent Engine") that a plugin's text holds and few
 *                         plugins share lifts specificity off that plugin ({@link AnalyzedQuery#involved()})
 * @param compounds        whether two words a request writes apart ("roll back", "set up") are also searched as the one
 *                         word the catalog's descriptions write ("rollback", "setup"), when at least two descriptions do
 * @param called           whether a plugin whose whole name the request writes ("set up Sentry") comes first, as a
 *                         component named verbatim does, when at most {@code specificDf} of the plugins mention the name
 */
public record RelevanceConfig(double pluginName, double pluginDesc, double componentNames, double componentDescs,
                              double examples, double readme, double bodies, double docs, double k1, double bShort,
                              double bLong, double cName, double cDesc, double cExamples, double cBody, double cPlugin,
                              double componentRanker, double componentRest, double pairs, int rrfK, int pool,
                              int bodyChars, int readmeChars, double specific, double specificDf, boolean queryStop,
                              double full, double fullRanker, double coord, int coordTerms, boolean involve,
                              boolean compounds, boolean called) {

    public RelevanceConfig {
        // the fields are not assigned yet in a compact constructor: check the parameters, in record order
        double[] values = {pluginName, pluginDesc, componentNames, componentDescs, examples, readme, bodies, docs, k1,
                bShort, bLong, cName, cDesc, cExamples, cBody, cPlugin, componentRanker, componentRest, pairs, rrfK, pool,
                bodyChars, readmeChars, specific, specificDf, queryStop ? 1 : 0, full, fullRanker, coord, coordTerms, involve ? 1 : 0,
                compounds ? 1 : 0, called ? 1 : 0};
        int i = 0;
        for (Setting s : SETTINGS.values()) {
            double v = values[i++];
            if (Double.isNaN(v) || v < s.min || v > s.max) {
                throw new IllegalArgumentException("relevance setting " + s.name + " = " + v + " is outside [" + s.min
                        + ", " + s.max + "]");
            }
        }
    }

    /** This configuration with one setting changed by name (names as the record's components). */
    public RelevanceConfig with(String name, double value) {
        Setting s = SETTINGS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown relevance setting '" + name + "' (known: " + SETTINGS.keySet() + ")");
        }
        return s.set.apply(this, value);
    }

    /** The names of the settings, in record order. */
    public static List<String> names() {
        return new ArrayList<>(SETTINGS.keySet());
    }

    /** One named setting: how to read it, how to set it, and its range. */
    private record Setting(String name, double min, double max, Function<RelevanceConfig, Double> get,
                           BiFunction<RelevanceConfig, Double, RelevanceConfig> set) {
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    private static void add(String name, double min, double max, Function<RelevanceConfig, Double> get,
                            BiFunction<RelevanceConfig, Double, RelevanceConfig> set) {
        SETTINGS.put(name, new Setting(name, min, max, get, set));
    }

    private static final double W = 100;

    static {
        add("pluginName", 0, W, RelevanceConfig::pluginName, (c, v) -> c.copy(0, v));
        add("pluginDesc", 0, W, RelevanceConfig::pluginDesc, (c, v) -> c.copy(1, v));
        add("componentNames", 0, W, RelevanceConfig::componentNames, (c, v) -> c.copy(2, v));
        add("componentDescs", 0, W, RelevanceConfig::componentDescs, (c, v) -> c.copy(3, v));
        add("examples", 0, W, RelevanceConfig::examples, (c, v) -> c.copy(4, v));
        add("readme", 0, W, RelevanceConfig::readme, (c, v) -> c.copy(5, v));
        add("bodies", 0, W, RelevanceConfig::bodies, (c, v) -> c.copy(6, v));
        add("docs", 0, W, RelevanceConfig::docs, (c, v) -> c.copy(7, v));
        add("k1", 0, 10, RelevanceConfig::k1, (c, v) -> c.copy(8, v));
        add("bShort", 0, 1, RelevanceConfig::bShort, (c, v) -> c.copy(9, v));
        add("bLong", 0, 1, RelevanceConfig::bLong, (c, v) -> c.copy(10, v));
        add("cName", 0, W, RelevanceConfig::cName, (c, v) -> c.copy(11, v));
        add("cDesc", 0, W, RelevanceConfig::cDesc, (c, v) -> c.copy(12, v));
        add("cExamples", 0, W, RelevanceConfig::cExamples, (c, v) -> c.copy(13, v));
        add("cBody", 0, W, RelevanceConfig::cBody, (c, v) -> c.copy(14, v));
        add("cPlugin", 0, W, RelevanceConfig::cPlugin, (c, v) -> c.copy(15, v));
        add("componentRanker", 0, W, RelevanceConfig::componentRanker, (c, v) -> c.copy(16, v));
        add("componentRest", 0, 1, RelevanceConfig::componentRest, (c, v) -> c.copy(17, v));
        add("pairs", 0, W, RelevanceConfig::pairs, (c, v) -> c.copy(18, v));
        add("rrfK", 0, 1000, c -> (double) c.rrfK(), (c, v) -> c.copy(19, v));
        add("pool", 1, 10_000, c -> (double) c.pool(), (c, v) -> c.copy(20, v));
        add("bodyChars", 0, 1_000_000, c -> (double) c.bodyChars(), (c, v) -> c.copy(21, v));
        add("readmeChars", 0, 1_000_000, c -> (double) c.readmeChars(), (c, v) -> c.copy(22, v));
        add("specific", 0, 1, RelevanceConfig::specific, (c, v) -> c.copy(23, v));
        add("specificDf", 0, 1, RelevanceConfig::specificDf, (c, v) -> c.copy(24, v));
        add("queryStop", 0, 1, c -> c.queryStop() ? 1.0 : 0.0, (c, v) -> c.copy(25, v));
        add("full", 0, W, RelevanceConfig::full, (c, v) -> c.copy(26, v));
        add("fullRanker", 0, W, RelevanceConfig::fullRanker, (c, v) -> c.copy(27, v));
        add("coord", 0, 10, RelevanceConfig::coord, (c, v) -> c.copy(28, v));
        add("coordTerms", 1, 1000, c -> (double) c.coordTerms(), (c, v) -> c.copy(29, v));
        add("involve", 0, 1, c -> c.involve() ? 1.0 : 0.0, (c, v) -> c.copy(30, v));
        add("compounds", 0, 1, c -> c.compounds() ? 1.0 : 0.0, (c, v) -> c.copy(31, v));
        add("called", 0, 1, c -> c.called() ? 1.0 : 0.0, (c, v) -> c.copy(32, v));
    }

    /** Declared after the settings table, which its validation reads. */
    public static final RelevanceConfig DEFAULT = new RelevanceConfig(
            1.0, 1.0, 0.5, 0.5, 0.7, 0.0, 0.0, 0.0, 1.2, 0.5,
            1.0, 1.0, 1.0, 0.7, 0.3, 0.3,
            1.0, 0.1, 0.5, 60, 50,
            4000, 8000, 0.3, 0.05, true, 0, 1, 1, 4, true, true, true);

    private RelevanceConfig copy(int i, double v) {
        double[] a = {pluginName, pluginDesc, componentNames, componentDescs, examples, readme, bodies, docs, k1, bShort,
                bLong, cName, cDesc, cExamples, cBody, cPlugin, componentRanker, componentRest, pairs, rrfK, pool,
                bodyChars, readmeChars, specific, specificDf, queryStop ? 1 : 0, full, fullRanker, coord, coordTerms, involve ? 1 : 0,
                compounds ? 1 : 0, called ? 1 : 0};
        a[i] = v;
        return new RelevanceConfig(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
                a[13], a[14], a[15], a[16], a[17], a[18], (int) a[19], (int) a[20], (int) a[21], (int) a[22], a[23],
                a[24], a[25] > 0, a[26], a[27], a[28], (int) a[29], a[30] > 0, a[31] > 0, a[32] > 0);
    }
}
