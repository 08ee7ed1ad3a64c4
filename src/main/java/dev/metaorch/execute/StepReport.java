package dev.metaorch.execute;

import java.util.Map;
import java.util.Set;

import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.util.Json;

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
    static final long MAX_DURATION_MS = 7L * 24 * 3600 * 1000;

    public boolean success() {
        return "success".equals(status);
    }

    /** Reads and checks the report fields of an execute_step call; a malformed report is a {@link ToolException}. */
    public static StepReport from(String tool, Args a) {
        String status = a.string("status", true);
        if (!Set.of("success", "failure").contains(status)) {
            throw new ToolException(tool + ": 'status' must be \"success\" or \"failure\" (got '" + status + "')");
        }
        Object raw = a.raw("outputs");
        Map<String, Object> outputs;
        if (raw == null) {
            outputs = Map.of();
        } else if (raw instanceof Map<?, ?>) {
            outputs = a.map("outputs");
            for (Object k : outputs.keySet()) {
                if (!(k instanceof String s) || s.isBlank() || s.length() > 200 || s.indexOf('\0') >= 0) {
                    throw new ToolException(tool + ": 'outputs' has an invalid name (names are 1-200 characters, no NUL)");
                }
            }
            int size = Json.write(outputs).length();
            if (size > MAX_OUTPUTS_BYTES) {
                throw new ToolException(tool + ": 'outputs' is too large (" + size + " characters serialized, at most "
                        + MAX_OUTPUTS_BYTES + "); report paths to large results instead of their contents");
            }
        } else {
            throw new ToolException(tool + ": 'outputs' must be an object mapping output names to values");
        }
        String error = a.string("error", false);
        if (error != null && error.length() > MAX_ERROR_CHARS) {
            error = error.substring(0, MAX_ERROR_CHARS) + "\u2026 [cut at " + MAX_ERROR_CHARS + " characters]";
        }
        long duration = a.has("duration_ms") ? a.integer("duration_ms", 0, Integer.MAX_VALUE, 0) : 0;
        Integer attempt = a.has("attempt") ? a.integer("attempt", 1, 1000, 1) : null;
        return new StepReport(status, outputs, error, Math.min(duration, MAX_DURATION_MS), attempt);
    }
}
