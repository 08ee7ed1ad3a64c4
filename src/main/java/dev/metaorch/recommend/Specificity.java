package dev.metaorch.recommend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;

/**
 * Which plugins and components are built for one vendor, product or framework, read from the catalog itself.
 *
 * <p>A word of a plugin's or component's name names such a thing ("langfuse", "django", "stripe") when two things
 * hold. It is rare: at most a small share of the catalog's plugins mention it at all (a capability like "security"
 * or "payment" is everywhere). And it is a name, not a common word: where the catalog's prose uses it mid-sentence
 * it is capitalized ("deploy with Django", never "the django of"), or, when the prose says too little to tell, it
 * is nearly unique to one or two plugins. A plugin is built for such a thing when the word is its subject: it is in
 * the plugin's name and in the names of at least half of its components ("langfuse-pack" with
 * "langfuse-ci-integration", "langfuse-deploy-integration", ...), or the plugin has no more than one component.
 * A component is built for one when its own name carries such a word ("django-pro").
 *
 * <p>Such a plugin or component only fits a request that names it: the ranker scales down the scores of those the
 * request does not name. A template family (the same component name across hundreds of vendor packs) then weighs
 * what each member says about the request, not the vendor its pack is about.
 */
final class Specificity {

    /** Prose occurrences needed before the capitalization of a word is trusted. */
    static final int MIN_PROSE = 3;
    /** Share of its prose occurrences capitalized for a word to count as a name. */
    static final double CAPITALIZED = 0.5;
    /** Share of a plugin's components whose names carry a word for the word to be the plugin's subject. */
    static final double SUBJECT_SHARE = 0.5;

    private static final String[] NONE = new String[0];

    private final String[][] plugins;
    private final String[][] components;
    private final List<String>[] surface;

    private Specificity(String[][] plugins, String[][] components, List<String>[] surface) {
        this.plugins = plugins;
        this.components = components;
        this.surface = surface;
    }

    /**
     * @param compPlugin  component document -> plugin ordinal
     * @param compIndex   component document -> position among its plugin's components (-1: a plugin stand-in)
     * @param term        a name word as the index's analyzer turns it into a term (null: none)
     * @param analyze     the index terms of a text. What a specific thing's description says of it names its subject
     *                    too, so a request that uses it involves the subject without naming it ("Agent Engine" for a
     *                    Vertex AI pack): for a plugin the rare words (mentioned by at most {@code dfShare} of the
     *                    plugins) that the prose writes as names, for a component its description's rare terms
     * @param df          how many plugins mention a term
     * @param dfShare     the largest share of plugins that may mention a vendor or framework name
     */
    static Specificity of(List<Plugin> catalog, int[] compPlugin, int[] compIndex, Function<String, String> term,
                          Function<String, List<String>> analyze, ToIntFunction<String> df, double dfShare) {
        Set<String> candidates = new LinkedHashSet<>();
        for (Plugin p : catalog) {
            candidates.addAll(words(p.name()));
            for (Component c : p.components()) {
                candidates.addAll(words(c.name()));
            }
        }
        // a plugin's description words too: which of them the prose writes as names (see below)
        Set<String> counted = new LinkedHashSet<>(candidates);
        for (Plugin p : catalog) {
            counted.addAll(words(p.description()));
        }
        Map<String, int[]> prose = Capitals.count(catalog, counted);
        int n = catalog.size();
        int maxDf = (int) Math.floor(dfShare * n);
        int unique = Math.max(1, (int) Math.floor(0.005 * n));
        Map<String, String> named = new HashMap<>();
        for (String w : candidates) {
            String t = term.apply(w);
            if (t == null) {
                continue;
            }
            int d = df.applyAsInt(t);
            if (d == 0 || d > maxDf) {
                continue;
            }
            int[] c = prose.getOrDefault(w, new int[2]);
            int seen = c[0] + c[1];
            boolean name = seen >= MIN_PROSE ? c[0] >= CAPITALIZED * seen : d <= unique;
            if (name) {
                named.put(w, t);
            }
        }
        String[][] pl = new String[n][];
        List<String>[] sf = new List[n];
        for (int ord = 0; ord < n; ord++) {
            Plugin p = catalog.get(ord);
            List<Component> invocable = p.components().stream().filter(c -> c.kind() == ComponentKind.AGENT
                    || c.kind() == ComponentKind.COMMAND || c.kind() == ComponentKind.SKILL).toList();
            List<String> subj = new ArrayList<>();
            Set<String> terms = new LinkedHashSet<>();
            for (String w : words(p.name())) {
                if (!named.containsKey(w)) {
                    continue;
                }
                long carrying = invocable.stream().filter(c -> words(c.name()).contains(w)).count();
                if (invocable.size() <= 1 || carrying >= SUBJECT_SHARE * invocable.size()) {
                    subj.add(w);
                    terms.add(named.get(w));
                }
            }
            boolean vendor = subj.stream().anyMatch(w -> capitalized(prose.get(w)));
            if (vendor) {
                // the subject is a name the prose writes as one (a vendor, a product): the names its description
                // writes say what it involves ("Agent Engine" for a Vertex AI pack), while a rare concept it is about
                // ("i18n" for a localization vendor) is the task's, not the vendor's
                for (String w : words(p.description())) {
                    String t = term.apply(w);
                    int d = t == null ? 0 : df.applyAsInt(t);
                    if (d > 0 && d <= maxDf && capitalized(prose.get(w))) {
                        terms.add(t);
                    }
                }
            } else if (!terms.isEmpty()) {
                // a subject taken for a name because it is nearly unique: its description's rare terms say what it is for
                for (String t : analyze.apply(p.description())) {
                    int d = df.applyAsInt(t);
                    if (d > 0 && d <= maxDf) {
                        terms.add(t);
                    }
                }
            }
            pl[ord] = terms.isEmpty() ? NONE : terms.toArray(NONE);
            sf[ord] = List.copyOf(subj);
        }
        String[][] co = new String[compPlugin.length][];
        for (int doc = 0; doc < compPlugin.length; doc++) {
            Set<String> terms = new LinkedHashSet<>(List.of(pl[compPlugin[doc]]));
            if (compIndex[doc] >= 0) {
                Component c = catalog.get(compPlugin[doc]).components().get(compIndex[doc]);
                boolean own = false;
                for (String w : words(c.name())) {
                    String t = named.get(w);
                    if (t != null) {
                        terms.add(t);
                        own = true;
                    }
                }
                if (own || !terms.isEmpty()) {
                    for (String t : analyze.apply(c.description())) {
                        int d = df.applyAsInt(t);
                        if (d > 0 && d <= maxDf) {
                            terms.add(t);
                        }
                    }
                }
            }
            co[doc] = terms.isEmpty() ? NONE : terms.toArray(NONE);
        }
        return new Specificity(pl, co, sf);
    }

    /** Whether prose counts ({capitalized, lower case}) show a name: at least {@link #MIN_PROSE}, mostly capitalized. */
    private static boolean capitalized(int[] c) {
        return c != null && c[0] + c[1] >= MIN_PROSE && c[0] >= CAPITALIZED * (c[0] + c[1]);
    }

    /**
     * Writes what was derived, so that a kept index is opened without scanning the catalog's prose again (the scan
     * is the larger part of opening an index).
     */
    void write(java.io.DataOutput out) throws java.io.IOException {
        writeArrays(out, plugins);
        writeArrays(out, components);
        out.writeInt(surface.length);
        for (List<String> l : surface) {
            writeArray(out, l.toArray(NONE));
        }
    }

    /** What {@link #write} wrote, checked against the index it belongs to. */
    @SuppressWarnings("unchecked")
    static Specificity read(java.io.DataInput in, int pluginCount, int componentCount) throws java.io.IOException {
        String[][] pl = readArrays(in);
        String[][] co = readArrays(in);
        int n = in.readInt();
        if (pl.length != pluginCount || co.length != componentCount || n != pluginCount) {
            throw new java.io.IOException("specificity does not match the index");
        }
        List<String>[] sf = new List[n];
        for (int i = 0; i < n; i++) {
            sf[i] = List.of(readArray(in));
        }
        return new Specificity(pl, co, sf);
    }

    /** Whether both say the same of every plugin and component. */
    boolean sameAs(Specificity o) {
        return java.util.Arrays.deepEquals(plugins, o.plugins) && java.util.Arrays.deepEquals(components, o.components)
                && java.util.Arrays.equals(surface, o.surface);
    }

    private static void writeArrays(java.io.DataOutput out, String[][] a) throws java.io.IOException {
        out.writeInt(a.length);
        for (String[] x : a) {
            writeArray(out, x);
        }
    }

    private static void writeArray(java.io.DataOutput out, String[] a) throws java.io.IOException {
        out.writeInt(a.length);
        for (String x : a) {
            out.writeUTF(x);
        }
    }

    private static String[][] readArrays(java.io.DataInput in) throws java.io.IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000_000) {
            throw new java.io.IOException("bad length " + n);
        }
        String[][] out = new String[n][];
        for (int i = 0; i < n; i++) {
            out[i] = readArray(in);
        }
        return out;
    }

    private static String[] readArray(java.io.DataInput in) throws java.io.IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new java.io.IOException("bad length " + n);
        }
        if (n == 0) {
            return NONE;
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.readUTF();
        }
        return out;
    }

    /** Whether the plugin is built for something the request (its analyzed terms) does not name. */
    boolean pluginUnnamed(int ord, Set<String> request) {
        return unnamed(plugins[ord], request);
    }

    /** Whether the component (or its plugin) is built for something the request does not name. */
    boolean componentUnnamed(int doc, Set<String> request) {
        return unnamed(components[doc], request);
    }

    /** The words naming what the plugin is built for, as its name writes them (empty: a general plugin). */
    List<String> subjects(int ord) {
        return surface[ord];
    }

    private static boolean unnamed(String[] names, Set<String> request) {
        if (names.length == 0) {
            return false;
        }
        for (String t : names) {
            if (request.contains(t)) {
                return false;
            }
        }
        return true;
    }

    /** The words of a name: split on anything but letters and digits, lower case, at least two characters. */
    static List<String> words(String name) {
        List<String> out = new ArrayList<>();
        for (String w : name.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (w.length() >= 2 && !w.chars().allMatch(Character::isDigit)) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * How the catalog's prose writes given words mid-sentence: after a lower-case word and a space, outside code
     * fences, headings and tables, and not as part of code (a path, a call, a dotted or hyphenated identifier).
     * Per word: {capitalized, lower case}.
     */
    static final class Capitals {

        private Capitals() {
        }

        static Map<String, int[]> count(List<Plugin> catalog, Set<String> words) {
            // counts add up, so the plugins are scanned on every core (the scan reads every body and README)
            return catalog.parallelStream().collect(HashMap<String, int[]>::new, (out, p) -> {
                scan(p.description(), words, out);
                scan(p.readme(), words, out);
                for (Component c : p.components()) {
                    scan(c.description(), words, out);
                    scan(c.body(), words, out);
                }
            }, (a, b) -> b.forEach((w, c) -> a.merge(w, c, (x, y) -> {
                x[0] += y[0];
                x[1] += y[1];
                return x;
            })));
        }

        static void scan(String text, Set<String> words, Map<String, int[]> out) {
            int n = text.length();
            int i = 0;
            boolean fence = false;
            while (i < n) {
                int end = text.indexOf('\n', i);
                if (end < 0) {
                    end = n;
                }
                int s = i;
                while (s < end && (text.charAt(s) == ' ' || text.charAt(s) == '\t')) {
                    s++;
                }
                if (text.startsWith("```", s) || text.startsWith("~~~", s)) {
                    fence = !fence;
                } else if (!fence && s < end && text.charAt(s) != '#' && text.charAt(s) != '|') {
                    line(text, s, end, words, out);
                }
                i = end + 1;
            }
        }

        private static void line(String text, int from, int to, Set<String> words, Map<String, int[]> out) {
            boolean prevLower = false;
            int i = from;
            while (i < to) {
                char ch = text.charAt(i);
                if (!Character.isLetterOrDigit(ch)) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < to && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
                char before = start > from ? text.charAt(start - 1) : ' ';
                char after = i < to ? text.charAt(i) : ' ';
                boolean code = before == '`' || before == '/' || before == '_' || before == '.' || before == '-'
                        || after == '(' || after == '/' || after == '_' || after == '`'
                        || (after == '.' || after == '-') && i + 1 < to && Character.isLetterOrDigit(text.charAt(i + 1));
                boolean midSentence = prevLower && before == ' ' && start >= from + 2 && text.charAt(start - 2) != ' '
                        && Character.isLetterOrDigit(text.charAt(start - 2));
                if (midSentence && !code && i - start <= 40) {
                    String w = text.substring(start, i).toLowerCase(Locale.ROOT);
                    if (words.contains(w)) {
                        int[] c = out.computeIfAbsent(w, k -> new int[2]);
                        c[Character.isUpperCase(ch) ? 0 : 1]++;
                    }
                }
                prevLower = Character.isLowerCase(ch) && allLower(text, start, i) && !code && after == ' ';
            }
        }

        private static boolean allLower(String text, int from, int to) {
            for (int k = from; k < to; k++) {
                if (!Character.isLowerCase(text.charAt(k))) {
                    return false;
                }
            }
            return true;
        }
    }
}
