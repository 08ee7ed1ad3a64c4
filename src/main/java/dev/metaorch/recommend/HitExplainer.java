package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

/**
 * Why ranked plugins and components were found, for the one-line reason and the workflow planner: each plugin's
 * matching components (best first, at most ten), which request words matched which field, how much of the request
 * each covers ({@link Coverage}), and where else each plugin is shipped. Made only for the results kept, after
 * ranking.
 */
final class HitExplainer {

    private final IndexData data;
    private final Coverage coverage;

    HitExplainer(IndexData data, Coverage coverage) {
        this.data = data;
        this.coverage = coverage;
    }

    /**
     * Details for ranked plugins of this index: their matching components (best first), which query words matched
     * which fields, how much of the request each covers, and where else each is shipped; relevance is each score
     * over the best score of the list.
     */
    List<PluginHit> hits(AnalyzedQuery q, List<Scored<Plugin>> ranked) {
        if (ranked.isEmpty()) {
            return List.of();
        }
        double best = ranked.stream().mapToDouble(Scored::score).max().orElse(0);
        List<Integer> ords = new ArrayList<>();
        for (Scored<Plugin> s : ranked) {
            int ord = data.ordinal(s.item().id());
            if (ord < 0 || data.plugins.get(ord) != s.item()) {
                throw new IllegalArgumentException(s.item().id() + " is not a plugin of this index's catalog");
            }
            ords.add(ord);
        }
        Map<Integer, List<ComponentHit>> comps = componentsOf(q, ords);
        Map<Integer, List<PluginHit.Match>> matched = matches(ords, q);
        Map<Integer, Double> covered = coverage.plugins(ords, q.ownTerms());
        List<PluginHit> out = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            Scored<Plugin> s = ranked.get(i);
            int ord = ords.get(i);
            out.add(new PluginHit(s.item(), s.score(), best > 0 ? s.score() / best : 0,
                    comps.getOrDefault(ord, List.of()), matched.getOrDefault(ord, List.of()),
                    covered.getOrDefault(ord, 0.0), data.alsoIn(s.item())));
        }
        return out;
    }

    /**
     * The matching components of the given plugins, best first per plugin. A plugin's component documents are
     * consecutive (see build), so the component query is scored only over those ranges: no second search over
     * the whole component index and nothing sized by the catalog allocated per query.
     */
    private Map<Integer, List<ComponentHit>> componentsOf(AnalyzedQuery q, List<Integer> ords) {
        int[] sortedOrds = ords.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        List<Scored<Integer>> docs = new ArrayList<>();
        try {
            Query query = data.componentSearcher.rewrite(data.componentQuery(q.terms(), null, false));
            Weight w = data.componentSearcher.createWeight(query, ScoreMode.COMPLETE, 1f);
            // one segment (see build): document ids are global
            Scorer scorer = w.scorer(data.componentSearcher.getIndexReader().leaves().get(0));
            if (scorer != null) {
                DocIdSetIterator it = scorer.iterator();
                for (int ord : sortedOrds) {
                    int end = data.compStart[ord + 1];
                    int doc = it.docID() >= data.compStart[ord] ? it.docID() : it.advance(data.compStart[ord]);
                    while (doc < end) {
                        if (data.compIndex[doc] >= 0) {
                            double s = scorer.score();
                            if (data.config.specific() < 1 && data.componentUnnamed(doc, q)) {
                                s *= data.config.specific();
                            }
                            docs.add(new Scored<>(doc, s));
                        }
                        doc = it.nextDoc();
                    }
                    if (doc == DocIdSetIterator.NO_MORE_DOCS) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // best first; equal scores in catalog order
        docs.sort(Comparator.comparingDouble((Scored<Integer> d) -> d.score()).reversed().thenComparingInt(Scored::item));
        List<Scored<Integer>> kept = new ArrayList<>();
        Map<Integer, Integer> perPlugin = new HashMap<>();
        for (Scored<Integer> d : docs) {
            if (perPlugin.merge(data.compPlugin[d.item()], 1, Integer::sum) <= 10) {
                kept.add(d);
            }
        }
        Map<Integer, List<ComponentHit>> out = new HashMap<>();
        for (ComponentHit h : componentHits(kept, q)) {
            out.computeIfAbsent(data.ordinal(h.plugin().id()), k -> new ArrayList<>()).add(h);
        }
        return out;
    }

    /** Component hits for scored component documents, in their order, with matched words and coverage. */
    List<ComponentHit> componentHits(List<Scored<Integer>> docs, AnalyzedQuery q) {
        List<Integer> ids = docs.stream().map(Scored::item).toList();
        Set<String> all = q.terms().keySet();
        Map<Integer, List<String>> in = IndexData.termsIn(data.componentSearcher, ids, all, CNAME, CDESC, CEX, CBODY);
        Map<Integer, Double> covered = coverage.components(ids, q.ownTerms());
        List<ComponentHit> out = new ArrayList<>(docs.size());
        for (Scored<Integer> d : docs) {
            Plugin p = data.plugins.get(data.compPlugin[d.item()]);
            Component c = p.components().get(data.compIndex[d.item()]);
            out.add(new ComponentHit(p, c, d.score(), in.getOrDefault(d.item(), List.of()),
                    covered.getOrDefault(d.item(), 0.0)));
        }
        return out;
    }

    /** Which query words occur in which plugin field (for the one-line reason), per plugin ordinal. */
    private Map<Integer, List<PluginHit.Match>> matches(List<Integer> ords, AnalyzedQuery q) {
        Map<Integer, List<PluginHit.Match>> out = new HashMap<>();
        String[][] fields = {{"name", NAME}, {"description", DESC}, {"component names", CNAMES},
                {"component descriptions", CDESCS}, {"example requests", EXAMPLES}, {"README", README},
                {"component texts", BODIES}, {"marketplace docs", DOCS}};
        for (String[] f : fields) {
            Map<Integer, List<String>> in = IndexData.termsIn(data.pluginSearcher, ords, q.ownTerms(), f[1]);
            for (int ord : ords) {
                List<String> m = in.getOrDefault(ord, List.of());
                if (!m.isEmpty()) {
                    out.computeIfAbsent(ord, k -> new ArrayList<>())
                            .add(new PluginHit.Match(f[0], m.stream().map(q::word).toList()));
                }
            }
        }
        // words found only in the long texts, when those are indexed as the whole text alone
        Map<Integer, List<String>> whole = IndexData.termsIn(data.pluginSearcher, ords, q.ownTerms(), FULL);
        for (int ord : ords) {
            Set<String> shown = new HashSet<>();
            out.getOrDefault(ord, List.of()).forEach(m -> shown.addAll(m.terms()));
            List<String> rest = whole.getOrDefault(ord, List.of()).stream().map(q::word).filter(w -> !shown.contains(w))
                    .toList();
            if (!rest.isEmpty()) {
                out.computeIfAbsent(ord, k -> new ArrayList<>()).add(new PluginHit.Match("README, component texts or docs",
                        rest));
            }
        }
        return out;
    }

}
