package dev.metaorch.catalog;

import java.nio.file.Path;
import java.util.List;

/**
 * What the catalog is built from. When snapshots or marketplace folders are named (command line or
 * {@code META_ORCH_MARKETPLACES}) exactly those are loaded; otherwise Claude Code's own state under
 * {@code claudePluginsDir} plus any extra folders from config.
 *
 * @param snapshots        JSONL files or folders of them
 * @param marketplaces     marketplace folders
 * @param claudePluginsDir {@code ~/.claude/plugins}; also the source of install state
 * @param claudeSettings   {@code ~/.claude/settings.json} ({@code enabledPlugins})
 * @param useClaudeState   whether Claude Code's known marketplaces are loaded
 */
public record CatalogSources(List<Path> snapshots, List<Path> marketplaces, Path claudePluginsDir, Path claudeSettings,
                             boolean useClaudeState) {

    public CatalogSources {
        snapshots = List.copyOf(snapshots);
        marketplaces = List.copyOf(marketplaces);
    }

    public static CatalogSources snapshots(Path... paths) {
        return new CatalogSources(List.of(paths), List.of(), null, null, false);
    }

    public static CatalogSources folders(List<Path> dirs) {
        return new CatalogSources(List.of(), dirs, null, null, false);
    }

    public boolean named() {
        return !useClaudeState;
    }
}
