package dev.metaorch.util;

/** Small text and number helpers every layer uses for what it shows (one copy, not one per class). */
public final class Texts {

    private Texts() {
    }

    /** {@code x} rounded to {@code digits} decimal places, for figures in answers (JSON and text alike). */
    public static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    /** {@code s} cut to at most {@code max} characters, an ellipsis marking the cut. */
    public static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    /**
     * The first non-blank line of {@code s}, cut at 300 characters: enough to say what failed in a warning, an
     * answer or a log line, without the rest of a multi-line message or stack. Empty for null.
     */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "\u2026" : line;
    }

    /** The first line of {@code e}'s message, or the name of its type when it has none. */
    public static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : firstLine(m);
    }

    private static final int MAX_LINE = 300;
}
