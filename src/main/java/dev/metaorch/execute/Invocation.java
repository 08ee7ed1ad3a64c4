package dev.metaorch.execute;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.metaorch.workflow.WorkflowStep;

/**
 * What the client is told to invoke: the JSON object it receives (and the journal keeps) in the order it is sent,
 * with typed reads of the fields the run engine itself decides on. It stays an ordered object rather than a record
 * of every field because it is a document for the client: its fields pass through unchanged, journal to answer.
 */
record Invocation(Map<String, Object> fields) {

    Invocation {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The invocation a journal line holds; null when the line has none. */
    static Invocation of(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("'invoke' is not an object");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return new Invocation(copy);
    }

    int step() {
        return (int) RunState.num(fields.get("step"));
    }

    int attempt() {
        return (int) RunState.num(fields.get("attempt"));
    }

    /** "primary" or "fallback". */
    String via() {
        return String.valueOf(fields.get("via"));
    }

    String plugin() {
        return (String) fields.get("plugin");
    }

    String component() {
        return (String) fields.get("component");
    }

    /** The text the client runs, e.g. {@code Task(subagent_type="...")}. */
    Object text() {
        return fields.get("invoke");
    }

    /** The same invocation as another attempt (a retry, or the step again after a known fix). */
    Invocation again(int attempt, String via) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("attempt", attempt);
        m.put("via", via);
        return new Invocation(m);
    }

    /** The step's fallback component in place of this one, with the same inputs. */
    Invocation fallback(int attempt, WorkflowStep.Fallback fb) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("attempt", attempt);
        m.put("via", "fallback");
        m.put("plugin", fb.plugin());
        m.put("component", fb.component());
        m.put("kind", fb.kind());
        m.put("invoke", fb.invoke());
        m.put("fallback_for", Map.of("plugin", String.valueOf(fields.get("plugin")), "component",
                String.valueOf(fields.get("component"))));
        return new Invocation(m);
    }
}
