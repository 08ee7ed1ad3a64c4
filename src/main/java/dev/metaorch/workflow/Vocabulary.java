package dev.metaorch.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * The planner's word lists, read from the one data file {@code vocabulary.json} next to this class: per phase
 * its role stems and action verbs, the noun compounds that start with a verb, the openings that carry no action,
 * the words that mark a clause as a description of the situation, the data dependencies between actions and the
 * role words of an orchestrating component. General developer words only; see the file's {@code _about}.
 */
public record Vocabulary(Map<String, PhaseWords> phases, List<String> compounds, List<String> fillers,
                         List<String> context, List<Order> order, List<String> orchestration,
                         List<String> otherVerbs, List<String> subjects) {

    /** The words of one phase. */
    public record PhaseWords(String goal, List<String> roles, List<String> verbs) {
        public PhaseWords {
            roles = List.copyOf(roles);
            verbs = List.copyOf(verbs);
        }
    }

    /** An action matching {@code first} produces what one matching {@code then} consumes. */
    public record Order(String why, List<String> first, List<String> then) {
        public Order {
            first = List.copyOf(first);
            then = List.copyOf(then);
        }
    }

    public Vocabulary {
        phases = Map.copyOf(phases);
        compounds = List.copyOf(compounds);
        fillers = List.copyOf(fillers);
        context = List.copyOf(context);
        order = List.copyOf(order);
        orchestration = List.copyOf(orchestration);
        otherVerbs = List.copyOf(otherVerbs);
        subjects = List.copyOf(subjects);
    }

    private static final Vocabulary SHARED = load("vocabulary.json");

    /** The shipped vocabulary. */
    public static Vocabulary get() {
        return SHARED;
    }

    static Vocabulary load(String resource) {
        try (InputStream in = Vocabulary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("planner vocabulary " + resource + " missing from the jar");
            }
            JsonNode n = Json.MAPPER.readTree(in);
            Map<String, PhaseWords> phases = new LinkedHashMap<>();
            for (JsonNode p : n.path("phases")) {
                phases.put(p.path("id").asString(), new PhaseWords(p.path("goal").asString(), strings(p.path("roles")),
                        strings(p.path("verbs"))));
            }
            List<Order> order = new ArrayList<>();
            for (JsonNode o : n.path("order")) {
                order.add(new Order(o.path("why").asString(), strings(o.path("first")), strings(o.path("then"))));
            }
            return new Vocabulary(phases, strings(n.path("compounds")), strings(n.path("fillers")),
                    strings(n.path("context")), order, strings(n.path("orchestration")),
                    strings(n.path("other_verbs")), strings(n.path("subjects")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asString().toLowerCase(Locale.ROOT)));
        return out;
    }

    public PhaseWords phase(String id) {
        PhaseWords w = phases.get(id);
        if (w == null) {
            throw new IllegalStateException("planner vocabulary has no phase '" + id + "'");
        }
        return w;
    }
}
