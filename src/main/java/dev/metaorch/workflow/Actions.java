package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task as the ordered actions it asks for (what is to be done, on what), read from its clauses: a clause that
 * opens with a verb of the vocabulary is an action; one without a verb joins the action before it ("google and
 * github login") unless a strong separator ("then", "plus", a new sentence) or a role word of its own ("with
 * evals") makes it one, taking the previous verb; after a comma "with" lists more to deliver ("write a
 * parser, with a fuzzing harness"); a clause that describes the situation ("the nightly build is red") is context, not
 * an action, and so is a verbless clause joined to it ("it is used by the login flow and the billing jobs"). The
 * task's order is kept unless a data dependency of the vocabulary says otherwise (a scan before the fix it informs,
 * a changelog before the tag) or the task says "after".
 */
public final class Actions {

    /**
     * One action.
     *
     * @param verb  the verb that opens it as the task words it ("scan", "set up"), null when the task names none
     * @param text  the action in the task's own words, fillers dropped: what a developer would write as a step
     * @param phase the phase its verb and role words mark
     */
    public record Action(String verb, String text, Phase phase) {
        /** The action as a step's purpose: its text with a capital first letter. */
        public String purpose() {
            return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }
    }

    /**
     * The actions, the reorderings the data dependencies made (said in the plan's notes), and the clauses that describe
     * the situation, in the task's order: what an opening "find them" points back to.
     */
    public record Decomposition(List<Action> actions, List<String> notes, List<String> situation) {
        public Decomposition {
            actions = List.copyOf(actions);
            notes = List.copyOf(notes);
            situation = List.copyOf(situation);
        }
    }

    private Actions() {
    }

    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?;])\\s+|\\n+");
    /** An elaboration: what follows lists the parts of what precedes ("... account - remote state, a VPC"). */
    private static final Pattern ELABORATION = Pattern.compile(":\\s+|\\s+[-\u2013\u2014]\\s+");
    /** Separators inside a sentence; group 1 holds a strong one. */
    private static final Pattern SEPARATOR = Pattern.compile(
            "\\s*(?:,\\s*)?\\b(and then|then|plus|as well as|after|once|before|afterwards)\\b\\s*"
                    + "|\\s*,\\s*(?:and\\s+)?|\\s+(?:and|with|&)\\s+",
            Pattern.CASE_INSENSITIVE);
    /** "with" opening the clause after a comma. */
    private static final Pattern COMMA_WITH = Pattern.compile("with\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern ARROW = Pattern.compile("\\s*(?:->|=>|\u2192)\\s*");
    private static final Set<String> BACK_REFERENCES = Set.of("it", "them", "these", "those", "this", "that", "they");

    private record Segment(String text, String separator) {
    }

    /** Separators after which a gerund opens a clause of its own ("then testing it"), not a noun of a list. */
    private static final Set<String> GERUND_OPENS = Set.of("sentence", "elaboration", "then", "and then", "after", "once",
            "before", "afterwards");

    /** The clauses of one sentence; in a list ({@code listed}) every comma and "and" starts a part of its own. */
    private static void split(String sentence, String first, boolean listed, List<Segment> out) {
        String sep = first;
        Matcher m = SEPARATOR.matcher(sentence);
        int at = 0;
        while (m.find()) {
            out.add(new Segment(sentence.substring(at, m.start()), sep));
            String s = m.group(1) != null ? m.group(1).toLowerCase(Locale.ROOT) : m.group().strip().toLowerCase(Locale.ROOT);
            sep = listed && !s.equals("with") ? "item" : s;
            at = m.end();
            Matcher with = COMMA_WITH.matcher(sentence).region(at, sentence.length());
            if (s.equals(",") && with.lookingAt()) {
                // "write a parser, with a fuzzing harness and golden files": what follows is more to deliver, not a
                // detail of the object before the comma ("a cluster with three node pools" has no comma)
                sep = "with,";
                at = with.end();
                // the next separator is looked for after "with" (one may start inside what was consumed: ", with , b")
                m.region(at, sentence.length()).useTransparentBounds(true).useAnchoringBounds(false);
            }
        }
        out.add(new Segment(sentence.substring(at), sep));
    }

    public static List<Action> of(String task) {
        return decompose(task).actions();
    }

    public static Decomposition decompose(String task) {
        Vocabulary v = Vocabulary.get();
        String t = ARROW.matcher(task.strip()).replaceAll(", then ");
        List<Segment> segments = new ArrayList<>();
        for (String sentence : SENTENCE.split(t)) {
            String[] parts = ELABORATION.split(sentence, 2);
            split(parts[0], "sentence", false, segments);
            if (parts.length > 1) {
                split(parts[1], "elaboration", true, segments);
            }
        }
        List<Action> actions = new ArrayList<>();
        List<Integer> beforePrevious = new ArrayList<>();
        String lastVerb = null;
        boolean context = false;
        List<String> situation = new ArrayList<>();
        for (Segment s : segments) {
            String text = clean(s.text(), v);
            if (Phase.words(text).isEmpty()) {
                continue;
            }
            String verb = verbOf(text, v);
            int sp = text.indexOf(' ');
            if (verb == null && sp > 0 && v.subjects().contains(text.substring(0, sp).toLowerCase(Locale.ROOT))
                    && verbOf(text.substring(sp + 1), v) != null) {
                // "once we write the changelog": the action without its subject
                text = text.substring(sp + 1);
                verb = verbOf(text, v);
            }
            if (verb != null && !Phase.wordsKeepingHyphens(text).get(0).equals(Phase.wordsKeepingHyphens(verb).get(0))) {
                if (GERUND_OPENS.contains(s.separator())) {
                    // a gerund opening a clause ("after scanning the dependencies"): the action in the imperative
                    text = verb + text.substring(text.indexOf(' ') < 0 ? text.length() : text.indexOf(' '));
                } else {
                    verb = null; // a gerund in a list is a noun: "add logging and alerting"
                }
            }
            boolean strong = switch (s.separator()) {
                case "sentence", "elaboration", "item", "then", "and then", "plus", "as well as", "after", "once", "before",
                     "afterwards", "with," -> true;
                default -> false;
            };
            if (verb == null ? describes(text, v) : describesAfterVerb(text, verb, v)) {
                context = true;
                situation.add(text);
                continue; // the situation, not something to do
            }
            if (context && verb == null && !strong) {
                situation.add(text);
                continue; // "it is used by the login flow and the billing jobs": a further part of the situation
            }
            context = false;
            if (verb == null && !actions.isEmpty() && !strong && Phase.mentioned(text).isEmpty()) {
                // a further object of the previous action ("lint the css and the templates")
                Action prev = actions.remove(actions.size() - 1);
                String joined = prev.text() + " " + (s.separator().equals(",") ? "," : s.separator()) + " " + text;
                actions.add(action(prev.verb(), joined.replace(" , ", ", ")));
                continue;
            }
            if (verb == null && lastVerb != null && !s.separator().equals("sentence") && !s.separator().equals("elaboration")) {
                text = lastVerb + " " + text;
                verb = lastVerb;
            }
            if (verb != null) {
                lastVerb = verb;
            }
            if ((s.separator().equals("after") || s.separator().equals("once")) && !actions.isEmpty()) {
                beforePrevious.add(actions.size());
            }
            actions.add(action(verb, text));
        }
        // "write and run a migration": a bare verb shares the next action's object
        for (int i = 0; i + 1 < actions.size(); i++) {
            Action a = actions.get(i);
            Action next = actions.get(i + 1);
            if (a.verb() != null && Phase.words(a.text()).equals(Phase.words(a.verb())) && next.verb() != null) {
                String object = next.text().substring(Math.min(next.text().length(), next.verb().length())).strip();
                if (!object.isEmpty()) {
                    actions.set(i, action(a.verb(), a.text() + " " + object));
                }
            }
        }
        if (actions.isEmpty()) {
            String whole = clean(task, v);
            actions.add(action(verbOf(whole, v), whole.isEmpty() ? task.strip() : whole));
        }
        List<String> notes = new ArrayList<>();
        // "X after Y": Y first
        for (int i : beforePrevious) {
            Action a = actions.remove(i);
            actions.add(i - 1, a);
            notes.add("'" + a.text() + "' comes first: the task says so ('after')");
        }
        dependencies(actions, v, notes);
        return new Decomposition(actions, notes, situation);
    }

    private static Action action(String verb, String text) {
        return new Action(verb, text.strip(), phaseOf(verb, text));
    }

    /** The clause without its leading fillers ("can you", "we need to") and trailing punctuation. */
    static String clean(String s, Vocabulary v) {
        String t = s.strip().replaceAll("^[\\s,;:.!?\"'()-]+|[\\s,;:.!?\"'()-]+$", "");
        boolean changed = true;
        while (changed) {
            changed = false;
            String lower = t.toLowerCase(Locale.ROOT);
            for (String f : v.fillers()) {
                if (lower.startsWith(f + " ") || lower.startsWith(f + ",")) {
                    t = t.substring(f.length()).replaceAll("^[\\s,]+", "");
                    changed = true;
                    break;
                }
            }
        }
        return t;
    }

    /** The vocabulary verb (longest phrase) the clause opens with, or null; a compound noun is no verb. */
    static String verbOf(String text, Vocabulary v) {
        List<String> words = Phase.wordsKeepingHyphens(text);
        if (words.isEmpty()) {
            return null;
        }
        String lower = String.join(" ", words);
        for (String c : v.compounds()) {
            if (lower.equals(c) || lower.startsWith(c + " ")) {
                return null;
            }
        }
        String best = null;
        List<String> all = new ArrayList<>(v.otherVerbs());
        v.phases().values().forEach(p -> all.addAll(p.verbs()));
        {
            for (String verb : all) {
                for (String form : forms(verb)) {
                    if ((lower.equals(form) || lower.startsWith(form + " ")) && (best == null || verb.length() > best.length())) {
                        best = verb;
                    }
                }
            }
        }
        return best;
    }

    /** A verb as written in a clause: itself, and its -ing form for "after scanning" (first word only). */
    private static List<String> forms(String verb) {
        int sp = verb.indexOf(' ');
        String head = sp < 0 ? verb : verb.substring(0, sp);
        String rest = sp < 0 ? "" : verb.substring(sp);
        List<String> out = new ArrayList<>(List.of(verb, head + "ing" + rest));
        if (head.endsWith("e") && head.length() > 2) {
            out.add(head.substring(0, head.length() - 1) + "ing" + rest);
        }
        char last = head.charAt(head.length() - 1);
        if (head.length() >= 3 && "aeiouwxy".indexOf(last) < 0 && "aeiou".indexOf(head.charAt(head.length() - 2)) >= 0
                && "aeiou".indexOf(head.charAt(head.length() - 3)) < 0) {
            out.add(head + last + "ing" + rest);
        }
        return out;
    }

    /**
     * A clause whose words say how things are ("the queue is backed up", "it changes the billing module"), not
     * what to do: it has a word of the vocabulary's {@code context} or opens with one of its {@code subjects}.
     */
    static boolean describes(String text, Vocabulary v) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^a-z0-9']+");
        if (words.length > 0 && v.subjects().contains(words[0])) {
            return true;
        }
        for (String w : words) {
            if (v.context().contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** A clause opening with a verb-like word used as a noun ("review is waiting on us"). */
    static boolean describesAfterVerb(String text, String verb, Vocabulary v) {
        List<String> w = Phase.wordsKeepingHyphens(text);
        int n = Phase.wordsKeepingHyphens(verb).size();
        return w.size() > n && v.context().contains(w.get(n));
    }

    /** Words that open a relative clause, which says what the action's object is rather than what the action does. */
    private static final Set<String> RELATIVE = Set.of("that", "which", "who", "whose", "where");

    /**
     * The action's phase: each role word of its text counts one (half in a relative clause), its verb one; a tie
     * goes to the role words ("write a changelog" documents, "fix the flaky tests" tests).
     */
    static Phase phaseOf(String verb, String text) {
        List<String> words = Phase.words(text);
        if (verb != null) {
            // the verb is scored on its own below; its words are not role words of the object
            int n = Phase.words(verb).size();
            words = words.subList(Math.min(n, words.size()), words.size());
        }
        // a relative clause describes the object ("a CI workflow that runs the tests"): its role words count half
        int rel = words.size();
        for (int i = 0; i < words.size(); i++) {
            if (RELATIVE.contains(words.get(i))) {
                rel = i;
                break;
            }
        }
        List<String> main = words.subList(0, rel);
        List<String> clause = words.subList(rel, words.size());
        Phase best = null;
        double bestScore = 0;
        for (Phase p : Phase.values()) {
            double s = p.roleHits(main) + 0.5 * p.roleHits(clause);
            if (s > bestScore) {
                best = p;
                bestScore = s;
            }
        }
        Phase byVerb = null;
        if (verb != null) {
            for (Phase p : Phase.values()) {
                if (p.verbs().contains(verb)) {
                    byVerb = p;
                    break;
                }
            }
        }
        if (best == null) {
            return byVerb != null ? byVerb : Phase.BUILD;
        }
        if (byVerb != null && byVerb != best && 1 + byVerb.roleHits(main) > bestScore) {
            return byVerb;
        }
        return best;
    }

    /**
     * Moves an action that produces what an earlier one consumes before it (the vocabulary's {@code order}),
     * when the two are about the same thing: they share a content word, or the consumer points back ("them").
     */
    static void dependencies(List<Action> actions, Vocabulary v, List<String> notes) {
        boolean moved = true;
        int guard = 0;
        while (moved && guard++ < 20) {
            moved = false;
            outer:
            for (int i = 0; i < actions.size(); i++) {
                for (int j = i + 1; j < actions.size(); j++) {
                    for (Vocabulary.Order o : v.order()) {
                        if (matches(actions.get(i).text(), o.then()) && matches(actions.get(j).text(), o.first())
                                && !matches(actions.get(i).text(), o.first())
                                && related(actions.get(i).text(), actions.get(j).text())) {
                            Action a = actions.remove(j);
                            actions.add(i, a);
                            notes.add("'" + a.text() + "' comes before '" + actions.get(i + 1).text() + "': " + o.why());
                            moved = true;
                            break outer;
                        }
                    }
                }
            }
        }
    }

    private static boolean matches(String text, List<String> phrases) {
        String lower = " " + String.join(" ", Phase.wordsKeepingHyphens(text)) + " ";
        for (String p : phrases) {
            if (lower.contains(" " + p + " ") || lower.contains(" " + p + "s ")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the action points back to an earlier one's object ("update them"). */
    public static boolean pointsBack(String text) {
        return Phase.words(text).stream().anyMatch(BACK_REFERENCES::contains);
    }

    private static boolean related(String consumer, String producer) {
        List<String> c = Phase.words(consumer);
        if (c.stream().anyMatch(BACK_REFERENCES::contains)) {
            return true;
        }
        Set<String> p = new HashSet<>();
        for (String w : Phase.words(producer)) {
            if (w.length() >= 4) {
                p.add(w.length() > 5 ? w.substring(0, 5) : w);
            }
        }
        return c.stream().filter(w -> w.length() >= 4).map(w -> w.length() > 5 ? w.substring(0, 5) : w).anyMatch(p::contains);
    }
}
