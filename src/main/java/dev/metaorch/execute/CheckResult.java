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
 */
public record CheckResult(String type, String label, boolean passed, boolean refused, String detail, long durationMs) {

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
        m.put("detail", detail);
        m.put("duration_ms", durationMs);
        return m;
    }

    public static CheckResult fromMap(Map<?, ?> m) {
        Object ms = m.get("duration_ms");
        return new CheckResult(String.valueOf(m.get("type")), String.valueOf(m.get("label")),
                Boolean.TRUE.equals(m.get("passed")), Boolean.TRUE.equals(m.get("refused")),
                m.get("detail") == null ? null : String.valueOf(m.get("detail")),
                ms instanceof Number n ? n.longValue() : 0);
    }
}
