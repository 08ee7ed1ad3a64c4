package dev.metaorch.learn;

import java.util.Locale;

/**
 * Turns an error message into a pattern that recurs across runs: volatile parts (numbers, paths,
 * quoted values, hex ids, URLs) become placeholders, so "Cannot find module 'x' at /a/b:12" and the
 * same error on another machine count as one known issue.
 */
public final class ErrorPatterns {

    public static final int MAX_LENGTH = 200;

    private ErrorPatterns() {
    }

    public static String normalize(String error) {
        if (error == null) {
            return "";
        }
        String s = error.strip();
        int nl = s.indexOf('\n');
        if (nl > 0) {
            s = s.substring(0, nl);
        }
        s = s.toLowerCase(Locale.ROOT)
                .replaceAll("https?://\\S+", "<url>")
                .replaceAll("(?:[a-z]:)?(?:[/\\\\][\\w.@+-]+){2,}[/\\\\]?", "<path>")
                .replaceAll("\\b0x[0-9a-f]+\\b|\\b[0-9a-f]{12,}\\b", "<hex>")
                .replaceAll("\\b\\d+(?:\\.\\d+)*\\b", "<n>")
                .replaceAll("\\s+", " ")
                .trim();
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    /** Whether a new error matches a recorded pattern: equal after normalization, or one contains the other. */
    public static boolean matches(String recordedPattern, String error) {
        String a = normalize(recordedPattern);
        String b = normalize(error);
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        return a.equals(b) || (a.length() >= 12 && b.contains(a)) || (b.length() >= 12 && a.contains(b));
    }
}
