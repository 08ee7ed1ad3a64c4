package dev.metaorch.learn;

import java.util.List;

import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * A workflow pattern of the library, with the design's fields, stored as
 * {@code patterns/<status>/<id>.yaml}. Times are in seconds; timestamps ISO-8601 strings.
 *
 * @param status discovered, validated, learned or deprecated
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Pattern(String id, String name, String description, String domain, String subdomain,
                      List<String> taskKeywords, List<Step> pluginSequence, Metrics metrics,
                      List<KnownIssue> knownIssues, List<String> environmentRequirements, List<String> tags,
                      String status, String created, String lastUpdated) {

    public static final List<String> STATUSES = List.of("discovered", "validated", "learned", "deprecated");

    public Pattern {
        taskKeywords = taskKeywords == null ? List.of() : List.copyOf(taskKeywords);
        pluginSequence = pluginSequence == null ? List.of() : List.copyOf(pluginSequence);
        metrics = metrics == null ? Metrics.EMPTY : metrics;
        knownIssues = knownIssues == null ? List.of() : List.copyOf(knownIssues);
        environmentRequirements = environmentRequirements == null ? List.of() : List.copyOf(environmentRequirements);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** One step of the plugin sequence. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Step(String plugin, String component, String purpose, Double avgTime, Double successRate) {
    }

    /** Execution counts; {@code success_rate} is the raw rate, kept for readers of the YAML. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Metrics(int totalExecutions, int successfulExecutions, int failedExecutions, double successRate,
                          double avgCompletionTime) {
        public static final Metrics EMPTY = new Metrics(0, 0, 0, 0.0, 0.0);
    }

    /**
     * A recorded failure mode: the normalized error as the caller reported it, how often, the fix when one worked,
     * and the validation check that failed beside it (null when the step failed before any check ran).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KnownIssue(String issue, int frequency, String fix, String check) {

        public KnownIssue(String issue, int frequency, String fix) {
            this(issue, frequency, fix, null);
        }
    }
}
