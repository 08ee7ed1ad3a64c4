package dev.metaorch.recommend;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Collision;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Posterior;

/**
 * recommend_plugins without the MCP shell: relevance from {@link RelevanceIndex}, then recorded outcomes.
 * The final score is a weighted sum of four parts in [0, 1]; with no outcomes the last three are the same
 * for every plugin, so relevance alone decides the order.
 */
public final class Recommender {

    /** Weights of the score parts. Relevance dominates: evidence re-orders close candidates, it does not pull in unrelated ones. */
    static final double W_RELEVANCE = 0.7;
    static final double W_EVIDENCE = 0.2;
    static final double W_USAGE = 0.05;
    static final double W_RECENCY = 0.05;
    /** Uses at which the usage part reaches one half. */
    static final double USAGE_HALF = 10;
    /** Days after which the recency part halves. */
    static final double RECENCY_HALF_LIFE_DAYS = 30;
    /** Components listed per plugin. */
    static final int MAX_COMPONENTS = 5;
    /**
     * Below this coverage (the rarity-weighted share of the request's own words a plugin's texts hold, see
     * {@link PluginHit#coverage}) for every one of the first {@link #WEAK_DEPTH} results, nothing matches the request
     * well. Chosen on the realistic dev tasks: the lowest best-of-three coverage of a task with a plugin graded 2 is
     * 0.34; a request outside the catalog's scope ("bake a sourdough bread") scores 0.15.
     */
    public static final double WEAK_COVERAGE = 0.3;
    static final int WEAK_DEPTH = 3;

    /**
     * @param minSuccessRate when set, plugins with recorded outcomes whose estimated success rate (posterior
     *                       mean) is below it are left out; plugins without outcomes stay
     */
    public record Request(String task, int limit, Set<String> categories, Set<String> marketplaces,
                          boolean installedOnly, Double minSuccessRate) {
        public Request {
            categories = categories == null ? Set.of() : Set.copyOf(categories);
            marketplaces = marketplaces == null ? Set.of() : Set.copyOf(marketplaces);
        }

        public static Request of(String task, int limit) {
            return new Request(task, limit, Set.of(), Set.of(), false, null);
        }
    }

    /** A bad filter value (unknown marketplace or category). */
    public static final class InvalidRequest extends RuntimeException {
        public InvalidRequest(String message) {
            super(message);
        }
    }

    public record Parts(double relevance, double evidence, double usage, double recency) {
        public double total() {
            return W_RELEVANCE * relevance + W_EVIDENCE * evidence + W_USAGE * usage + W_RECENCY * recency;
        }
    }

    /**
     * @param margin how far this result's relevance is above the next one's, in [0, 1] (1 for the last)
     */
    public record Recommendation(PluginHit hit, double score, Parts parts, List<ComponentHit> components,
                                 String reason, List<Collision> collisions, Evidence.PluginEvidence evidence,
                                 double margin) {

        /** The absolute strength of the match: the share of the request's informative words it covers. */
        public double strength() {
            return hit.coverage();
        }
    }

    /** Whether nothing matches the request well: no result among the first few covers enough of its words. */
    public static boolean weak(List<Recommendation> recs) {
        return recs.stream().limit(WEAK_DEPTH).noneMatch(r -> r.strength() >= WEAK_COVERAGE);
    }

    private final Catalog catalog;
    private final RelevanceIndex index;
    private final Evidence evidence;
    private final java.util.function.Supplier<Instant> clock;

    public Recommender(RelevanceIndex index, Evidence evidence) {
        this(index, evidence, Instant::now);
    }

    Recommender(RelevanceIndex index, Evidence evidence, java.util.function.Supplier<Instant> clock) {
        this.index = index;
        this.catalog = index.catalog();
        this.evidence = evidence == null ? Evidence.NONE : evidence;
        this.clock = clock;
    }

    public List<Recommendation> recommend(Request r) {
        Predicate<Plugin> filter = filter(r);
        // Evidence only re-orders relevant candidates: with any recorded outcomes fetch a few more than asked
        // and cut after scoring; without, relevance alone decides and the first `limit` are the answer.
        int pool = evidence.all().isEmpty() ? r.limit() : Math.max(r.limit() * 3, 30);
        AnalyzedQuery q = index.analyze(r.task(), null);
        List<Scored<Plugin>> ranked = index.rankPlugins(q, filter, pool);
        double best = ranked.stream().mapToDouble(Scored::score).max().orElse(0);
        Instant now = clock.get();
        record Candidate(Scored<Plugin> ranked, Parts parts, Evidence.PluginEvidence ev) {
        }
        List<Candidate> cands = new ArrayList<>(ranked.size());
        for (Scored<Plugin> s : ranked) {
            Evidence.PluginEvidence ev = evidence.plugin(s.item().id());
            Parts parts = new Parts(best > 0 ? s.score() / best : 0, Posterior.mean(ev.successes(), ev.uses()),
                    ev.uses() / (ev.uses() + USAGE_HALF), recency(ev.lastUsed(), now));
            cands.add(new Candidate(s, parts, ev));
        }
        // stable: equal totals keep the relevance order
        cands.sort(Comparator.comparingDouble((Candidate c) -> c.parts().total()).reversed());
        List<Candidate> top = cands.size() > r.limit() ? cands.subList(0, r.limit()) : cands;
        List<PluginHit> hits = index.hits(q, top.stream().map(Candidate::ranked).toList());
        List<Recommendation> out = new ArrayList<>(top.size());
        for (int i = 0; i < top.size(); i++) {
            Candidate c = top.get(i);
            PluginHit h = hits.get(i);
            double margin = i + 1 < top.size() ? Math.max(0, c.parts().total() - top.get(i + 1).parts().total()) : 1;
            Recommendation x = new Recommendation(h, c.parts().total(), c.parts(), components(h), null,
                    catalog.collisionsOf(h.plugin().id()), c.ev(), margin);
            out.add(new Recommendation(h, x.score(), x.parts(), x.components(), reason(x), x.collisions(), x.evidence(),
                    margin));
        }
        return out;
    }

    static double recency(String lastUsed, Instant now) {
        if (lastUsed == null || lastUsed.isBlank()) {
            return 0;
        }
        try {
            Instant t = Instant.parse(lastUsed);
            double days = Math.max(0, Duration.between(t, now).toMillis() / 86_400_000.0);
            return Math.pow(0.5, days / RECENCY_HALF_LIFE_DAYS);
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** The matching components, or when none matched the plugin's main entry points. */
    private static List<ComponentHit> components(PluginHit h) {
        if (!h.components().isEmpty()) {
            return h.components().size() > MAX_COMPONENTS ? h.components().subList(0, MAX_COMPONENTS) : h.components();
        }
        List<ComponentHit> out = new ArrayList<>();
        for (ComponentKind k : List.of(ComponentKind.COMMAND, ComponentKind.AGENT, ComponentKind.SKILL, ComponentKind.MCP)) {
            for (Component c : h.plugin().components(k)) {
                if (out.size() < 3) {
                    out.add(new ComponentHit(h.plugin(), c, 0, List.of()));
                }
            }
        }
        return out;
    }

    private Predicate<Plugin> filter(Request r) {
        Set<String> mps = lowerSet(r.marketplaces());
        Set<String> cats = lowerSet(r.categories());
        if (!mps.isEmpty()) {
            Set<String> known = catalog.marketplaces().stream().map(m -> m.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
            List<String> unknown = mps.stream().filter(m -> !known.contains(m)).toList();
            if (!unknown.isEmpty()) {
                throw new InvalidRequest("unknown marketplace " + quoted(unknown) + "; loaded marketplaces: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", known)));
            }
        }
        if (!cats.isEmpty()) {
            Set<String> known = catalog.plugins().stream().map(Plugin::category)
                    .filter(c -> c != null && !c.isBlank()).map(c -> c.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
            List<String> unknown = cats.stream().filter(c -> !known.contains(c)).toList();
            if (!unknown.isEmpty()) {
                throw new InvalidRequest("unknown category " + quoted(unknown) + "; categories in the catalog: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", known)));
            }
        }
        if (mps.isEmpty() && cats.isEmpty() && !r.installedOnly() && r.minSuccessRate() == null) {
            return null;
        }
        return p -> (mps.isEmpty() || mps.contains(p.marketplace().toLowerCase(Locale.ROOT)))
                && (cats.isEmpty() || (p.category() != null && cats.contains(p.category().toLowerCase(Locale.ROOT))))
                && (!r.installedOnly() || p.install().installed())
                && (r.minSuccessRate() == null || meetsRate(p, r.minSuccessRate()));
    }

    private boolean meetsRate(Plugin p, double min) {
        Evidence.PluginEvidence ev = evidence.plugin(p.id());
        return ev.uses() == 0 || Posterior.mean(ev.successes(), ev.uses()) >= min;
    }

    private static Set<String> lowerSet(Set<String> s) {
        Set<String> out = new LinkedHashSet<>();
        for (String x : s) {
            if (x != null && !x.isBlank()) {
                out.add(x.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String quoted(List<String> l) {
        return l.stream().map(x -> "'" + x + "'").collect(Collectors.joining(", "));
    }

    /** One line: the fields and terms that matched, the best components, and evidence when there is any. */
    static String reason(Recommendation x) {
        List<String> parts = new ArrayList<>();
        Map<String, List<String>> byTerms = new LinkedHashMap<>();
        for (PluginHit.Match m : x.hit().matched()) {
            byTerms.computeIfAbsent(String.join(", ", m.terms().stream().map(t -> "\"" + t + "\"").toList()),
                    k -> new ArrayList<>()).add(m.field());
        }
        List<String> fieldParts = new ArrayList<>();
        byTerms.forEach((terms, fields) -> fieldParts.add(terms + " in " + String.join(" and ", fields)));
        if (!fieldParts.isEmpty()) {
            parts.add("matched " + String.join("; ", fieldParts));
        } else {
            parts.add("related through words of its best-matching plugins");
        }
        List<ComponentHit> matchedComps = x.components().stream().filter(c -> !c.matched().isEmpty()).limit(3).toList();
        if (!matchedComps.isEmpty()) {
            parts.add("best components: " + matchedComps.stream()
                    .map(c -> c.component().kind().id() + " " + c.component().name()).collect(Collectors.joining(", ")));
        }
        Evidence.PluginEvidence ev = x.evidence();
        if (ev != null && ev.uses() > 0) {
            parts.add(ev.successes() + "/" + ev.uses() + " recorded runs succeeded");
        }
        return String.join("; ", parts);
    }
}
