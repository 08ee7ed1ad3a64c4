package dev.metaorch.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.tools.GenerateWorkflowTool;
import dev.metaorch.mcp.tools.ResearchPluginsTool;
import dev.metaorch.util.Options;

/** The workflow commands' bodies, kept out of {@link Commands} so its switch stays one line per command. */
final class WorkflowCommands {

    private WorkflowCommands() {
    }

    /** {@code research "task" [--limit N]}: research_plugins. */
    static int research(Options opts, Services services, PrintStream out) {
        opts.allow(Commands.shared());
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("task", need(opts.text(), "research"));
        if (opts.value("limit") != null) {
            args.put("limit", opts.intValue("limit", 1, 30, 8));
        }
        return Commands.tool(services, ResearchPluginsTool.NAME, args, opts, out);
    }

    /**
     * {@code plan "task" [--subtask S]... [--require P]... [--exclude P]... [--only-marketplace M]...
     * [--installed-only] [--max-steps N] [--workspace DIR]}: generate_workflow.
     */
    static int plan(Options opts, Services services, PrintStream out) {
        opts.allow(Commands.shared("subtask", "require", "exclude", "only-marketplace", "installed-only", "max-steps", "workspace"));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("task", need(opts.text(), "plan"));
        if (!opts.all("subtask").isEmpty()) {
            args.put("subtasks", opts.all("subtask"));
        }
        if (!opts.all("require").isEmpty()) {
            args.put("required_plugins", opts.all("require"));
        }
        if (!opts.all("exclude").isEmpty()) {
            args.put("excluded_plugins", opts.all("exclude"));
        }
        if (!opts.all("only-marketplace").isEmpty()) {
            args.put("marketplaces", opts.all("only-marketplace"));
        }
        if (opts.flag("installed-only")) {
            args.put("installed_only", true);
        }
        if (opts.value("max-steps") != null) {
            args.put("max_steps", opts.intValue("max-steps", 1, 20, 8));
        }
        if (opts.value("workspace") != null) {
            args.put("workspace", opts.value("workspace"));
        }
        return Commands.tool(services, GenerateWorkflowTool.NAME, args, opts, out);
    }

    private static String need(String text, String command) {
        if (text == null || text.isBlank()) {
            throw new Options.UsageException(command + " needs a task: meta-orchestrator " + command + " \"task\"");
        }
        return text;
    }
}
