package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Pattern;
import dev.metaorch.recommend.Scored;
import dev.metaorch.workflow.CatalogSearch.Ref;

/**
 * Turns a task into an ordered list of catalog components. Three ways, tried in this order by the generator:
 * the caller's own subtasks (used as given, one component each), a stored pattern's plugin sequence, or a
 * split by capability: the plugin whose agents best cover the task is chosen first (orchestration work
 * usually runs several agents of one plugin), its agents become the steps, and the steps are ordered by
 * phase and by the order in which the plugin's own orchestrating command or agent names them.
 */
public final class Decomposer {

    /** Most agents one plugin contributes before relevance has to choose among them. */
    static final int WHOLE_PLUGIN_MAX = 9;

    /**
     * The decision knobs of the capability split. Their values are not fitted to the dev set: {@code bench
     * workflows} picks them by leave-one-out cross-validation over a small grid ({@code WorkflowBench.crossValidate})
     * and the defaults are the values that choice settles on for most folds.
     *
     * @param wPlugin         weight of the plugin's own document match
     * @param wComponent      weight of the plugin's best component match
     * @param wTeam           weight of its best three agents together (how well the team covers the task)
     * @param smallTeam       plugins with at most this many agents take part whole
     * @param teamShare       an agent of a larger plugin joins at this share of the plugin's best agent's relevance
     * @param secondPluginMin relative score a runner-up plugin needs to join the anchor plugin (above 1: never)
     * @param soloFactor      score factor of a plugin without a team of at least two agents: a workflow runs a
     *                        team, so a plugin that ships one is the better anchor when the match is close
     * @param wEntry          weight of the plugin's best entry point (a command, or an agent that runs the others)
     *                        relative to the best entry point in the catalog: a task that reads like a plugin's
     *                        own orchestration command is that plugin's workflow
     * @param sameMarketplace a runner-up plugin joins only from the anchor's marketplace (a marketplace's plugins
     *                        are written to compose; a stranger that merely shares words rarely is)
     * @param wPhase          weight of the share of the phases the task names ("deploy", "test", "document") that
     *                        the plugin has a component for: a plan that cannot do what the task asks is a worse
     *                        plan however well its words match
     */
    public record Tuning(double wPlugin, double wComponent, double wTeam, int smallTeam, double teamShare,
                         double secondPluginMin, double soloFactor, double wEntry, boolean sameMarketplace,
                         double wPhase) {

        /** The first release's values (kept so the benchmark can show the change in the same run). */
        public static final Tuning LEGACY = new Tuning(0.4, 0.4, 0.2, 6, 0.5, 0.92, 1.0, 0.0, false, 0.0);
        /** The setting leave-one-out cross-validation on the dev set chose in 19 of 19 folds (2026-12-03). */
        public static final Tuning DEFAULT = new Tuning(0.4, 0.4, 0.2, 6, 0.5, 0.7, 1.0, 0.2, true, 0.2);

        public Tuning withSecondPluginMin(double v) {
            return new Tuning(wPlugin, wComponent, wTeam, smallTeam, teamShare, v, soloFactor, wEntry, sameMarketplace, wPhase);
        }

        public Tuning withSoloFactor(double v) {
            return new Tuning(wPlugin, wComponent, wTeam, smallTeam, teamShare, secondPluginMin, v, wEntry, sameMarketplace, wPhase);
        }

        public Tuning withTeamWeight(double v) {
            return new Tuning(wPlugin, wComponent, v, smallTeam, teamShare, secondPluginMin, soloFactor, wEntry, sameMarketplace, wPhase);
        }

        public Tuning withSameMarketplace(boolean v) {
            return new Tuning(wPlugin, wComponent, wTeam, smallTeam, teamShare, secondPluginMin, soloFactor, wEntry, v, wPhase);
        }

        /** The settings cross-validation compares: the legacy values varied along the knobs added since. */
        public static List<Tuning> grid() {
            List<Tuning> out = new ArrayList<>();
            for (double entry : new double[]{0, 0.2, 0.4}) {
                for (double solo : new double[]{1.0, 0.7}) {
                    for (double second : new double[]{0.6, 0.7, 0.8, 0.92, 1.01}) {
                        for (boolean same : new boolean[]{false, true}) {
                            for (double phase : new double[]{0, 0.2}) {
                                out.add(LEGACY.withEntryWeight(entry).withSoloFactor(solo).withSecondPluginMin(second)
                                        .withSameMarketplace(same).withPhaseWeight(phase));
                            }
                        }
                    }
                }
            }
            return out;
        }

        public Tuning withPhaseWeight(double v) {
            return new Tuning(wPlugin, wComponent, wTeam, smallTeam, teamShare, secondPluginMin, soloFactor, wEntry, sameMarketplace, v);
        }

        public Tuning withEntryWeight(double v) {
            return new Tuning(wPlugin, wComponent, wTeam, smallTeam, teamShare, secondPluginMin, soloFactor, v, sameMarketplace, wPhase);
        }
    }

    /**
     * A chosen component and why.
     *
     * @param relevance BM25-based relevance to the task (or subtask), relative to the best hit, in [0, 1]
     */
    public record Pick(Ref ref, Phase phase, String purpose, double relevance, String why, List<String> flags) {
        public Pick {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }
    }

    /** The outcome: the picks in execution order, and how they were found. */
    public record Result(List<Pick> picks, String method, String patternId, List<String> notes) {
    }

    private final CatalogSearch search;
    private final Tuning tuning;

    public Decomposer(CatalogSearch search) {
        this(search, Tuning.DEFAULT);
    }

    public Decomposer(CatalogSearch search, Tuning tuning) {
        this.search = search;
        this.tuning = tuning;
    }

    // ---------------------------------------------------------------- subtasks

    /** One component per subtask, in the caller's order; components of plugins already chosen are preferred. */
    public Result fromSubtasks(String task, List<String> subtasks, Constraints c) {
        List<Pick> picks = new ArrayList<>();
        Set<String> usedPlugins = new HashSet<>();
        Set<String> usedKeys = new HashSet<>();
        Predicate<Ref> ok = r -> c.allows(r.plugin());
        for (String sub : subtasks) {
            List<Scored<Ref>> hits = search.components(sub, 60, ok);
            List<String> flags = new ArrayList<>();
            if (hits.isEmpty()) {
                hits = search.components(sub + " " + task, 60, ok);
                flags.add("no catalog component matches the words of this subtask alone; chosen for the subtask with the task's words");
            }
            if (hits.isEmpty()) {
                throw new dev.metaorch.mcp.ToolException("subtask '" + sub + "': no allowed catalog component matches it");
            }
            double max = hits.get(0).score();
            Ref best = null;
            double bestScore = -1;
            double bestRel = 0;
            for (Scored<Ref> h : hits) {
                Ref r = h.item();
                if (usedKeys.contains(r.key())) {
                    continue;
                }
                double s = h.score() / max + (usedPlugins.contains(r.plugin().id()) ? 0.15 : 0)
                        + (r.component().kind() == ComponentKind.AGENT ? 0.05 : 0)
                        + (c.required().contains(r.plugin().id()) ? 0.2 : 0);
                if (s > bestScore) {
                    bestScore = s;
                    best = r;
                    bestRel = h.score() / max;
                }
            }
            if (best == null) {
                best = hits.get(0).item();
            }
            usedKeys.add(best.key());
            usedPlugins.add(best.plugin().id());
            picks.add(new Pick(best, best.phase(), sub, bestRel, "best match for the subtask", flags));
        }
        return new Result(picks, "subtasks", null, List.of("subtasks used as given, in the caller's order"));
    }

    // ---------------------------------------------------------------- pattern

    /** The pattern's plugin sequence resolved against the catalog; null when any of its plugins is missing or barred. */
    public Result fromPattern(String task, Pattern pattern, Constraints c) {
        List<Pick> picks = new ArrayList<>();
        for (Pattern.Step s : pattern.pluginSequence()) {
            Plugin p = resolvePlugin(s.plugin());
            if (p == null || !c.allows(p)) {
                return null;
            }
            List<Ref> comps = search.components(p);
            Ref ref = null;
            if (s.component() != null) {
                ref = comps.stream().filter(r -> r.component().name().equals(s.component())).findFirst().orElse(null);
                if (ref == null) {
                    return null;
                }
            } else {
                String q = (s.purpose() == null ? "" : s.purpose()) + " " + task;
                ref = search.components(q, 200, r -> r.plugin().id().equals(p.id())).stream().map(Scored::item)
                        .findFirst().orElse(comps.isEmpty() ? null : comps.get(0));
                if (ref == null) {
                    return null;
                }
            }
            String purpose = s.purpose() != null && !s.purpose().isBlank() ? s.purpose() : purposeOf(ref);
            picks.add(new Pick(ref, ref.phase(), purpose, 1.0, "step " + (picks.size() + 1) + " of pattern " + pattern.id(), List.of()));
        }
        if (picks.isEmpty()) {
            return null;
        }
        return new Result(picks, "pattern", pattern.id(), List.of("follows stored pattern " + pattern.id()));
    }

    private Plugin resolvePlugin(String nameOrId) {
        if (nameOrId == null) {
            return null;
        }
        return search.catalog().plugin(nameOrId).orElseGet(() -> search.catalog().plugins().stream()
                .filter(p -> p.name().equals(nameOrId)).findFirst().orElse(null));
    }

    // ---------------------------------------------------------------- capabilities

    /** Split by capability: anchor plugin(s) first, then their agents ordered by phase and mention order. */
    public Result fromCapabilities(String task, Constraints c) {
        Predicate<Ref> ok = r -> c.allows(r.plugin());
        List<Scored<Ref>> compHits = search.components(task, 400, ok);
        List<Scored<Plugin>> plugHits = search.plugins(task, 80, p -> c.allows(p) && !search.components(p).isEmpty());
        if (compHits.isEmpty() && plugHits.isEmpty() && c.required().isEmpty()) {
            throw new dev.metaorch.mcp.ToolException("no catalog plugin matches the task's words; rephrase it, give subtasks, "
                    + "or check the catalog (catalog_status)");
        }
        double maxC = compHits.isEmpty() ? 1 : compHits.get(0).score();
        double maxP = plugHits.isEmpty() ? 1 : plugHits.get(0).score();
        Map<String, Double> compRel = new HashMap<>();
        Map<String, Double> bestComp = new HashMap<>();
        for (Scored<Ref> h : compHits) {
            double r = h.score() / maxC;
            compRel.put(h.item().key(), r);
            bestComp.merge(h.item().plugin().id(), r, Math::max);
        }
        Map<String, Double> pluginScore = new LinkedHashMap<>();
        Map<String, Plugin> plugins = new HashMap<>();
        for (Scored<Plugin> h : plugHits) {
            pluginScore.put(h.item().id(), 0.5 * h.score() / maxP);
            plugins.put(h.item().id(), h.item());
        }
        for (Scored<Ref> h : compHits) {
            plugins.putIfAbsent(h.item().plugin().id(), h.item().plugin());
            pluginScore.putIfAbsent(h.item().plugin().id(), 0.0);
        }
        // How well the plugin's agents as a team cover the task: the mean relevance of its best three agents.
        Map<String, List<Double>> agentRels = new HashMap<>();
        for (Scored<Ref> h : compHits) {
            if (h.item().component().kind() == ComponentKind.AGENT && !orchestrator(h.item())) {
                agentRels.computeIfAbsent(h.item().plugin().id(), k -> new ArrayList<>()).add(h.score() / maxC);
            }
        }
        // Entry points: commands and orchestrating agents, relative to the best one for this task.
        Map<String, Double> entry = new HashMap<>();
        double maxE = 0;
        for (Scored<Ref> h : compHits) {
            Ref r = h.item();
            if (r.component().kind() == ComponentKind.COMMAND || r.component().kind() == ComponentKind.AGENT && orchestrator(r)) {
                entry.merge(r.plugin().id(), h.score(), Math::max);
                maxE = Math.max(maxE, h.score());
            }
        }
        final double maxEntry = maxE;
        // The phases the task names ("deploy", "test"): a plugin that can do them itself is the better anchor.
        List<Phase> asked = Phase.mentioned(task);
        Map<String, List<Phase>> phaseCover = new HashMap<>();
        if (!asked.isEmpty() && tuning.wPhase() > 0) {
            for (String id : pluginScore.keySet()) {
                phaseCover.put(id, asked.stream().filter(search.phases(plugins.get(id))::contains).toList());
            }
        }
        pluginScore.replaceAll((id, s) -> (tuning.wEntry() * (maxEntry > 0 ? entry.getOrDefault(id, 0.0) / maxEntry : 0) + tuning.wPlugin() * 2 * s + tuning.wComponent() * bestComp.getOrDefault(id, 0.0)
                + tuning.wTeam() * agentRels.getOrDefault(id, List.of()).stream().limit(3).mapToDouble(Double::doubleValue).sum() / 3
                + tuning.wPhase() * phaseCover.getOrDefault(id, List.of()).size() / Math.max(1, asked.size()))
                * (teamSize(plugins.get(id)) >= 2 ? 1 : tuning.soloFactor()));
        List<String> ranked = pluginScore.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(Map.Entry::getKey).toList();

        List<String> chosen = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String req : c.required()) {
            chosen.add(req);
            plugins.putIfAbsent(req, search.catalog().plugin(req).orElseThrow());
        }
        if (!ranked.isEmpty()) {
            String anchor = ranked.get(0);
            if (!chosen.contains(anchor)) {
                chosen.add(0, anchor);
            }
            double top = pluginScore.get(anchor);
            String phases = "";
            if (phaseCover.containsKey(anchor)) {
                List<String> does = phaseCover.get(anchor).stream().map(Phase::id).toList();
                phases = (does.isEmpty() ? "; it has no component for" : "; it has components for " + does + " of")
                        + " the phases the task names " + asked.stream().map(Phase::id).toList();
            }
            notes.add("anchor plugin " + anchor + " (score " + round(top) + phases + ")");
        }

        List<Pick> picks = new ArrayList<>();
        Map<String, Integer> mentionRank = new HashMap<>();
        for (String id : chosen) {
            picks.addAll(pluginSteps(task, plugins.get(id), compRel, mentionRank, notes));
        }
        // A close runner-up joins only where it complements: with agents for phases the plan does not cover yet.
        if (!ranked.isEmpty()) {
            double top = pluginScore.get(ranked.get(0));
            for (int i = 1; i < Math.min(ranked.size(), 4); i++) {
                String id = ranked.get(i);
                if (pluginScore.get(id) < tuning.secondPluginMin() * top || chosen.contains(id) || sameName(plugins.get(id), chosen, plugins)
                        || tuning.sameMarketplace() && !plugins.get(id).marketplace().equals(plugins.get(ranked.get(0)).marketplace())) {
                    continue;
                }
                Set<Phase> covered = new HashSet<>();
                picks.forEach(p -> covered.add(p.phase()));
                List<Pick> extra = pluginSteps(task, plugins.get(id), compRel, new HashMap<>(), new ArrayList<>()).stream()
                        .filter(p -> !covered.contains(p.phase()) && p.relevance() > 0).toList();
                if (!extra.isEmpty()) {
                    chosen.add(id);
                    picks.addAll(extra);
                    notes.add("also " + id + " (score " + round(pluginScore.get(id)) + ") for the "
                            + extra.stream().map(p -> p.phase().id()).distinct().toList() + " phase(s) no step covered yet");
                }
            }
        }
        // An orchestration body may hand work to agents of plugins the constraints bar.
        picks.removeIf(pk -> !c.allows(pk.ref().plugin()));
        // No agent team covers the task (one command or skill would do it all): split the task into its
        // capabilities, one component each, ordered by phase and then by the task's own order.
        List<String> clauses = clauses(task);
        if (picks.size() <= 1 && clauses.size() >= 2) {
            Result split = fromSubtasks(task, clauses, c);
            List<Pick> ordered = new ArrayList<>(split.picks());
            ordered.sort(Comparator.comparingInt((Pick p) -> p.phase().ordinal()));
            notes.add("no plugin's agents cover the task; split into " + clauses.size() + " capabilities: " + clauses);
            return new Result(ordered, "capabilities", null, notes);
        }
        // One component covers the whole task and the task names no later phase: a feature to make ("payment
        // processing API"). Its workflow is the feature's delivery, one step per phase around that component.
        if (picks.size() == 1 && deliverable(task, picks.get(0))) {
            List<Pick> life = lifecycle(task, picks.get(0), c);
            if (life.size() > 1) {
                notes.add("one component covers the task; planned as its delivery: "
                        + life.stream().map(p -> p.phase().id()).toList());
                return new Result(life, "capabilities", null, notes);
            }
        }
        return new Result(order(picks, mentionRank), "capabilities", null, notes);
    }

    /** Words that ask to change what exists rather than to make something (a fix is not a feature delivery). */
    private static final List<String> CHANGE_STEMS = List.of("fix", "bug", "debug", "refactor", "migrat", "upgrad",
            "optimi", "improv", "repair");

    /**
     * A task that asks to make something (design or build) and names no later phase, and a core component that makes.
     * Not a command: a command is already a workflow ("commit, push and open a PR"), so a task one command covers is
     * that command's job, not a feature whose delivery needs a step per phase.
     */
    static boolean deliverable(String task, Pick core) {
        if (core.ref().component().kind() == ComponentKind.COMMAND) {
            return false;
        }
        if (core.phase() != Phase.DESIGN && core.phase() != Phase.BUILD) {
            return false;
        }
        for (Phase p : Phase.mentioned(task)) {
            if (p != Phase.DESIGN && p != Phase.BUILD) {
                return false;
            }
        }
        return Phase.words(task).stream().noneMatch(w -> CHANGE_STEMS.stream().anyMatch(w::startsWith));
    }

    /**
     * The delivery of a feature: the core component in its phase, and for every other phase from design to
     * operation one component of that phase, from the core's marketplace when it has one. It is scored by how
     * well it does the phase's work, whether its plugin is named for the phase, how well it matches the task, and
     * whether the plan already uses its plugin. A phase no allowed component does is left out.
     */
    private List<Pick> lifecycle(String task, Pick core, Constraints c) {
        List<Pick> out = new ArrayList<>();
        Set<String> used = new HashSet<>(Set.of(core.ref().key()));
        Set<String> planPlugins = new HashSet<>(Set.of(core.ref().plugin().id()));
        for (Phase phase : Phase.values()) {
            if (phase == core.phase()) {
                out.add(core);
                continue;
            }
            if (phase == Phase.DISCOVER) {
                continue; // a new feature has no existing system to study
            }
            Predicate<Ref> doesPhase = r -> c.allows(r.plugin()) && !used.contains(r.key()) && r.phase() == phase;
            // The core's own marketplace first: its plugins are written to work together.
            Predicate<Ref> near = r -> doesPhase.test(r) && r.plugin().marketplace().equals(core.ref().plugin().marketplace());
            Predicate<Ref> ok = near;
            List<Scored<Ref>> byRole = search.components(phase.searchWords(), 60, ok);
            if (byRole.isEmpty()) {
                ok = doesPhase;
                byRole = search.components(phase.searchWords(), 60, ok);
            }
            if (byRole.isEmpty()) {
                continue;
            }
            // Candidates: the components that best do the phase's work, and those of the phase that match the task.
            Map<String, Ref> candidates = new LinkedHashMap<>();
            Map<String, Double> role = new HashMap<>();
            byRole.forEach(h -> {
                candidates.putIfAbsent(h.item().key(), h.item());
                role.put(h.item().key(), h.score());
            });
            Map<String, Double> byTask = new HashMap<>();
            search.components(task, 60, ok).forEach(h -> {
                candidates.putIfAbsent(h.item().key(), h.item());
                byTask.put(h.item().key(), h.score());
            });
            double maxRole = byRole.get(0).score();
            double maxTask = byTask.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Ref best = null;
            double bestScore = -1;
            for (Ref r : candidates.values()) {
                double s = role.getOrDefault(r.key(), 0.0) / maxRole
                        // a plugin built for the phase ("security-scanning") over one built for something else
                        + (Phase.ofName(r.plugin().name()) == phase ? LIFECYCLE_PLUGIN_ROLE : 0)
                        + (maxTask > 0 ? LIFECYCLE_TASK * byTask.getOrDefault(r.key(), 0.0) / maxTask : 0)
                        + (planPlugins.contains(r.plugin().id()) ? LIFECYCLE_IN_PLAN : 0);
                if (s > bestScore) {
                    bestScore = s;
                    best = r;
                }
            }
            used.add(best.key());
            planPlugins.add(best.plugin().id());
            double rel = maxTask > 0 ? byTask.getOrDefault(best.key(), 0.0) / maxTask : 0;
            out.add(new Pick(best, phase, purposeOf(best), rel, "does the " + phase.id() + " phase of the feature's delivery ("
                    + (rel > 0 ? "matches the task's words too" : "by its role") + ")", List.of()));
        }
        return out;
    }

    /** Lifecycle choice: weight of the task's words beside the role's, and of a plugin the plan already uses. */
    private static final double LIFECYCLE_TASK = 0.5;
    private static final double LIFECYCLE_IN_PLAN = 0.2;
    private static final double LIFECYCLE_PLUGIN_ROLE = 0.5;

    /** The plugin's agents that do the work (not the ones that only run the others). */
    private int teamSize(Plugin p) {
        return (int) search.components(p).stream()
                .filter(r -> r.component().kind() == ComponentKind.AGENT && !orchestrator(r)).count();
    }

    private static boolean sameName(Plugin p, List<String> chosen, Map<String, Plugin> plugins) {
        return chosen.stream().anyMatch(id -> plugins.get(id) != null && plugins.get(id).name().equals(p.name()));
    }

    /** The steps one plugin contributes. */
    private List<Pick> pluginSteps(String task, Plugin p, Map<String, Double> compRel, Map<String, Integer> mentionRank,
                                   List<String> notes) {
        List<Ref> comps = search.components(p);
        List<Ref> agents = comps.stream().filter(r -> r.component().kind() == ComponentKind.AGENT).toList();
        List<Ref> workers = agents.stream().filter(r -> !orchestrator(r)).toList();
        if (workers.isEmpty()) {
            workers = agents;
        }
        List<Pick> out = new ArrayList<>();
        if (workers.isEmpty()) {
            // No agents: the plugin's best-matching command or skill is the step.
            Ref best = comps.stream().max(Comparator.comparingDouble(r -> compRel.getOrDefault(r.key(), 0.0))).orElse(null);
            if (best != null) {
                out.add(new Pick(best, best.phase(), purposeOf(best), compRel.getOrDefault(best.key(), 0.0),
                        "best-matching " + best.component().kind().id() + " of " + p.id(), List.of()));
            }
            return out;
        }
        // An orchestrating command or agent of the plugin that names its sibling agents tells which run and in what order.
        List<Ref> named = List.of();
        Ref namer = null;
        double namerScore = -1;
        boolean fromBody = false;
        for (Ref r : comps) {
            if (r.component().kind() == ComponentKind.SKILL) {
                continue;
            }
            // The agents its body hands work to (read from plugin folders) say it exactly; else its description's mentions.
            List<Ref> byBody = referenced(r);
            List<Ref> m = byBody.size() >= 2 ? byBody : mentions(r, workers, p);
            double s = compRel.getOrDefault(r.key(), 0.0);
            if (m.size() >= 2 && (s > namerScore)) {
                named = m;
                namer = r;
                namerScore = s;
                fromBody = m == byBody;
            }
        }
        if (namer != null) {
            for (int i = 0; i < named.size(); i++) {
                mentionRank.putIfAbsent(named.get(i).key(), mentionRank.size());
            }
            notes.add(namer.qualified() + " names " + named.size() + " of the plugin's agents; their order follows it");
        }
        List<Ref> selected;
        if (fromBody) {
            // the plugin's own orchestration, as its body runs it (agents of other plugins included)
            selected = named;
        } else if (workers.size() <= tuning.smallTeam()) {
            selected = workers;
        } else {
            double best = workers.stream().mapToDouble(r -> compRel.getOrDefault(r.key(), 0.0)).max().orElse(0);
            Set<Ref> sel = new LinkedHashSet<>(named);
            List<Ref> byRel = workers.stream().sorted(Comparator.comparingDouble((Ref r) -> -compRel.getOrDefault(r.key(), 0.0))).toList();
            byRel.stream().filter(r -> best > 0 && compRel.getOrDefault(r.key(), 0.0) >= tuning.teamShare() * best)
                    .limit(WHOLE_PLUGIN_MAX).forEach(sel::add);
            for (Ref r : byRel) {
                if (sel.size() >= 2) {
                    break;
                }
                sel.add(r);
            }
            selected = new ArrayList<>(sel);
        }
        for (Ref r : selected) {
            String why = mentionRank.containsKey(r.key()) ? (fromBody ? "run by " : "named by ") + namer.qualified()
                    : workers.size() <= tuning.smallTeam() ? "agent of " + p.id() + ", the plugin that best covers the task"
                    : "agent of " + p.id() + " matching the task";
            out.add(new Pick(r, r.phase(), purposeOf(r), compRel.getOrDefault(r.key(), 0.0), why, List.of()));
        }
        return out;
    }

    /** An agent whose job is to run the others (its name or opening words say so). */
    static boolean orchestrator(Ref r) {
        String name = r.component().roleName().toLowerCase(Locale.ROOT) + " " + r.component().name().toLowerCase(Locale.ROOT);
        String desc = r.component().description().toLowerCase(Locale.ROOT);
        String opening = desc.length() > 80 ? desc.substring(0, 80) : desc;
        return name.contains("orchestrator") || name.contains("conductor") || name.contains("coordinator")
                || opening.contains("coordinat") && opening.contains("agents");
    }

    /**
     * The agents {@code r}'s body hands work to ({@code subagent_type} values, known when plugin folders were read),
     * resolved in the catalog, in order: {@code plugin:agent} by plugin name (same marketplace first), a bare name
     * among the same plugin's agents, then the marketplace's. Unresolvable references are left out.
     */
    List<Ref> referenced(Ref r) {
        List<String> refs = r.component().references();
        if (refs.isEmpty()) {
            return List.of();
        }
        Plugin home = r.plugin();
        List<Ref> out = new ArrayList<>();
        for (String ref : refs) {
            int colon = ref.indexOf(':');
            String pluginName = colon > 0 ? ref.substring(0, colon) : home.name();
            String agent = colon > 0 ? ref.substring(colon + 1) : ref;
            Ref found = agentRef(home, pluginName, agent);
            if (found == null && colon < 0) {
                found = search.catalog().plugins().stream().filter(x -> x.marketplace().equals(home.marketplace()))
                        .map(x -> agentRef(x, x.name(), agent)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            }
            if (found != null && !out.contains(found)) {
                out.add(found);
            }
        }
        return out;
    }

    /** Agent {@code agent} of the plugin named {@code pluginName}, looked for in {@code near}'s marketplace first. */
    private Ref agentRef(Plugin near, String pluginName, String agent) {
        List<Plugin> candidates = new ArrayList<>();
        if (near.name().equals(pluginName)) {
            candidates.add(near);
        }
        search.catalog().plugins().stream().filter(x -> x.name().equals(pluginName) && x != near)
                .sorted(Comparator.comparing((Plugin x) -> !x.marketplace().equals(near.marketplace())))
                .forEach(candidates::add);
        for (Plugin c : candidates) {
            for (Ref a : search.components(c)) {
                if (a.component().kind() == ComponentKind.AGENT
                        && (a.component().name().equals(agent) || a.component().roleName().equals(agent))) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Sibling agents that {@code r}'s description names, in order of first mention. */
    static List<Ref> mentions(Ref r, List<Ref> siblings, Plugin p) {
        List<String> words = Phase.words(r.component().description());
        if (words.isEmpty()) {
            return List.of();
        }
        Set<String> pluginWords = new HashSet<>(Phase.words(p.name()));
        Map<Ref, Integer> first = new LinkedHashMap<>();
        // Distinctive name words of each sibling: its name minus the plugin's own name words.
        Map<Ref, List<String>> own = new HashMap<>();
        Map<String, Integer> shared = new HashMap<>();
        for (Ref s : siblings) {
            if (s.key().equals(r.key())) {
                continue;
            }
            List<String> w = new ArrayList<>(Phase.words(s.component().roleName()));
            w.removeAll(pluginWords);
            if (w.isEmpty()) {
                w = Phase.words(s.component().roleName());
            }
            own.put(s, w);
            new HashSet<>(w).forEach(x -> shared.merge(x, 1, Integer::sum));
        }
        for (Map.Entry<Ref, List<String>> e : own.entrySet()) {
            List<String> w = e.getValue();
            int pos = indexOfPhrase(words, w);
            if (pos < 0) {
                // A single word unique to this sibling among its siblings also names it ("a11y", "validator").
                for (String x : w) {
                    if (shared.get(x) == 1 && x.length() >= 3) {
                        int i = words.indexOf(x);
                        if (i >= 0 && (pos < 0 || i < pos)) {
                            pos = i;
                        }
                    }
                }
            }
            if (pos >= 0) {
                first.put(e.getKey(), pos);
            }
        }
        return first.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    private static int indexOfPhrase(List<String> words, List<String> phrase) {
        if (phrase.isEmpty()) {
            return -1;
        }
        outer:
        for (int i = 0; i + phrase.size() <= words.size(); i++) {
            for (int j = 0; j < phrase.size(); j++) {
                if (!words.get(i + j).equals(phrase.get(j))) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Phase order (stable: more relevant first within a phase); then the components a plugin's orchestrator
     * names take the slots they occupy, in the order it names them.
     */
    static List<Pick> order(List<Pick> picks, Map<String, Integer> mentionRank) {
        List<Pick> sorted = new ArrayList<>(picks);
        sorted.sort(Comparator.comparingInt((Pick p) -> p.phase().ordinal()).thenComparingDouble(p -> -p.relevance()));
        List<Integer> slots = new ArrayList<>();
        List<Pick> named = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (mentionRank.containsKey(sorted.get(i).ref().key())) {
                slots.add(i);
                named.add(sorted.get(i));
            }
        }
        named.sort(Comparator.comparingInt(p -> mentionRank.get(p.ref().key())));
        for (int i = 0; i < slots.size(); i++) {
            sorted.set(slots.get(i), named.get(i));
        }
        return sorted;
    }

    /** The task's capabilities: its clauses split at commas, semicolons, arrows, "and", "with", "then", "plus". */
    static List<String> clauses(String task) {
        List<String> out = new ArrayList<>();
        for (String part : task.split("(?i)\\s*(?:[,;]|->|\u2192|\\band then\\b|\\bthen\\b|\\band\\b|\\bwith\\b|\\bplus\\b)\\s*")) {
            String t = part.strip();
            if (Phase.words(t).size() >= 1 && t.length() >= 3) {
                out.add(t);
            }
        }
        return out.size() > 8 ? out.subList(0, 8) : out;
    }

    /** What a component is for, from its description's first sentence. */
    static String purposeOf(Ref r) {
        String d = r.component().description().strip();
        if (d.isEmpty()) {
            return r.phase().goal() + " (" + r.component().name() + ")";
        }
        int cut = d.length();
        for (String stop : List.of(". ", ".\n", " Use ", " Examples", "<example>")) {
            int i = d.indexOf(stop);
            if (i > 20 && i < cut) {
                cut = i;
            }
        }
        String s = d.substring(0, cut).strip();
        if (s.length() > 200) {
            s = s.substring(0, 197).strip() + "...";
        }
        return s;
    }

    private static String round(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
