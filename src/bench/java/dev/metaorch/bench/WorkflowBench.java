package dev.metaorch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.Scored;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.CatalogSearch;
import dev.metaorch.workflow.Constraints;
import dev.metaorch.workflow.Decomposer;
import dev.metaorch.workflow.WorkflowGenerator;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import tools.jackson.databind.JsonNode;

/**
 * {@code bench workflows}: for each dev task (a real orchestration command's task and the agents it runs, in
 * order) generate a workflow over the catalog and compare its agents with the true ones: agent-set F1,
 * plugin-set F1 and pairwise order agreement, beside the pinned baseline computed in the same run (the top-n
 * agents by the {@code bm25} ranker over agent documents, n = the true number of agents, in rank order).
 */
public final class WorkflowBench {

    /** One dev case: the task and the true agents ({@code plugin:agent}) and plugins, in order. */
    public record Case(String id, String task, List<String> agents, List<String> plugins) {
    }

    /** Scores of one system on one case; NaN where a measure does not apply. */
    public record Score(double agentF1, double pluginF1, double order, int pairs, List<String> predicted) {
    }

    /** Averages over the cases where each measure applies. */
    public record Summary(String system, double agentF1, int agentCases, double pluginF1, int pluginCases, double order,
                          int orderCases) {
    }

    public record Report(List<Case> cases, List<Score> ours, List<Score> baseline, Summary oursSummary,
                         Summary baselineSummary, long millis, List<Summary> others) {
    }

    private WorkflowBench() {
    }

    public static List<Case> load(Path file) {
        List<Case> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.MAPPER.readTree(line);
                List<String> agents = new ArrayList<>(new LinkedHashSet<>(strings(n.path("agents"))));
                List<String> plugins = strings(n.path("plugin_order"));
                if (plugins.isEmpty()) {
                    // Plugins in the order their agents first appear.
                    Set<String> ps = new LinkedHashSet<>();
                    agents.forEach(a -> ps.add(a.substring(0, a.indexOf(':'))));
                    strings(n.path("plugins")).forEach(ps::add);
                    plugins = new ArrayList<>(ps);
                }
                out.add(new Case(n.path("id").asString(""), n.path("task").asString(""), agents, plugins));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asString("")));
        return out;
    }

    /** The baseline's agent document: plugin name + description + agent name + description, one field. */
    public static String agentDocument(Plugin p, Component a) {
        return p.name() + "\n" + p.description() + "\n" + a.name() + "\n" + a.description();
    }

    private record AgentRef(Plugin plugin, Component agent) {
        String qualified() {
            return plugin.name() + ":" + agent.name();
        }
    }

    public static Report run(Catalog catalog, List<Case> cases, Function<String, WorkflowSpec> generator) {
        return run(catalog, cases, generator, Map.of());
    }

    /**
     * With {@code others}: the same cases planned by other settings (an earlier release's, ablations), each summarized
     * under its label beside ours, in the map's order. {@code millis} times ours and the baseline only.
     */
    public static Report run(Catalog catalog, List<Case> cases, Function<String, WorkflowSpec> generator,
                             Map<String, Function<String, WorkflowSpec>> others) {
        long t0 = System.nanoTime();
        List<AgentRef> agents = new ArrayList<>();
        for (Plugin p : catalog.plugins()) {
            for (Component c : p.components(ComponentKind.AGENT)) {
                agents.add(new AgentRef(p, c));
            }
        }
        Bm25Ranker<AgentRef> bm25 = Bm25Ranker.of(agents, a -> agentDocument(a.plugin(), a.agent()));
        List<Score> ours = new ArrayList<>();
        List<Score> base = new ArrayList<>();
        for (Case c : cases) {
            ours.add(score(c, generator.apply(c.task())));

            int n = Math.max(1, c.agents().isEmpty() ? c.plugins().size() : c.agents().size());
            Set<String> top = new LinkedHashSet<>();
            for (Scored<AgentRef> s : bm25.search(c.task(), n * 4 + 10)) {
                top.add(s.item().qualified());
                if (top.size() >= n) {
                    break;
                }
            }
            List<String> bAgents = new ArrayList<>(top);
            Set<String> bPlugins = new LinkedHashSet<>();
            bAgents.forEach(a -> bPlugins.add(a.substring(0, a.indexOf(':'))));
            base.add(score(c, bAgents, new ArrayList<>(bPlugins)));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<Summary> rows = new ArrayList<>();
        others.forEach((label, gen) -> rows.add(summarize(label, cases.stream().map(c -> score(c, gen.apply(c.task()))).toList())));
        return new Report(cases, ours, base, summarize("generate_workflow", ours), summarize("bm25 top-n agents", base),
                millis, rows);
    }

    /** A generated spec scored against the case: its agent steps, and the plugins of all its steps, in order. */
    static Score score(Case c, WorkflowSpec spec) {
        List<String> predAgents = new ArrayList<>(new LinkedHashSet<>(spec.steps().stream()
                .filter(s -> !s.gap() && "agent".equals(s.kind())).map(s -> pluginName(s) + ":" + s.component()).toList()));
        List<String> predPlugins = new ArrayList<>(new LinkedHashSet<>(spec.steps().stream().filter(s -> !s.gap())
                .map(WorkflowBench::pluginName).toList()));
        return score(c, predAgents, predPlugins);
    }

    /**
     * Leave-one-out result: per held-out case the score under the setting chosen on the other cases of its set,
     * beside the default setting's full-run figures.
     */
    public record CrossValidation(Summary workflows, PlanBench.Summary without, PlanBench.Summary with,
                                  Summary workflowsDefault, PlanBench.Summary withoutDefault, PlanBench.Summary withDefault,
                                  Map<Decomposer.Tuning, Integer> chosen) {
    }

    /**
     * Leave-one-out cross-validation of the planner's knobs ({@link #tuningGrid()}), on each dev set
     * apart: for a held-out workflow, the setting with the best mean agent F1 + plugin F1 over the other workflows;
     * for a held-out realistic task, the one with the best mean step precision + coverage (without subtasks) +
     * top-1 (with subtasks) over the other tasks. Scores the decomposition alone (no patterns, no constraints).
     */
    public static CrossValidation crossValidate(CatalogSearch search, Catalog catalog, List<Case> cases,
                                                List<RealisticTasks> realistic, List<Decomposer.Tuning> grid) {
        List<RealisticTasks> multi = realistic.stream().filter(RealisticTasks::multi).toList();
        Score[][] wf = new Score[grid.size()][cases.size()];
        PlanBench.TaskScore[][] wo = new PlanBench.TaskScore[grid.size()][multi.size()];
        PlanBench.TaskScore[][] wi = new PlanBench.TaskScore[grid.size()][multi.size()];
        for (int g = 0; g < grid.size(); g++) {
            if (g % 24 == 0) {
                System.err.printf(Locale.ROOT, "cross-validation: planning with setting %d of %d%n", g + 1, grid.size());
            }
            Decomposer d = new Decomposer(search, grid.get(g));
            for (int i = 0; i < cases.size(); i++) {
                List<Decomposer.Pick> picks = d.fromTask(cases.get(i).task(), Constraints.NONE).picks().stream()
                        .filter(p -> !p.gap()).toList();
                List<String> ag = new ArrayList<>(new LinkedHashSet<>(picks.stream()
                        .filter(p -> p.ref().component().kind() == ComponentKind.AGENT).map(p -> p.ref().qualified()).toList()));
                List<String> pl = new ArrayList<>(new LinkedHashSet<>(picks.stream().map(p -> p.ref().plugin().name()).toList()));
                wf[g][i] = score(cases.get(i), ag, pl);
            }
            for (int i = 0; i < multi.size(); i++) {
                RealisticTasks t = multi.get(i);
                wo[g][i] = PlanBench.score(catalog, t, steps(d.fromTask(t.task(), Constraints.NONE).picks()), false);
                wi[g][i] = PlanBench.score(catalog, t, steps(d.fromSubtasks(t.task(), t.subtasks(), Constraints.NONE).picks()), true);
            }
        }
        Map<Decomposer.Tuning, Integer> chosen = new LinkedHashMap<>();
        List<Score> heldWf = new ArrayList<>();
        for (int out = 0; out < cases.size(); out++) {
            int best = 0;
            double bestObj = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < grid.size(); g++) {
                List<Score> train = new ArrayList<>();
                for (int i = 0; i < cases.size(); i++) {
                    if (i != out) {
                        train.add(wf[g][i]);
                    }
                }
                Summary m = summarize("", train);
                double obj = m.agentF1() + m.pluginF1();
                if (obj > bestObj + 1e-9) {
                    bestObj = obj;
                    best = g;
                }
            }
            heldWf.add(wf[best][out]);
            chosen.merge(grid.get(best), 1, Integer::sum);
        }
        List<PlanBench.TaskScore> heldWo = new ArrayList<>();
        List<PlanBench.TaskScore> heldWi = new ArrayList<>();
        for (int out = 0; out < multi.size(); out++) {
            int best = 0;
            double bestObj = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < grid.size(); g++) {
                List<PlanBench.TaskScore> a = new ArrayList<>();
                List<PlanBench.TaskScore> b = new ArrayList<>();
                for (int i = 0; i < multi.size(); i++) {
                    if (i != out) {
                        a.add(wo[g][i]);
                        b.add(wi[g][i]);
                    }
                }
                PlanBench.Summary sa = PlanBench.summarize("", a);
                PlanBench.Summary sb = PlanBench.summarize("", b);
                double obj = sa.precision() + sa.coverage() + sb.top1();
                if (obj > bestObj + 1e-9) {
                    bestObj = obj;
                    best = g;
                }
            }
            heldWo.add(wo[best][out]);
            heldWi.add(wi[best][out]);
            chosen.merge(grid.get(best), 1, Integer::sum);
        }
        int def = grid.indexOf(Decomposer.Tuning.DEFAULT);
        Summary wfDef = def < 0 ? null : summarize("default", java.util.Arrays.asList(wf[def]));
        PlanBench.Summary woDef = def < 0 ? null : PlanBench.summarize("default", java.util.Arrays.asList(wo[def]));
        PlanBench.Summary wiDef = def < 0 ? null : PlanBench.summarize("default", java.util.Arrays.asList(wi[def]));
        return new CrossValidation(summarize("leave-one-out", heldWf), PlanBench.summarize("leave-one-out", heldWo),
                PlanBench.summarize("leave-one-out", heldWi), wfDef, woDef, wiDef, chosen);
    }

    private static List<PlanBench.Step> steps(List<Decomposer.Pick> picks) {
        return picks.stream().map(p -> p.gap() ? new PlanBench.Step(null, null, null, p.subtask())
                : new PlanBench.Step(p.ref().plugin().id(), p.ref().component().kind().id(), p.ref().component().name(),
                p.subtask())).toList();
    }

    /** The decomposition settings cross-validation compares (the default among them). */
    public static List<Decomposer.Tuning> tuningGrid() {
        List<Decomposer.Tuning> out = new ArrayList<>();
        for (double gap : new double[]{0, 0.2, 0.4}) {
            for (double whole : new double[]{0.7, 0.9, 1.01}) {
                for (double same : new double[]{0, 0.1, 0.2, 0.3, 0.4}) {
                    for (double cover : new double[]{0, 0.5, 1}) {
                        for (double context : new double[]{0.1, 0.2, 0.3}) {
                            for (double repeat : new double[]{0, 0.25}) {
                                for (double roleMiss : new double[]{0, 0.3}) {
                                    out.add(new Decomposer.Tuning(gap, whole, same, cover, context, repeat, roleMiss));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    public static void printCrossValidation(CrossValidation cv, PrintStream out) {
        out.printf(Locale.ROOT, "%nleave-one-out over %d settings (decomposition only), beside the default setting on all cases:%n",
                tuningGrid().size());
        out.println("| figure | leave-one-out | default, full run |");
        out.println("|---|---|---|");
        out.printf(Locale.ROOT, "| workflows agent F1 | %.3f | %s |%n", cv.workflows().agentF1(),
                cv.workflowsDefault() == null ? "-" : String.format(Locale.ROOT, "%.3f", cv.workflowsDefault().agentF1()));
        out.printf(Locale.ROOT, "| workflows plugin F1 | %.3f | %s |%n", cv.workflows().pluginF1(),
                cv.workflowsDefault() == null ? "-" : String.format(Locale.ROOT, "%.3f", cv.workflowsDefault().pluginF1()));
        out.printf(Locale.ROOT, "| realistic step precision, without subtasks | %.3f | %s |%n", cv.without().precision(),
                cv.withoutDefault() == null ? "-" : String.format(Locale.ROOT, "%.3f", cv.withoutDefault().precision()));
        out.printf(Locale.ROOT, "| realistic subtask coverage, without subtasks | %.3f | %s |%n", cv.without().coverage(),
                cv.withoutDefault() == null ? "-" : String.format(Locale.ROOT, "%.3f", cv.withoutDefault().coverage()));
        out.printf(Locale.ROOT, "| realistic top-1, with subtasks | %.3f | %s |%n", cv.with().top1(),
                cv.withDefault() == null ? "-" : String.format(Locale.ROOT, "%.3f", cv.withDefault().top1()));
        cv.chosen().entrySet().stream().sorted(Map.Entry.<Decomposer.Tuning, Integer>comparingByValue().reversed())
                .forEach(e -> out.printf(Locale.ROOT, "  chosen in %d fold(s): %s%n", e.getValue(), e.getKey()));
    }

    private static String pluginName(WorkflowStep s) {
        String p = s.plugin();
        int at = p.indexOf('@');
        return at < 0 ? p : p.substring(0, at);
    }

    public static Score score(Case c, List<String> predAgents, List<String> predPlugins) {
        double agentF1 = c.agents().isEmpty() ? Double.NaN : f1(c.agents(), predAgents);
        double pluginF1 = f1(c.plugins(), predPlugins);
        // Order: agent pairs present in both; for a chain of commands (no agents), the plugins' order.
        List<String> truth = c.agents().isEmpty() ? c.plugins() : c.agents();
        List<String> pred = c.agents().isEmpty() ? predPlugins : predAgents;
        int pairs = 0;
        int agree = 0;
        List<String> common = truth.stream().filter(pred::contains).toList();
        for (int i = 0; i < common.size(); i++) {
            for (int j = i + 1; j < common.size(); j++) {
                pairs++;
                if (pred.indexOf(common.get(i)) < pred.indexOf(common.get(j))) {
                    agree++;
                }
            }
        }
        return new Score(agentF1, pluginF1, pairs == 0 ? Double.NaN : (double) agree / pairs, pairs,
                predAgents.isEmpty() ? predPlugins : predAgents);
    }

    static double f1(List<String> truth, List<String> pred) {
        if (truth.isEmpty() && pred.isEmpty()) {
            return 1;
        }
        long tp = pred.stream().distinct().filter(truth::contains).count();
        if (tp == 0) {
            return 0;
        }
        double p = (double) tp / pred.stream().distinct().count();
        double r = (double) tp / truth.stream().distinct().count();
        return 2 * p * r / (p + r);
    }

    static Summary summarize(String system, List<Score> scores) {
        double a = 0, pl = 0, o = 0;
        int na = 0, np = 0, no = 0;
        for (Score s : scores) {
            if (!Double.isNaN(s.agentF1())) {
                a += s.agentF1();
                na++;
            }
            if (!Double.isNaN(s.pluginF1())) {
                pl += s.pluginF1();
                np++;
            }
            if (!Double.isNaN(s.order())) {
                o += s.order();
                no++;
            }
        }
        return new Summary(system, na == 0 ? 0 : a / na, na, np == 0 ? 0 : pl / np, np, no == 0 ? 0 : o / no, no);
    }

    /** The printed table: per-case rows, then the two systems side by side and the targets. */
    public static void print(Report r, PrintStream out, boolean perCase) {
        if (perCase) {
            out.println("| case | agent F1 | baseline | plugin F1 | baseline | order | baseline |");
            out.println("|---|---|---|---|---|---|---|");
            for (int i = 0; i < r.cases().size(); i++) {
                Score o = r.ours().get(i);
                Score b = r.baseline().get(i);
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.cases().get(i).id(), f(o.agentF1()),
                        f(b.agentF1()), f(o.pluginF1()), f(b.pluginF1()), f(o.order()), f(b.order()));
                if ("2".equals(System.getProperty("bench.verbose"))) {
                    out.println("|   truth: " + r.cases().get(i).agents() + " " + r.cases().get(i).plugins());
                    out.println("|   ours:  " + o.predicted());
                    out.println("|   bm25:  " + b.predicted());
                }
            }
            out.println();
        }
        Summary o = r.oursSummary();
        Summary b = r.baselineSummary();
        out.printf(Locale.ROOT, "workflows benchmark: %d dev tasks, %d ms%n%n", r.cases().size(), r.millis());
        out.println("| system | agent F1 | plugin F1 | order agreement |");
        out.println("|---|---|---|---|");
        List<Summary> rows = new ArrayList<>(List.of(o));
        rows.addAll(r.others());
        rows.add(b);
        for (Summary s : rows) {
            out.printf(Locale.ROOT, "| %s | %.3f (n=%d) | %.3f (n=%d) | %.3f (n=%d) |%n", s.system(), s.agentF1(), s.agentCases(),
                    s.pluginF1(), s.pluginCases(), s.order(), s.orderCases());
        }
        double ratio = b.agentF1() == 0 ? Double.POSITIVE_INFINITY : o.agentF1() / b.agentF1();
        out.printf(Locale.ROOT, "%nagent F1 %.2fx baseline (target >= 1.6x: %s); plugin F1 %.3f (target >= 0.75: %s); "
                        + "order agreement %.3f (target >= 0.8: %s)%n", ratio, ratio >= 1.6 ? "met" : "NOT met", o.pluginF1(),
                o.pluginF1() >= 0.75 ? "met" : "NOT met", o.order(), o.order() >= 0.8 ? "met" : "NOT met");
    }

    private static String f(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }

    /** Summary as a map for {@code --json}. */
    public static Map<String, Object> json(Report r) {
        return Map.of("cases", r.cases().size(), "ours", Json.toMap(r.oursSummary()), "baseline", Json.toMap(r.baselineSummary()),
                "others", r.others().stream().map(Json::toMap).toList(), "millis", r.millis());
    }
}
