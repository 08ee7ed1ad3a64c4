package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Collision;
import dev.metaorch.learn.Evidence;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.recommend.ComponentHit;
import dev.metaorch.recommend.Recommender;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.util.Texts;

/** recommend_plugins: the plugins and components that fit a task, best first, each with why. */
public final class RecommendPluginsTool implements McpTool {

    public static final String NAME = "recommend_plugins";
    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Best plugins for a task, with the agents/commands/skills to use and how to invoke them, "
                + "score parts (relevance, evidence, usage, recency), reason, install state, name collisions.");

    private final Warmup warmup;
    private final Supplier<Catalog> catalog;
    private final Function<Catalog, RelevanceIndex> indexes;
    private final Supplier<Evidence> evidence;

    public RecommendPluginsTool(Warmup warmup, Supplier<Catalog> catalog, Function<Catalog, RelevanceIndex> indexes,
                                Supplier<Evidence> evidence) {
        this.warmup = warmup;
        this.catalog = catalog;
        this.indexes = indexes;
        this.evidence = evidence;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Recommender.Request req = request(arguments);
        warmup.await(ctx);
        Catalog c = catalog.get();
        Map<String, Object> out = recommend(indexes.apply(c), evidence.get(), req);
        // An empty result from an empty catalog is not a bad query: say how to add marketplaces.
        return ToolResult.of(c.isEmpty() ? CatalogStatusTool.EMPTY_HINT : textOf(out), out);
    }

    /** Reads and checks the arguments (the same checks from the CLI as from MCP). */
    public static Recommender.Request request(Map<String, Object> arguments) {
        Args a = DEFINITION.args(arguments);
        String task = a.string("task").trim();
        Double min = a.has("min_success_rate") ? a.number("min_success_rate", 0) : null;
        return new Recommender.Request(task, a.integer("limit", 10), new LinkedHashSet<>(a.strings("categories")),
                new LinkedHashSet<>(a.strings("marketplaces")), a.bool("installed_only", false), min);
    }

    /** The {@code recommend --json} object; scripts read it, so fields are added, never renamed or removed. */
    public static Map<String, Object> recommend(RelevanceIndex index, Evidence evidence, Recommender.Request req) {
        Catalog catalog = index.catalog();
        List<Recommender.Recommendation> recs;
        try {
            recs = new Recommender(index, evidence).recommend(req);
        } catch (Recommender.InvalidRequest e) {
            throw new ToolException(NAME + ": " + e.getMessage());
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Recommender.Recommendation r : recs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plugin_id", r.hit().plugin().id());
            m.put("score", Texts.round(r.score(), 4));
            Map<String, Object> parts = new LinkedHashMap<>();
            parts.put("relevance", Texts.round(r.parts().relevance(), 4));
            parts.put("evidence", Texts.round(r.parts().evidence(), 4));
            parts.put("usage", Texts.round(r.parts().usage(), 4));
            parts.put("recency", Texts.round(r.parts().recency(), 4));
            m.put("score_parts", parts);
            m.put("strength", Texts.round(r.strength(), 4));
            m.put("margin", Texts.round(r.margin(), 4));
            if (!r.hit().alsoIn().isEmpty()) {
                m.put("also_in", r.hit().alsoIn());
            }
            List<Map<String, Object>> comps = new ArrayList<>();
            for (ComponentHit c : r.components()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("kind", c.component().kind().id());
                cm.put("name", c.component().name());
                cm.put("invoke", c.invoke());
                comps.add(cm);
            }
            m.put("components", comps);
            m.put("reason", r.reason());
            m.put("installed", r.hit().plugin().install().installed());
            List<Map<String, Object>> cols = new ArrayList<>();
            for (Collision c : r.collisions()) {
                cols.add(Map.of("kind", c.kind(), "name", c.name(), "plugins", c.plugins()));
            }
            m.put("collisions", cols);
            m.put("description", Texts.shorten(r.hit().plugin().description(), 200));
            if (r.evidence().uses() > 0) {
                m.put("runs", Map.of("uses", r.evidence().uses(), "successes", r.evidence().successes()));
            }
            results.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("query", req.task());
        if (recs.isEmpty() && req.installedOnly() && catalog.plugins().stream().noneMatch(p -> p.install().installed())) {
            // not a word problem: the filter left nothing to rank
            out.put("note", "No plugin of the loaded marketplaces is installed, so installed_only leaves nothing to "
                    + "recommend. Drop installed_only to see every marketplace's plugins, or install one with "
                    + "`claude plugin install <name>@<marketplace>`.");
        }
        boolean weak = !recs.isEmpty() && Recommender.weak(recs);
        out.put("weak_match", weak);
        if (weak) {
            out.put("note", "Nothing in the catalog matches this task well: no result covers "
                    + Math.round(Recommender.WEAK_COVERAGE * 100) + "% of its informative words. Treat these as loose "
                    + "associations; handling the task directly may serve better.");
        }
        out.put("results", results);
        return out;
    }



    @SuppressWarnings("unchecked")
    public static String textOf(Map<String, Object> out) {
        List<Map<String, Object>> results = (List<Map<String, Object>>) out.get("results");
        if (results.isEmpty() && out.get("note") != null) {
            return (String) out.get("note");
        }
        if (results.isEmpty()) {
            return "No plugin in the catalog matches \"" + out.get("query") + "\". Try other words, drop filters, "
                    + "or check the loaded marketplaces with catalog_status.";
        }
        StringBuilder sb = new StringBuilder();
        if (Boolean.TRUE.equals(out.get("weak_match"))) {
            sb.append("Weak match: ").append(out.get("note")).append("\n\n");
        }
        int i = 1;
        for (Map<String, Object> r : results) {
            sb.append(i++).append(". **").append(r.get("plugin_id")).append("** (score ").append(r.get("score"))
                    .append(", covers ").append(Math.round(((Number) r.get("strength")).doubleValue() * 100))
                    .append("% of the task's words");
            sb.append(Boolean.TRUE.equals(r.get("installed")) ? ", installed" : ", not installed").append(")\n");
            if (r.get("also_in") != null) {
                sb.append("   also in: ").append(String.join(", ", (List<String>) r.get("also_in"))).append('\n');
            }
            sb.append("   ").append(r.get("reason")).append('\n');
            for (Map<String, Object> c : (List<Map<String, Object>>) r.get("components")) {
                sb.append("   - ").append(c.get("kind")).append(" `").append(c.get("name")).append("`: ")
                        .append(c.get("invoke")).append('\n');
            }
            List<Map<String, Object>> cols = (List<Map<String, Object>>) r.get("collisions");
            if (!cols.isEmpty()) {
                sb.append("   collisions: ");
                List<String> cs = new ArrayList<>();
                for (Map<String, Object> c : cols) {
                    cs.add(c.get("kind") + " " + c.get("name") + " also in " + String.join(", ",
                            ((List<String>) c.get("plugins")).stream().filter(p -> !p.equals(r.get("plugin_id"))).toList()));
                }
                sb.append(String.join("; ", cs)).append('\n');
            }
        }
        return sb.toString().trim();
    }
}
