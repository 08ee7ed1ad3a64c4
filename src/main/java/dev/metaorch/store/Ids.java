package dev.metaorch.store;

import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.metaorch.util.Refusal;

/**
 * Ids that become file names (patterns, workflows, runs). Only a safe alphabet is accepted, so no id can
 * name a path outside its folder ({@code ..}, {@code /}, NUL, absolute paths are all refused).
 */
public final class Ids {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.contains("..");
    }

    /** Returns the id, or throws a clear {@link Refusal} naming the field. */
    public static String check(String field, String id) {
        if (!valid(id)) {
            throw new Refusal("invalid " + field + " '" + printable(id)
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** {@code dir/<id><suffix>}, guaranteed to stay inside {@code dir}. */
    public static Path file(Path dir, String field, String id, String suffix) {
        check(field, id);
        Path p = dir.resolve(id + suffix).normalize();
        if (!p.getParent().equals(dir.normalize())) {
            throw new Refusal("invalid " + field + " '" + printable(id) + "'");
        }
        return p;
    }

    /** Turns free text into an id fragment: lowercase words joined by '-', at most {@code max} chars. */
    public static String slug(String text, int max) {
        String s = text == null ? "" : text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (s.length() > max) {
            s = s.substring(0, max).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "x" : s;
    }

    static String printable(String id) {
        if (id == null) {
            return "null";
        }
        String s = id.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 60 ? s.substring(0, 60) + "\u2026" : s;
    }
}
