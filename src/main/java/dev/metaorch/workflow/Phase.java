package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The phases a delivery passes through, in the order work flows: understanding comes before design,
 * design before building, and so on. A component's phase comes from the role words of its name and
 * description, an action's from its verb and role words; the words live in {@code vocabulary.json}
 * ({@link Vocabulary}). The phase fixes what a step consumes and produces and which validation fits it.
 */
public enum Phase {
    DISCOVER("discover"),
    DESIGN("design"),
    BUILD("build"),
    REVIEW("review"),
    SECURE("secure"),
    TEST("test"),
    DOCUMENT("document"),
    DEPLOY("deploy"),
    OPERATE("operate");

    private final String id;
    private final String goal;
    private final List<String> stems;
    private final List<String> verbs;

    Phase(String id) {
        Vocabulary.PhaseWords w = Vocabulary.get().phase(id);
        this.id = id;
        this.goal = w.goal();
        this.stems = w.roles();
        this.verbs = w.verbs();
    }

    /** The verbs that start an action of this phase ("scan", "set up"), from the vocabulary file. */
    public List<String> verbs() {
        return verbs;
    }

    public String id() {
        return id;
    }

    /** What work in this phase is for, in a few words. */
    public String goal() {
        return goal;
    }

    /** The role word stems that mark this phase. */
    public List<String> stems() {
        return stems;
    }

    public static Phase parse(String s) {
        for (Phase p : values()) {
            if (p.id.equalsIgnoreCase(s) || p.name().equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown phase '" + s + "'");
    }

    /** Words of a text, lower case, split on anything but letters, digits and '/' (so "ci/cd" stays one word). */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9/]+")) {
            String t = w.replaceAll("^/+|/+$", "");
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Words of a text like {@link #words}, keeping hyphens and apostrophes inside words ("right-size", "let's"). */
    static List<String> wordsKeepingHyphens(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9/'-]+")) {
            String t = w.replaceAll("^[/'-]+|[/'-]+$", "");
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** How strongly these words mark this phase (each role word one, a generic one half). */
    double roleHits(List<String> words) {
        return hits(words);
    }

    /**
     * How strongly words mark this phase. A stem matches a word start; {@code =} at its end asks for the whole
     * word (or its plural); {@code ~} at its start marks a generic role word that counts half.
     */
    private double hits(List<String> words) {
        double n = 0;
        String joined = " " + String.join(" ", words) + " ";
        for (String s : stems) {
            if (s.indexOf(' ') > 0 && joined.contains(" " + s)) {
                n += 1;
            }
        }
        for (String w : words) {
            double best = 0;
            for (String s : stems) {
                if (s.indexOf(' ') > 0) {
                    continue;
                }
                boolean generic = s.startsWith("~");
                String stem = generic ? s.substring(1) : s;
                if (stemMatches(stem, w)) {
                    best = Math.max(best, generic ? 0.5 : 1.0);
                }
            }
            n += best;
        }
        return n;
    }

    /**
     * Whether the words name this phase's kind of work: they carry a role stem of the phase that is not a generic
     * one ("tests", "security", "changelog"; not "developer").
     */
    boolean named(List<String> words) {
        String joined = " " + String.join(" ", words) + " ";
        for (String s : stems) {
            if (s.startsWith("~")) {
                continue;
            }
            if (s.indexOf(' ') > 0 ? joined.contains(" " + s) : words.stream().anyMatch(w -> stemMatches(s, w))) {
                return true;
            }
        }
        return false;
    }

    /** A role stem against one word: a word start, or with {@code =} the whole word or its plural. */
    private static boolean stemMatches(String stem, String w) {
        if (stem.endsWith("=")) {
            String exact = stem.substring(0, stem.length() - 1);
            return w.equals(exact) || w.equals(exact + "s");
        }
        return w.startsWith(stem);
    }

    /** The strongest match of one word: 1 for a role stem, 0.5 for a generic one, 0 for none. */
    private double wordHit(String w) {
        return hits(List.of(w));
    }

    /**
     * The phase of a component. Its name says what it is, and in a compound name the last role word is the
     * head ("architect-review" is a review, "kubernetes-architect" an architect); so the last name word that
     * marks a phase decides most, other name words less, the description's opening words least. BUILD when
     * nothing matches: an unlabelled agent does the work.
     */
    public static Phase classify(String name, String description) {
        List<String> nameWords = words(name);
        List<String> desc = words(description);
        List<String> opening = desc.subList(0, Math.min(desc.size(), 24));
        double[] score = new double[values().length];
        boolean headFound = false;
        for (int i = nameWords.size() - 1; i >= 0; i--) {
            String w = nameWords.get(i);
            for (Phase p : values()) {
                double h = p.wordHit(w);
                if (h <= 0) {
                    continue;
                }
                boolean head = !headFound && h >= 1.0;
                score[p.ordinal()] += head ? 4 : 1.5 * h;
            }
            if (!headFound) {
                for (Phase p : values()) {
                    if (p.wordHit(w) >= 1.0) {
                        headFound = true;
                        break;
                    }
                }
            }
        }
        for (Phase p : values()) {
            score[p.ordinal()] += 0.5 * p.hits(opening);
        }
        Phase best = BUILD;
        double bestScore = 0;
        for (Phase p : values()) {
            if (score[p.ordinal()] > bestScore) {
                best = p;
                bestScore = score[p.ordinal()];
            }
        }
        return best;
    }

    /**
     * The phase a name marks on its own ("security-scanning", "unit-testing"), by the same head-word rule as
     * {@link #classify}; null when no word of the name marks one.
     */
    public static Phase ofName(String name) {
        Phase p = classify(name, "");
        for (String w : words(name)) {
            if (p.wordHit(w) > 0) {
                return p;
            }
        }
        return null;
    }

    /** Phases a task's text asks for, in phase order (empty when it names none). */
    public static List<Phase> mentioned(String text) {
        List<String> ws = words(text);
        List<Phase> out = new ArrayList<>();
        for (Phase p : values()) {
            if (p.hits(ws) > 0) {
                out.add(p);
            }
        }
        return out;
    }
}
