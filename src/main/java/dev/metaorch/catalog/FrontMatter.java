package dev.metaorch.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metaorch.util.Json;

/**
 * YAML front matter of agent, command and skill Markdown files, parsed leniently: many upstream
 * files are not valid YAML (unquoted colons in descriptions, tabs), so a failed YAML parse falls
 * back to a line parser that reads {@code key: value} pairs and indented continuation lines.
 *
 * @param fields   the front-matter keys, values as parsed (strings, lists, maps)
 * @param body     the Markdown after the front matter
 * @param lenient  true when the YAML parser failed and the line parser was used
 * @param present  whether the file had front matter at all
 * @param raw      the front-matter text as written (what the line parser may have split into stray keys)
 */
public record FrontMatter(Map<String, Object> fields, String body, boolean lenient, boolean present, String raw) {

    private static final Pattern KEY_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_-]*)\\s*:\\s?(.*)$");

    public static FrontMatter parse(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (!t.startsWith("---")) {
            return new FrontMatter(Map.of(), t, false, false, "");
        }
        int firstNl = t.indexOf('\n');
        if (firstNl < 0 || !t.substring(0, firstNl).trim().equals("---")) {
            return new FrontMatter(Map.of(), t, false, false, "");
        }
        Matcher end = Pattern.compile("(?m)^---\\s*$").matcher(t);
        if (!end.find(firstNl + 1)) {
            // An unterminated block: read what is there leniently, no body.
            return new FrontMatter(lines(t.substring(firstNl + 1)), "", true, true, t.substring(firstNl + 1));
        }
        String yaml = t.substring(firstNl + 1, end.start());
        int bodyStart = Math.min(t.length(), end.end() + 1);
        String body = t.substring(bodyStart);
        try {
            Object parsed = Json.yaml().readValue(yaml, Object.class);
            if (parsed instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return new FrontMatter(out, body, false, true, yaml);
            }
            if (parsed == null) {
                return new FrontMatter(Map.of(), body, false, true, yaml);
            }
        } catch (RuntimeException e) {
            // fall through to the line parser
        }
        return new FrontMatter(lines(yaml), body, true, true, yaml);
    }

    private static Map<String, Object> lines(String yaml) {
        Map<String, Object> out = new LinkedHashMap<>();
        String key = null;
        StringBuilder value = new StringBuilder();
        for (String raw : yaml.split("\r?\n")) {
            Matcher m = KEY_LINE.matcher(raw);
            if (m.matches() && !raw.startsWith(" ") && !raw.startsWith("\t")) {
                if (key != null) {
                    out.put(key, clean(value.toString()));
                }
                key = m.group(1);
                value.setLength(0);
                value.append(m.group(2));
            } else if (key != null) {
                value.append(' ').append(raw.trim());
            }
        }
        if (key != null) {
            out.put(key, clean(value.toString()));
        }
        return out;
    }

    private static String clean(String v) {
        String s = v.trim();
        if (s.equals("|") || s.equals(">") || s.equals("|-") || s.equals(">-")) {
            return "";
        }
        if (s.startsWith("|") || s.startsWith(">")) {
            s = s.replaceFirst("^[|>][-+]?\\s*", "");
        }
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
            s = s.substring(1, s.length() - 1);
        }
        return s.trim();
    }

    public String string(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            return String.join(", ", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v);
    }

    /** A list value, or a comma-separated string split into a list. */
    public List<String> list(String key) {
        Object v = fields.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x).trim()));
        } else if (v != null) {
            for (String s : String.valueOf(v).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /**
     * The cleaning rules of the snapshot catalog: literal {@code \n} unescaped, cut before the first
     * {@code <example>}, {@code Examples:} or blank line, whitespace collapsed, capped with an ellipsis.
     */
    public static String cleanDescription(String raw, int cap) {
        if (raw == null) {
            return "";
        }
        String s = raw.replace("\\n", "\n");
        int cut = s.length();
        for (String marker : new String[] {"<example>", "Examples:"}) {
            int i = s.indexOf(marker);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        Matcher blank = Pattern.compile("\\n\\s*\\n").matcher(s);
        if (blank.find() && blank.start() > 0) {
            cut = Math.min(cut, blank.start());
        }
        s = s.substring(0, cut).replaceAll("\\s+", " ").trim();
        if (s.length() > cap) {
            s = s.substring(0, cap - 1).trim() + "\u2026";
        }
        return s;
    }
}
