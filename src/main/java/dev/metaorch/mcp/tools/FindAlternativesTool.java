package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.store.neo4j.Discovery;
import dev.metaorch.store.neo4j.GraphStore.Alternative;
import dev.metaorch.store.neo4j.PluginSimilarity;
import dev.metaorch.util.Texts;

/** find_alternatives: plugins similar to one (SIMILAR_TO), as fallbacks, with their recorded success. */
public final class FindAlternativesTool implements McpTool {

    public static final String NAME = "find_alternatives";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Plugins similar to a given one (TF-IDF cosine over their descriptions and components, edges at 0.7 and "
                + "above), with recorded uses and success rate: fallbacks when a plugin fails or is unavailable. The same "
                + "plugin shipped by another marketplace is no alternative and is listed apart (also_in).");

    private final Warmup warmup;
    private final Discovery discovery;
    private final Supplier<Catalog> catalog;

    public FindAlternativesTool(Warmup warmup, Discovery discovery, Supplier<Catalog> catalog) {
        this.warmup = warmup;
        this.discovery = discovery;
        this.catalog = catalog;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        String plugin = args.string("plugin");
        int limit = args.integer("limit", 5);
        double min = args.number("min_score", PluginSimilarity.EDGE_THRESHOLD);
        warmup.await(ctx);
        String id = discovery.resolve(plugin);
        if (catalog.get().plugin(id).isEmpty()) {
            // an id of no loaded marketplace: "no plugin is similar" would hide the typo
            throw args.refuse("unknown plugin '" + id + "': no loaded marketplace has it (catalog_status "
                    + "lists the marketplaces; recommend_plugins finds plugins by task)");
        }
        Discovery.Answer<List<Alternative>> a = discovery.alternatives(id, min, limit);
        List<Map<String, Object>> alts = new ArrayList<>();
        for (Alternative x : a.value()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plugin_id", x.pluginId());
            m.put("similarity_score", Texts.round(x.score(), 3));
            m.put("uses", x.uses());
            m.put("successes", x.successes());
            m.put("success_rate", x.successRate() == null ? null : Texts.round(x.successRate(), 3));
            alts.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", id);
        out.put("min_score", min);
        out.put("alternatives", alts);
        List<String> alsoIn = catalog.get().twins(id).stream().filter(t -> !t.equals(id)).toList();
        if (!alsoIn.isEmpty()) {
            out.put("also_in", alsoIn);
        }
        ToolSupport.putSource(out, a);
        return ToolResult.of(text(id, min, a, alsoIn), out);
    }

    static String text(String id, double min, Discovery.Answer<List<Alternative>> a, List<String> alsoIn) {
        StringBuilder sb = new StringBuilder();
        if (!alsoIn.isEmpty()) {
            sb.append("The same plugin (same components) is also in ").append(String.join(", ", alsoIn))
                    .append(": not an alternative, it fails the same way.\n\n");
        }
        if (a.value().isEmpty()) {
            sb.append("No plugin is similar to ").append(id).append(" at a score of ")
                    .append(String.format(Locale.ROOT, "%.2f", min)).append(" or more")
                    .append(min > 0.5 ? " (a lower min_score, e.g. 0.5, lists looser matches)." : ".");
        } else {
            sb.append("Alternatives to ").append(id).append(", most similar first:\n\n");
            sb.append("| plugin | similarity | uses | success rate |\n|---|---|---|---|\n");
            for (Alternative x : a.value()) {
                sb.append("| ").append(x.pluginId()).append(" | ").append(String.format(Locale.ROOT, "%.2f", x.score()))
                        .append(" | ").append(x.uses()).append(" | ")
                        .append(x.successRate() == null ? "no runs yet"
                                : String.format(Locale.ROOT, "%.0f%% (%d/%d)", 100 * x.successRate(), x.successes(), x.uses()))
                        .append(" |\n");
            }
        }
        sb.append("\n").append(ToolSupport.sourceLine(a));
        return sb.toString().trim();
    }
}
