package dev.metaorch.catalog;

import static dev.metaorch.util.Texts.firstLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Reads Claude Code's own plugin state: {@code known_marketplaces.json} (each entry's {@code installLocation}),
 * {@code installed_plugins.json} and {@code settings.json enabledPlugins} for install and enable state.
 */
public final class ClaudeStateLoader {

    private ClaudeStateLoader() {
    }

    public static Path knownMarketplaces(Path pluginsDir) {
        return pluginsDir.resolve("known_marketplaces.json");
    }

    public static Path installedPlugins(Path pluginsDir) {
        return pluginsDir.resolve("installed_plugins.json");
    }

    /** Every marketplace Claude Code knows, read from its install location. */
    public static List<Marketplace> marketplaces(Path pluginsDir, List<String> warnings, Set<Path> watched) {
        Path known = knownMarketplaces(pluginsDir);
        watched.add(known);
        if (!Files.exists(known)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = MarketplaceFolderLoader.readJson(known);
        } catch (IOException | RuntimeException e) {
            warnings.add(known + ": " + firstLine(e));
            return List.of();
        }
        List<Marketplace> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode entry = e.getValue();
            String location = SnapshotLoader.text(entry, "installLocation");
            String source = describe(entry.path("source"));
            if (location == null) {
                location = pluginsDir.resolve("marketplaces").resolve(e.getKey()).toString();
            }
            Path dir = Path.of(location);
            if (!Files.isDirectory(dir)) {
                out.add(new Marketplace(e.getKey(), source, "claude-code", List.of(),
                        List.of("install location " + dir + " does not exist (run `claude plugin marketplace update " + e.getKey() + "`)")));
                continue;
            }
            out.add(MarketplaceFolderLoader.load(dir, "claude-code", source, watched));
        }
        return out;
    }

    private static String describe(JsonNode source) {
        String kind = SnapshotLoader.text(source, "source");
        if (kind == null) {
            return null;
        }
        String where = SnapshotLoader.text(source, "repo");
        if (where == null) {
            where = SnapshotLoader.text(source, "path");
        }
        if (where == null) {
            where = SnapshotLoader.text(source, "url");
        }
        return where == null ? kind : kind + ":" + where;
    }

    /** Install and enable state by plugin id; empty when Claude Code has none. */
    public static Map<String, InstallState> installState(Path pluginsDir, Path settings, List<String> warnings, Set<Path> watched) {
        Map<String, InstallState> out = new HashMap<>();
        Map<String, Boolean> enabled = new HashMap<>();
        if (settings != null) {
            watched.add(settings);
            if (Files.exists(settings)) {
                try {
                    JsonNode s = MarketplaceFolderLoader.readJson(settings);
                    s.path("enabledPlugins").properties().forEach(e -> enabled.put(e.getKey(), e.getValue().asBoolean(false)));
                } catch (IOException | RuntimeException e) {
                    warnings.add(settings + ": " + firstLine(e));
                }
            }
        }
        if (pluginsDir != null) {
            Path installed = installedPlugins(pluginsDir);
            watched.add(installed);
            if (Files.exists(installed)) {
                try {
                    JsonNode root = MarketplaceFolderLoader.readJson(installed);
                    // version 2: {"plugins": {"p@m": [{scope, installPath, version, ...}]}}; version 1 had one object per id.
                    JsonNode plugins = root.has("plugins") ? root.get("plugins") : root;
                    for (Map.Entry<String, JsonNode> e : plugins.properties()) {
                        JsonNode v = e.getValue();
                        JsonNode first = v.isArray() ? (v.isEmpty() ? null : v.get(0)) : v;
                        if (first == null || !first.isObject()) {
                            continue;
                        }
                        boolean on = enabled.getOrDefault(e.getKey(), true);
                        out.put(e.getKey(), new InstallState(true, on, SnapshotLoader.text(first, "version"),
                                SnapshotLoader.text(first, "scope")));
                    }
                } catch (IOException | RuntimeException e) {
                    warnings.add(installed + ": " + firstLine(e));
                }
            }
        }
        return out;
    }
}
