package dev.metaorch.learn;

import java.util.List;
import java.util.Map;

/**
 * Global metrics of the learning store (pattern_stats, the pattern:// resource).
 *
 * @param workflowsExecuted recorded executions (each execution id once)
 * @param patternsByStatus  discovered / validated / learned / deprecated counts
 * @param topDomains        domains by recorded executions, most first
 * @param warnings          files skipped because they were unreadable or unsafe
 */
public record LibraryStats(int workflowsExecuted, int successfulWorkflows, int failedWorkflows, double successRate,
                           int totalPatterns, Map<String, Integer> patternsByStatus, int pluginsWithUsageData,
                           List<DomainCount> topDomains, List<PatternSummary> topPatterns, List<String> warnings) {

    public record DomainCount(String domain, int workflows) {
    }

    public record PatternSummary(String id, String name, String status, String domain, PatternScore score) {
    }
}
