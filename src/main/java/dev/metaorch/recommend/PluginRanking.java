package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.document.IntField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The fused plugin ranking: the request ranked over the plugin documents field by field, over the component documents
 * aggregated to their plugin (best component plus a share of the rest) and, when configured, over each plugin's whole
 * text; fused by reciprocal rank; then multiplied by each plugin's coverage of the request and rescored for
 * specificity, plugins a request names by a component's name first, and the same plugin of several marketplaces once.
 * Also the component ranking, which uses the same specificity rescoring. Explanations are not made here
 * ({@link HitExplainer}): ranking stays cheap.
 */
final class PluginRanking {

    private final IndexData data;
    private final Coverage coverage;
    /** Hyphenated component names (and file stems), lower case -> ordinals of the plugins that have one. */
    private final Map<String, List<Integer>> named;

    PluginRanking(IndexData data, Coverage coverage) {
        this.data = data;
        this.coverage = coverage;
        List<Plugin> plugins = data.plugins;
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int ord = 0; ord < plugins.size(); ord++) {
            for (Component c : plugins.get(ord).components()) {
                for (String n : new String[] {c.name(), c.file()}) {
                    if (n != null && NAMED.matcher(n.toLowerCase(Locale.ROOT)).matches()) {
                        List<Integer> l = byName.computeIfAbsent(n.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
                        if (l.isEmpty() || l.get(l.size() - 1) != ord) {
                            l.add(ord);
                        }
                    }
                }
            }
        }
        this.named = byName;
        Map<String, List<Integer>> pn = new HashMap<>();
        for (int ord = 0; ord < plugins.size(); ord++) {
            pn.computeIfAbsent(plugins.get(ord).name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(ord);
        }
        this.pluginNames = pn;
    }

    /** Plugin names, lower case -> ordinals of the plugins (one per marketplace that ships it). */
    private final Map<String, List<Integer>> pluginNames;

    private static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile("[a-z0-9]+(?:[-.][a-z0-9]+)*");

    /**
     * Plugins whose whole name the request writes ("set up Sentry" writes sentry's), when few plugins mention that
     * name: a name many plugins use is a topic, not the plugin.
     */
    private Set<Integer> called(String text) {
        Set<Integer> out = new LinkedHashSet<>();
        if (!data.config.called()) {
            return out;
        }
        Matcher m = WORDS.matcher(text.toLowerCase(Locale.ROOT));
        List<String> words = new ArrayList<>();
        while (m.find()) {
            words.add(m.group());
        }
        int rare = (int) Math.floor(data.config.specificDf() * data.plugins.size());
        for (int i = 0; i < words.size(); i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = i; j < Math.min(words.size(), i + 4); j++) {
                sb.append(j > i ? "-" : "").append(words.get(j));
                List<Integer> ords = pluginNames.get(sb.toString());
                if (ords != null && mentions(sb.toString().replace('-', ' '), rare) <= rare) {
                    out.addAll(ords);
                }
            }
        }
        return out;
    }

    private int mentions(String name, int max) {
        List<String> ws = dev.metaorch.util.QueryTerms.tokens(data.analyzer, FULL, name);
        if (ws.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        Query q;
        if (ws.size() == 1) {
            q = new TermQuery(new Term(FULL, ws.get(0)));
        } else {
            org.apache.lucene.search.PhraseQuery.Builder b = new org.apache.lucene.search.PhraseQuery.Builder();
            ws.forEach(w -> b.add(new Term(FULL, w)));
            q = b.build();
        }
        return IndexData.run(data.pluginSearcher, q, max + 1).size();
    }

    List<Scored<Plugin>> rank(AnalyzedQuery q, Predicate<Plugin> filter, int limit) {
        if (q.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        int pool = Math.max(data.config.pool(), limit);
        List<Scored<Integer>> fused = pluginRanking(q, allowed, pool);
        List<List<Scored<Integer>>> lists = new ArrayList<>(List.of(fused));
        List<Float> weights = new ArrayList<>(List.of(1f));
        if (data.config.componentRanker() > 0) {
            lists.add(componentAggregate(q, allowed, pool));
            weights.add((float) data.config.componentRanker());
        }
        if (data.config.fullRanker() > 0) {
            lists.add(fullRanking(q, allowed, pool));
            weights.add((float) data.config.fullRanker());
        }
        if (lists.size() > 1) {
            fused = fuse(lists, weights, data.config.rrfK());
        }
        if (data.config.coord() > 0 && !fused.isEmpty()) {
            // after fusion, where scores are close: the factors decide among candidates the rankings agree on
            fused = rescored(coordinated(fused.subList(0, Math.min(pool, fused.size())), q),
                    ord -> data.pluginUnnamed(ord, q), pool);
        }
        Set<Integer> mentioned = mentioned(q.text());
        mentioned.addAll(called(q.text()));
        if (!mentioned.isEmpty()) {
            fused = namedFirst(fused, mentioned, filter);
        }
        List<Scored<Integer>> once = oneEach(fused, filter);
        List<Scored<Plugin>> out = new ArrayList<>(Math.min(limit, once.size()));
        for (int i = 0; i < once.size() && i < limit; i++) {
            out.add(new Scored<>(data.plugins.get(once.get(i).item()), once.get(i).score()));
        }
        return out;
    }

    /**
     * The same plugin shipped by several marketplaces once, where its best copy ranks, represented by its installed
     * copy when one is installed (and allowed).
     */
    private List<Scored<Integer>> oneEach(List<Scored<Integer>> ranked, Predicate<Plugin> filter) {
        List<Scored<Integer>> out = new ArrayList<>(ranked.size());
        Set<Integer> seen = new HashSet<>();
        for (Scored<Integer> s : ranked) {
            int[] tw = data.twins[s.item()];
            if (tw == null) {
                out.add(s);
                continue;
            }
            if (!seen.add(tw[0])) {
                continue;
            }
            int rep = s.item();
            for (int o : tw) {
                Plugin p = data.plugins.get(o);
                if (p.install().installed() && (filter == null || filter.test(p))) {
                    rep = o;
                    break;
                }
            }
            out.add(new Scored<>(rep, s.score()));
        }
        return out;
    }

    /**
     * The fused ranking with each score multiplied by the plugin's coverage of the request to the power
     * {@link RelevanceConfig#coord()}, weakened for long requests ({@link RelevanceConfig#coordTerms()}): rankings add
     * up evidence word by word, so one rare word can carry a plugin that misses the rest of a short request. Fused
     * scores lie close together, so this factor (and specificity, applied again after it) reorders the candidates
     * the rankings agree on more than it admits new ones.
     */
    private List<Scored<Integer>> coordinated(List<Scored<Integer>> fused, AnalyzedQuery q) {
        int words = q.ownTerms().size();
        double exponent = data.config.coord() * Math.min(1, Math.pow((double) data.config.coordTerms() / Math.max(1, words), 2));
        Map<Integer, Double> cov = coverage.plugins(fused.stream().map(Scored::item).toList(), q.ownTerms());
        List<Scored<Integer>> out = new ArrayList<>(fused.size());
        for (Scored<Integer> s : fused) {
            out.add(new Scored<>(s.item(), s.score() * Math.pow(cov.getOrDefault(s.item(), 0.0), exponent)));
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed().thenComparingInt(Scored::item));
        return out;
    }

    private List<Scored<Integer>> pluginRanking(AnalyzedQuery q, Query allowed, int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Float> e : q.terms().entrySet()) {
            String t = e.getKey();
            float w = e.getValue();
            IndexData.should(b, NAME, t, w * data.config.pluginName());
            IndexData.should(b, DESC, t, w * data.config.pluginDesc());
            IndexData.should(b, CNAMES, t, w * data.config.componentNames());
            IndexData.should(b, CDESCS, t, w * data.config.componentDescs());
            IndexData.should(b, EXAMPLES, t, w * data.config.examples());
            IndexData.should(b, README, t, w * data.config.readme());
            IndexData.should(b, BODIES, t, w * data.config.bodies());
            IndexData.should(b, DOCS, t, w * data.config.docs());
            IndexData.should(b, FULL, t, w * data.config.full());
        }
        for (String pair : q.pairs()) {
            IndexData.should(b, PAIRS, pair, data.config.pairs());
        }
        List<Scored<Integer>> docs = IndexData.run(data.pluginSearcher, withFilter(b.build(), allowed), specificPool(n));
        return rescored(docs, ord -> data.pluginUnnamed(ord, q), n);
    }

    /** The plugins ranked by their whole text as one field, specificity applied as in the field ranking. */
    private List<Scored<Integer>> fullRanking(AnalyzedQuery q, Query allowed, int n) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, Float> e : q.terms().entrySet()) {
            IndexData.should(b, FULL, e.getKey(), e.getValue());
        }
        List<Scored<Integer>> docs = IndexData.run(data.pluginSearcher, withFilter(b.build(), allowed), specificPool(n));
        return rescored(docs, ord -> data.pluginUnnamed(ord, q), n);
    }

    /** Candidates fetched before specificity reorders them: enough that a demoted head leaves room. */
    private int specificPool(int n) {
        return data.config.specific() < 1 ? n * 2 : n;
    }

    /** Scores of the documents {@code unnamed} says are built for something the request does not name, scaled down. */
    private List<Scored<Integer>> rescored(List<Scored<Integer>> docs, java.util.function.IntPredicate unnamed, int n) {
        if (data.config.specific() >= 1) {
            return docs.size() > n ? docs.subList(0, n) : docs;
        }
        List<Scored<Integer>> out = new ArrayList<>(docs.size());
        for (Scored<Integer> d : docs) {
            out.add(unnamed.test(d.item()) ? new Scored<>(d.item(), d.score() * data.config.specific()) : d);
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed()
                .thenComparingInt(Scored::item));
        return out.size() > n ? out.subList(0, n) : out;
    }

    /** Each plugin scored by its best matching component, plus a share of its further matching ones. */
    private List<Scored<Integer>> componentAggregate(AnalyzedQuery q, Query allowed, int n) {
        Query query = data.componentQuery(q.terms(), null, false);
        List<Scored<Integer>> docs = IndexData.run(data.componentSearcher, withFilter(query, allowed), n * 4);
        docs = rescored(docs, doc -> data.componentUnnamed(doc, q), docs.size());
        Map<Integer, double[]> agg = new LinkedHashMap<>();
        for (Scored<Integer> d : docs) {
            double[] a = agg.computeIfAbsent(data.compPlugin[d.item()], k -> new double[2]);
            if (a[0] == 0) {
                a[0] = d.score();
            } else {
                a[1] += d.score();
            }
        }
        List<Scored<Integer>> out = new ArrayList<>(agg.size());
        agg.forEach((ord, a) -> out.add(new Scored<>(ord, a[0] + data.config.componentRest() * a[1])));
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed().thenComparingInt(Scored::item));
        return out.size() > n ? out.subList(0, n) : out;
    }

    /**
     * Weighted fusion: reciprocal rank ({@code k > 0}) or, with {@code k == 0}, the sum of each ranking's scores
     * divided by its best score. Ties keep the first ranking's order, then catalog order.
     */
    static List<Scored<Integer>> fuse(List<List<Scored<Integer>>> rankings, List<Float> weights, int k) {
        Map<Integer, Double> score = new HashMap<>();
        for (int r = 0; r < rankings.size(); r++) {
            List<Scored<Integer>> l = rankings.get(r);
            double w = weights.get(r);
            double best = l.isEmpty() ? 1 : l.get(0).score();
            for (int i = 0; i < l.size(); i++) {
                double s = k > 0 ? 1.0 / (k + i + 1) : (best > 0 ? l.get(i).score() / best : 0);
                score.merge(l.get(i).item(), w * s, Double::sum);
            }
        }
        List<Scored<Integer>> out = new ArrayList<>(score.size());
        score.forEach((o, s) -> out.add(new Scored<>(o, s)));
        Map<Integer, Integer> firstRank = new HashMap<>();
        List<Scored<Integer>> r0 = rankings.get(0);
        for (int i = 0; i < r0.size(); i++) {
            firstRank.put(r0.get(i).item(), i);
        }
        out.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed()
                .thenComparingInt(s -> firstRank.getOrDefault(s.item(), Integer.MAX_VALUE))
                .thenComparingInt(Scored::item));
        return out;
    }

    /**
     * The best {@code limit} component documents of the given kinds (null or empty: all) among plugins {@code filter}
     * accepts (null: all), best first, specificity applied.
     */
    List<Scored<Integer>> components(AnalyzedQuery q, Set<ComponentKind> kinds, Predicate<Plugin> filter, int limit) {
        if (q.isEmpty() || limit <= 0) {
            return List.of();
        }
        Query allowed = allowedQuery(filter);
        if (allowed == NOTHING) {
            return List.of();
        }
        Set<ComponentKind> ks = kinds == null || kinds.isEmpty() ? EnumSet.allOf(ComponentKind.class) : kinds;
        Query query = withFilter(data.componentQuery(q.terms(), ks, true), allowed);
        int fetch = data.config.specific() < 1 ? Math.max(limit * 4, data.config.pool()) : limit;
        return rescored(IndexData.run(data.componentSearcher, query, fetch), doc -> data.componentUnnamed(doc, q), limit);
    }

    /** A component name a user can mention verbatim: two or more words joined by hyphens ("code-reviewer"). */
    private static final java.util.regex.Pattern NAMED = java.util.regex.Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)+");

    /** Ordinals of the plugins having a component the query names verbatim, in catalog order. */
    private Set<Integer> mentioned(String query) {
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = NAMED.matcher(query.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.addAll(named.getOrDefault(m.group(), List.of()));
        }
        return out;
    }

    /**
     * When the query names a component verbatim ("ask the code-reviewer agent") or a plugin by its name (see
     * {@link #called}), the plugins that have it come first,
     * in their fused order (those outside the fused pool after them); the rest keep theirs. Scores are lifted
     * above the rest so that any later sort by score keeps this order.
     */
    private List<Scored<Integer>> namedFirst(List<Scored<Integer>> fused, Set<Integer> mentioned, Predicate<Plugin> filter) {
        List<Scored<Integer>> first = new ArrayList<>();
        List<Scored<Integer>> rest = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Scored<Integer> s : fused) {
            (mentioned.contains(s.item()) ? first : rest).add(s);
            seen.add(s.item());
        }
        double floor = fused.stream().mapToDouble(Scored::score).min().orElse(1);
        for (int ord : mentioned) {
            if (!seen.contains(ord) && (filter == null || filter.test(data.plugins.get(ord)))) {
                first.add(new Scored<>(ord, floor * 0.5)); // named but without a matching word
            }
        }
        if (first.isEmpty()) {
            return fused;
        }
        double lift = rest.isEmpty() ? 0 : rest.get(0).score();
        List<Scored<Integer>> out = new ArrayList<>(first.size() + rest.size());
        for (Scored<Integer> s : first) {
            out.add(new Scored<>(s.item(), s.score() + lift));
        }
        out.addAll(rest);
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static final Query NOTHING = new TermQuery(new Term("none", "none"));

    /** Null when every plugin is allowed, {@link #NOTHING} when none is, else a filter on plugin ordinals. */
    private Query allowedQuery(Predicate<Plugin> filter) {
        if (filter == null) {
            return null;
        }
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < data.plugins.size(); i++) {
            if (filter.test(data.plugins.get(i))) {
                ok.add(i);
            }
        }
        if (ok.size() == data.plugins.size()) {
            return null;
        }
        if (ok.isEmpty()) {
            return NOTHING;
        }
        return IntField.newSetQuery(ORD, ok.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Query withFilter(Query q, Query filter) {
        if (filter == null) {
            return q;
        }
        return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
    }

}
