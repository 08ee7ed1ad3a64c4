package dev.metaorch.learn;

/**
 * What recording one outcome did.
 *
 * @param duplicate      the execution id was recorded before: nothing changed
 * @param created        a new pattern was discovered
 * @param previousStatus the pattern's status before (null when created)
 */
public record RecordResult(String executionId, boolean duplicate, boolean created, String previousStatus,
                           Pattern pattern, PatternScore score) {

    public String status() {
        return pattern == null ? null : pattern.status();
    }

    public boolean promoted() {
        return previousStatus != null && Lifecycle.isPromotion(previousStatus, status());
    }
}
