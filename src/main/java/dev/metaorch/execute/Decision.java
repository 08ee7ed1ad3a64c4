package dev.metaorch.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.learn.KnownIssueSource;

/**
 * What the run does after a step's report, as {@link RunPolicy} decides it and the journal keeps it (the
 * {@code decision} of a report line, with the fields that belong to it).
 */
sealed interface Decision {

    /** The name the journal and the answer use: next, retry, known_fix, fallback, escalate, completed. */
    String name();

    /** Writes this decision's own journal fields, after {@code "decision"}, in their order on disk. */
    void journal(Map<String, Object> line);

    /** The invocation the run waits on after this decision; null when the run ends. */
    Invocation invoke();

    /** The step passed and another follows: invoke it. The restore point is taken for it just before. */
    record Next(Invocation invoke, GitRestorePoints.Point restorePoint, String restoreNote) implements Decision {
        @Override
        public String name() {
            return "next";
        }

        @Override
        public void journal(Map<String, Object> line) {
            line.put("invoke", invoke.fields());
            line.put("restore_point", restorePoint == null ? null : restorePoint.toMap());
            if (restoreNote != null) {
                line.put("restore_note", restoreNote);
            }
        }

        Next withRestorePoint(GitRestorePoints.Point point, String note) {
            return new Next(invoke, point, note);
        }
    }

    /**
     * Invoke the same component again after {@code delayMs}. {@code retry} (1-based) and {@code maxRetries} are
     * for the answer; the journal does not keep them, so a decision read back has them as 0.
     */
    record Retry(long delayMs, Invocation invoke, int retry, int maxRetries) implements Decision {
        @Override
        public String name() {
            return "retry";
        }

        @Override
        public void journal(Map<String, Object> line) {
            line.put("delay_ms", delayMs);
            line.put("invoke", invoke.fields());
        }
    }

    /** The error is a known issue of the plugin with a recorded fix: apply it, then invoke the step again at once. */
    record KnownFix(Fix fix, Invocation invoke) implements Decision {
        @Override
        public String name() {
            return "known_fix";
        }

        @Override
        public void journal(Map<String, Object> line) {
            line.put("fix", fix == null ? null : fix.toMap());
            line.put("delay_ms", 0);
            line.put("invoke", invoke.fields());
        }
    }

    /**
     * Invoke the step's fallback component instead. {@code because} (why the primary is given up: not retryable, or
     * retries exhausted) is for the answer; the journal does not keep it, so a decision read back has it null.
     */
    record Fallback(Invocation invoke, String because) implements Decision {
        @Override
        public String name() {
            return "fallback";
        }

        @Override
        public void journal(Map<String, Object> line) {
            line.put("invoke", invoke.fields());
        }
    }

    /** Nothing more can be tried automatically: a person takes over. {@code tried} lists every attempt of the step. */
    record Escalate(int failedStep, String message, List<Map<String, Object>> tried) implements Decision {
        @Override
        public String name() {
            return "escalate";
        }

        @Override
        public Invocation invoke() {
            return null;
        }

        @Override
        public void journal(Map<String, Object> line) {
            line.put("message", message);
            line.put("result", result());
        }

        /** The run's result, as the journal keeps it and run_status shows it. */
        Map<String, Object> result() {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", "failure");
            result.put("failed_step", failedStep);
            result.put("message", message);
            result.put("tried", tried);
            return result;
        }
    }

    /** The last step passed: the final validation ran and the run's results are collected. */
    record Completed(List<CheckResult> finalValidation, Map<String, Object> result) implements Decision {
        @Override
        public String name() {
            return "completed";
        }

        @Override
        public Invocation invoke() {
            return null;
        }

        /** The final validation goes before the decision on disk; see {@link JournalEvent.Reported#toMap}. */
        @Override
        public void journal(Map<String, Object> line) {
            line.put("result", result);
        }

        boolean success() {
            return result != null && "success".equals(result.get("status"));
        }
    }

    /** A fix recorded in the pattern library for an error of a plugin. */
    record Fix(String fix, String errorPattern, String plugin, int frequency) {

        static Fix of(KnownIssueSource.PluginIssue issue) {
            return new Fix(issue.fix(), issue.errorPattern(), issue.pluginId(), issue.frequency());
        }

        Map<String, Object> toMap() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("fix", fix);
            f.put("error_pattern", errorPattern);
            f.put("plugin", plugin);
            f.put("frequency", frequency);
            return f;
        }

        static Fix fromMap(Map<?, ?> m) {
            return new Fix(JournalEvent.text(m.get("fix")), JournalEvent.text(m.get("error_pattern")),
                    JournalEvent.text(m.get("plugin")), (int) RunState.num(m.get("frequency")));
        }
    }

    /** Reads the decision of a report line; null for a name this build does not know. */
    @SuppressWarnings("unchecked")
    static Decision fromJournal(String name, Map<String, Object> line) {
        return switch (name) {
            case "next" -> new Next(required(line), line.get("restore_point") instanceof Map<?, ?> p
                    ? new GitRestorePoints.Point(JournalEvent.text(p.get("ref")), JournalEvent.text(p.get("commit"))) : null,
                    (String) line.get("restore_note"));
            case "retry" -> new Retry(RunState.num(line.get("delay_ms")), Invocation.of(line.get("invoke")), 0, 0);
            case "known_fix" -> new KnownFix(line.get("fix") instanceof Map<?, ?> f ? Fix.fromMap(f) : null,
                    Invocation.of(line.get("invoke")));
            case "fallback" -> new Fallback(Invocation.of(line.get("invoke")), null);
            case "escalate" -> {
                Map<String, Object> result = (Map<String, Object>) line.get("result");
                if (result == null) {
                    throw new IllegalArgumentException("an 'escalate' decision without 'result'");
                }
                List<Map<String, Object>> tried = new ArrayList<>();
                if (result.get("tried") instanceof List<?> l) {
                    l.forEach(t -> tried.add((Map<String, Object>) t));
                }
                yield new Escalate((int) RunState.num(result.get("failed_step")),
                        (String) line.get("message"), tried);
            }
            case "completed" -> {
                List<CheckResult> fin = new ArrayList<>();
                if (line.get("final_validation") instanceof List<?> l) {
                    l.forEach(c -> fin.add(CheckResult.fromMap((Map<?, ?>) c)));
                }
                yield new Completed(fin, (Map<String, Object>) line.get("result"));
            }
            default -> null;
        };
    }

    private static Invocation required(Map<String, Object> line) {
        Invocation inv = Invocation.of(line.get("invoke"));
        if (inv == null) {
            throw new IllegalArgumentException("a 'next' decision without 'invoke'");
        }
        return inv;
    }
}
