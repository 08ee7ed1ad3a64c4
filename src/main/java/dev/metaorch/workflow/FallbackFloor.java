package dev.metaorch.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.CatalogSearch.Ref;

/**
 * How {@link Fallbacks#MIN_SIMILARITY} is chosen, on data: the judged components of the realistic tasks' subtasks.
 * For every component a developer would be glad to use for a subtask (grade 2), every other judged component of the
 * same kind for that subtask is a candidate fallback: a real alternative when it is graded 1 or 2 for the subtask,
 * not one when graded 0 (another job that shares words). The similarity is the one {@link Fallbacks} ranks by. The
 * floor is the lowest similarity above which at least {@link #TARGET_PRECISION} of the candidates are real
 * alternatives: a fallback offered is then 9 times in 10 the same kind of work (a wrong one runs another plugin on the user's code; escalating costs a look).
 */
public final class FallbackFloor {

    /** The share of offered fallbacks that must be real alternatives. */
    public static final double TARGET_PRECISION = 0.9;

    /** One candidate pair: similarity, and whether the candidate is a real alternative. */
    public record Pair(String anchor, String candidate, double similarity, boolean alternative, boolean samePhase) {
    }

    /** The pairs, and the floor the rule gives with its precision and recall there. */
    public record Calibration(List<Pair> pairs, double floor, double precision, double recall, int above) {
    }

    private FallbackFloor() {
    }

    public static List<Pair> pairs(Catalog catalog, Path realisticTasks) {
        List<String> lines;
        try {
            lines = Files.readAllLines(realisticTasks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Pair> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> task = Json.toMap(Json.MAPPER.readTree(line));
            if (!(task.get("subtask_grades") instanceof List<?> subtasks)) {
                continue;
            }
            for (Object st : subtasks) {
                if (!(st instanceof Map<?, ?> sm) || !(sm.get("component_grades") instanceof List<?> grades)) {
                    continue;
                }
                List<Map.Entry<Ref, Integer>> judged = new ArrayList<>();
                for (Object g : grades) {
                    if (g instanceof Map<?, ?> gm) {
                        Ref r = find(catalog, String.valueOf(gm.get("plugin_id")), String.valueOf(gm.get("component")),
                                String.valueOf(gm.get("kind")));
                        if (r != null) {
                            judged.add(Map.entry(r, ((Number) gm.get("grade")).intValue()));
                        }
                    }
                }
                for (var a : judged) {
                    if (a.getValue() != 2) {
                        continue;
                    }
                    for (var b : judged) {
                        Ref x = a.getKey();
                        Ref y = b.getKey();
                        if (x.key().equals(y.key()) || x.component().kind() != y.component().kind()
                                || x.plugin().name().equals(y.plugin().name()) && x.component().name().equals(y.component().name())) {
                            continue;
                        }
                        double sim = Fallbacks.cosine(Fallbacks.terms(Fallbacks.roleText(x)), Fallbacks.terms(Fallbacks.roleText(y)));
                        out.add(new Pair(x.qualified(), y.qualified(), sim, b.getValue() >= 1, x.phase() == y.phase()));
                    }
                }
            }
        }
        return out;
    }

    /** The rule: the lowest floor whose candidates at or above it are at least TARGET_PRECISION alternatives. */
    public static Calibration calibrate(List<Pair> pairs) {
        List<Pair> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingDouble(Pair::similarity).reversed());
        long positives = pairs.stream().filter(Pair::alternative).count();
        double floor = 1;
        double prec = 1;
        double rec = 0;
        int above = 0;
        int tp = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).alternative()) {
                tp++;
            }
            // a floor sits between distinct similarities
            if (i + 1 < sorted.size() && sorted.get(i + 1).similarity() == sorted.get(i).similarity()) {
                continue;
            }
            double p = (double) tp / (i + 1);
            if (p >= TARGET_PRECISION) {
                floor = sorted.get(i).similarity();
                prec = p;
                rec = positives == 0 ? 0 : (double) tp / positives;
                above = i + 1;
            }
        }
        return new Calibration(pairs, floor, prec, rec, above);
    }

    static Ref find(Catalog catalog, String pluginId, String component, String kind) {
        Plugin p = catalog.plugin(pluginId).orElse(null);
        if (p == null) {
            return null;
        }
        for (Component c : p.components()) {
            if (c.name().equals(component) && c.kind().id().equals(kind)) {
                return new Ref(p, c);
            }
        }
        return null;
    }

    /** A table of precision and recall at a few floors, for people. */
    public static String table(List<Pair> pairs) {
        long positives = pairs.stream().filter(Pair::alternative).count();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d candidate pairs, %d real alternatives%n", pairs.size(), positives));
        sb.append("floor  above  precision  recall\n");
        for (double f = 0.1; f < 0.95; f += 0.05) {
            double ff = f;
            long above = pairs.stream().filter(x -> x.similarity() >= ff).count();
            long tp = pairs.stream().filter(x -> x.similarity() >= ff && x.alternative()).count();
            sb.append(String.format(Locale.ROOT, "%.2f  %5d  %9.2f  %6.2f%n", f, above, above == 0 ? 1.0 : (double) tp / above,
                    positives == 0 ? 0 : (double) tp / positives));
        }
        return sb.toString();
    }
}
