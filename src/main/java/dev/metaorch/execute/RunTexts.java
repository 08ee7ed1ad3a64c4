package dev.metaorch.execute;

import java.util.List;
import java.util.Map;

import dev.metaorch.util.Json;
import dev.metaorch.util.Texts;

/** Readable Markdown for the run tools' answers (the same facts as their structured content). */
public final class RunTexts {

    private RunTexts() {
    }

    public static String invocation(Map<String, Object> inv) {
        if (inv == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Step ").append(inv.get("step")).append(" (").append(inv.get("position")).append(" of ")
                .append(inv.get("total_steps")).append("), attempt ").append(inv.get("attempt"));
        if ("fallback".equals(inv.get("via"))) {
            sb.append(", fallback component");
        }
        sb.append(": invoke `").append(inv.get("invoke")).append("` (").append(inv.get("plugin")).append(", ")
                .append(inv.get("kind")).append(" ").append(inv.get("component")).append(")");
        if (inv.get("purpose") != null) {
            sb.append("\nPurpose: ").append(inv.get("purpose"));
        }
        if (inv.get("inputs") instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("\nInputs: ").append(Json.write(m));
        }
        if (inv.get("unresolved_inputs") instanceof List<?> l && !l.isEmpty()) {
            sb.append("\nUnresolved inputs: ").append(l);
        }
        if (inv.get("expected_outputs") instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("\nReport these outputs: ").append(String.join(", ", m.keySet().stream().map(String::valueOf).toList()));
        }
        if (inv.get("validation") instanceof List<?> checks && !checks.isEmpty()) {
            sb.append("\nChecks this step faces when you report it:");
            for (Object o : checks) {
                if (o instanceof Map<?, ?> c) {
                    sb.append("\n- ").append(c.get("check"));
                    if (c.get("reason") != null) {
                        sb.append(" (").append(c.get("reason")).append(")");
                    }
                    if (c.get("needs") != null) {
                        sb.append(" - cannot run yet, needs ").append(c.get("needs")).append("; until then it is reported unverified");
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Most output lines of a failed check shown in a text result; the structured result has the whole tail. */
    static final int TAIL_LINES = 30;
    /** Most characters of them. */
    static final int TAIL_CHARS = 2_000;

    /**
     * The output of a failed check after its first line (a command's "exit code 1 ... Output:" line), its last
     * {@link #TAIL_LINES} lines within {@link #TAIL_CHARS} characters; null when it has none or the check passed.
     */
    static String outputTail(Map<?, ?> check) {
        if (Boolean.TRUE.equals(check.get("passed")) || check.get("detail") == null) {
            return null;
        }
        List<String> lines = String.valueOf(check.get("detail")).strip().lines().toList();
        if (lines.size() < 2) {
            return null;
        }
        List<String> rest = lines.subList(Math.max(1, lines.size() - TAIL_LINES), lines.size());
        String tail = String.join("\n", rest);
        if (tail.length() > TAIL_CHARS) {
            tail = "\u2026" + tail.substring(tail.length() - TAIL_CHARS);
        }
        return tail.isBlank() ? null : tail;
    }

    public static String started(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(s.get("run_id")).append(" started for workflow ").append(s.get("workflow_id"))
                .append(" (").append(s.get("total_steps")).append(" steps) in ").append(s.get("workspace")).append(".\n");
        if (s.get("restore_point") instanceof Map<?, ?> rp) {
            sb.append("Restore point: ").append(rp.get("ref")).append('\n');
        } else if (s.get("restore_note") != null) {
            sb.append("Note: ").append(s.get("restore_note")).append('\n');
        }
        sb.append('\n').append(invocation(cast(s.get("invoke"))));
        sb.append("\n\nThen call execute_step with run_id, step, status and outputs.");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    public static String decision(Map<String, Object> d) {
        StringBuilder sb = new StringBuilder();
        sb.append("Decision: **").append(d.get("decision")).append("** - ").append(d.get("message")).append('\n');
        if (d.get("checks") instanceof List<?> checks && !checks.isEmpty()) {
            sb.append("\nChecks:\n");
            for (Object o : checks) {
                Map<String, Object> c = (Map<String, Object>) o;
                sb.append("- ").append(Boolean.TRUE.equals(c.get("passed")) ? "pass" : Boolean.TRUE.equals(c.get("unverified"))
                        ? "UNVERIFIED" : Boolean.TRUE.equals(c.get("refused")) ? "REFUSED" : "FAIL").append(": ").append(c.get("label"))
                        .append(" - ").append(Texts.firstLine(String.valueOf(c.get("detail")))).append('\n');
                String more = outputTail(c);
                if (more != null) {
                    sb.append("  Output (last ").append(more.lines().count()).append(" lines):\n```\n").append(more).append("\n```\n");
                }
            }
        }
        if (d.get("error") != null) {
            sb.append("\nError: ").append(Texts.firstLine(String.valueOf(d.get("error")))).append('\n');
        }
        switch (String.valueOf(d.get("decision"))) {
            case "retry" -> sb.append("\nWait ").append(d.get("delay_ms")).append(" ms, then:\n");
            case "known_fix" -> sb.append("\nApply this fix first: ").append(((Map<String, Object>) d.get("fix")).get("fix"))
                    .append("\nThen:\n");
            default -> sb.append('\n');
        }
        if (d.get("invoke") != null) {
            sb.append(invocation(cast(d.get("invoke"))));
        }
        if (d.get("tried") instanceof List<?> tried) {
            sb.append("What was tried:\n");
            for (Object o : tried) {
                Map<String, Object> t = (Map<String, Object>) o;
                sb.append("- attempt ").append(t.get("attempt")).append(" (").append(t.get("via")).append(" ")
                        .append(t.get("plugin")).append(":").append(t.get("component")).append("): ")
                        .append(t.get("error")).append(" -> ").append(t.get("decision")).append('\n');
            }
        }
        if (d.get("result") instanceof Map<?, ?> r) {
            sb.append("Result: ").append(r.get("status")).append(", ").append(r.get("steps_completed")).append(" steps completed in ")
                    .append(r.get("execution_time")).append(", ").append(r.get("failed_attempts")).append(" failed attempt(s)");
            if (r.get("test_results") instanceof Map<?, ?> t && t.get("total") != null) {
                sb.append("; tests ").append(t.get("passed")).append("/").append(t.get("total")).append(" passed (")
                        .append(t.get("source")).append(")");
            }
            sb.append('\n');
            if (r.get("final_validation") instanceof List<?> fin) {
                for (Object o : fin) {
                    if (o instanceof Map<?, ?> c && !Boolean.TRUE.equals(c.get("passed"))) {
                        sb.append("Final check ").append(Boolean.TRUE.equals(c.get("unverified")) ? "UNVERIFIED" : "FAIL").append(": ")
                                .append(c.get("label")).append(" - ").append(Texts.firstLine(String.valueOf(c.get("detail")))).append('\n');
                        String more = outputTail(c);
                        if (more != null) {
                            sb.append("```\n").append(more).append("\n```\n");
                        }
                    }
                }
            }
            if (r.get("features") instanceof List<?> f && !f.isEmpty()) {
                sb.append("Features: ").append(String.join("; ", f.stream().map(String::valueOf).toList())).append('\n');
            }
        }
        return sb.toString().strip();
    }

    public static String list(List<Map<String, Object>> runs) {
        if (runs.isEmpty()) {
            return "No runs yet (start_run starts one).";
        }
        StringBuilder sb = new StringBuilder("| run | workflow | status | steps done | current step | started |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : runs) {
            sb.append("| ").append(r.get("run_id")).append(" | ").append(r.get("workflow_id")).append(" | ").append(r.get("status"))
                    .append(" | ").append(r.get("steps_succeeded")).append("/").append(r.get("total_steps")).append(" | ")
                    .append(r.get("current_step") == null ? "-" : r.get("current_step")).append(" | ").append(r.get("started_at"))
                    .append(" |\n");
        }
        return sb.toString().strip();
    }

    @SuppressWarnings("unchecked")
    public static String status(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(s.get("run_id")).append(" (workflow ").append(s.get("workflow_id")).append("): **")
                .append(s.get("status")).append("**, started ").append(s.get("started_at"));
        if (s.get("completed_at") != null) {
            sb.append(", ended ").append(s.get("completed_at"));
        }
        sb.append("\nWorkspace: ").append(s.get("workspace")).append('\n');
        if (s.get("warnings") instanceof List<?> w) {
            w.forEach(x -> sb.append("warning: ").append(x).append('\n'));
        }
        sb.append("\n| step | component | status | attempts | decisions | reported ms |\n|---|---|---|---|---|---|\n");
        for (Object o : (List<Object>) s.get("steps")) {
            Map<String, Object> st = (Map<String, Object>) o;
            List<Map<String, Object>> attempts = st.get("attempts") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
            sb.append("| ").append(st.get("step")).append(" | ").append(st.get("plugin")).append(":").append(st.get("component"))
                    .append(" | ").append(st.get("status")).append(" | ").append(attempts.size()).append(" | ")
                    .append(String.join(", ", attempts.stream().map(a -> String.valueOf(a.get("decision"))).toList()))
                    .append(" | ").append(st.getOrDefault("reported_ms", "-")).append(" |\n");
        }
        if (s.get("awaiting") instanceof Map<?, ?> a) {
            sb.append("\nWaiting for: ").append(invocation((Map<String, Object>) a)).append('\n');
        }
        if (s.get("result") instanceof Map<?, ?> r) {
            sb.append("\nResult: ").append(r.get("status"));
            if (r.get("message") != null) {
                sb.append(" - ").append(r.get("message"));
            }
            sb.append('\n');
        }
        if (s.get("rollbacks") instanceof List<?> rb && !rb.isEmpty()) {
            for (Object o : rb) {
                Map<String, Object> x = (Map<String, Object>) o;
                sb.append("Rolled back to the start of step ").append(x.get("to_step")).append(" at ").append(x.get("at")).append('\n');
            }
        }
        return sb.toString().strip();
    }

    public static String rolledBack(Map<String, Object> r) {
        return "Workspace restored to the start of step " + r.get("restored_to_step") + " (commit " + r.get("commit") + "): "
                + ((List<?>) r.get("removed")).size() + " file(s) created since were removed, " + r.get("restored_files")
                + " changed file(s) restored. Run status: " + r.get("run_status") + ". The state before the rollback is kept as "
                + r.get("saved_ref") + ".";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
