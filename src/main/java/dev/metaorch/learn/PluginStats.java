package dev.metaorch.learn;

import java.util.List;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One plugin's entry in {@code plugins/metrics.yaml}.
 *
 * @param uses        recorded executions of the plugin's steps
 * @param timedUses   those with a known duration (the denominator of {@code avgSeconds})
 * @param knownIssues normalized error patterns seen in its steps, most frequent first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PluginStats(int uses, int successes, int timedUses, double avgSeconds, String lastUsed,
                          List<Pattern.KnownIssue> knownIssues) {

    public static final PluginStats EMPTY = new PluginStats(0, 0, 0, 0, null, List.of());

    public PluginStats {
        knownIssues = knownIssues == null ? List.of() : List.copyOf(knownIssues);
    }
}
