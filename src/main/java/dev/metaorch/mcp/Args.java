package dev.metaorch.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * A tool call's arguments, checked against the tool's input schema ({@link ToolDefinition#schema()}) when made, then
 * read by type. The SDK validates MCP calls against the same schema first; checking here too gives the command line
 * and tests the same refusals, with messages that name the argument and the rule. The schema keywords the tools use
 * are checked: {@code type}, {@code properties}, {@code required}, {@code additionalProperties: false},
 * {@code enum}, {@code minLength}, {@code maxLength}, {@code minimum}, {@code maximum}, {@code maxItems},
 * {@code items}, {@code anyOf}. A string whose schema asks for at least one character must also not be blank.
 * Limits a tool needs beyond its published schema are its own checks ({@link #text}, {@link #atMost}).
 */
public final class Args {

    private final String tool;
    private final Map<String, Object> args;

    private Args(String tool, Map<String, Object> args) {
        this.tool = tool;
        this.args = args;
    }

    /** Checks {@code arguments} against the definition's schema; the first violation is a {@link ToolException}. */
    public static Args of(ToolDefinition definition, Map<String, Object> arguments) {
        Map<String, Object> a = arguments == null ? Map.of() : arguments;
        new Check(definition.name()).object(a, definition.schema(), null);
        return new Args(definition.name(), a);
    }

    public boolean has(String name) {
        return args.get(name) != null;
    }

    public Object raw(String name) {
        return args.get(name);
    }

    /** The string argument, or null when absent. */
    public String string(String name) {
        return (String) args.get(name);
    }

    /**
     * The string argument held to a limit the schema does not publish: null when absent, refused when blank or
     * longer than {@code maxChars}.
     */
    public String text(String name, int maxChars) {
        String s = string(name);
        if (s == null) {
            return null;
        }
        if (s.isBlank()) {
            throw refuse("'" + name + "' must not be empty");
        }
        if (s.length() > maxChars) {
            throw refuse(tooLong(name, s.length(), maxChars));
        }
        return s;
    }

    /** The integer argument, or {@code dflt} when absent. */
    public int integer(String name, int dflt) {
        Object v = args.get(name);
        return v == null ? dflt : ((Number) v).intValue();
    }

    /** The number argument, or {@code dflt} when absent. */
    public double number(String name, double dflt) {
        Object v = args.get(name);
        return v == null ? dflt : ((Number) v).doubleValue();
    }

    /** The boolean argument, or {@code dflt} when absent. */
    public boolean bool(String name, boolean dflt) {
        Object v = args.get(name);
        return v == null ? dflt : (Boolean) v;
    }

    /** The list-of-strings argument; empty when absent. */
    public List<String> strings(String name) {
        Object v = args.get(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object x : (List<?>) v) {
            out.add((String) x);
        }
        return out;
    }

    /** The object argument, or null when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        return (Map<String, Object>) args.get(name);
    }

    /** Refuses an integer argument above a limit the schema does not publish. */
    public void atMost(String name, long value, long max) {
        if (value > max) {
            throw refuse("'" + name + "' must be at most " + max + " (got " + value + ")");
        }
    }

    /** A refusal of this call, in the tool's name. */
    public ToolException refuse(String message) {
        return new ToolException(tool + ": " + message);
    }

    private static String tooLong(String name, int length, int max) {
        return "'" + name + "' is too long (" + length + " characters, at most " + max + ")";
    }

    /** One schema walk; {@code path} names the value checked ({@code steps[2].status}), null for the arguments. */
    private record Check(String tool) {

        ToolException refuse(String message) {
            return new ToolException(tool + ": " + message);
        }

        void object(Map<?, ?> value, JsonNode schema, String path) {
            JsonNode props = schema.path("properties");
            if (schema.path("additionalProperties").isBoolean() && !schema.path("additionalProperties").asBoolean()) {
                for (Object k : value.keySet()) {
                    if (!props.has(String.valueOf(k))) {
                        TreeSet<String> allowed = new TreeSet<>(props.propertyNames());
                        throw refuse(path == null
                                ? "unknown argument '" + k + "' (allowed: " + String.join(", ", allowed) + ")"
                                : "unknown field '" + k + "' in '" + path + "' (allowed: " + String.join(", ", allowed) + ")");
                    }
                }
            }
            for (JsonNode r : schema.path("required")) {
                if (value.get(r.asString()) == null) {
                    throw refuse("'" + join(path, r.asString()) + "' is required");
                }
            }
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                Object v = value.get(p.getKey());
                if (v != null) {
                    value(v, p.getValue(), join(path, p.getKey()));
                }
            }
        }

        void value(Object v, JsonNode schema, String name) {
            if (schema.has("anyOf")) {
                anyOf(v, schema.get("anyOf"), name);
                return;
            }
            String type = schema.path("type").asString("");
            switch (type) {
                case "string" -> string(v, schema, name);
                case "integer" -> integer(v, schema, name);
                case "number" -> number(v, schema, name);
                case "boolean" -> {
                    if (!(v instanceof Boolean)) {
                        throw refuse("'" + name + "' must be true or false");
                    }
                }
                case "array" -> array(v, schema, name);
                case "object" -> {
                    if (!(v instanceof Map<?, ?> m)) {
                        throw refuse("'" + name + "' must be an object" + (schema.has("properties") ? "" : " mapping names to values"));
                    }
                    object(m, schema, name);
                }
                case "" -> {
                }
                default -> throw new IllegalStateException("schema type '" + type + "' of " + name + " is not checked");
            }
        }

        private void string(Object v, JsonNode schema, String name) {
            if (!(v instanceof String s)) {
                throw refuse("'" + name + "' must be a string");
            }
            if (schema.has("enum")) {
                List<String> allowed = new ArrayList<>();
                schema.get("enum").forEach(e -> allowed.add(e.asString()));
                if (!allowed.contains(s)) {
                    throw refuse("'" + name + "' must be " + oneOf(allowed) + " (got '" + s + "')");
                }
            }
            if (schema.path("minLength").asInt(0) >= 1 && s.isBlank()) {
                throw refuse("'" + name + "' must not be empty");
            }
            if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
                throw refuse(tooLong(name, s.length(), schema.get("maxLength").asInt()));
            }
        }

        private void integer(Object v, JsonNode schema, String name) {
            if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw refuse("'" + name + "' must be an integer");
            }
            double d = n.doubleValue();
            // every integer argument is read as a Java int: a larger one is out of range even when the schema is silent
            long min = schema.has("minimum") ? schema.get("minimum").asLong() : Integer.MIN_VALUE;
            long max = schema.has("maximum") ? schema.get("maximum").asLong() : Integer.MAX_VALUE;
            if (d < min || d > max) {
                throw refuse("'" + name + "' must be " + range(schema, d < min, String.valueOf(min), String.valueOf(max)) + " (got " + n + ")");
            }
        }

        private void number(Object v, JsonNode schema, String name) {
            if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
                throw refuse("'" + name + "' must be a number");
            }
            double d = n.doubleValue();
            double min = schema.has("minimum") ? schema.get("minimum").asDouble() : Double.NEGATIVE_INFINITY;
            double max = schema.has("maximum") ? schema.get("maximum").asDouble() : Double.POSITIVE_INFINITY;
            if (d < min || d > max || Double.isInfinite(d)) {
                throw refuse("'" + name + "' must be " + range(schema, d < min, String.valueOf(min), String.valueOf(max)) + " (got " + n + ")");
            }
        }

        /** Both published bounds when the schema has both; else the one that was crossed. */
        private static String range(JsonNode schema, boolean below, String min, String max) {
            if (schema.has("minimum") && schema.has("maximum")) {
                return "between " + min + " and " + max;
            }
            return below ? "at least " + min : "at most " + max;
        }

        private void array(Object v, JsonNode schema, String name) {
            boolean ofStrings = "string".equals(schema.path("items").path("type").asString(""));
            if (!(v instanceof List<?> l)) {
                throw refuse("'" + name + "' must be a list" + (ofStrings ? " of strings" : ""));
            }
            if (schema.has("maxItems") && l.size() > schema.get("maxItems").asInt()) {
                throw refuse("'" + name + "' has more than " + schema.get("maxItems").asInt() + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < l.size(); i++) {
                    if (l.get(i) == null) {
                        throw refuse("'" + name + "[" + (i + 1) + "]' must not be null");
                    }
                    value(l.get(i), schema.get("items"), name + "[" + (i + 1) + "]");
                }
            }
        }

        /** The first form whose type fits decides (its own message is the clearest); no fitting form names them all. */
        private void anyOf(Object v, JsonNode forms, String name) {
            List<String> types = new ArrayList<>();
            for (JsonNode f : forms) {
                String type = f.path("type").asString("");
                types.add(type);
                if (fits(v, type)) {
                    value(v, f, name);
                    return;
                }
            }
            throw refuse("'" + name + "' must be " + String.join(" or ", types.stream().map(t -> article(t) + " " + t).toList()));
        }

        private static boolean fits(Object v, String type) {
            return switch (type) {
                case "string" -> v instanceof String;
                case "integer", "number" -> v instanceof Number;
                case "boolean" -> v instanceof Boolean;
                case "array" -> v instanceof List<?>;
                case "object" -> v instanceof Map<?, ?>;
                default -> true;
            };
        }

        private static String article(String type) {
            return type.isEmpty() || "aeiou".indexOf(type.charAt(0)) < 0 ? "a" : "an";
        }

        private static String oneOf(List<String> allowed) {
            List<String> q = allowed.stream().map(s -> "\"" + s + "\"").toList();
            if (q.size() == 1) {
                return q.get(0);
            }
            return String.join(", ", q.subList(0, q.size() - 1)) + " or " + q.get(q.size() - 1);
        }

        private static String join(String path, String key) {
            return path == null ? key : path + "." + key;
        }
    }
}
