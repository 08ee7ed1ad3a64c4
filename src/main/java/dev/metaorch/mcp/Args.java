package dev.metaorch.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of tool arguments with clear messages. The SDK validates arguments against the schema
 * first; these checks repeat the ones handlers depend on, so a handler called from the CLI or a test
 * gets the same errors.
 */
public final class Args {

    private final String tool;
    private final Map<String, Object> args;

    private Args(String tool, Map<String, Object> args) {
        this.tool = tool;
        this.args = args == null ? Map.of() : args;
    }

    public static Args of(String tool, Map<String, Object> args, Set<String> allowed) {
        Args a = new Args(tool, args);
        for (String k : a.args.keySet()) {
            if (!allowed.contains(k)) {
                throw new ToolException(tool + ": unknown argument '" + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return a;
    }

    public boolean has(String name) {
        return args.get(name) != null;
    }

    public Object raw(String name) {
        return args.get(name);
    }

    public String string(String name, boolean required) {
        Object v = args.get(name);
        if (v == null) {
            if (required) {
                throw new ToolException(tool + ": '" + name + "' is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ToolException(tool + ": '" + name + "' must be a string");
        }
        if (required && s.isBlank()) {
            throw new ToolException(tool + ": '" + name + "' must not be empty");
        }
        return s;
    }

    /** A required non-blank string of at most {@code maxChars}. */
    public String text(String name, int maxChars) {
        String s = string(name, true);
        if (s.length() > maxChars) {
            throw new ToolException(tool + ": '" + name + "' is too long (" + s.length() + " characters, at most " + maxChars + ")");
        }
        return s;
    }

    public int integer(String name, int min, int max, int dflt) {
        Object v = args.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || (n.doubleValue() != Math.rint(n.doubleValue()))) {
            throw new ToolException(tool + ": '" + name + "' must be an integer");
        }
        double d = n.doubleValue();
        if (d < min || d > max) {
            throw new ToolException(tool + ": '" + name + "' must be between " + min + " and " + max + " (got " + n + ")");
        }
        return (int) d;
    }

    public double number(String name, double min, double max, double dflt) {
        Object v = args.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
            throw new ToolException(tool + ": '" + name + "' must be a number");
        }
        double d = n.doubleValue();
        if (d < min || d > max) {
            throw new ToolException(tool + ": '" + name + "' must be between " + min + " and " + max + " (got " + n + ")");
        }
        return d;
    }

    public boolean bool(String name, boolean dflt) {
        Object v = args.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw new ToolException(tool + ": '" + name + "' must be true or false");
        }
        return b;
    }

    public List<String> strings(String name) {
        Object v = args.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new ToolException(tool + ": '" + name + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object x : l) {
            if (!(x instanceof String s)) {
                throw new ToolException(tool + ": '" + name + "' must be a list of strings");
            }
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = args.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ToolException(tool + ": '" + name + "' must be an object");
        }
        return (Map<String, Object>) m;
    }
}
