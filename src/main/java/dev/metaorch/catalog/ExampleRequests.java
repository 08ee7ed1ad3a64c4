package dev.metaorch.catalog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests plugin authors give as examples of when to use their work, read from the files Claude Code
 * keeps: the {@code <example>} blocks of an agent's description ({@code Context:} and {@code user:} lines, the
 * format Claude Code documents for agents), invocations of a command with arguments ({@code /plugin:command
 * Build a stats page}) in bodies and READMEs, and whole quoted request lines in a README or body
 * ({@code "Create a dashboard for a music streaming app"}).
 *
 * <p>These are the words users actually type, and the cleaned descriptions drop them (a description is cut
 * before its first example). They feed relevance only: never shown as a description. Extraction is structural
 * (markers, quotes, slash invocations), so it applies to any marketplace alike. Snapshot catalogs carry no
 * bodies, so their components have none.
 */
public final class ExampleRequests {

    /** Most examples kept per component or README: enough to describe it, not enough to drown its description. */
    public static final int MAX_PER_SOURCE = 24;
    /** Longest example kept (characters); longer ones are cut at a word boundary. */
    public static final int MAX_CHARS = 240;

    private static final Pattern TURN = Pattern.compile("(?im)^[\\s>*-]*(?:user|human|context)\\s*:\\s*(.+)$");
    private static final Pattern QUOTED_LINE = Pattern.compile(
            "(?m)^[ \\t]*(?:[-*+][ \\t]+|\\d+[.)][ \\t]+|>[ \\t]*)?[\"\u201c]([^\"\u201c\u201d\\n]{8,300})[\"\u201d][ \\t]*$");

    private ExampleRequests() {
    }

    /**
     * {@code Context:} and {@code user:} lines of the text's example blocks (literal {@code \n} unescaped). Read from
     * the raw front matter, not the parsed description: unquoted example blocks are not valid YAML, and a lenient
     * parse splits them into stray keys.
     */
    public static List<String> turns(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        // the raw text of a double-quoted YAML string: its \n and \" escapes
        String unescaped = text.replace("\\n", "\n").replace("\\\"", "\"");
        if (!hasTurnLabel(unescaped)) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Matcher m = TURN.matcher(unescaped);
        while (m.find() && out.size() < MAX_PER_SOURCE) {
            // one word is a front-matter value ("context: fork"), not a request
            if (sentence(m.group(1))) {
                add(out, m.group(1));
            }
        }
        return List.copyOf(out);
    }

    private static final String[] TURN_LABELS = {"user", "human", "context"};

    /**
     * Whether some ':' follows one of {@link #TURN}'s labels (spaces between allowed): what every match of the
     * pattern holds. Most texts hold none, and this scan is far cheaper than the pattern's attempt at every line
     * over every body of a marketplace (which was a tenth of reading the marketplaces).
     */
    private static boolean hasTurnLabel(String text) {
        for (int colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
            int end = colon;
            while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            for (String label : TURN_LABELS) {
                int start = end - label.length();
                if (start >= 0 && text.regionMatches(true, start, label, 0, label.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Lines that are one quoted sentence, alone or as a list or quote item: how READMEs show requests. */
    public static List<String> quotedLines(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Matcher m = QUOTED_LINE.matcher(markdown);
        while (m.find() && out.size() < MAX_PER_SOURCE) {
            String s = m.group(1);
            if (sentence(s)) {
                add(out, s);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The arguments of invocations of command {@code command} of plugin {@code plugin} in the text
     * ({@code /command args} or {@code /plugin:command args}); placeholders and flags-only arguments are skipped.
     */
    public static List<String> invocations(String text, String plugin, String command) {
        if (text == null || text.isEmpty() || command == null || command.isBlank()) {
            return List.of();
        }
        // every invocation writes "/command" or "plugin:command": most texts hold neither, and then no pattern is
        // compiled or run
        if (!text.contains("/" + command) && !text.contains(":" + command)) {
            return List.of();
        }
        Pattern p = Pattern.compile("(?<![\\w/.:-])/(?:" + Pattern.quote(plugin) + ":)?" + Pattern.quote(command)
                + "[ \\t]+([^\\n`]{3,300})");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = p.matcher(text);
        while (m.find() && out.size() < MAX_PER_SOURCE) {
            String arg = argument(m.group(1));
            if (arg != null) {
                add(out, arg);
            }
        }
        return List.copyOf(out);
    }

    /** One {@code /plugin:command arguments} invocation found in a document. */
    public record Invocation(String plugin, String command, String arguments) {
    }

    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w/.:-])/([A-Za-z0-9][\\w.-]*):([A-Za-z0-9][\\w:.-]*)[ \\t]+([^\\n`]{3,300})");

    /**
     * Every fully qualified invocation ({@code /plugin:command arguments}) in a text, as a marketplace's own docs
     * show its commands in use; arguments cleaned and filtered as in {@link #invocations}.
     */
    public static List<Invocation> qualifiedInvocations(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<Invocation> out = new ArrayList<>();
        Matcher m = QUALIFIED.matcher(text);
        while (m.find()) {
            String arg = argument(m.group(3));
            if (arg != null) {
                out.add(new Invocation(m.group(1), m.group(2), arg));
            }
        }
        return out;
    }

    /** The request in an invocation's raw argument text, or null for placeholders, flags and non-prose. */
    private static String argument(String raw) {
        String t = raw.strip();
        // a quoted argument ends at its closing quote, whatever prose follows
        if (!t.isEmpty() && (t.charAt(0) == '"' || t.charAt(0) == '\'' || t.charAt(0) == '\u201c')) {
            char close = t.charAt(0) == '\u201c' ? '\u201d' : t.charAt(0);
            int end = t.indexOf(close, 1);
            if (end > 1) {
                t = t.substring(1, end);
            }
        }
        // a trailing quote or bracket from the surrounding prose is not part of the argument
        String arg = t.replaceAll("[\"'\u201d)\\]]+[.,;]?$", "").replaceAll("^[\"'\u201c]+", "").strip();
        char c0 = arg.isEmpty() ? '<' : arg.charAt(0);
        if (c0 == '<' || c0 == '[' || c0 == '$' || c0 == '-' || c0 == '{' || !sentence(arg)) {
            return null;
        }
        return normalize(arg);
    }

    /** A few words of prose, not code: at least two words with letters and no code punctuation. */
    static boolean sentence(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.contains("{") || t.contains(";") || t.contains("=")) {
            return false;
        }
        int words = 0;
        for (String w : t.split("\\s+")) {
            if (w.chars().anyMatch(Character::isLetter)) {
                words++;
            }
        }
        return words >= 2;
    }

    private static void add(Set<String> out, String raw) {
        String s = normalize(raw);
        if (s != null) {
            out.add(s);
        }
    }

    /** Outer quotes off, whitespace collapsed, cut to {@link #MAX_CHARS}; null when no letter is left. */
    private static String normalize(String raw) {
        String s = raw.strip();
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'")
                || s.startsWith("\u201c") && s.endsWith("\u201d"))) {
            s = s.substring(1, s.length() - 1).strip();
        }
        s = s.replaceAll("\\s+", " ");
        if (s.length() > MAX_CHARS) {
            int cut = s.lastIndexOf(' ', MAX_CHARS);
            s = s.substring(0, cut > MAX_CHARS / 2 ? cut : MAX_CHARS);
        }
        return s.chars().anyMatch(Character::isLetter) ? s : null;
    }

    /** Merges lists, keeping the first occurrence (case-insensitive) and at most {@code max} entries. */
    public static List<String> merge(int max, List<List<String>> lists) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            for (String s : l) {
                if (out.size() >= max) {
                    return List.copyOf(out);
                }
                if (seen.add(s.toLowerCase(Locale.ROOT))) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }
}
