package dev.metaorch.learn;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * What makes two tasks "the same kind of task" for the pattern library. A task's class is its domain plus
 * the set of its content words after English analysis (lowercase, stop words dropped, Porter stems), so
 * "Build a REST API with JWT authentication" and "REST APIs: add JWT authentication" fall together.
 * Two tasks are in the same class when their domains agree and the Jaccard overlap of their term sets is
 * at least {@value #SAME_CLASS_OVERLAP}. Keywords are kept in their surface form (what people read in the
 * YAML); the stems are derived from them whenever two classes are compared.
 */
public final class TaskClass {

    /** Jaccard overlap of term sets at or above which two tasks are the same class. */
    public static final double SAME_CLASS_OVERLAP = 0.5;
    /** Most keywords kept for a pattern (the first ones of the task, in order). */
    public static final int MAX_KEYWORDS = 12;

    private static final Analyzer ENGLISH = new EnglishAnalyzer();

    private TaskClass() {
    }

    /** Surface keywords of a task: lowercase words that survive stop-word removal, first occurrence order. */
    public static List<String> keywords(String task) {
        if (task == null || task.isBlank()) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        Set<String> stems = new HashSet<>();
        for (String w : task.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}+#]+")) {
            if (w.isEmpty() || w.length() > 40) {
                continue;
            }
            Set<String> s = terms(w);
            if (s.isEmpty() || !stems.addAll(s)) {
                continue; // a stop word, or a word whose stem is already kept ("api" then "apis")
            }
            out.add(w);
            if (out.size() == MAX_KEYWORDS) {
                break;
            }
        }
        return List.copyOf(out);
    }

    /** Analyzed terms (stems) of a text or keyword list. */
    public static Set<String> terms(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        out.addAll(dev.metaorch.util.QueryTerms.tokens(ENGLISH, "t", text));
        return out;
    }

    public static Set<String> terms(Collection<String> keywords) {
        return terms(String.join(" ", keywords));
    }

    public static double overlap(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        int common = 0;
        for (String x : a) {
            if (b.contains(x)) {
                common++;
            }
        }
        return (double) common / (a.size() + b.size() - common);
    }

    /** Normalized domain label: lowercase words joined by '-', "general" when none is known. */
    public static String domain(String domain) {
        if (domain == null || domain.isBlank()) {
            return "general";
        }
        String d = domain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (d.length() > 60) {
            d = d.substring(0, 60);
        }
        return d.isEmpty() ? "general" : d;
    }
}
