package dev.metaorch.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.recommend.Scored;
import dev.metaorch.recommend.SeedOverlapRanker;

/** bench recommend: ranking quality on the dev requests beside the pinned baselines, and latency. */
public final class RecommendBench {

    private RecommendBench() {
    }

    public static RankingMetrics evaluate(List<DevQueries> queries, Function<String, List<String>> ranker) {
        List<RankingMetrics> all = new ArrayList<>();
        for (DevQueries q : queries) {
            all.add(RankingMetrics.of(ranker.apply(q.query()), q.relevant(), q.relevance()));
        }
        return RankingMetrics.mean(all);
    }

    static List<String> ids(List<Scored<Plugin>> l) {
        return l.stream().map(s -> s.item().id()).toList();
    }

    public static void main(String[] args) {
        Path catalogDir = Path.of(args.length > 0 ? args[0] : "../shared/catalog");
        Path queriesFile = Path.of(args.length > 1 ? args[1] : "../shared/bench/queries-dev.jsonl");
        PrintStream out = System.out;
        Catalog c = new CatalogService(CatalogSources.snapshots(catalogDir)).current();
        List<DevQueries> qs = DevQueries.load(queriesFile);
        Bm25Ranker<Plugin> bm25 = Bm25Ranker.plugins(c);
        SeedOverlapRanker<Plugin> seed = SeedOverlapRanker.plugins(c);
        RelevanceIndex idx = RelevanceIndex.build(c);
        out.println("bm25 " + evaluate(qs, q -> ids(bm25.search(q, 100))));
        out.println("seed " + evaluate(qs, q -> ids(seed.search(q, 100))));
        out.println("ours " + evaluate(qs, q -> idx.rankIds(q, 100)));
    }
}
