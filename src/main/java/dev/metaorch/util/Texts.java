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
}
