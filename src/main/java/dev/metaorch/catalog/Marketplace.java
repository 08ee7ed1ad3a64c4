package dev.metaorch.catalog;

import java.util.List;

/**
 * A marketplace as loaded.
 *
 * @param name     the {@code name} of its marketplace.json, used in plugin ids
 * @param source   where it came from: a folder, a snapshot file, or the repository Claude Code cloned it from
 * @param origin   which loader read it: {@code claude-code}, {@code folder} or {@code snapshot}
 * @param plugins  its plugins in marketplace.json order
 * @param warnings marketplace-level breakage (plugin warnings stay on the plugins)
 */
public record Marketplace(String name, String source, String origin, List<Plugin> plugins, List<String> warnings) {

    public Marketplace {
        plugins = plugins == null ? List.of() : List.copyOf(plugins);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
