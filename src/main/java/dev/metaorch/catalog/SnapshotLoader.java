package dev.metaorch.catalog;

import static dev.metaorch.util.Texts.firstLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * Reads catalog snapshots in JSON Lines (one plugin per line, with its marketplace and components).
 * A path is either one {@code .jsonl} file or a folder whose top-level {@code *.jsonl} files are read.
 * A broken line becomes a warning; the rest of the file still loads.
 */
public final class SnapshotLoader {

    private SnapshotLoader() {
    }

    /** Files a snapshot path stands for, sorted for a stable load order. */
    public static List<Path> files(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                return s.filter(p -> p.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(p))
                        .sorted().toList();
            }
        }
        return List.of(path);
    }

    /** Loads every marketplace found in the snapshot path, in file order. */
    public static List<Marketplace> load(Path path, List<String> warnings) {
        Map<String, List<Plugin>> byMarketplace = new LinkedHashMap<>();
        Map<String, List<String>> mpWarnings = new LinkedHashMap<>();
        List<Path> files;
        try {
            files = files(path);
        } catch (IOException e) {
            warnings.add("catalog " + path + ": cannot list (" + e.getMessage() + ")");
            return List.of();
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                warnings.add("catalog " + file + ": not a file");
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        Plugin p = parse(Json.MAPPER.readTree(line));
                        byMarketplace.computeIfAbsent(p.marketplace(), k -> new ArrayList<>()).add(p);
                    } catch (RuntimeException e) {
                        mpWarnings.computeIfAbsent(file.getFileName().toString(), k -> new ArrayList<>())
                                .add(file.getFileName() + ":" + n + ": skipped (" + firstLine(e) + ")");
                    }
                }
            } catch (IOException | RuntimeException e) {
                warnings.add("catalog " + file + ": " + firstLine(e));
            }
        }
        mpWarnings.values().forEach(warnings::addAll);
        List<Marketplace> out = new ArrayList<>();
        byMarketplace.forEach((name, plugins) ->
                out.add(new Marketplace(name, path.toString(), "snapshot", plugins, List.of())));
        return out;
    }

    static Plugin parse(JsonNode n) {
        String name = text(n, "plugin");
        String marketplace = text(n, "marketplace");
        if (name == null || marketplace == null) {
            throw new IllegalArgumentException("record without plugin or marketplace");
        }
        List<Component> components = new ArrayList<>();
        JsonNode c = n.path("components");
        for (JsonNode a : c.path("agents")) {
            components.add(new Component(ComponentKind.AGENT, text(a, "name"), differs(text(a, "file"), text(a, "name")),
                    text(a, "description"), text(a, "model"), null, strings(a.path("tools"))));
        }
        for (JsonNode a : c.path("commands")) {
            components.add(new Component(ComponentKind.COMMAND, text(a, "name"), null, text(a, "description"),
                    text(a, "model"), text(a, "argument_hint"), List.of()));
        }
        for (JsonNode a : c.path("skills")) {
            components.add(new Component(ComponentKind.SKILL, text(a, "name"), text(a, "dir"), text(a, "description"),
                    null, null, List.of()));
        }
        for (JsonNode h : c.path("hooks")) {
            components.add(Component.of(ComponentKind.HOOK, h.asString(), ""));
        }
        for (JsonNode h : c.path("mcpServers")) {
            components.add(Component.of(ComponentKind.MCP, h.asString(), ""));
        }
        for (JsonNode h : c.path("lspServers")) {
            components.add(Component.of(ComponentKind.LSP, h.asString(), ""));
        }
        components.removeIf(x -> x.name() == null || x.name().isBlank());
        @SuppressWarnings("unchecked")
        Map<String, Object> remote = n.path("source").isObject() ? Json.MAPPER.convertValue(n.get("source"), Map.class) : null;
        return new Plugin(text(n, "plugin_id"), name, marketplace, text(n, "version"), text(n, "description"),
                text(n, "category"), strings(n.path("keywords")), text(n, "author"), text(n, "homepage"),
                text(n, "license"), text(n, "source_path"), remote, !n.has("strict") || n.path("strict").asBoolean(true),
                n.path("components_resolved").asBoolean(true), components, strings(n.path("warnings")), null);
    }

    private static String differs(String file, String name) {
        return file != null && !file.equals(name) ? file : null;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return v.isValueNode() ? v.asString() : v.toString();
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode v : n) {
                if (v.isValueNode() && !v.isNull()) {
                    out.add(v.asString());
                }
            }
        } else if (n.isString()) {
            for (String s : n.asString().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}
