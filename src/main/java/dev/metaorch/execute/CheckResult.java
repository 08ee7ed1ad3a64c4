package dev.metaorch.execute;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one validation check found.
 *
 * @param type    the check's type (file_exists, http, regex_in_file, command, output)
 * @param label   a short description for people
 * @param passed  whether it passed
 * @param refused the check was not run because it is not allowed (program outside the allowlist, path
 *                leaving the workspace, non-loopback URL): retrying cannot help
 * @param detail  what was seen (matches, status code, exit code and output tail, or why it was refused)
 * @param unverified the check could not run here (its program is not on the allowlist, or not installed): it
 *                neither passed nor failed, and the step is not held back by it
 * @param allow   for an unverified check, what would let it run: the exact config.yaml line, or the install to do
 */
public record CheckResult(String type, String label, boolean passed, boolean refused, String detail, long durationMs,
                          boolean unverified, String allow) {

    public CheckResult(String type, String label, boolean passed, boolean refused, String detail, long durationMs) {
        this(type, label, passed, refused, detail, durationMs, false, null);
    }

    /**
     * A check that could not run here; {@code allow} says what would let it. {@code refused} when the server would
     * not run it (a program off the allowlist), not when it could not (a program not installed).
     */
    public static CheckResult unverified(String type, String label, boolean refused, String detail, String allow) {
        return new CheckResult(type, label, false, refused, detail, 0, true, allow);
    }

    /** Failed: ran (or was refused) and did not pass. An unverified check has not failed. */
    public boolean failed() {
        return !passed && !unverified;
    }

    public static CheckResult pass(String type, String label, String detail, long ms) {
        return new CheckResult(type, label, true, false, detail, ms);
    }

    public static CheckResult fail(String type, String label, String detail, long ms) {
        return new CheckResult(type, label, false, false, detail, ms);
    }

    public static CheckResult refuse(String type, String label, String detail) {
        return new CheckResult(type, label, false, true, detail, 0);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("label", label);
        m.put("passed", passed);
        if (refused) {
            m.put("refused", true);
        }
        if (unverified) {
            m.put("unverified", true);
            m.put("allow", allow);
        }
        m.put("detail", detail);
        m.put("duration_ms", durationMs);
        return m;
    }

    public static CheckResult fromMap(Map<?, ?> m) {
        Object ms = m.get("duration_ms");
        return new CheckResult(String.valueOf(m.get("type")), String.valueOf(m.get("label")),
                Boolean.TRUE.equals(m.get("passed")), Boolean.TRUE.equals(m.get("refused")),
                m.get("detail") == null ? null : String.valueOf(m.get("detail")),
                ms instanceof Number n ? n.longValue() : 0, Boolean.TRUE.equals(m.get("unverified")),
                m.get("allow") == null ? null : String.valueOf(m.get("allow")));
    }
}
