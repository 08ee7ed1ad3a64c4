package dev.metaorch.learn;

import java.util.Map;

/**
 * Recorded outcomes per plugin, read by the rankers. With no outcomes every plugin gets
 * {@link PluginEvidence#none}, so rankings fall back to relevance alone (never invented rates).
 */
public interface Evidence {

    Evidence NONE = new Evidence() {
        @Override
        public PluginEvidence plugin(String pluginId) {
            return PluginEvidence.none(pluginId);
        }

        @Override
        public Map<String, PluginEvidence> all() {
            return Map.of();
        }
    };

    /** Never null. */
    PluginEvidence plugin(String pluginId);

    /** Plugins that have any recorded use. */
    Map<String, PluginEvidence> all();

    /**
     * @param uses       recorded executions of the plugin's steps
     * @param successes  those that succeeded
     * @param avgSeconds mean duration of a step, 0 when unknown
     * @param lastUsed   ISO-8601 time of the last use, or null
     */
    record PluginEvidence(String pluginId, int uses, int successes, double avgSeconds, String lastUsed) {
        public static PluginEvidence none(String pluginId) {
            return new PluginEvidence(pluginId, 0, 0, 0, null);
        }

        public int failures() {
            return uses - successes;
        }
    }
}
