package dev.metaorch.workflow;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.learn.Posterior;
import dev.metaorch.recommend.IndexProvider;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.store.Ids;
import dev.metaorch.util.Refusal;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.CatalogSearch.Ref;
import dev.metaorch.workflow.Decomposer.Pick;

/**
 * From a task to a workflow spec (the design's Planning Phase): decompose (the caller's subtasks, a stored
 * pattern, or a split by capability), wire the data flow and flag its gaps, derive each step's checks from
 * its phase and the workspace, pick a fallback per step, estimate the success rate from recorded outcomes,
 * and draw the flowchart. Storing the spec is the caller's choice ({@link WorkflowStore#save}).
 */
public final class WorkflowGenerator {

    /** Task match a stored pattern needs before the plan follows it instead of a fresh decomposition. */
    public static final double PATTERN_MIN_TASK_MATCH = 0.5;
    /**
     * The posterior quantile a pattern's record must put above a fresh plan's expected success before the plan follows
     * it: 1 success in 1 run gives 0.22, 3 of 3 0.47, 4 of 4 0.55, against the neutral 0.5 of a fresh plan whose
     * sequence has no record.
     */
    public static final double PATTERN_LOWER_QUANTILE = 0.05;

    /** What to plan. {@code workspace} may be null; {@code subtasks} empty means decompose. */
    public record Request(String task, List<String> subtasks, Constraints constraints, String workspace) {
        public Request {
            subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
            constraints = constraints == null ? Constraints.NONE : constraints;
        }
    }

    private final Supplier<Catalog> catalog;
    private final Supplier<PatternLibrary> patterns;
    private final Supplier<Evidence> evidence;
    private final Supplier<KnownIssueSource> issues;
    private volatile CatalogSearch search;
    private final Function<Catalog, RelevanceIndex> indexes;

    /** A planner with search indexes of its own, kept in memory (tests and benchmarks). */
    public WorkflowGenerator(Supplier<Catalog> catalog, Supplier<PatternLibrary> patterns, Supplier<Evidence> evidence,
                             Supplier<KnownIssueSource> issues) {
        this(catalog, IndexProvider.inMemory()::index, patterns, evidence, issues);
    }

    /** A planner that gets the index of each catalog from {@code indexes} (the server's shared provider). */
    public WorkflowGenerator(Supplier<Catalog> catalog, Function<Catalog, RelevanceIndex> indexes,
                             Supplier<PatternLibrary> patterns, Supplier<Evidence> evidence,
                             Supplier<KnownIssueSource> issues) {
        this.catalog = catalog;
        this.indexes = indexes;
        this.patterns = patterns;
        this.evidence = evidence;
        this.issues = issues;
    }

    /** The search over the current catalog, rebuilt when the catalog changes. */
    public CatalogSearch search() {
        Catalog c = catalog.get();
        CatalogSearch s = search;
        if (s == null || s.catalog() != c) {
            synchronized (this) {
                s = search;
                if (s == null || s.catalog() != c) {
                    s = new CatalogSearch(c, indexes.apply(c));
                    search = s;
                }
            }
        }
        return s;
    }

    public Catalog catalog() {
        return catalog.get();
    }

    public WorkflowSpec generate(Request req) {
        return generate(req, Decomposer.Tuning.DEFAULT);
    }

    /** The plan with the capability split's knobs given (the benchmark compares settings in one run). */
    public WorkflowSpec generate(Request req, Decomposer.Tuning tuning) {
        String task = req.task().strip();
        if (task.isEmpty()) {
            throw new Refusal("generate_workflow: 'task' must not be empty");
        }
        CatalogSearch cs = search();
        if (cs.catalog().isEmpty()) {
            throw new Refusal("the plugin catalog is empty: no plugins to plan with (see catalog_status)");
        }
        Constraints c = req.constraints();
        Workspace ws = req.workspace() != null ? Workspace.inspect(req.workspace()) : Workspace.fromTask(task);
        Decomposer dec = new Decomposer(cs, tuning);
        Decomposer.Result d = null;
        List<String> warnings = new ArrayList<>();
        if (!req.subtasks().isEmpty()) {
            d = dec.fromSubtasks(task, req.subtasks(), c);
        } else {
            Decomposer.Result fresh = null;
            double freshEstimate = 0;
            for (PatternMatcher.Match m : PatternMatcher.match(patterns.get(), task, 3, Instant.now(),
                    patterns.get().patterns().isEmpty() ? null : PatternMatcher.fittingPlugins(cs, task))) {
                if (m.parts().get("task_match") < PATTERN_MIN_TASK_MATCH) {
                    continue;
                }
                if (fresh == null) {
                    fresh = dec.fromTask(task, c);
                    freshEstimate = freshEstimate(fresh);
                }
                // The rule: a pattern drives the plan only when even a cautious reading of its record (the
                // posterior's PATTERN_LOWER_QUANTILE quantile) beats what the fresh plan is expected to do.
                Pattern.Metrics pm = m.pattern().metrics();
                double lower = Posterior.quantile(pm.successfulExecutions(), pm.totalExecutions(), PATTERN_LOWER_QUANTILE);
                if (lower <= freshEstimate) {
                    warnings.add("pattern " + m.pattern().id() + " matches the task but is not followed: " + pm.successfulExecutions()
                            + " of " + pm.totalExecutions() + " runs succeeded, posterior lower bound " + Texts.round(lower, 3) + " (the "
                            + PATTERN_LOWER_QUANTILE + " quantile of Beta(s+1, f+1)) does not beat a fresh plan's expected success "
                            + Texts.round(freshEstimate, 3));
                    continue;
                }
                d = dec.fromPattern(task, m.pattern(), c);
                if (d != null) {
                    break;
                }
                warnings.add("pattern " + m.pattern().id() + " matches but uses plugins that are missing or barred here");
            }
            if (d == null) {
                d = fresh != null ? fresh : dec.fromTask(task, c);
            }
        }
        List<Pick> picks = new ArrayList<>(d.picks());
        warnings.addAll(d.notes());
        boolean bySubtask = !req.subtasks().isEmpty();
        // Required plugins the decomposition left out get their best-matching component (not when the caller's
        // subtasks fix the steps: then a step serves a subtask or does not exist).
        for (String req0 : c.required()) {
            if (picks.stream().noneMatch(p -> !p.gap() && p.ref().plugin().id().equals(req0))) {
                if (bySubtask) {
                    warnings.add("required plugin " + req0 + " fits none of the subtasks better than the steps chosen");
                    continue;
                }
                Ref r = cs.components(task, 200, x -> x.plugin().id().equals(req0)).stream().map(s -> s.item()).findFirst()
                        .orElseGet(() -> cs.catalog().plugin(req0).map(cs::components).filter(l -> !l.isEmpty()).map(l -> l.get(0)).orElse(null));
                if (r == null) {
                    throw new Refusal("required plugin '" + req0 + "' has no agent, command or skill to run as a step");
                }
                picks.add(new Pick(r, r.phase(), Decomposer.purposeOf(r), 0, "required by the caller", List.of()));
            }
        }
        if (picks.size() > c.maxSteps()) {
            if (bySubtask) {
                throw new Refusal("generate_workflow: " + picks.size() + " subtasks but max_steps is " + c.maxSteps()
                        + " (one step per subtask): raise max_steps or merge subtasks");
            }
            List<Pick> keep = new ArrayList<>(picks);
            keep.sort((a, b) -> {
                int ra = !a.gap() && c.required().contains(a.ref().plugin().id()) ? 1 : 0;
                int rb = !b.gap() && c.required().contains(b.ref().plugin().id()) ? 1 : 0;
                return ra != rb ? rb - ra : Double.compare(b.relevance(), a.relevance());
            });
            Set<Pick> kept = new HashSet<>(keep.subList(0, c.maxSteps()));
            warnings.add("max_steps " + c.maxSteps() + ": kept the " + c.maxSteps() + " most relevant of " + picks.size() + " steps");
            picks = picks.stream().filter(kept::contains).toList();
        }

        String id = workflowId(task);
        List<Phase> phases = picks.stream().map(Pick::phase).toList();
        List<String> reports = new ArrayList<>();
        for (int i = 0; i < picks.size(); i++) {
            Pick p = picks.get(i);
            reports.add(CheckPlanner.reportPath(id, i + 1, p.gap() ? "direct" : p.ref().component().name()));
        }
        List<DataFlow.Flow> flows = DataFlow.wire(task, phases, reports, ws);
        Set<String> planKeys = new HashSet<>();
        picks.stream().filter(p -> !p.gap()).forEach(p -> planKeys.add(p.ref().key()));
        Predicate<Ref> allowed = r -> c.allows(r.plugin());
        List<WorkflowStep> steps = new ArrayList<>();
        for (int i = 0; i < picks.size(); i++) {
            Pick p = picks.get(i);
            Ref r = p.ref();
            List<String> flags = new ArrayList<>(p.flags());
            flags.addAll(flows.get(i).flags());
            Map<String, Object> inputs = new LinkedHashMap<>(flows.get(i).inputs());
            inputs.put("phase", p.phase().id());
            if (p.gap()) {
                flags.add("gap: no catalog component fits this step well; Claude does it directly");
                List<Check> checks = CheckPlanner.forStep(p.phase(), p.purpose(), "", reports.get(i), ws, id);
                steps.add(new WorkflowStep(i + 1, null, null, null, null, p.purpose(), inputs, flows.get(i).outputs(), checks,
                        WorkflowStep.RetryStrategy.standard(), WorkflowStep.Fallback.none("a gap: Claude does the step itself"),
                        flags, true, p.subtask(), p.searched()));
                continue;
            }
            List<Check> checks = CheckPlanner.forStep(p.phase(), r.component().name(), r.component().description(),
                    reports.get(i), ws, id);
            steps.add(new WorkflowStep(i + 1, r.plugin().id(), r.component().name(), r.component().kind().id(),
                    r.component().invoke(r.plugin().name()), p.purpose(), inputs, flows.get(i).outputs(), checks,
                    WorkflowStep.RetryStrategy.standard(), Fallbacks.find(cs, r, planKeys, allowed), flags, false,
                    p.subtask(), null));
        }
        for (WorkflowStep s : steps) {
            for (String f : s.flags()) {
                warnings.add("step " + s.step() + " (" + (s.gap() ? "gap" : s.component()) + "): " + f);
            }
        }
        for (String pid : pluginIds(steps)) {
            issues.get().issues(pid).stream().limit(3).forEach(i -> warnings.add("known issue of " + pid + " (seen "
                    + i.frequency() + "x): " + i.errorPattern() + (i.fix() != null ? " -> fix: " + i.fix() : "")));
        }
        double[] est = new double[1];
        String basis = estimate(steps, d, est);
        String created = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0));
        List<Check> finalChecks = CheckPlanner.finalChecks(phases, ws, reports);
        return new WorkflowSpec(id, task, created, d.method(), d.patternId(), steps, environment(steps, finalChecks, ws, phases),
                dependencies(steps, ws), finalChecks, rollback(ws, phases, id),
                est[0], basis, Mermaid.flowchart(task, steps), warnings, c.asMap());
    }

    /** The plugins the steps use, in order, once each (gaps use none). */
    static List<String> pluginIds(List<WorkflowStep> steps) {
        return new ArrayList<>(new LinkedHashSet<>(steps.stream().filter(s -> !s.gap()).map(WorkflowStep::plugin).toList()));
    }

    static String workflowId(String task) {
        String slug = Ids.slug(task, 40);
        if (slug == null || slug.isBlank()) {
            slug = "workflow";
        }
        return slug + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * What a fresh plan is expected to do: the record of its own sequence (plugins and components in order) when
     * the library has one, else the neutral Beta(1,1) mean 0.5. Its plugins' separate records are not a record of
     * this combination, and they often come from the very pattern it is compared with.
     */
    private double freshEstimate(Decomposer.Result fresh) {
        List<Pattern.Step> seq = new ArrayList<>();
        for (Decomposer.Pick p : fresh.picks()) {
            seq.add(new Pattern.Step(p.ref().plugin().id(), p.ref().component().name(), null, null, null));
        }
        for (Pattern p : patterns.get().patterns()) {
            if (!"deprecated".equals(p.status()) && dev.metaorch.learn.OutcomeRule.sameSequence(seq, p.pluginSequence())) {
                return Posterior.mean(p.metrics().successfulExecutions(), p.metrics().totalExecutions());
            }
        }
        return Posterior.PRIOR_MEAN;
    }

    /** The pattern's record when the plan follows one; else the product over steps with outcomes; else the prior. */
    private String estimate(List<WorkflowStep> steps, Decomposer.Result d, double[] out) {
        if (d.patternId() != null) {
            var p = patterns.get().pattern(d.patternId()).orElse(null);
            if (p != null && p.metrics().totalExecutions() > 0) {
                var m = p.metrics();
                out[0] = Texts.round(Posterior.mean(m.successfulExecutions(), m.totalExecutions()), 3);
                return "pattern " + p.id() + ": " + m.successfulExecutions() + " of " + m.totalExecutions()
                        + " runs succeeded; Beta(1,1) posterior mean";
            }
        }
        double prod = 1;
        List<String> parts = new ArrayList<>();
        int without = 0;
        Set<String> seen = new HashSet<>();
        for (WorkflowStep s : steps) {
            if (s.gap()) {
                continue;
            }
            Evidence.PluginEvidence e = evidence.get().plugin(s.plugin());
            if (e.uses() > 0) {
                prod *= Posterior.mean(e.successes(), e.uses());
                if (seen.add(s.plugin())) {
                    parts.add(s.plugin() + " " + e.successes() + "/" + e.uses());
                }
            } else {
                without++;
            }
        }
        if (parts.isEmpty()) {
            out[0] = Posterior.PRIOR_MEAN;
            return "no recorded outcomes for these plugins: neutral prior (Beta(1,1) mean " + Posterior.PRIOR_MEAN + ")";
        }
        out[0] = Texts.round(prod, 3);
        return "product of per-step Beta(1,1) posterior means from recorded outcomes (" + String.join(", ", parts) + ")"
                + (without > 0 ? "; " + without + " step(s) without outcomes not counted" : "");
    }

    private static List<String> environment(List<WorkflowStep> steps, List<Check> finalChecks, Workspace ws, List<Phase> phases) {
        List<String> out = new ArrayList<>();
        out.add("Claude Code with these plugins enabled: " + String.join(", ", pluginIds(steps)));
        for (Workspace.Build b : ws.builds()) {
            out.add(b.tools() + " (" + b.file() + ")");
        }
        if (ws.dockerfile() && phases.contains(Phase.DEPLOY)) {
            out.add("Docker (Dockerfile builds the image)");
        }
        if (ws.k8sDir() != null && phases.contains(Phase.DEPLOY)) {
            out.add("kubectl with access to the target cluster (" + ws.k8sDir() + "/)");
        }
        if (ws.helmChart() != null && phases.contains(Phase.DEPLOY)) {
            out.add("helm (chart in " + ws.helmChart() + ")");
        }
        if (ws.port() != null) {
            out.add("port " + ws.port() + " free on 127.0.0.1 for the app" + (ws.framework() != null ? " (" + ws.framework() + ")" : ""));
        }
        for (String v : ws.envVars()) {
            out.add(v + " set (named in the workspace's example env file)");
        }
        out.add("validation commands on the allowlist of config.yaml (validation.allowed_programs): "
                + String.join(", ", programs(steps, finalChecks)));
        return out;
    }

    /** The programs the plan's command checks run, the final validation's included. */
    public static List<String> programs(List<WorkflowStep> steps, List<Check> finalChecks) {
        Set<String> p = new LinkedHashSet<>();
        List<Check> all = new ArrayList<>(finalChecks);
        for (WorkflowStep s : steps) {
            all.addAll(s.validation());
        }
        for (Check c : all) {
            if (c instanceof Check.Command cmd) {
                p.add(cmd.argv().get(0));
            }
        }
        return p.isEmpty() ? List.of("(none needed)") : new ArrayList<>(p);
    }

    private List<String> dependencies(List<WorkflowStep> steps, Workspace ws) {
        List<String> out = new ArrayList<>();
        Catalog c = catalog.get();
        for (String pid : pluginIds(steps)) {
            Plugin p = c.plugin(pid).orElse(null);
            boolean installed = p != null && p.install().installed();
            out.add("plugin " + pid + (p != null && p.version() != null ? " " + p.version() : "")
                    + (installed ? " (installed)" : " (not installed: claude plugin install " + pid + ")"));
        }
        for (Workspace.Build b : ws.builds()) {
            if (ws.given()) {
                out.add(b.name() + " dependencies declared in " + b.file());
            }
        }
        return out;
    }

    private static List<String> rollback(Workspace ws, List<Phase> phases, String id) {
        List<String> out = new ArrayList<>();
        if (ws.given() && ws.git()) {
            out.add("before step 1 record the commit: git rev-parse HEAD (and git stash push -u if the tree is dirty)");
            out.add("on an unrecoverable failure: git reset --hard <recorded commit>, then git clean -fd to drop files the run created");
        } else if (ws.given()) {
            out.add("before step 1 copy the workspace " + ws.root() + " aside (it is not under version control)");
            out.add("on an unrecoverable failure: restore that copy over the workspace");
        } else {
            out.add("run in a git working tree; before step 1 record git rev-parse HEAD");
            out.add("on an unrecoverable failure: git reset --hard <recorded commit> and git clean -fd");
        }
        if (phases.contains(Phase.DEPLOY)) {
            if (ws.k8sDir() != null) {
                out.add("undo a rollout that already happened: kubectl rollout undo for each deployment applied from " + ws.k8sDir() + "/");
            } else if (ws.helmChart() != null) {
                out.add("undo a release that already happened: helm rollback <release>");
            } else {
                out.add("redeploy the previous release if the deploy step already shipped");
            }
        }
        out.add("remove the run's reports: .meta-orchestrator/" + id + "/");
        return out;
    }


    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
