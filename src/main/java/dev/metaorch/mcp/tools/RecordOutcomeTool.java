package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.learn.RunOutcomes;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.store.Ids;
import dev.metaorch.store.OutcomeRecorder;
import dev.metaorch.util.Texts;

/**
 * record_outcome: learns from one finished execution (a run, or an outcome reported explicitly). Same task
 * class and plugin sequence update one pattern; a new sequence starts a discovered pattern; the status then
 * follows the evidence rule.
 */
public final class RecordOutcomeTool implements McpTool {

    public static final String NAME = "record_outcome";

    /** Arguments that describe the outcome itself: a run supplies these. */
    static final Set<String> OUTCOME_ARGS = Set.of("execution_id", "pattern_id", "task", "status", "duration_seconds",
            "plugin_sequence", "steps");

    public static final ToolDefinition DEFINITION = ToolDefinition.writing(NAME,
            "Record the outcome of a finished workflow (run_id, or task + status + plugin_sequence/steps) so the "
                + "pattern library learns: updates the pattern, per-plugin metrics and known issues, and promotes or "
                + "deprecates patterns on a confidence bound. The same execution recorded twice counts once.");

    /** Beyond the schema: bounds that keep one recorded outcome a reasonable size on disk and in the graph. */
    static final int MAX_ID_CHARS = 128;
    static final double MAX_DURATION_SECONDS = 1e7;
    static final int MAX_STEP = 1000;

    private final OutcomeRecorder recorder;
    private final RunOutcomes runOutcomes;
    private final Supplier<Catalog> catalog;

    /**
     * {@code recorder} writes each outcome to the file store, then mirrors it into the graph; {@code runOutcomes} reads a finished run's outcome; {@code catalog} says which plugin ids exist.
     */
    public RecordOutcomeTool(OutcomeRecorder recorder, RunOutcomes runOutcomes, Supplier<Catalog> catalog) {
        this.recorder = recorder;
        this.runOutcomes = runOutcomes;
        this.catalog = catalog;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = DEFINITION.args(arguments);
        Recording rec = recording(a);
        RecordResult r = recorder.record(rec);
        Map<String, Object> out = result(r);
        return ToolResult.of(text(r), out);
    }

    Recording recording(Args a) {
        Outcome outcome;
        if (a.has("run_id")) {
            String runId = Ids.check("run_id", a.text("run_id", MAX_ID_CHARS));
            for (String k : OUTCOME_ARGS) {
                if (a.has(k)) {
                    throw a.refuse("'" + k + "' cannot be combined with run_id (the run supplies its outcome)");
                }
            }
            outcome = runOutcomes.outcome(runId).orElseThrow(() -> new ToolException("unknown run_id '" + runId
                    + "': no finished run with that id (start_run creates runs; a run must finish before it is recorded)"));
        } else {
            if (!a.has("status")) {
                throw a.refuse("give run_id, or an explicit outcome with 'status' (success or failure)");
            }
            String status = a.string("status");
            String exec = a.has("execution_id") ? Ids.check("execution_id", a.text("execution_id", MAX_ID_CHARS)) : null;
            String pattern = a.has("pattern_id") ? Ids.check("pattern_id", a.text("pattern_id", MAX_ID_CHARS)) : null;
            String task = a.text("task", 2000);
            double seconds = a.number("duration_seconds", 0);
            if (seconds > MAX_DURATION_SECONDS) {
                throw a.refuse("'duration_seconds' must be at most " + MAX_DURATION_SECONDS + " (got " + seconds + ")");
            }
            outcome = new Outcome(exec, pattern, null, task, status, Math.round(seconds * 1000), null, null, steps(a));
        }
        List<Pattern.Step> sequence = sequence(a);
        if (!a.has("run_id")) {
            refuseUnknownPlugins(catalog.get(), sequence, outcome.steps());
        }
        return new Recording(outcome, sequence, a.text("domain", 100), a.text("subdomain", 100),
                limited(a, "tags", 100), limited(a, "environment_requirements", 200), limited(a, "errors", 2000),
                a.text("fix", 1000));
    }

    /**
     * An explicit outcome may only name plugins of the catalog: a typo would otherwise start a pattern of a plugin
     * that does not exist (and a recommendation could never follow it). A run's plugins come from its plan.
     */
    static void refuseUnknownPlugins(Catalog catalog, List<Pattern.Step> sequence, List<Outcome.StepResult> steps) {
        LinkedHashSet<String> unknown = new LinkedHashSet<>();
        for (Pattern.Step st : sequence) {
            if (catalog.plugin(st.plugin()).isEmpty()) {
                unknown.add(st.plugin());
            }
        }
        for (Outcome.StepResult r : steps) {
            if (r.plugin() != null && catalog.plugin(r.plugin()).isEmpty()) {
                unknown.add(r.plugin());
            }
        }
        if (!unknown.isEmpty()) {
            throw new ToolException(NAME + ": unknown plugin id" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(u -> "'" + u + "'").toList())
                    + (catalog.isEmpty() ? " (the catalog is empty: see catalog_status)"
                    : " (not in the catalog; plugin ids are name@marketplace, as recommend_plugins gives them)")
                    + "; nothing was recorded");
        }
    }

    /** The schema bounds how many items; this bounds each item's length. */
    private static List<String> limited(Args a, String name, int maxChars) {
        List<String> l = a.strings(name);
        for (String s : l) {
            if (s.length() > maxChars) {
                throw a.refuse("an item of '" + name + "' is longer than " + maxChars + " characters");
            }
        }
        return l;
    }

    /** Plugin ids, or {plugin, component, purpose} objects (the schema has checked which). */
    private static List<Pattern.Step> sequence(Args a) {
        List<Pattern.Step> out = new ArrayList<>();
        if (!a.has("plugin_sequence")) {
            return out;
        }
        for (Object x : (List<?>) a.raw("plugin_sequence")) {
            if (x instanceof String s) {
                out.add(new Pattern.Step(plugin(a, s), null, null, null, null));
            } else {
                Map<?, ?> m = (Map<?, ?>) x;
                out.add(new Pattern.Step(plugin(a, str(a, m, "plugin", 200)), str(a, m, "component", 200),
                        str(a, m, "purpose", 500), null, null));
            }
        }
        return out;
    }

    /** Per-step results, their shape checked by the schema; their sizes here. */
    private static List<Outcome.StepResult> steps(Args a) {
        List<Outcome.StepResult> out = new ArrayList<>();
        if (!a.has("steps")) {
            return out;
        }
        int i = 0;
        for (Object x : (List<?>) a.raw("steps")) {
            i++;
            Map<?, ?> m = (Map<?, ?>) x;
            int step = m.get("step") == null ? i : ((Number) m.get("step")).intValue();
            a.atMost("step", step, MAX_STEP);
            long ms = 0;
            if (m.get("duration_seconds") != null) {
                double d = ((Number) m.get("duration_seconds")).doubleValue();
                if (d > MAX_DURATION_SECONDS) {
                    throw a.refuse("a step's 'duration_seconds' must be at most " + MAX_DURATION_SECONDS + " (got " + d + ")");
                }
                ms = Math.round(d * 1000);
            }
            out.add(new Outcome.StepResult(step, plugin(a, str(a, m, "plugin", 200)), str(a, m, "component", 200),
                    (String) m.get("status"), ms, str(a, m, "error", 2000), str(a, m, "fix_applied", 1000)));
        }
        return out;
    }

    private static String plugin(Args a, String id) {
        String s = id.strip();
        if (s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
            throw a.refuse("invalid plugin id '" + s + "'");
        }
        return s;
    }

    /** An item's string field (its type checked by the schema), held to a length the schema does not publish. */
    private static String str(Args a, Map<?, ?> m, String key, int max) {
        String s = (String) m.get(key);
        if (s != null && s.length() > max) {
            throw a.refuse("'" + key + "' is longer than " + max + " characters");
        }
        return s;
    }

    public static Map<String, Object> result(RecordResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Pattern p = r.pattern();
        out.put("execution_id", r.executionId());
        out.put("duplicate", r.duplicate());
        out.put("pattern_id", p == null ? null : p.id());
        out.put("created", r.created());
        out.put("previous_status", r.previousStatus());
        out.put("status", r.status());
        out.put("promoted", r.promoted());
        if (p != null) {
            out.put("metrics", Map.of("total_executions", p.metrics().totalExecutions(),
                    "successful_executions", p.metrics().successfulExecutions(),
                    "failed_executions", p.metrics().failedExecutions(),
                    "success_rate", p.metrics().successRate(),
                    "avg_completion_time", p.metrics().avgCompletionTime()));
            out.put("score", score(r.score()));
            out.put("known_issues", p.knownIssues().stream().map(k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("issue", k.issue());
                m.put("frequency", k.frequency());
                m.put("fix", k.fix());
                return m;
            }).toList());
        }
        return out;
    }

    static Map<String, Object> score(PatternScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("successes", s.successes());
        m.put("trials", s.trials());
        m.put("posterior_mean", Texts.round(s.mean(), 4));
        m.put("wilson_lower", Texts.round(s.lower(), 4));
        m.put("wilson_upper", Texts.round(s.upper(), 4));
        return m;
    }


    static String text(RecordResult r) {
        Pattern p = r.pattern();
        if (r.duplicate()) {
            return "Execution " + r.executionId() + " was already recorded" + (p == null ? "" : " (pattern " + p.id() + ")")
                    + "; nothing changed.";
        }
        PatternScore s = r.score();
        StringBuilder sb = new StringBuilder();
        sb.append("Recorded execution ").append(r.executionId()).append(" on ")
                .append(r.created() ? "new pattern " : "pattern ").append(p.id()).append(".\n")
                .append(String.format(Locale.ROOT, "%d of %d runs succeeded; posterior mean %.2f, Wilson bounds %.2f-%.2f.%n",
                        s.successes(), s.trials(), s.mean(), s.lower(), s.upper()))
                .append("Status: ").append(p.status());
        if (r.previousStatus() != null && !r.previousStatus().equals(p.status())) {
            sb.append(" (was ").append(r.previousStatus()).append(')');
        }
        sb.append('.');
        if (!p.knownIssues().isEmpty()) {
            sb.append("\nKnown issues:");
            p.knownIssues().stream().limit(3).forEach(k -> sb.append("\n- ").append(k.issue()).append(" (x")
                    .append(k.frequency()).append(k.fix() == null ? "" : "; fix: " + k.fix()).append(')'));
        }
        return sb.toString();
    }
}
