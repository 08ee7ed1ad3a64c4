package dev.metaorch.execute;

import java.util.Map;


/**
 * What the client reports after invoking a step.
 *
 * @param status     success or failure, as the client saw it (validation checks still decide)
 * @param outputs    the step's outputs, by name (later steps' inputs refer to them)
 * @param error      the error text when it failed
 * @param durationMs how long the invocation took, as the client measured it
 * @param attempt    the attempt number the report is for, when the client sends it (guards against duplicates)
 */
public record StepReport(String status, Map<String, Object> outputs, String error, long durationMs, Integer attempt) {

    /** Largest outputs object accepted, serialized. */
    public static final int MAX_OUTPUTS_BYTES = 256 * 1024;
    public static final int MAX_ERROR_CHARS = 8_000;
    public static final long MAX_DURATION_MS = 7L * 24 * 3600 * 1000;

    public boolean success() {
        return "success".equals(status);
    }
}
