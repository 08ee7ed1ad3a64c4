package dev.metaorch.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a marketplace's own documentation (its root README and {@code docs/}) says about each of its plugins: the
 * passages that name a plugin. A passage is a paragraph, a list item or a table row; when it names exactly one
 * plugin and the paragraph after it names none (a heading line, an install snippet, then the description), that
 * paragraph belongs to the same plugin. A passage naming many plugins (an index, a long table) says little about
 * any one of them and is left out.
 *
 * <p>A plugin counts as named when its name appears as a whole word ({@code code-documentation}), or, for a
 * name of one word ("stripe"), only where the text marks it as a name: in code, bold or a link, or as a
 * {@code plugins/<name>/} path. The rule is structural, the same for every marketplace.
 */
final class MarketplaceDocs {

    /** Most characters of doc passages kept per plugin. */
    static final int MAX_CHARS = 4000;
    /** A passage naming more plugins than this is an index, not a description. */
    static final int MAX_NAMED = 3;

    private static final Pattern WORDISH = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private final Set<String> names;
    private final Map<String, StringBuilder> said = new HashMap<>();

    MarketplaceDocs(List<String> pluginNames) {
        this.names = new LinkedHashSet<>();
        pluginNames.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    }

    /** Reads one Markdown document. */
    void read(String markdown) {
        List<String> blocks = blocks(markdown);
        for (int i = 0; i < blocks.size(); i++) {
            Set<String> named = named(blocks.get(i));
            if (named.isEmpty() || named.size() > MAX_NAMED) {
                continue;
            }
            StringBuilder text = new StringBuilder(strip(blocks.get(i)));
            if (named.size() == 1 && i + 1 < blocks.size() && named(blocks.get(i + 1)).isEmpty()) {
                text.append('\n').append(strip(blocks.get(i + 1)));
            }
            for (String n : named) {
                StringBuilder sb = said.computeIfAbsent(n, k -> new StringBuilder());
                if (sb.length() < MAX_CHARS) {
                    sb.append(text, 0, Math.min(text.length(), MAX_CHARS - sb.length())).append('\n');
                }
            }
        }
    }

    /** The passages about a plugin, one per line; empty when the docs never name it. */
    String about(String pluginName) {
        StringBuilder sb = said.get(pluginName.toLowerCase(Locale.ROOT));
        return sb == null ? "" : sb.toString().strip();
    }

    /** Paragraphs, with each table row and list item a block of its own; fenced code left out. */
    static List<String> blocks(String markdown) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean fence = false;
        for (String line : markdown.split("\r?\n")) {
            String t = line.strip();
            if (t.startsWith("```") || t.startsWith("~~~")) {
                fence = !fence;
                continue;
            }
            if (fence) {
                continue;
            }
            boolean item = t.startsWith("|") || t.matches("^([-*+]|\\d+[.)])\\s.*") || t.startsWith("#");
            if (t.isEmpty() || item) {
                flush(out, cur);
            }
            if (!t.isEmpty()) {
                cur.append(t).append('\n');
            }
            if (item) {
                flush(out, cur);
            }
        }
        flush(out, cur);
        return out;
    }

    private static void flush(List<String> out, StringBuilder cur) {
        if (!cur.isEmpty()) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** Plugin names the block names (see the class comment). */
    Set<String> named(String block) {
        Set<String> out = new LinkedHashSet<>();
        String lower = block.toLowerCase(Locale.ROOT);
        Matcher m = WORDISH.matcher(lower);
        while (m.find()) {
            String w = trimPunct(m.group());
            if (!names.contains(w)) {
                continue;
            }
            if (w.indexOf('-') >= 0 || marked(lower, m.start(), m.start() + w.length())) {
                out.add(w);
            }
        }
        return out;
    }

    /** Whether the word at [start, end) is in code, bold, a link text or a {@code plugins/<name>} path. */
    private static boolean marked(String text, int start, int end) {
        char before = start > 0 ? text.charAt(start - 1) : ' ';
        char after = end < text.length() ? text.charAt(end) : ' ';
        return before == '`' || after == '`' || before == '*' || after == '*' || before == '[' && after == ']'
                || before == '/' && text.startsWith("plugins/", Math.max(0, start - 8));
    }

    private static String trimPunct(String w) {
        int end = w.length();
        while (end > 0 && ".-_".indexOf(w.charAt(end - 1)) >= 0) {
            end--;
        }
        return w.substring(0, end);
    }

    /** Markdown markup that carries no words: table bars, emphasis, link targets. */
    private static String strip(String block) {
        return block.replaceAll("\\]\\([^)]*\\)", "]").replaceAll("[|*`#>\\[\\]]", " ").replaceAll("[ \\t]+", " ").strip();
    }
}
