package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Pattern;
import dev.metaorch.recommend.ComponentHit;
import dev.metaorch.recommend.Scored;
import dev.metaorch.util.Refusal;
import dev.metaorch.workflow.CatalogSearch.Ref;

/**
 * A task to ordered steps. The actions come first: the caller's subtasks, or the task's own clauses
 * ({@link Actions}), in the task's order unless a data dependency reorders them. Each action then gets the
 * single component that best does it, ranked by the shared relevance engine with the action's words deciding
 * and the whole task as context; an action nothing fits well is a gap (no component) rather than a weak match.
 * A stored pattern's plugin sequence is the third source. A plugin's orchestrating command (or agent) that
 * covers the whole task stands for the plan: its team, as its body or description names it, are the steps.
 */
public final class Decomposer {

    /**
     * The decision knobs. {@code bench workflows} chooses them by leave-one-out cross-validation on the dev data
     * (realistic tasks and orchestration workflows) and prints the folds' choices beside the defaults.
     *
     * @param gapFloor   an action whose best component holds less than this share of its words (IDF-weighted
     *                   {@link ComponentHit#coverage}) is a gap
     * @param wholeFloor an orchestrating component covers the whole task when it holds at least this share of it
     * @param samePlugin bonus (on the score relative to the action's best) of a component whose plugin the plan
     *                   already uses or that the whole task ranks first: a plan's steps compose
     * @param subtaskCoverage exponent of the share of a caller's subtask's words a component holds, as a factor on its
     *                   score for that subtask (0: off). A subtask Claude wrote is a whole action; the planner's own
     *                   actions are fragments of the task and are scored without it
     * @param subtaskContext weight of each of the whole task's other words when a caller's subtask is searched. A
     *                   fragment of the task needs the task around it ("update them"); a subtask Claude wrote is a
     *                   whole action, and the task's words would pull every subtask toward the same components
     * @param repeat     penalty (on the score relative to the action's best) of a component an earlier action of the
     *                   planner's own decomposition already uses. Its actions are clauses of one task, searched with
     *                   the task around them, and that context pulls every clause toward the component that matches
     *                   the whole task; a distinct clause deserves its own component unless that one is clearly
     *                   best. A caller's subtasks are whole actions searched on their own words: not applied there
     * @param roleMiss   penalty (on the score relative to the action's best) of a component whose name and description
     *                   carry no role word of the action's phase ("write tests for the toggle" asks for something
     *                   that tests, not for what toggles). Building is exempt: it is what an agent without a role
     *                   word does
     */
    public record Tuning(double gapFloor, double wholeFloor, double samePlugin, double subtaskCoverage,
                         double subtaskContext, double repeat, double roleMiss) {

        public Tuning {
            if (!(subtaskContext >= 0 && subtaskContext <= 1)) {
                throw new IllegalArgumentException("subtaskContext " + subtaskContext + " is outside [0, 1]");
            }
            if (!(repeat >= 0)) {
                throw new IllegalArgumentException("repeat " + repeat + " is negative");
            }
            if (!(roleMiss >= 0)) {
                throw new IllegalArgumentException("roleMiss " + roleMiss + " is negative");
            }
        }

        /** Neutral on the dev tasks from 0.1 to 0.5 (docs/benchmarks.md); it is for the case {@code roleMiss} names. */
        static final double ROLE_MISS = 0.3;

        /**
         * What leave-one-out cross-validation on the dev data chose ({@code bench workflows --cv} prints the choice;
         * on the realistic tasks this setting in 12 of 13 folds): no coverage floor (a gap when nothing shares a word),
         * a whole-task cover at 70%, same-plugin bonus 0.3, a subtask's coverage to the power 0.5, the task's other
         * words at 0.2 each around a subtask, and 0.25 off a component an earlier clause of the task already took.
         * Every fold is indifferent to the role miss; it is 0.3 off a component that does not do the action's kind
         * of work, for the case its parameter names.
         */
        public static final Tuning DEFAULT = new Tuning(0.0, 0.7, 0.3, 0.5, 0.2, 0.25, ROLE_MISS);
    }

    /**
     * A step to be: a component (null for a gap) and why.
     *
     * @param relevance the component's score relative to the best hit for its action, in [0, 1]
     * @param coverage  the share of the action's words the component's text holds
     * @param subtask   the caller's subtask it serves (1-based), null when the task was decomposed here
     * @param searched  for a gap: what was searched and the best that was found
     */
    public record Pick(Ref ref, Phase phase, String purpose, double relevance, String why, List<String> flags,
                       Integer subtask, double coverage, String searched) {
        public Pick {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }

        public Pick(Ref ref, Phase phase, String purpose, double relevance, String why, List<String> flags) {
            this(ref, phase, purpose, relevance, why, flags, null, 1, null);
        }

        public boolean gap() {
            return ref == null;
        }
    }

    /** The outcome: the picks in execution order, and how they were found. */
    public record Result(List<Pick> picks, String method, String patternId, List<String> notes) {
    }

    /** An agent joins a covering command's team at this share of its plugin's best agent's score for the task. */
    static final double TEAM_SHARE = 0.25;
    /** Most agents a covering command's team takes from its plugin when its body is not known. */
    static final int TEAM_MAX = 6;

    /** How many hits per action are weighed. */
    static final int CANDIDATES = 30;

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

    /** Exactly one step per subtask, in the caller's order, each carrying its subtask's number. */
    public Result fromSubtasks(String task, List<String> subtasks, Constraints c) {
        List<Pick> picks = new ArrayList<>();
        Set<String> used = new HashSet<>();
        Map<String, Double> home = home(task, c);
        for (int i = 0; i < subtasks.size(); i++) {
            String sub = subtasks.get(i).strip();
            if (sub.isEmpty()) {
                throw new Refusal("subtasks[" + i + "] is empty: give each subtask as a short action, e.g. \"run the tests\"");
            }
            String verb = Actions.verbOf(Actions.clean(sub, Vocabulary.get()), Vocabulary.get());
            Pick p = pick(task, new Actions.Action(verb, sub, Actions.phaseOf(verb, sub)), sub, c, used, home, i + 1);
            // the caller's words are the purpose, as given
            p = new Pick(p.ref(), p.phase(), sub, p.relevance(), p.why(), p.flags(), p.subtask(), p.coverage(), p.searched());
            picks.add(p);
            if (!p.gap()) {
                used.add(p.ref().plugin().id());
            }
        }
        return new Result(picks, "subtasks", null, List.of("subtasks used as given, in the caller's order"));
    }

    // ---------------------------------------------------------------- the task's own actions

    /** The task's actions, each with its best component or a gap; or a covering orchestration's team. */
    public Result fromTask(String task, Constraints c) {
        Actions.Decomposition d = Actions.decompose(task);
        List<String> notes = new ArrayList<>(d.notes());
        notes.add("actions: " + d.actions().stream().map(Actions.Action::text).toList());
        List<Pick> team = orchestration(task, c, notes);
        if (team != null) {
            return new Result(team, "capabilities", null, notes);
        }
        List<Pick> picks = new ArrayList<>();
        Set<String> used = new HashSet<>();
        Map<String, Double> home = home(task, c);
        // "update them": what "them" is comes from the action before, or for the first action from the situation
        // the task describes ("our API is leaking N+1 queries, find them")
        String prev = d.situation().isEmpty() ? null : String.join(" ", d.situation());
        for (Actions.Action a : d.actions()) {
            Pick p = pick(task, a, Actions.pointsBack(a.text()) && prev != null ? a.text() + " " + prev : a.text(),
                    c, used, home, null);
            prev = a.text();
            picks.add(p);
            if (!p.gap()) {
                used.add(p.ref().plugin().id());
                used.add(p.ref().key());
            }
        }
        return new Result(picks, "capabilities", null, notes);
    }

    /** How many of the whole task's best plugins lend their components the same-plugin bonus. */
    static final int HOME_PLUGINS = 3;

    /** The plugins the whole task ranks best, with their score relative to the first (the bonus scales with it). */
    private Map<String, Double> home(String task, Constraints c) {
        Map<String, Double> out = new java.util.HashMap<>();
        if (tuning.samePlugin() > 0) {
            List<Scored<Plugin>> top = search.plugins(task, HOME_PLUGINS, c::allows);
            for (Scored<Plugin> s : top) {
                out.put(s.item().id(), s.score() / top.get(0).score());
            }
        }
        return out;
    }

    /** The single best component for one action, or a gap when the best holds too little of its words. */
    Pick pick(String task, Actions.Action a, String query, Constraints c, Set<String> used, Map<String, Double> home,
              Integer subtask) {
        List<ComponentHit> hits = subtask == null ? search.hits(query, task, c::allows, CANDIDATES)
                : search.hits(query, task, (float) tuning.subtaskContext(), c::allows, CANDIDATES);
        if (hits.isEmpty()) {
            return gap(a, subtask, "no allowed agent, command or skill shares a word with it", 0);
        }
        double max = hits.get(0).score();
        // "write tests for the toggle": the action's kind of work is testing, which the component must do too
        boolean roleAsked = tuning.roleMiss() > 0 && a.phase() != Phase.BUILD;
        ComponentHit best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (ComponentHit h : hits) {
            String id = h.plugin().id();
            String key = new Ref(h.plugin(), h.component()).key();
            // a caller's subtask is a whole action: a component holding more of its words is the better fit
            double s = h.score() / max * (subtask == null ? 1 : Math.pow(h.coverage(), tuning.subtaskCoverage()))
                    + tuning.samePlugin() * Math.max(used.contains(id) ? 1 : 0, home.getOrDefault(id, 0.0))
                    + (c.required().contains(id) ? 0.2 : 0)
                    - (roleAsked && !a.phase().named(Phase.words(h.component().name() + " " + h.component().description()))
                        ? tuning.roleMiss() : 0)
                    - (subtask == null && used.contains(key) ? tuning.repeat() : 0);
            if (s > bestScore) {
                bestScore = s;
                best = h;
            }
        }
        Ref ref = new Ref(best.plugin(), best.component());
        if (best.coverage() < tuning.gapFloor()) {
            return gap(a, subtask, "best match " + ref.qualified() + " (" + best.component().kind().id() + ") holds "
                    + pct(best.coverage()) + " of the action's words, below the " + pct(tuning.gapFloor()) + " floor", best.coverage());
        }
        String why = "best match for '" + a.text() + "' (holds " + pct(best.coverage()) + " of its words"
                + (used.contains(ref.plugin().id()) ? "; its plugin is already in the plan" : "")
                + (home.containsKey(ref.plugin().id()) ? "; a plugin the whole task ranks among its best" : "") + ")";
        return new Pick(ref, a.phase(), a.purpose(), best.score() / max, why, List.of(), subtask, best.coverage(), null);
    }

    private static Pick gap(Actions.Action a, Integer subtask, String found, double coverage) {
        String searched = "searched agents, commands and skills for '" + a.text() + "' in the context of the task: " + found;
        return new Pick(null, a.phase(), a.purpose(), 0, "nothing in the catalog fits well", List.of(), subtask, coverage, searched);
    }

    private static String pct(double d) {
        return Math.round(d * 100) + "%";
    }

    // ---------------------------------------------------------------- a covering orchestration

    /**
     * A command or agent that runs other agents and covers the whole task: its team in its order (the agents its
     * body hands work to, else those its description names, else, when its body holds no instructions to tell, the
     * plugin's agents that fit the task well), or null when there is none. A command whose instructions hand the
     * work to no agent does it itself: it is no team's head.
     */
    List<Pick> orchestration(String task, Constraints c, List<String> notes) {
        for (ComponentHit h : search.hits(task, null, c::allows, 10)) {
            if (h.coverage() < tuning.wholeFloor()) {
                continue;
            }
            Ref r = new Ref(h.plugin(), h.component());
            // a command is a workflow of its own; an agent only when its job is to run the others
            if (r.component().kind() == ComponentKind.SKILL || r.component().kind() == ComponentKind.AGENT && !orchestrator(r)) {
                continue;
            }
            List<Ref> team = referenced(r);
            String source = "its body hands work to them";
            if (team.size() < 2) {
                List<Ref> agents = search.components(r.plugin()).stream()
                        .filter(x -> x.component().kind() == ComponentKind.AGENT && !x.key().equals(r.key())).toList();
                team = mentions(r, agents, r.plugin());
                source = "its description names them";
            }
            if (team.size() < 2 && !orchestrator(r) && instructs(r.component().body())) {
                // its body says how to do the work and hands it to no agent: it does the work itself, as one step
                // among the task's actions, not as the head of a team of its plugin's agents
                continue;
            }
            if (team.size() < 2) {
                // its body names no agent: the plugin's own agents that do the task, strongest first, ordered by phase
                team = new ArrayList<>();
                List<ComponentHit> own = search.index().searchComponents(task, null, Set.of(ComponentKind.AGENT),
                        p -> p.id().equals(r.plugin().id()), 12);
                double top = own.isEmpty() ? 0 : own.get(0).score();
                for (ComponentHit a : own) {
                    Ref ar = new Ref(a.plugin(), a.component());
                    if (!orchestrator(ar) && a.score() >= TEAM_SHARE * top && team.size() < TEAM_MAX) {
                        team.add(ar);
                    }
                }
                team.sort(Comparator.comparingInt((Ref x) -> x.phase().ordinal()));
                source = "its body does not say who does the work, so its plugin's agents that match the task";
            }
            team = team.stream().filter(x -> c.allows(x.plugin())).toList();
            if (team.size() < 2) {
                continue;
            }
            notes.add(r.qualified() + " (" + r.component().kind().id() + ") covers the whole task (" + pct(h.coverage())
                    + " of its words); the steps are its team, as " + source + ": " + team.stream().map(Ref::qualified).toList());
            List<Pick> out = new ArrayList<>();
            for (Ref m : team) {
                out.add(new Pick(m, m.phase(), purposeOf(m), 1, "in the team of " + r.qualified() + ", which covers the task",
                        List.of(), null, h.coverage(), null));
            }
            return out;
        }
        return null;
    }

    /** Characters of prose (headings and blank lines left out) from which a body says how its work is done. */
    static final int INSTRUCTIONS = 200;

    /**
     * Whether a body holds instructions of its own, not just a title: a catalog may keep only a component's front
     * matter and heading, and then who does its work is not known.
     */
    static boolean instructs(String body) {
        int prose = 0;
        for (String line : body.lines().toList()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                prose += l.length();
            }
        }
        return prose >= INSTRUCTIONS;
    }

    /** A component whose job is to run other agents: its name or opening words have an orchestration role word. */
    static boolean orchestrator(Ref r) {
        String name = r.component().roleName().toLowerCase(Locale.ROOT) + " " + r.component().name().toLowerCase(Locale.ROOT);
        String desc = r.component().description().toLowerCase(Locale.ROOT);
        String opening = desc.length() > 120 ? desc.substring(0, 120) : desc;
        for (String w : Vocabulary.get().orchestration()) {
            if (name.contains(w) || opening.contains(w) && opening.contains("agent")) {
                return true;
            }
        }
        return false;
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
            Ref ref;
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

    // ---------------------------------------------------------------- team references

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
        Map<Ref, Integer> first = new java.util.LinkedHashMap<>();
        Map<Ref, List<String>> own = new java.util.HashMap<>();
        Map<String, Integer> shared = new java.util.HashMap<>();
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
        String s = asAction(d.substring(0, cut).strip());
        if (s.length() > 200) {
            s = s.substring(0, 197).strip() + "...";
        }
        return s;
    }

    /**
     * Claude Code's convention for when to use a component ("Use this agent when you need to review code", "Use when
     * building frontends") said as the action a step's purpose is ("Review code", "Build frontends"); a sentence in
     * another form is kept as written.
     */
    private static final java.util.regex.Pattern USE = java.util.regex.Pattern.compile(
            "(?i)^use(?: this (?:agent|skill|command))?(?: proactively)?\\s+(to|for|when)\\s+"
                    + "(?:((?:you|the user) (?:need|needs|want|wants|ask|asks) to)\\s+)?(.+)$", java.util.regex.Pattern.DOTALL);

    static String asAction(String sentence) {
        java.util.regex.Matcher m = USE.matcher(sentence);
        if (!m.matches() || !Character.isLetter(m.group(3).charAt(0))) {
            return sentence; // 'when the user asks to "create an agent"': requests, not an action
        }
        String rest = m.group(3).strip();
        boolean infinitive = m.group(1).equalsIgnoreCase("to") || m.group(2) != null;
        String verb = Actions.verbOf(rest, Vocabulary.get());
        String first = rest.split("\\s+", 2)[0];
        if (!infinitive) {
            // "when reviewing code", "for reviewing code": the action is the gerund's verb; "when the user has..."
            // and "for Git Flow operations" say no action
            if (verb == null || verb.contains(" ") || first.equalsIgnoreCase(verb)) {
                return sentence;
            }
            // the gerunds it coordinates become verbs too ("when writing modules or reviewing them")
            StringBuilder out = new StringBuilder();
            String before = null;
            for (String w : rest.split(" ")) {
                String v = before == null || before.equals("or") || before.equals("and") ? Actions.verbOf(w, Vocabulary.get()) : null;
                out.append(out.isEmpty() ? "" : " ").append(v != null && !v.contains(" ") && !w.equalsIgnoreCase(v) ? v : w);
                before = w.toLowerCase(Locale.ROOT);
            }
            rest = out.toString();
        }
        return Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
    }

    /** Distinct plugins of the picks, in order (gaps left out). */
    static List<String> plugins(List<Pick> picks) {
        Set<String> out = new LinkedHashSet<>();
        picks.stream().filter(p -> !p.gap()).forEach(p -> out.add(p.ref().plugin().id()));
        return new ArrayList<>(out);
    }
}
