package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.RecordResult;
import dev.metaorch.learn.Recording;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.store.Ids;
import dev.metaorch.util.Texts;

/**
 * record_outcome: learns from one finished execution (a run, or an outcome reported explicitly). Same task
 * class and plugin sequence update one pattern; a new sequence starts a discovered pattern; the status then
 * follows the evidence rule.
 */
public final class RecordOutcomeTool implements McpTool {

    public static final String NAME = "record_outcome";

    static final Set<String> ARGS = Set.of("run_id", "execution_id", "pattern_id", "task", "status", "duration_seconds",
            "plugin_sequence", "steps", "errors", "fix", "domain", "subdomain", "tags", "environment_requirements");
    /** Arguments that describe the outcome itself: a run supplies these. */
    static final Set<String> OUTCOME_ARGS = Set.of("execution_id", "pattern_id", "task", "status", "duration_seconds",
            "plugin_sequence", "steps");

    private final Services services;

    public RecordOutcomeTool(Services services) {
        this.services = services;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Record the outcome of a finished workflow (run_id, or task + status + plugin_sequence/steps) so the "
                + "pattern library learns: updates the pattern, per-plugin metrics and known issues, and promotes or "
                + "deprecates patterns on a confidence bound. The same execution recorded twice counts once.";
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = Args.of(NAME, arguments, ARGS);
        Recording rec = recording(a, services);
        RecordResult r = services.recorder().record(rec);
        Map<String, Object> out = result(r);
        return ToolResult.of(text(r), out);
    }

    static Recording recording(Args a, Services services) {
        Outcome outcome;
        if (a.has("run_id")) {
            String runId = Ids.check("run_id", a.text("run_id", 128));
            for (String k : OUTCOME_ARGS) {
                if (a.has(k)) {
                    throw new ToolException(NAME + ": '" + k + "' cannot be combined with run_id (the run supplies its outcome)");
                }
            }
            outcome = services.runOutcomes().outcome(runId).orElseThrow(() -> new ToolException("unknown run_id '" + runId
                    + "': no finished run with that id (start_run creates runs; a run must finish before it is recorded)"));
        } else {
            if (!a.has("status")) {
                throw new ToolException(NAME + ": give run_id, or an explicit outcome with 'status' (success or failure)");
            }
            String status = a.string("status", true).toLowerCase(Locale.ROOT);
            if (!status.equals("success") && !status.equals("failure")) {
                throw new ToolException(NAME + ": 'status' must be success or failure");
            }
            String exec = a.has("execution_id") ? Ids.check("execution_id", a.text("execution_id", 128)) : null;
            String pattern = a.has("pattern_id") ? Ids.check("pattern_id", a.text("pattern_id", 128)) : null;
            String task = a.has("task") ? a.text("task", 2000) : null;
            long ms = Math.round(a.number("duration_seconds", 0, 1e7, 0) * 1000);
            outcome = new Outcome(exec, pattern, null, task, status, ms, null, null, steps(a));
        }
        List<Pattern.Step> sequence = sequence(a);
        if (!a.has("run_id")) {
            refuseUnknownPlugins(services, sequence, outcome.steps());
        }
        return new Recording(outcome, sequence, optional(a, "domain", 100), optional(a, "subdomain", 100),
                limited(a, "tags", 20, 100), limited(a, "environment_requirements", 30, 200), limited(a, "errors", 20, 2000),
                optional(a, "fix", 1000));
    }

    /**
     * An explicit outcome may only name plugins of the catalog: a typo would otherwise start a pattern of a plugin
     * that does not exist (and a recommendation could never follow it). A run's plugins come from its plan.
     */
    static void refuseUnknownPlugins(Services services, List<Pattern.Step> sequence, List<Outcome.StepResult> steps) {
        java.util.LinkedHashSet<String> unknown = new java.util.LinkedHashSet<>();
        var catalog = services.catalog();
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

    private static String optional(Args a, String name, int max) {
        return a.has(name) ? a.text(name, max) : null;
    }

    private static List<String> limited(Args a, String name, int maxItems, int maxChars) {
        List<String> l = a.strings(name);
        if (l.size() > maxItems) {
            throw new ToolException(NAME + ": '" + name + "' has more than " + maxItems + " items");
        }
        for (String s : l) {
            if (s.length() > maxChars) {
                throw new ToolException(NAME + ": an item of '" + name + "' is longer than " + maxChars + " characters");
            }
        }
        return l;
    }

    private static List<Pattern.Step> sequence(Args a) {
        Object raw = a.raw("plugin_sequence");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> l) || l.size() > 50) {
            throw new ToolException(NAME + ": 'plugin_sequence' must be a list of at most 50 plugins");
        }
        List<Pattern.Step> out = new ArrayList<>();
        for (Object x : l) {
            if (x instanceof String s) {
                out.add(new Pattern.Step(plugin(s), null, null, null, null));
            } else if (x instanceof Map<?, ?> m) {
                for (Object k : m.keySet()) {
                    if (!Set.of("plugin", "component", "purpose").contains(String.valueOf(k))) {
                        throw new ToolException(NAME + ": unknown field '" + k + "' in plugin_sequence");
                    }
                }
                out.add(new Pattern.Step(plugin(str(m, "plugin", true, 200)), str(m, "component", false, 200),
                        str(m, "purpose", false, 500), null, null));
            } else {
                throw new ToolException(NAME + ": 'plugin_sequence' items are plugin ids or {plugin, component, purpose}");
            }
        }
        return out;
    }

    private static List<Outcome.StepResult> steps(Args a) {
        Object raw = a.raw("steps");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> l) || l.size() > 50) {
            throw new ToolException(NAME + ": 'steps' must be a list of at most 50 step results");
        }
        Set<String> fields = Set.of("step", "plugin", "component", "status", "duration_seconds", "error", "fix_applied");
        List<Outcome.StepResult> out = new ArrayList<>();
        int i = 0;
        for (Object x : l) {
            i++;
            if (!(x instanceof Map<?, ?> m)) {
                throw new ToolException(NAME + ": each item of 'steps' must be an object");
            }
            for (Object k : m.keySet()) {
                if (!fields.contains(String.valueOf(k))) {
                    throw new ToolException(NAME + ": unknown field '" + k + "' in steps");
                }
            }
            Object stepNo = m.get("step");
            int step = i;
            if (stepNo != null) {
                if (!(stepNo instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1
                        || n.intValue() > 1000) {
                    throw new ToolException(NAME + ": 'step' must be an integer from 1");
                }
                step = n.intValue();
            }
            String status = str(m, "status", true, 20).toLowerCase(Locale.ROOT);
            if (!status.equals("success") && !status.equals("failure")) {
                throw new ToolException(NAME + ": a step's 'status' must be success or failure");
            }
            Object d = m.get("duration_seconds");
            long ms = 0;
            if (d != null) {
                if (!(d instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1e7 || Double.isNaN(n.doubleValue())) {
                    throw new ToolException(NAME + ": a step's 'duration_seconds' must be a number from 0");
                }
                ms = Math.round(n.doubleValue() * 1000);
            }
            out.add(new Outcome.StepResult(step, plugin(str(m, "plugin", true, 200)), str(m, "component", false, 200), status,
                    ms, str(m, "error", false, 2000), str(m, "fix_applied", false, 1000)));
        }
        return out;
    }

    private static String plugin(String id) {
        String s = id.strip();
        if (s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
            throw new ToolException(NAME + ": invalid plugin id '" + s + "'");
        }
        return s;
    }

    private static String str(Map<?, ?> m, String key, boolean required, int max) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                throw new ToolException(NAME + ": '" + key + "' is required in each item");
            }
            return null;
        }
        if (!(v instanceof String s) || (required && s.isBlank())) {
            throw new ToolException(NAME + ": '" + key + "' must be a non-empty string");
        }
        if (s.length() > max) {
            throw new ToolException(NAME + ": '" + key + "' is longer than " + max + " characters");
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
