package dev.metaorch.mcp.tools;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.metaorch.learn.LibraryStats;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.store.PatternStore;
import dev.metaorch.util.Texts;

/** pattern_stats: what the learning store knows (executions, patterns by status, plugins with data, domains). */
public final class PatternStatsTool implements McpTool {

    public static final String NAME = "pattern_stats";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Global metrics of the pattern library: workflows executed, success rate, patterns by status "
                + "(discovered/validated/learned/deprecated), plugins with usage data, top domains and patterns.");

    private final PatternStore store;

    public PatternStatsTool(PatternStore store) {
        this.store = store;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = DEFINITION.args(arguments);
        LibraryStats s = store.stats(a.integer("limit", 10));
        Map<String, Object> out = structured(s);
        out.put("data_folder", store.home().toString());
        return ToolResult.of(text(s), out);
    }

    /** The structured form (also what a pattern:// resource can serve). */
    public static Map<String, Object> structured(LibraryStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workflows_executed", s.workflowsExecuted());
        out.put("successful_workflows", s.successfulWorkflows());
        out.put("failed_workflows", s.failedWorkflows());
        out.put("success_rate", Texts.round(s.successRate(), 4));
        out.put("total_patterns", s.totalPatterns());
        out.put("patterns_by_status", s.patternsByStatus());
        out.put("plugins_with_usage_data", s.pluginsWithUsageData());
        out.put("top_domains", s.topDomains().stream().map(d -> Map.of("domain", d.domain(), "workflows", d.workflows())).toList());
        out.put("top_patterns", s.topPatterns().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pattern_id", p.id());
            m.put("name", p.name());
            m.put("status", p.status());
            m.put("domain", p.domain());
            m.put("score", RecordOutcomeTool.score(p.score()));
            return m;
        }).toList());
        out.put("warnings", s.warnings());
        return out;
    }

    static String text(LibraryStats s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Workflows executed: %d (%d succeeded, %d failed; success rate %.1f%%)%n",
                s.workflowsExecuted(), s.successfulWorkflows(), s.failedWorkflows(), 100 * s.successRate()));
        sb.append("Patterns: ").append(s.totalPatterns());
        s.patternsByStatus().forEach((k, v) -> sb.append(", ").append(k).append(' ').append(v));
        sb.append('\n').append("Plugins with usage data: ").append(s.pluginsWithUsageData()).append('\n');
        if (!s.topDomains().isEmpty()) {
            sb.append("Top domains: ");
            sb.append(String.join(", ", s.topDomains().stream().map(d -> d.domain() + " (" + d.workflows() + ")").toList()));
            sb.append('\n');
        }
        if (!s.topPatterns().isEmpty()) {
            sb.append("\n| pattern | status | runs | success | posterior mean | lower bound |\n|---|---|---|---|---|---|\n");
            s.topPatterns().forEach(p -> sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.2f |%n",
                    p.id(), p.status(), p.score().trials(), p.score().successes(), p.score().mean(), p.score().lower())));
        }
        if (!s.warnings().isEmpty()) {
            sb.append('\n').append(s.warnings().size()).append(" file(s) skipped:");
            s.warnings().stream().limit(10).forEach(w -> sb.append("\n- ").append(w));
        }
        return sb.toString().trim();
    }
}
