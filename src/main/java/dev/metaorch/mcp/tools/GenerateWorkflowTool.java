package dev.metaorch.mcp.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.config.Settings;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.WorkflowMarkdown;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.Constraints;
import dev.metaorch.workflow.WorkflowGenerator;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;

/** generate_workflow: a task to a stored, validated, ordered plugin workflow (the Planning Phase). */
public final class GenerateWorkflowTool implements McpTool {

    public static final String NAME = "generate_workflow";
    public static final ToolDefinition DEFINITION = ToolDefinition.writing(NAME,
            "Plan a task as an ordered plugin workflow: steps with invocation, data flow, concrete checks, retries, "
                + "fallbacks, success estimate, Mermaid chart. Stored as workflows/<workflow_id>.yaml.");

    private final Warmup warmup;
    private final WorkflowGenerator planner;
    private final WorkflowStore workflows;
    private final Settings settings;

    /** {@code settings} gives the allowlist of programs the plan's checks may run, and where it is configured. */
    public GenerateWorkflowTool(Warmup warmup, WorkflowGenerator planner, WorkflowStore workflows, Settings settings) {
        this.warmup = warmup;
        this.planner = planner;
        this.workflows = workflows;
        this.settings = settings;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args a = DEFINITION.args(arguments);
        String task = a.string("task");
        List<String> subtasks = a.strings("subtasks");
        int maxSteps = a.integer("max_steps", Math.max(Constraints.DEFAULT_MAX_STEPS, subtasks.size()));
        if (!subtasks.isEmpty() && subtasks.size() > maxSteps) {
            throw a.refuse(subtasks.size() + " subtasks but max_steps is " + maxSteps);
        }
        String workspace = a.string("workspace");
        warmup.await(ctx);
        ctx.progress(0, 2.0, "planning");
        Constraints c = Constraints.resolve(planner.catalog(), a.strings("required_plugins"), a.strings("excluded_plugins"),
                a.strings("marketplaces"), a.bool("installed_only", false), maxSteps);
        WorkflowSpec spec = planner.generate(new WorkflowGenerator.Request(task, subtasks, c, workspace));
        workflows.save(spec);
        ctx.progress(2, 2.0, "stored " + spec.workflowId());
        Map<String, Object> allow = allowlist(spec, settings.allowedPrograms(), settings.configFile());
        Map<String, Object> structured = new LinkedHashMap<>(Json.toMap(spec));
        structured.put("allowlist", allow);
        return ToolResult.of(WorkflowMarkdown.of(spec, workflows.dir().resolve(spec.workflowId() + ".yaml").toString())
                + allowText(allow), structured);
    }

    /**
     * What the plan's command checks need allowed: every program they run, those the allowlist lacks, and the
     * exact config.yaml line that allows them all. Checks that cannot run are reported unverified, not failed.
     */
    static Map<String, Object> allowlist(WorkflowSpec spec, List<String> allowed, java.nio.file.Path configFile) {
        List<String> programs = new java.util.ArrayList<>(WorkflowGenerator.programs(spec.steps(), spec.finalValidation()));
        programs.remove("(none needed)");
        List<String> missing = programs.stream().filter(p -> !allowed.contains(p)).toList();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("programs", programs);
        m.put("allowed", allowed);
        m.put("missing", missing);
        if (!missing.isEmpty()) {
            m.put("config_line", dev.metaorch.execute.CheckRunner.allowLine(allowed, missing));
            m.put("where", dev.metaorch.execute.CheckRunner.allowWhere(configFile));
            List<String> unverified = new java.util.ArrayList<>();
            for (WorkflowStep st : spec.steps()) {
                for (Check c : st.validation()) {
                    if (dev.metaorch.execute.CheckRunner.needs(c, allowed) != null) {
                        unverified.add("step " + st.step() + ": " + c.label());
                    }
                }
            }
            for (Check c : spec.finalValidation()) {
                if (dev.metaorch.execute.CheckRunner.needs(c, allowed) != null) {
                    unverified.add("final: " + c.label());
                }
            }
            m.put("checks_unverified_until_allowed", unverified);
        }
        return m;
    }

    static String allowText(Map<String, Object> allow) {
        @SuppressWarnings("unchecked")
        List<String> programs = (List<String>) allow.get("programs");
        if (programs.isEmpty()) {
            return "\nAllowlist: no check runs a program; file, regex and HTTP checks need nothing allowed.\n";
        }
        if (allow.get("config_line") == null) {
            return "\nAllowlist: every program the checks run is allowed (" + String.join(", ", programs) + ").\n";
        }
        return "\nAllowlist: the checks run " + String.join(", ", programs) + "; not allowed yet: "
                + String.join(", ", (List<String>) allow.get("missing")) + ". Until you put '" + allow.get("config_line") + "' "
                + allow.get("where") + ", these checks will be reported unverified (not failed): "
                + String.join("; ", (List<String>) allow.get("checks_unverified_until_allowed")) + ".\n";
    }
}
