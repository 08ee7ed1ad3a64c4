package dev.metaorch.learn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import dev.metaorch.util.Refusal;
import dev.metaorch.util.Texts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning rule: what one recorded outcome changes in the pattern library and the per-plugin metrics.
 * Pure: it reads the library as given, writes nothing and takes the time as an argument, so the store that
 * persists the result decides nothing of it.
 * <ul>
 *   <li><b>Which pattern</b>: the one the outcome names, else the pattern of the same task class (domain and
 *       keyword overlap of at least {@link TaskClass#SAME_CLASS_OVERLAP}) and the same plugin sequence; none
 *       means a new, discovered pattern.</li>
 *   <li><b>Counts and running means</b>: executions, successes, the mean completion time; per step the
 *       success rate and time of the step the result matched (by step number and plugin, else by plugin).
 *       A step that ran a fallback counts the fallback's result.</li>
 *   <li><b>Known issues</b>: errors merged into the pattern's and the plugin's issues by normalized pattern
 *       ({@link ErrorPatterns}), most frequent first, at most {@value #MAX_ISSUES}.</li>
 *   <li><b>Status</b>: {@link Lifecycle#status} of the new counts (promotion and deprecation by evidence).</li>
 * </ul>
 */
public final class OutcomeRule {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRule.class);

    public static final int MAX_ISSUES = 20;

    /**
     * What the library holds before the outcome.
     *
     * @param patterns every loaded pattern by id
     * @param plugins  per-plugin metrics by plugin id
     * @param namer    names a newly discovered pattern (ids become file names, so the store that writes them
     *                 knows which are free)
     */
    public record Library(Map<String, Pattern> patterns, Map<String, PluginStats> plugins, Namer namer) {
        public Library {
            // read-only views, not copies: the library is read once per outcome and can be large
            patterns = Collections.unmodifiableMap(patterns);
            plugins = Collections.unmodifiableMap(plugins);
            Objects.requireNonNull(namer, "namer");
        }
    }

    /** Gives a newly discovered pattern its id. */
    @FunctionalInterface
    public interface Namer {
        /** An id not in use, from what identifies the pattern: its domain, task keywords and plugin sequence. */
        String newId(String domain, List<String> keywords, List<Pattern.Step> sequence);
    }

    /**
     * What one outcome changes.
     *
     * @param before         the pattern as it was, or null when the outcome discovers a new one
     * @param after          the pattern as it is now, its status following the evidence
     * @param plugins        the whole per-plugin metrics after the outcome
     * @param pluginsChanged whether any plugin's metrics changed (a failure without step results blames none)
     */
    public record Update(Pattern before, Pattern after, Map<String, PluginStats> plugins, boolean pluginsChanged) {
        public boolean created() {
            return before == null;
        }
    }

    private final Function<List<String>, String> domainOf;

    /** @param domainOf infers a domain from a plugin sequence (catalog categories), or returns null */
    public OutcomeRule(Function<List<String>, String> domainOf) {
        this.domainOf = domainOf == null ? ids -> null : domainOf;
    }

    /** The plugin sequence a recording names: its own, else the one its step results ran. */
    public static List<Pattern.Step> sequence(Recording rec) {
        return rec.sequence().isEmpty() ? sequenceOf(rec.outcome().steps()) : rec.sequence();
    }

    /**
     * Applies one outcome to the library.
     *
     * @param now the time stamped on what changes
     * @throws Refusal when the outcome names a pattern the library does not hold, or a sequence other than the
     *                 named pattern's
     */
    public Update apply(Recording rec, Library lib, Instant now) {
        Outcome o = rec.outcome();
        List<Pattern.Step> sequence = sequence(rec);
        String inferred = o.patternId() == null ? domainFor(rec, sequence) : null;
        Pattern before = resolve(lib, o, sequence, rec, inferred);
        if (sequence.isEmpty() && before != null) {
            sequence = before.pluginSequence();
        }
        String domain = before != null ? before.domain() : inferred != null ? inferred : domainFor(rec, sequence);
        Pattern after = next(before, rec, sequence, domain, now, lib);
        after = withStatus(after, Lifecycle.status(after.metrics().successfulExecutions(), after.metrics().totalExecutions()));
        Map<String, PluginStats> plugins = new TreeMap<>(lib.plugins());
        boolean changed = plugins(plugins, o, sequence, now);
        return new Update(before, after, plugins, changed);
    }

    /** The plugin sequence of per-step results, in step order, one entry per step. */
    static List<Pattern.Step> sequenceOf(List<Outcome.StepResult> steps) {
        Map<Integer, Pattern.Step> byStep = new TreeMap<>();
        int i = 0;
        for (Outcome.StepResult r : steps) {
            i++;
            if (r.plugin() == null) {
                continue;
            }
            byStep.putIfAbsent(r.step() > 0 ? r.step() : 10_000 + i, new Pattern.Step(r.plugin(), r.component(), null, null, null));
        }
        return List.copyOf(byStep.values());
    }

    /** Identity of a plugin sequence: plugin and component of each step, in order. */
    public static String sequenceKey(List<Pattern.Step> seq) {
        StringBuilder sb = new StringBuilder();
        for (Pattern.Step s : seq) {
            sb.append(s.plugin()).append('#').append(s.component() == null ? "" : s.component()).append('>');
        }
        return sb.toString();
    }

    /**
     * The identity of a pattern's sequence: the same plugins in the same order, each step's component the same
     * or not said on one side (an explicit outcome naming plugins only is the same workflow as the run that
     * names their components too).
     */
    public static boolean sameSequence(List<Pattern.Step> a, List<Pattern.Step> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Pattern.Step x = a.get(i);
            Pattern.Step y = b.get(i);
            if (!x.plugin().equals(y.plugin())) {
                return false;
            }
            if (x.component() != null && y.component() != null && !x.component().equals(y.component())) {
                return false;
            }
        }
        return true;
    }

    private String domainFor(Recording rec, List<Pattern.Step> sequence) {
        if (rec.domain() != null && !rec.domain().isBlank()) {
            return TaskClass.domain(rec.domain());
        }
        try {
            return TaskClass.domain(domainOf.apply(sequence.stream().map(Pattern.Step::plugin).toList()));
        } catch (RuntimeException e) {
            log.debug("domain inference failed: {}", e.toString());
            return "general";
        }
    }

    /** The pattern this outcome belongs to: the named one, or the same task class with the same sequence. */
    private static Pattern resolve(Library lib, Outcome o, List<Pattern.Step> sequence, Recording rec, String domain) {
        if (o.patternId() != null) {
            Pattern p = lib.patterns().get(o.patternId());
            if (p == null) {
                throw new Refusal("unknown pattern_id '" + o.patternId() + "' (pattern_stats lists the library)");
            }
            if (!rec.sequence().isEmpty() && !sequenceKey(rec.sequence()).equals(sequenceKey(p.pluginSequence()))) {
                throw new Refusal("plugin_sequence differs from pattern " + o.patternId()
                        + "'s; omit pattern_id to record a new sequence");
            }
            return p;
        }
        Set<String> terms = TaskClass.terms(o.task());
        Pattern best = null;
        double bestOverlap = -1;
        boolean bestExact = false;
        for (Pattern p : lib.patterns().values()) {
            if (!sameSequence(sequence, p.pluginSequence()) || !domain.equals(TaskClass.domain(p.domain()))) {
                continue;
            }
            double ov = TaskClass.overlap(terms, TaskClass.terms(p.taskKeywords()));
            boolean exact = sequenceKey(sequence).equals(sequenceKey(p.pluginSequence()));
            // the closest task, then the exact sequence, then the most runs; the smaller id last, so that
            // every process picks the same pattern whatever order it reads them in
            if (ov >= TaskClass.SAME_CLASS_OVERLAP && (ov > bestOverlap || (ov == bestOverlap && (exact && !bestExact
                    || exact == bestExact && (p.metrics().totalExecutions() > best.metrics().totalExecutions()
                    || p.metrics().totalExecutions() == best.metrics().totalExecutions() && p.id().compareTo(best.id()) < 0))))) {
                best = p;
                bestOverlap = ov;
                bestExact = exact;
            }
        }
        return best;
    }

    private static Pattern next(Pattern before, Recording rec, List<Pattern.Step> sequence, String domain, Instant now,
                                Library lib) {
        Outcome o = rec.outcome();
        boolean ok = o.success();
        Pattern.Metrics m = before == null ? Pattern.Metrics.EMPTY : before.metrics();
        int total = m.totalExecutions() + 1;
        int succ = m.successfulExecutions() + (ok ? 1 : 0);
        double seconds = o.durationMs() / 1000.0;
        double avg = o.durationMs() > 0 ? (m.totalExecutions() == 0 || m.avgCompletionTime() <= 0 ? seconds
                : m.avgCompletionTime() + (seconds - m.avgCompletionTime()) / total) : m.avgCompletionTime();
        Pattern.Metrics metrics = new Pattern.Metrics(total, succ, total - succ, Texts.round((double) succ / total, 4), Texts.round(avg, 4));

        List<Pattern.Step> base = before == null ? sequence : before.pluginSequence();
        List<Pattern.Step> steps = new ArrayList<>();
        boolean[] seen = new boolean[base.size()];
        Map<Integer, Outcome.StepResult> results = new HashMap<>();
        List<Outcome.StepResult> all = o.steps();
        for (int k = 0; k < all.size(); k++) {
            Outcome.StepResult r = all.get(k);
            int idx = stepIndex(base, r, seen);
            if (idx >= 0) {
                seen[idx] = true;
                // A planned step followed by another result under the same step number is a step that ran a
                // fallback: the fallback's outcome counts for the planned step.
                Outcome.StepResult counted = r;
                while (k + 1 < all.size() && all.get(k + 1).step() == r.step() && r.step() > 0) {
                    counted = all.get(++k);
                }
                results.put(idx, counted == r ? r : new Outcome.StepResult(r.step(), r.plugin(), r.component(), counted.status(),
                        counted.durationMs(), r.error(), counted.fixApplied()));
            }
        }
        for (int i = 0; i < base.size(); i++) {
            Pattern.Step b = base.get(i);
            Outcome.StepResult r = results.get(i);
            if (r == null && o.steps().isEmpty() && ok) {
                r = new Outcome.StepResult(i + 1, b.plugin(), b.component(), "success", 0, null, null);
            }
            String purpose = b.purpose() != null ? b.purpose() : i < sequence.size() ? sequence.get(i).purpose() : null;
            Double time = b.avgTime();
            Double rate = b.successRate();
            if (r != null) {
                double x = r.success() ? 1 : 0;
                rate = Texts.round(rate == null ? x : rate + (x - rate) / total, 4);
                if (r.durationMs() > 0) {
                    double d = r.durationMs() / 1000.0;
                    time = Texts.round(time == null ? d : time + (d - time) / total, 4);
                }
            }
            // a pattern first recorded from plugin ids alone learns its components from a run of the same sequence
            String component = b.component() != null ? b.component()
                    : i < sequence.size() && b.plugin().equals(sequence.get(i).plugin()) ? sequence.get(i).component() : null;
            steps.add(new Pattern.Step(b.plugin(), component, purpose, time, rate));
        }

        List<Pattern.KnownIssue> issues = before == null ? List.of() : before.knownIssues();
        for (String err : rec.errors()) {
            issues = addIssue(issues, err, rec.fix(), null);
        }
        for (Outcome.StepResult r : o.steps()) {
            if (r.error() != null && !r.error().isBlank()) {
                String label = r.plugin() == null ? r.error() : r.plugin() + ": " + r.error();
                issues = addIssue(issues, label, r.fixApplied(), r.check());
            }
        }
        List<String> env = union(before == null ? List.of() : before.environmentRequirements(), rec.environmentRequirements(), 30);
        List<String> keywords;
        List<String> tags;
        String id;
        String name;
        String description;
        String subdomain;
        String created;
        if (before == null) {
            keywords = TaskClass.keywords(o.task());
            tags = union(rec.tags(), keywords.subList(0, Math.min(6, keywords.size())), 20);
            id = lib.namer().newId(domain, keywords, sequence);
            String task = o.task() == null ? "" : o.task().strip().replaceAll("\\s+", " ");
            name = !task.isEmpty() ? Texts.shorten(task, 100)
                    : "Sequence " + String.join(" > ", sequence.stream().map(Pattern.Step::plugin).toList());
            description = task.isEmpty() ? null : Texts.shorten(task, 500);
            subdomain = rec.subdomain();
            created = now.toString();
        } else {
            keywords = before.taskKeywords();
            tags = union(before.tags(), rec.tags(), 20);
            id = before.id();
            name = before.name();
            description = before.description();
            subdomain = before.subdomain() != null ? before.subdomain() : rec.subdomain();
            created = before.created() != null ? before.created() : now.toString();
        }
        return new Pattern(id, name, description, domain, subdomain, keywords, steps, metrics, issues, env, tags,
                before == null ? "discovered" : before.status(), created, now.toString());
    }

    private static int stepIndex(List<Pattern.Step> base, Outcome.StepResult r, boolean[] seen) {
        int i = r.step() - 1;
        if (i >= 0 && i < base.size() && !seen[i] && (r.plugin() == null || r.plugin().equals(base.get(i).plugin()))) {
            return i;
        }
        for (int j = 0; j < base.size(); j++) {
            if (!seen[j] && base.get(j).plugin().equals(r.plugin())) {
                return j;
            }
        }
        return -1;
    }

    /** Merges one error into a list of known issues: the same normalized pattern counts up, a new one is added. */
    public static List<Pattern.KnownIssue> addIssue(List<Pattern.KnownIssue> issues, String error, String fix, String check) {
        String norm = ErrorPatterns.normalize(error);
        if (norm.isEmpty()) {
            return issues;
        }
        String f = fix == null || fix.isBlank() ? null : Texts.shorten(fix.strip(), 500);
        List<Pattern.KnownIssue> out = new ArrayList<>(issues);
        boolean found = false;
        for (int i = 0; i < out.size(); i++) {
            Pattern.KnownIssue k = out.get(i);
            if (ErrorPatterns.matches(k.issue(), norm)) {
                out.set(i, new Pattern.KnownIssue(k.issue(), k.frequency() + 1, f != null ? f : k.fix(),
                        check != null ? Texts.shorten(check.strip(), 300) : k.check()));
                found = true;
                break;
            }
        }
        if (!found) {
            out.add(new Pattern.KnownIssue(norm, 1, f, check == null ? null : Texts.shorten(check.strip(), 300)));
        }
        out.sort(Comparator.comparingInt((Pattern.KnownIssue k) -> -k.frequency()));
        return out.size() > MAX_ISSUES ? List.copyOf(out.subList(0, MAX_ISSUES)) : List.copyOf(out);
    }

    /** Updates {@code plugins} in place; returns whether any plugin's metrics changed. */
    private static boolean plugins(Map<String, PluginStats> plugins, Outcome o, List<Pattern.Step> sequence, Instant now) {
        boolean changed = false;
        if (!o.steps().isEmpty()) {
            for (Outcome.StepResult r : o.steps()) {
                if (r.plugin() != null) {
                    plugins.put(r.plugin(), updated(plugins.get(r.plugin()), r.success(), r.durationMs(), r.error(),
                            r.fixApplied(), r.check(), now));
                    changed = true;
                }
            }
        } else if (o.success()) {
            // A workflow succeeds only when each of its steps did; without per-step results a failure
            // cannot be blamed on any one plugin, so it changes no plugin's counts.
            for (Pattern.Step st : sequence) {
                plugins.put(st.plugin(), updated(plugins.get(st.plugin()), true, 0, null, null, null, now));
                changed = true;
            }
        }
        return changed;
    }

    private static PluginStats updated(PluginStats s, boolean ok, long durationMs, String error, String fix, String check,
                                       Instant now) {
        PluginStats p = s == null ? PluginStats.EMPTY : s;
        int uses = p.uses() + 1;
        int timed = p.timedUses();
        double avg = p.avgSeconds();
        if (durationMs > 0) {
            timed++;
            avg = Texts.round(avg + (durationMs / 1000.0 - avg) / timed, 4);
        }
        List<Pattern.KnownIssue> issues = p.knownIssues();
        if (error != null && !error.isBlank()) {
            issues = addIssue(issues, error, fix, check);
        }
        return new PluginStats(uses, p.successes() + (ok ? 1 : 0), timed, avg, now.toString(), issues);
    }

    /** The same pattern with another status. */
    public static Pattern withStatus(Pattern p, String status) {
        return new Pattern(p.id(), p.name(), p.description(), p.domain(), p.subdomain(), p.taskKeywords(),
                p.pluginSequence(), p.metrics(), p.knownIssues(), p.environmentRequirements(), p.tags(), status,
                p.created(), p.lastUpdated());
    }

    private static List<String> union(List<String> a, List<String> b, int max) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (List<String> l : List.of(a, b)) {
            for (String x : l) {
                if (x != null && !x.isBlank() && out.size() < max) {
                    out.add(Texts.shorten(x.strip(), 100));
                }
            }
        }
        return List.copyOf(out);
    }
}
