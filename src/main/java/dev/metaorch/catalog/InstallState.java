package dev.metaorch.catalog;

/**
 * Whether Claude Code has a plugin installed and enabled (from {@code installed_plugins.json} and
 * {@code settings.json enabledPlugins}).
 */
public record InstallState(boolean installed, boolean enabled, String version, String scope) {

    public static final InstallState NOT_INSTALLED = new InstallState(false, false, null, null);
}
