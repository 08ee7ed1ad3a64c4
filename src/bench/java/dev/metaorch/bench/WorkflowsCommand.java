package dev.metaorch.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import dev.metaorch.Services;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import dev.metaorch.workflow.Constraints;
import dev.metaorch.workflow.WorkflowGenerator;
import dev.metaorch.workflow.WorkflowSpec;

/** {@code bench workflows}: the orchestration workflows and the realistic multi-step tasks, planned by generate_workflow's planner. */
final class WorkflowsCommand {

    private WorkflowsCommand() {
    }

    /**
     * {@code bench workflows [--dev FILE] [--realistic FILE] [--cases 1] [--cv] [--snapshot 1]}: the orchestration
     * workflows (agent and plugin F1 beside the bm25 top-n baseline) and the realistic multi-step tasks (step
     * precision, subtask coverage, top-1 accuracy, with and without subtasks, beside {@code bm25-per-subtask}).
     * The catalog is the marketplace folders of {@code ../shared/marketplaces} unless {@code --catalog} or
     * {@code --marketplace} name one; {@code --snapshot 1} uses the JSONL snapshot {@code ../shared/catalog} instead.
     */
    static int run(Options opts, Services services, PrintStream out) {
        Set<String> known = new HashSet<>(Options.SHARED);
        known.addAll(Set.of("dev", "realistic", "cases", "cv", "snapshot"));
        opts.allow(known);
        Path shared = Path.of(System.getProperty("shared.dir", "../shared"));
        Path file = opts.value("dev") != null ? Path.of(opts.value("dev")) : shared.resolve("bench").resolve("workflows-dev.jsonl");
        Path realisticFile = opts.value("realistic") != null ? Path.of(opts.value("realistic"))
                : shared.resolve("bench").resolve("realistic-dev.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new Options.UsageException("dev set " + file + " not found (give --dev FILE)");
        }
        if (!Files.isRegularFile(realisticFile)) {
            throw new Options.UsageException("realistic tasks " + realisticFile + " not found (give --realistic FILE)");
        }
        String source;
        Catalog catalog;
        if (!opts.all("catalog").isEmpty() || !opts.all("marketplace").isEmpty()) {
            catalog = services.catalog();
            source = "the catalog given on the command line";
        } else if (opts.value("snapshot") != null) {
            catalog = new CatalogService(CatalogSources.snapshots(shared.resolve("catalog"))).current();
            source = "snapshot " + shared.resolve("catalog");
        } else {
            List<Path> dirs = new ArrayList<>();
            try (var list = Files.list(shared.resolve("marketplaces"))) {
                list.filter(d -> Files.isRegularFile(d.resolve(".claude-plugin").resolve("marketplace.json"))).sorted().forEach(dirs::add);
            } catch (java.io.IOException e) {
                throw new Options.UsageException("marketplace folders " + shared.resolve("marketplaces") + " not readable: " + e.getMessage());
            }
            if (dirs.isEmpty()) {
                throw new Options.UsageException("no marketplace folders under " + shared.resolve("marketplaces") + " (give --marketplace DIR)");
            }
            catalog = new CatalogService(CatalogSources.folders(dirs)).current();
            source = "marketplace folders " + shared.resolve("marketplaces");
        }
        final Catalog cat = catalog;
        WorkflowGenerator gen = new WorkflowGenerator(() -> cat, () -> PatternLibrary.EMPTY, () -> Evidence.NONE,
                () -> KnownIssueSource.NONE);
        List<WorkflowBench.Case> cases = WorkflowBench.load(file);
        List<RealisticTasks> realistic = RealisticTasks.load(realisticFile);
        boolean perCase = opts.value("cases") != null;

        WorkflowBench.Report r = WorkflowBench.run(cat, cases,
                task -> gen.generate(new WorkflowGenerator.Request(task, List.of(), null, null)), Map.of());
        BiFunction<String, List<String>, List<PlanBench.Step>> ours = (task, subs) -> steps(gen.generate(
                new WorkflowGenerator.Request(task, subs, new Constraints(Set.of(), Set.of(), Set.of(), false, 20), null)));
        long t0 = System.nanoTime();
        List<PlanBench.TaskScore> without = PlanBench.run(cat, realistic, false, ours);
        List<PlanBench.TaskScore> with = PlanBench.run(cat, realistic, true, ours);
        long planMs = (System.nanoTime() - t0) / 1_000_000;
        List<PlanBench.TaskScore> base = PlanBench.run(cat, realistic, true, PlanBench.bm25PerSubtask(cat));
        List<PlanBench.Summary> rows = List.of(PlanBench.summarize("generate_workflow, without subtasks", without),
                PlanBench.summarize("generate_workflow, with subtasks", with), PlanBench.summarize("bm25-per-subtask", base));
        if (opts.flag("json")) {
            Map<String, Object> j = new LinkedHashMap<>(WorkflowBench.json(r));
            j.put("catalog", source);
            j.put("realistic", rows.stream().map(Json::toMap).toList());
            out.println(Json.write(j));
            return 0;
        }
        out.printf(Locale.ROOT, "bench workflows: catalog %s (%d plugins in %d marketplaces)%n%n", source, cat.size(),
                cat.marketplaces().size());
        WorkflowBench.print(r, out, perCase);
        long multi = realistic.stream().filter(RealisticTasks::multi).count();
        out.printf(Locale.ROOT, "%nrealistic multi-step tasks (%s): %d tasks, planned twice in %d ms%n%n", realisticFile, multi, planMs);
        PlanBench.printTable(rows, out);
        PlanBench.Summary w = rows.get(0);
        PlanBench.Summary s = rows.get(1);
        out.printf(Locale.ROOT, "%nwithout subtasks: step precision %.3f (target >= 0.85: %s), coverage %.3f (target >= 0.75: %s); "
                        + "with subtasks: top-1 %.3f (target >= 0.65: %s)%n", w.precision(), w.precision() >= 0.85 ? "met" : "NOT met",
                w.coverage(), w.coverage() >= 0.75 ? "met" : "NOT met", s.top1(), s.top1() >= 0.65 ? "met" : "NOT met");
        if (perCase) {
            out.println("\nwithout subtasks:");
            PlanBench.printCases(without, out);
            out.println("with subtasks:");
            PlanBench.printCases(with, out);
            out.println("bm25-per-subtask:");
            PlanBench.printCases(base, out);
        }
        if (opts.flag("cv")) {
            WorkflowBench.printCrossValidation(WorkflowBench.crossValidate(gen.search(), cat, cases, realistic,
                    WorkflowBench.tuningGrid()), out);
        }
        return 0;
    }

    /** A spec's steps as the plan benchmark reads them. */
    static List<PlanBench.Step> steps(WorkflowSpec spec) {
        return spec.steps().stream().map(st -> new PlanBench.Step(st.plugin(), st.kind(), st.component(), st.subtask())).toList();
    }
}
