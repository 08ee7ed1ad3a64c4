package dev.metaorch.learn;

import java.util.List;

/** Known failure modes per plugin, with the fix that worked, from the pattern library. */
public interface KnownIssueSource {

    KnownIssueSource NONE = pluginId -> List.of();

    /** Most frequent first; empty when none are recorded. */
    List<PluginIssue> issues(String pluginId);

    /**
     * @param errorPattern the normalized error text (see {@link ErrorPatterns#normalize})
     * @param fix          what fixed it, or null when nothing has yet
     * @param check        the validation check that failed with it, or null
     */
    record PluginIssue(String pluginId, String errorPattern, String fix, int frequency, String check) {

        public PluginIssue(String pluginId, String errorPattern, String fix, int frequency) {
            this(pluginId, errorPattern, fix, frequency, null);
        }
    }
}
