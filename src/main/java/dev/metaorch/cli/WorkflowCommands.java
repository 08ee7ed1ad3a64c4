package dev.metaorch.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.metaorch.Services;
import dev.metaorch.bench.WorkflowBench;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.WorkflowGenerator;

/** The workflow commands' bodies, kept out of {@link Commands} so its switch stays one line per command. */
final class WorkflowCommands {

    private WorkflowCommands() {
    }

    /** {@code bench workflows [--dev FILE] [--cases]}: the table of WorkflowBench. */
    static int benchWorkflows(Options opts, Services services, PrintStream out) {
        opts.allow(Commands.shared("dev", "cases"));
        String dev = opts.value("dev");
        Path file = dev != null ? Path.of(dev) : Path.of(System.getProperty("shared.dir", "../shared"), "bench", "workflows-dev.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new Options.UsageException("dev set " + file + " not found (give --dev FILE)");
        }
        List<WorkflowBench.Case> cases = WorkflowBench.load(file);
        WorkflowGenerator gen = WorkflowGenerator.of(services);
        WorkflowBench.Report r = WorkflowBench.run(services.catalog(), cases,
                task -> gen.generate(new WorkflowGenerator.Request(task, List.of(), null, null)));
        if (opts.flag("json")) {
            out.println(Json.write(WorkflowBench.json(r)));
        } else {
            WorkflowBench.print(r, out, opts.value("cases") != null);
        }
        return 0;
    }
}
