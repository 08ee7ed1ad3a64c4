package dev.metaorch.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.metaorch.Services;
import dev.metaorch.bench.WorkflowBench;
import dev.metaorch.mcp.tools.GenerateWorkflowTool;
import dev.metaorch.mcp.tools.ResearchPluginsTool;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.Decomposer;
import dev.metaorch.workflow.WorkflowGenerator;
import dev.metaorch.workflow.WorkflowSpec;

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

    private static Function<String, WorkflowSpec> tuned(WorkflowGenerator gen, Decomposer.Tuning t) {
        return task -> gen.generate(new WorkflowGenerator.Request(task, List.of(), null, null), t);
    }

    /** {@code bench workflows [--dev FILE] [--cases]}: the table of WorkflowBench. */
    static int benchWorkflows(Options opts, Services services, PrintStream out) {
        opts.allow(Commands.shared("dev", "cases", "cv"));
        String dev = opts.value("dev");
        Path file = dev != null ? Path.of(dev) : Path.of(System.getProperty("shared.dir", "../shared"), "bench", "workflows-dev.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new Options.UsageException("dev set " + file + " not found (give --dev FILE)");
        }
        List<WorkflowBench.Case> cases = WorkflowBench.load(file);
        WorkflowGenerator gen = WorkflowGenerator.of(services);
        // Beside ours: the first release's settings, and the default without its phase term and with it halved and
        // raised by half, so the table shows what the term adds and how sensitive the figure is to its weight.
        Map<String, Function<String, WorkflowSpec>> others = new LinkedHashMap<>();
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        others.put("generate_workflow, legacy settings", tuned(gen, Decomposer.Tuning.LEGACY));
        others.put("generate_workflow without the phase term", tuned(gen, d.withPhaseWeight(0)));
        others.put("generate_workflow, phase weight x0.5", tuned(gen, d.withPhaseWeight(d.wPhase() * 0.5)));
        others.put("generate_workflow, phase weight x1.5", tuned(gen, d.withPhaseWeight(d.wPhase() * 1.5)));
        WorkflowBench.Report r = WorkflowBench.run(services.catalog(), cases,
                task -> gen.generate(new WorkflowGenerator.Request(task, List.of(), null, null)), others);
        if (opts.flag("json")) {
            out.println(Json.write(WorkflowBench.json(r)));
        } else {
            WorkflowBench.print(r, out, opts.value("cases") != null);
            if (opts.flag("cv")) {
                WorkflowBench.printCrossValidation(WorkflowBench.crossValidate(gen.search(), cases, Decomposer.Tuning.grid()), out);
            }
        }
        return 0;
    }
}
