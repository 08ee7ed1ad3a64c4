package dev.metaorch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * A task of {@code realistic-dev.jsonl} (format in {@code ../shared/bench/README.md}): as a developer types it,
 * with graded plugins and, for multi-step tasks, the subtasks a capable assistant would write and graded
 * components per subtask. Grades: 2 glad to be pointed to it, 1 partly useful, 0 of no use; anything not judged
 * counts as 0.
 */
public record RealisticTasks(String id, String task, boolean multi, String domain, boolean namesTech,
                             List<String> subtasks, Map<String, Integer> pluginGrades, List<Map<String, Integer>> componentGrades) {

    public RealisticTasks {
        subtasks = List.copyOf(subtasks);
        pluginGrades = Map.copyOf(pluginGrades);
        componentGrades = componentGrades.stream().map(Map::copyOf).toList();
    }

    /** The key a graded component has in {@link #componentGrades}: {@code plugin_id#kind:component}. */
    public static String componentKey(String pluginId, String kind, String component) {
        return pluginId + "#" + kind + ":" + component;
    }

    public static List<RealisticTasks> load(Path file) {
        List<RealisticTasks> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.MAPPER.readTree(line);
                List<String> subtasks = new ArrayList<>();
                n.path("subtasks").forEach(s -> subtasks.add(s.asString()));
                Map<String, Integer> plugins = new LinkedHashMap<>();
                n.path("plugin_grades").properties().forEach(e -> plugins.put(e.getKey(), e.getValue().asInt()));
                List<Map<String, Integer>> comps = new ArrayList<>();
                for (JsonNode st : n.path("subtask_grades")) {
                    Map<String, Integer> g = new LinkedHashMap<>();
                    for (JsonNode c : st.path("component_grades")) {
                        g.merge(componentKey(c.path("plugin_id").asString(), c.path("kind").asString(),
                                c.path("component").asString()), c.path("grade").asInt(), Math::max);
                    }
                    comps.add(g);
                }
                out.add(new RealisticTasks(n.path("id").asString(), n.path("task").asString(),
                        "multi".equals(n.path("kind").asString()), n.path("domain").asString(),
                        n.path("names_tech").asBoolean(), subtasks, plugins, comps));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The grade of a plugin, twins counted once: the best grade of the ids of the same plugin in every marketplace
     * of {@code catalog} (0 when none was judged).
     */
    public int pluginGrade(Catalog catalog, String pluginId) {
        int best = 0;
        for (String id : catalog.twins(pluginId)) {
            best = Math.max(best, pluginGrades.getOrDefault(id, 0));
        }
        return best;
    }

    /** Whether any id of this plugin's twins was judged. */
    public boolean pluginJudged(Catalog catalog, String pluginId) {
        return catalog.twins(pluginId).stream().anyMatch(pluginGrades::containsKey);
    }

    /** The grade of a component for subtask {@code i} (0-based), twins counted once. */
    public int componentGrade(Catalog catalog, int i, String pluginId, String kind, String component) {
        int best = 0;
        for (String id : catalog.twins(pluginId)) {
            best = Math.max(best, componentGrades.get(i).getOrDefault(componentKey(id, kind, component), 0));
        }
        return best;
    }
}
