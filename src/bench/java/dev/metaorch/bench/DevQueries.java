package dev.metaorch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.util.Json;

/** A judged request of {@code queries-dev.jsonl}: the query and the plugins that answer it. */
public record DevQueries(String id, String query, List<String> relevant, String relevance) {

    @SuppressWarnings("unchecked")
    public static List<DevQueries> load(Path file) {
        List<DevQueries> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> m = Json.MAPPER.readValue(line, Map.class);
                out.add(new DevQueries(String.valueOf(m.get("id")), (String) m.get("query"),
                        (List<String>) m.get("relevant_plugins"), (String) m.getOrDefault("relevance", "exact")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
