package dev.metaorch.recommend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The names a request writes as names: a run of words each capitalized where a sentence does not ask for it ("set
 * up observability for Agent Engine"), or carrying capitals after its first letter wherever it stands ("WNBA",
 * "GitHub", "PyTorch"). How the request is written tells a product's name from the common words it is made of
 * ("agent", "engine"); whether the name is rare enough to matter is for the catalog to say.
 */
final class Names {

    private Names() {
    }

    /** The names in a text, in order, each once, as written (words joined by one space). */
    static List<String> in(String text) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        List<String> run = new ArrayList<>();
        boolean sentenceStart = true;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (!Character.isLetterOrDigit(ch)) {
                if (ch == '.' || ch == '!' || ch == '?' || ch == ':' || ch == ';' || ch == '\n' || ch == '"') {
                    // a dot inside a word ("next.js", "2.5") is not the end of a sentence; the word loop skips those
                    sentenceStart = true;
                }
                if (ch != ' ' || (i + 1 < n && !Character.isLetterOrDigit(text.charAt(i + 1)))) {
                    flush(run, out);
                }
                i++;
                continue;
            }
            int start = i;
            while (i < n && (Character.isLetterOrDigit(text.charAt(i))
                    || (text.charAt(i) == '.' || text.charAt(i) == '-') && i + 1 < n
                    && Character.isLetterOrDigit(text.charAt(i + 1)))) {
                i++;
            }
            String w = text.substring(start, i);
            if (isName(w, sentenceStart)) {
                run.add(w);
            } else {
                flush(run, out);
            }
            sentenceStart = false;
        }
        flush(run, out);
        return List.copyOf(out);
    }

    /** Capitals inside the word, or a capital first letter where no sentence starts; "I" is never a name. */
    static boolean isName(String w, boolean sentenceStart) {
        if (w.equals("I") || !Character.isUpperCase(w.charAt(0)) && !hasInnerCapital(w)) {
            return false;
        }
        return hasInnerCapital(w) || !sentenceStart;
    }

    private static boolean hasInnerCapital(String w) {
        for (int k = 1; k < w.length(); k++) {
            if (Character.isUpperCase(w.charAt(k))) {
                return true;
            }
        }
        return false;
    }

    private static void flush(List<String> run, LinkedHashSet<String> out) {
        if (!run.isEmpty()) {
            out.add(String.join(" ", run));
            run.clear();
        }
    }
}
