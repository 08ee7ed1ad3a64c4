package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.store.neo4j.Discovery;

/** known_issues: how a plugin has failed in recorded runs, most frequent first, with the fix that worked. */
public final class KnownIssuesTool implements McpTool {

    public static final String NAME = "known_issues";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Known failure modes of a plugin from recorded runs (shared Neo4j graph when configured, else the local "
                + "pattern store): normalized error pattern, how often it occurred, and the fix that worked.");

    private final Warmup warmup;
    private final Discovery discovery;

    public KnownIssuesTool(Warmup warmup, Discovery discovery) {
        this.warmup = warmup;
        this.discovery = discovery;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        String plugin = args.string("plugin");
        int limit = args.integer("limit", 10);
        warmup.await(ctx);
        String id = discovery.resolve(plugin);
        Discovery.Answer<List<PluginIssue>> a = discovery.knownIssues(id, limit);
        Map<String, Object> out = structured(id, a);
        return ToolResult.of(text(id, a), out);
    }

    static Map<String, Object> structured(String id, Discovery.Answer<List<PluginIssue>> a) {
        List<Map<String, Object>> issues = new ArrayList<>();
        for (PluginIssue i : a.value()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error_pattern", i.errorPattern());
            m.put("frequency", i.frequency());
            m.put("fix", i.fix());
            if (i.check() != null) {
                m.put("failed_check", i.check());
            }
            issues.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin_id", id);
        out.put("issues", issues);
        ToolSupport.putSource(out, a);
        return out;
    }

    static String text(String id, Discovery.Answer<List<PluginIssue>> a) {
        StringBuilder sb = new StringBuilder();
        if (a.value().isEmpty()) {
            sb.append("No known issues recorded for ").append(id).append('.');
        } else {
            sb.append("Known issues of ").append(id).append(", most frequent first:\n");
            for (PluginIssue i : a.value()) {
                sb.append("\n- ").append(i.errorPattern()).append(" (seen ").append(i.frequency()).append("x)");
                if (i.check() != null) {
                    sb.append("; failed check: ").append(i.check());
                }
                sb.append(i.fix() == null ? "; no fix recorded yet" : "; fix: " + i.fix());
            }
        }
        sb.append("\n\n").append(ToolSupport.sourceLine(a));
        return sb.toString();
    }
}
