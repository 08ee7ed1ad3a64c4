package dev.metaorch.mcp.tools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.workflow.CatalogSearch;
import dev.metaorch.workflow.PatternMatcher;

/** match_patterns: the pattern library's best matches for a task, with the parts of each score. */
public final class MatchPatternsTool implements McpTool {

    public static final String NAME = "match_patterns";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Stored workflow patterns matching a task, best first, with score parts (task match, success evidence, "
                + "usage, recency) and a confidence. Empty library: empty list.");

    private final Warmup warmup;
    private final Supplier<PatternLibrary> patterns;
    private final Supplier<CatalogSearch> search;

    /** {@code search} ranks the catalog for the task: a pattern's plugins must agree with it. */
    public MatchPatternsTool(Warmup warmup, Supplier<PatternLibrary> patterns, Supplier<CatalogSearch> search) {
        this.warmup = warmup;
        this.patterns = patterns;
        this.search = search;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = DEFINITION.args(arguments);
        String task = a.string("task");
        int limit = a.integer("limit", 3);
        warmup.await(ctx);
        PatternLibrary library = patterns.get();
        List<PatternMatcher.Match> matches = PatternMatcher.match(library, task, limit, Instant.now(),
                library.patterns().isEmpty() ? null : PatternMatcher.fittingPlugins(search.get(), task));
        int total = library.patterns().size();
        List<Map<String, Object>> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        if (matches.isEmpty()) {
            sb.append(total == 0 ? "The pattern library is empty: no recorded workflows yet (record_outcome adds them)."
                    : "No stored pattern matches this task (" + total + " patterns searched; a pattern is listed when it shares the task's words and at least "
                    + PatternMatcher.MIN_CATALOG_AGREEMENT + " of its plugins are among the catalog's " + PatternMatcher.AGREEMENT_TOP_K
                    + " best for the task).");
        }
        for (PatternMatcher.Match m : matches) {
            Pattern p = m.pattern();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("pattern_id", p.id());
            e.put("name", p.name());
            e.put("status", p.status());
            e.put("score", m.score());
            e.put("score_parts", m.parts());
            e.put("confidence", m.confidence());
            e.put("matched_keywords", m.matched());
            e.put("basis", m.basis());
            e.put("plugin_sequence", p.pluginSequence().stream()
                    .map(s -> s.component() == null ? s.plugin() : s.plugin() + " " + s.component()).toList());
            e.put("total_executions", p.metrics().totalExecutions());
            e.put("last_updated", p.lastUpdated());
            out.add(e);
            sb.append(String.format(Locale.ROOT, "- **%s** score %.3f (%s confidence): task %.2f, success %.2f, usage %.2f, recency %.2f; %s; sequence %s%n",
                    p.id(), m.score(), m.confidence(), m.parts().get("task_match"), m.parts().get("success_evidence"),
                    m.parts().get("usage"), m.parts().get("recency"), m.basis(), e.get("plugin_sequence")));
        }
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("task", task);
        structured.put("patterns_searched", total);
        structured.put("matches", out);
        return ToolResult.of(sb.toString().trim(), structured);
    }
}
