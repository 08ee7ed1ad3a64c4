package dev.metaorch.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command line: {@code meta-orchestrator <command> [options] [text]}. Options may come before or
 * after the quoted text; {@code --name value} and {@code --name=value} both work; repeatable options keep
 * every value.
 */
public record Options(String command, List<String> positional, Map<String, List<String>> values, Set<String> flags) {

    /** Options every command takes. */
    public static final Set<String> SHARED = Set.of("catalog", "marketplace", "home", "json", "limit", "help", "no-neo4j");

    /** Options that take no value (the product's commands'; a tool with more, such as the benchmarks, names its own). */
    public static final Set<String> FLAGS = Set.of("json", "help", "version", "installed-only", "refresh", "no-neo4j");

    public static Options parse(String... argv) {
        return parse(FLAGS, argv);
    }

    /** As {@link #parse(String...)}, with {@code flags} the options that take no value. */
    public static Options parse(Set<String> flags, String... argv) {
        List<String> positional = new ArrayList<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        java.util.HashSet<String> given = new java.util.HashSet<>();
        boolean onlyPositional = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (onlyPositional || !a.startsWith("--") || a.equals("--")) {
                if (a.equals("--") && !onlyPositional) {
                    onlyPositional = true;
                    continue;
                }
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.isEmpty()) {
                throw new UsageException("empty option name in '" + a + "'");
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                given.add(name);
                continue;
            }
            if (value == null) {
                if (i + 1 >= argv.length) {
                    // the last word: either an option missing its value or a word no command takes as a flag
                    throw new UsageException("--" + name + " needs a value (or is no option of this command: see --help)");
                }
                value = argv[++i];
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        String command = "serve";
        if (!positional.isEmpty()) {
            command = positional.remove(0);
        }
        return new Options(command, List.copyOf(positional), values, Set.copyOf(given));
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public String value(String name) {
        List<String> v = values.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new UsageException("--" + name + " given more than once");
        }
        return v.get(0);
    }

    public int intValue(String name, int min, int max, int dflt) {
        String v = value(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + " (got " + v + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer (got '" + v + "')");
        }
    }

    /** The quoted text after the command (words joined by spaces), or null. */
    public String text() {
        return positional.isEmpty() ? null : String.join(" ", positional);
    }

    /** Fails on options no command knows, so a typo is not silently ignored. */
    public void allow(Set<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new UsageException("unknown option --" + k + " for '" + command + "'");
            }
        }
        for (String f : flags) {
            if (!known.contains(f)) {
                throw new UsageException("unknown option --" + f + " for '" + command + "'");
            }
        }
    }

    /** A wrong command line: printed with the usage, exit status 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
