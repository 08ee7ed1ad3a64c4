package dev.metaorch.mcp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.metaorch.Services;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.learn.Pattern;
import dev.metaorch.mcp.tools.MatchPatternsTool;
import dev.metaorch.mcp.tools.RecommendPluginsTool;
import dev.metaorch.mcp.tools.RunStatusTool;
import dev.metaorch.store.Ids;
import dev.metaorch.workflow.WorkflowSpec;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The four phases of the loop (research, plan, implement, learn) as MCP prompts, which Claude Code offers
 * as slash commands ({@code /mcp__meta-orchestrator__research ...}). Each prompt is assembled when it is
 * asked for, from the catalog, the stores and the answers of the server's own tools, so the model starts
 * the phase with the current facts and the exact next calls. A tool that is not part of this build is
 * said to be missing rather than left out silently.
 */
public final class Prompts {

    /** Longest text argument accepted (a task description, a list of subtasks). */
    static final int MAX_ARG_CHARS = 4000;
    /** Cap on the text taken over from one tool answer, so a prompt stays a few thousand tokens at most. */
    static final int MAX_TOOL_TEXT = 3500;
    static final int TOP = 5;

    private record Phase(String name, String title, String description, List<McpSchema.PromptArgument> arguments,
                         Function<Map<String, String>, String> body) {
    }

    private final Services services;
    // the tools whose answers the prompts carry
    private final McpTool recommend;
    private final McpTool matchPatterns;
    private final McpTool runStatus;
    private final List<Phase> phases;

    public Prompts(Services services, List<McpTool> tools) {
        this.services = services;
        this.recommend = Resources.tool(tools, RecommendPluginsTool.NAME);
        this.matchPatterns = Resources.tool(tools, MatchPatternsTool.NAME);
        this.runStatus = Resources.tool(tools, RunStatusTool.NAME);
        this.phases = List.of(
                new Phase("research", "Research plugins for a task",
                        "Start the research phase: catalog facts, top plugin recommendations and matching patterns for a task",
                        List.of(arg("task", "What you want to get done", true)), this::research),
                new Phase("plan", "Plan a multi-plugin workflow",
                        "Start the plan phase: matched patterns and candidate plugins, then generate_workflow for the task",
                        List.of(arg("task", "What the workflow must achieve", true),
                                arg("subtasks", "Your own decomposition, one subtask per line (optional)", false)),
                        this::plan),
                new Phase("implement", "Run a generated workflow",
                        "Start the implement phase for a stored workflow: its steps, invocations and checks, run with validation",
                        List.of(arg("workflow_id", "Id of a workflow from generate_workflow", true),
                                arg("workspace", "Folder the run works in (optional)", false)),
                        this::implement),
                new Phase("learn", "Learn from a run",
                        "Start the learn phase: a run's state to record, or the pattern library's current standing",
                        List.of(arg("run_id", "Id of a finished run (optional: without it, the library summary)", false)),
                        this::learn));
    }

    private static McpSchema.PromptArgument arg(String name, String description, boolean required) {
        return new McpSchema.PromptArgument(name, description, required);
    }

    public List<McpServerFeatures.SyncPromptSpecification> specifications() {
        List<McpServerFeatures.SyncPromptSpecification> out = new ArrayList<>();
        for (Phase p : phases) {
            McpSchema.Prompt prompt = new McpSchema.Prompt(p.name(), p.title(), p.description(), p.arguments());
            out.add(new McpServerFeatures.SyncPromptSpecification(prompt, (exchange, request) -> get(p.name(), request.arguments())));
        }
        return out;
    }

    /** Builds one prompt; bad or missing arguments are an {@link McpError} with INVALID_PARAMS. */
    public McpSchema.GetPromptResult get(String name, Map<String, Object> rawArgs) {
        Phase phase = phases.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> invalid("unknown prompt '" + name + "' (research, plan, implement, learn)"));
        Map<String, String> args = new LinkedHashMap<>();
        Map<String, Object> raw = rawArgs == null ? Map.of() : rawArgs;
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (phase.arguments().stream().noneMatch(a -> a.name().equals(e.getKey()))) {
                throw invalid("prompt " + name + " has no argument '" + Resources.printable(String.valueOf(e.getKey()))
                        + "' (arguments: " + String.join(", ", phase.arguments().stream().map(McpSchema.PromptArgument::name).toList()) + ")");
            }
            if (e.getValue() == null) {
                continue;
            }
            String v = String.valueOf(e.getValue()).strip();
            if (v.length() > MAX_ARG_CHARS) {
                throw invalid("argument '" + e.getKey() + "' is longer than " + MAX_ARG_CHARS + " characters");
            }
            if (!v.isEmpty()) {
                args.put(e.getKey(), v);
            }
        }
        for (McpSchema.PromptArgument a : phase.arguments()) {
            if (Boolean.TRUE.equals(a.required()) && !args.containsKey(a.name())) {
                throw invalid("prompt " + name + " needs the argument '" + a.name() + "' (" + a.description() + ")");
            }
        }
        String text = phase.body().apply(args);
        return new McpSchema.GetPromptResult(phase.description(),
                List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text))));
    }

    static McpError invalid(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }

    // ------------------------------------------------------------------ phases

    private String research(Map<String, String> a) {
        String task = a.get("task");
        StringBuilder sb = new StringBuilder();
        sb.append("Research phase (meta-orchestrator): find the plugins of the installed marketplaces that fit this task, "
                + "and how much evidence there is that they work.\n\nTask: ").append(task).append("\n\n");
        catalogFacts(sb);
        section(sb, "Top recommendations", toolText(recommend, Map.of("task", task, "limit", TOP)));
        section(sb, "Stored patterns that match", toolText(matchPatterns, Map.of("task", task)));
        sb.append("## Next\n\n");
        int n = 1;
        sb.append(n++).append(". Call research_plugins with this task for the capability, integration and reliability report.\n");
        sb.append(n++).append(". Read plugin://<plugin_id> for any candidate whose components you need to see.\n");
        sb.append(n++).append(". Tell the user which plugins fit, which components to use and how to invoke each, "
                + "and what is missing (not installed, no recorded outcomes, name collisions).\n");
        sb.append(n).append(". For work that needs several plugins in order, continue with the plan prompt.\n");
        return sb.toString();
    }

    private String plan(Map<String, String> a) {
        String task = a.get("task");
        StringBuilder sb = new StringBuilder();
        sb.append("Plan phase (meta-orchestrator): turn this task into an ordered workflow of plugin components "
                + "with a validation check after each step.\n\nTask: ").append(task).append("\n");
        if (a.containsKey("subtasks")) {
            sb.append("\nSubtasks given by the user (use them as given, in this order):\n");
            a.get("subtasks").lines().map(String::strip).filter(l -> !l.isEmpty())
                    .forEach(l -> sb.append("- ").append(l.replaceFirst("^[-*\\d.)\\s]+", "")).append('\n'));
        }
        sb.append('\n');
        catalogFacts(sb);
        section(sb, "Stored patterns that match", toolText(matchPatterns, Map.of("task", task)));
        section(sb, "Candidate plugins", toolText(recommend, Map.of("task", task, "limit", TOP)));
        List<String> wf = Resources.newestFirst(services.workflows().dir(), ".yaml");
        sb.append("Workflows already stored: ").append(wf.size());
        if (!wf.isEmpty()) {
            sb.append(" (newest: ").append(String.join(", ", wf.stream().limit(3).toList())).append(')');
        }
        sb.append("\n\n## Next\n\n");
        sb.append("1. Call generate_workflow with task ").append(quote(task));
        if (a.containsKey("subtasks")) {
            sb.append(" and subtasks set to the list above");
        }
        sb.append(".\n2. Check the plan before running it: every step's component exists, flagged data-flow gaps, "
                + "the fallbacks, the checks. Show the user the steps and the Mermaid chart.\n"
                + "3. Continue with the implement prompt and the workflow_id it returned.\n");
        return sb.toString();
    }

    private String implement(Map<String, String> a) {
        String id = a.get("workflow_id");
        if (!Ids.valid(id)) {
            throw invalid("invalid workflow_id '" + Resources.printable(id) + "'");
        }
        WorkflowSpec w;
        try {
            w = services.workflows().find(id).orElse(null);
        } catch (dev.metaorch.util.Refusal e) {
            throw invalid(e.getMessage());
        }
        if (w == null) {
            List<String> known = Resources.newestFirst(services.workflows().dir(), ".yaml");
            throw invalid("unknown workflow_id '" + id + "'" + (known.isEmpty() ? "; no workflows are stored yet (use the plan prompt)"
                    : "; newest stored: " + String.join(", ", known.stream().limit(5).toList())));
        }
        String workspace = a.get("workspace");
        StringBuilder sb = new StringBuilder();
        sb.append("Implement phase (meta-orchestrator): run workflow ").append(id).append(" one step at a time, "
                + "validating each step before the next.\n\n");
        sb.append(WorkflowMarkdown.of(w, null)).append('\n');
        sb.append("Workspace: ").append(workspace != null ? workspace : "not given; use the user's project folder (ask if unclear)")
                .append("\n\n## Next\n\n");
        sb.append("1. Call start_run with workflow_id ").append(quote(id)).append(" and workspace ")
                .append(workspace != null ? quote(workspace) : "<the folder>").append("; keep the run_id.\n");
        sb.append("2. For each of the ").append(w.steps().size()).append(" steps: invoke the component as shown, then call "
                + "execute_step with run_id, step, and your report (status, outputs, error, duration_ms). "
                + "Do what its answer says: next step, retry, fallback or stop.\n");
        sb.append("3. When the run ends, continue with the learn prompt and the run_id.\n");
        return sb.toString();
    }

    private String learn(Map<String, String> a) {
        StringBuilder sb = new StringBuilder();
        String runId = a.get("run_id");
        if (runId != null) {
            if (!Ids.valid(runId)) {
                throw invalid("invalid run_id '" + Resources.printable(runId) + "'");
            }
            ToolResult r;
            try {
                services.awaitReady(ToolContext.NONE);
                r = runStatus.call(Map.of("run_id", runId), ToolContext.NONE);
            } catch (dev.metaorch.util.Refusal e) {
                throw invalid("unknown run '" + runId + "': " + e.getMessage());
            }
            if (r.error()) {
                throw invalid("unknown run '" + runId + "': " + r.text());
            }
            sb.append("Learn phase (meta-orchestrator): record what run ").append(runId)
                    .append(" teaches, so later plans prefer what worked.\n\n## Run\n\n").append(cap(r.text())).append("\n\n");
        } else {
            sb.append("Learn phase (meta-orchestrator): review what the pattern library knows now and record any "
                    + "finished run that is not recorded yet.\n\n");
        }
        libraryFacts(sb);
        List<String> runs = Resources.newestFirst(services.runs().dir(), ".jsonl");
        sb.append("Runs stored: ").append(runs.size());
        if (!runs.isEmpty()) {
            sb.append(" (newest: ").append(String.join(", ", runs.stream().limit(5).toList())).append(')');
        }
        sb.append("\n\n## Next\n\n");
        int n = 1;
        sb.append(n++).append(runId != null ? ". Call record_outcome with run_id " + quote(runId) + ".\n"
                : ". For each finished run not yet recorded, call record_outcome with its run_id.\n");
        sb.append(n++).append(". If a step failed, include the error text and any fix that worked, so it becomes a known issue.\n");
        sb.append(n).append(". Call pattern_stats to show how the library changed.\n");
        return sb.toString();
    }

    // ------------------------------------------------------------------ live facts

    private void catalogFacts(StringBuilder sb) {
        services.awaitReady(ToolContext.NONE);
        Catalog c = services.catalog();
        if (c.isEmpty()) {
            sb.append("Catalog: empty. No marketplaces are loaded, so there is nothing to recommend yet; tell the user how "
                    + "to add one (claude plugin marketplace add <owner/repo or folder>).\n\n");
            return;
        }
        long installed = c.plugins().stream().filter(p -> p.install().installed()).count();
        sb.append("Catalog: ").append(c.size()).append(" plugins in ").append(c.marketplaces().size()).append(" marketplaces (")
                .append(String.join(", ", c.marketplaces().stream().map(m -> m.name()).toList())).append("), ")
                .append(installed).append(" installed; ");
        List<String> parts = new ArrayList<>();
        for (ComponentKind k : List.of(ComponentKind.AGENT, ComponentKind.COMMAND, ComponentKind.SKILL)) {
            long n = c.plugins().stream().mapToLong(p -> p.count(k)).sum();
            parts.add(n + " " + k.id() + "s");
        }
        sb.append(String.join(", ", parts)).append(".\n\n");
    }

    private void libraryFacts(StringBuilder sb) {
        List<Pattern> all = services.patterns().patterns();
        sb.append("## Pattern library\n\n").append(all.size()).append(" patterns");
        if (!all.isEmpty()) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (String s : Pattern.STATUSES) {
                byStatus.put(s, all.stream().filter(p -> s.equals(p.status())).count());
            }
            sb.append(" (");
            sb.append(String.join(", ", byStatus.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
            sb.append(")");
        }
        sb.append(".\n");
        all.stream().sorted(Comparator.comparingInt((Pattern p) -> -p.metrics().totalExecutions()).thenComparing(Pattern::id))
                .limit(TOP)
                .forEach(p -> sb.append("- pattern://").append(p.id()).append(": ").append(p.status()).append(", ")
                        .append(p.metrics().totalExecutions()).append(" runs")
                        .append(p.metrics().totalExecutions() > 0
                                ? String.format(Locale.ROOT, ", success rate %.2f", p.metrics().successRate()) : "")
                        .append('\n'));
        sb.append('\n');
    }

    /** The text answer of one of our tools, or a sentence saying why it gave none. */
    private String toolText(McpTool t, Map<String, Object> args) {
        String name = t.name();
        services.awaitReady(ToolContext.NONE);
        try {
            ToolResult r = t.call(args, ToolContext.NONE);
            return r.error() ? name + " answered with an error: " + r.text() : cap(r.text());
        } catch (dev.metaorch.util.Refusal e) {
            return name + " answered with an error: " + e.getMessage();
        } catch (RuntimeException e) {
            // A defect in one tool must not take the whole prompt down; the log has the details.
            org.slf4j.LoggerFactory.getLogger(Prompts.class).error("{} failed inside a prompt", name, e);
            return name + " failed with an internal error (" + e.getClass().getSimpleName() + ").";
        }
    }

    private static void section(StringBuilder sb, String title, String body) {
        sb.append("## ").append(title).append("\n\n").append(body.strip()).append("\n\n");
    }

    private static String cap(String s) {
        return s.length() <= MAX_TOOL_TEXT ? s : s.substring(0, MAX_TOOL_TEXT) + "\n\u2026 (cut; call the tool for the rest)";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
