package dev.metaorch.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.util.Json;
import dev.metaorch.workflow.WorkflowSpec;

/**
 * One line of a run's journal ({@code runs/<run_id>.jsonl}): a state change. {@link #toMap} gives the line's JSON
 * object field by field in the order written since the first journals, and {@link #parse} reads such a line back,
 * so journals written before these types existed load unchanged.
 */
sealed interface JournalEvent {

    /** When it happened (ISO-8601 instant). */
    String at();

    /** The line's JSON object, in its order on disk. */
    Map<String, Object> toMap();

    /** The run began: its workflow (as it was then), workspace, the first step's restore point and invocation. */
    record RunStarted(String at, String runId, String workflowId, String task, String patternId, String workspace,
                      int totalSteps, WorkflowSpec spec, GitRestorePoints.Point restorePoint, String restoreNote,
                      Invocation invoke) implements JournalEvent {
        /** The journal format's version, written on the first line of each journal. */
        static final int VERSION = 1;

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "run_started");
            e.put("v", VERSION);
            e.put("at", at);
            e.put("run_id", runId);
            e.put("workflow_id", workflowId);
            e.put("task", task);
            e.put("pattern_id", patternId);
            e.put("workspace", workspace);
            e.put("total_steps", totalSteps);
            e.put("spec", spec == null ? null : Json.toMap(spec));
            e.put("restore_point", restorePoint == null ? null : restorePoint.toMap());
            e.put("restore_note", restoreNote);
            e.put("invoke", invoke.fields());
            return e;
        }
    }

    /**
     * A step's report and what was decided on it: the attempt, what the client said, the checks the server ran, and
     * the decision ({@code decision} is null only for a decision this build does not know, named by {@code decisionName}).
     */
    record Reported(String at, int step, int attempt, String via, String plugin, String component, String status,
                    Map<String, Object> outputs, String error, long durationMs, List<CheckResult> checks, boolean passed,
                    String failure, String decisionName, Decision decision, List<Unverified> unverified)
            implements JournalEvent {

        public Reported {
            checks = List.copyOf(checks);
            unverified = List.copyOf(unverified);
        }

        /** The report of an attempt, before anything is decided on it. */
        static Reported of(String at, int step, Invocation awaiting, StepReport report, List<CheckResult> checks, String failure) {
            return new Reported(at, step, awaiting.attempt(), awaiting.via(), awaiting.plugin(), awaiting.component(),
                    report.status(), report.outputs(), report.error(), report.durationMs(), checks, failure == null, failure,
                    null, null, List.of());
        }

        Reported decided(Decision d) {
            return new Reported(at, step, attempt, via, plugin, component, status, outputs, error, durationMs, checks, passed,
                    failure, d.name(), d, unverified);
        }

        Reported withUnverified(List<Unverified> list) {
            return new Reported(at, step, attempt, via, plugin, component, status, outputs, error, durationMs, checks, passed,
                    failure, decisionName, decision, list);
        }

        /** The fix applied on this attempt's decision, if it was a known fix. */
        Decision.Fix fix() {
            return decision instanceof Decision.KnownFix k ? k.fix() : null;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "report");
            e.put("at", at);
            e.put("step", step);
            e.put("attempt", attempt);
            e.put("via", via);
            e.put("plugin", plugin);
            e.put("component", component);
            e.put("status", status);
            e.put("outputs", outputs);
            e.put("error", error);
            e.put("duration_ms", durationMs);
            e.put("checks", checks.stream().map(CheckResult::toMap).toList());
            e.put("passed", passed);
            if (failure != null) {
                e.put("failure", failure);
            }
            if (decision instanceof Decision.Completed c) {
                e.put("final_validation", c.finalValidation().stream().map(CheckResult::toMap).toList());
            }
            e.put("decision", decisionName);
            if (decision != null) {
                decision.journal(e);
            }
            if (!unverified.isEmpty()) {
                e.put("unverified", unverified.stream().map(Unverified::toMap).toList());
            }
            return e;
        }
    }

    /** A check that could not run on this attempt, and what would let it. */
    record Unverified(String check, String why, String allow) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", check);
            m.put("why", why);
            m.put("allow", allow);
            return m;
        }
    }

    /** The workspace was restored to the start of a step; the state before is kept under {@code savedRef}. */
    record RolledBack(String at, int toStep, String commit, String ref, String savedRef, List<String> removed,
                      int changedFiles) implements JournalEvent {
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "rollback");
            e.put("at", at);
            e.put("to_step", toStep);
            e.put("commit", commit);
            e.put("ref", ref);
            e.put("saved_ref", savedRef);
            e.put("removed", removed);
            e.put("changed_files", changedFiles);
            return e;
        }
    }

    /** A line of a type this build does not know (written by a newer one): kept as read, otherwise ignored. */
    record Unrecognized(String type, Map<String, Object> line) implements JournalEvent {
        @Override
        public String at() {
            return text(line.get("at"));
        }

        @Override
        public Map<String, Object> toMap() {
            return line;
        }
    }

    /**
     * Reads one journal line. A line that does not hold what its type promises is an {@link RuntimeException}
     * (the caller counts the journal as damaged from there).
     */
    @SuppressWarnings("unchecked")
    static JournalEvent parse(Map<String, Object> e) {
        String type = String.valueOf(e.get("type"));
        return switch (type) {
            case "run_started" -> {
                Invocation invoke = Invocation.of(e.get("invoke"));
                if (invoke == null) {
                    throw new IllegalArgumentException("a run_started event without 'invoke'");
                }
                yield new RunStarted((String) e.get("at"), (String) e.get("run_id"), (String) e.get("workflow_id"),
                        (String) e.get("task"), (String) e.get("pattern_id"), (String) e.get("workspace"),
                        (int) RunState.num(e.get("total_steps")), Json.MAPPER.convertValue(e.get("spec"), WorkflowSpec.class),
                        point(e.get("restore_point")), (String) e.get("restore_note"), invoke);
            }
            case "report" -> {
                String name = String.valueOf(e.get("decision"));
                List<CheckResult> checks = new ArrayList<>();
                if (e.get("checks") instanceof List<?> l) {
                    l.forEach(c -> checks.add(CheckResult.fromMap((Map<?, ?>) c)));
                }
                List<Unverified> unverified = new ArrayList<>();
                if (e.get("unverified") instanceof List<?> l) {
                    for (Object o : l) {
                        Map<?, ?> u = (Map<?, ?>) o;
                        unverified.add(new Unverified(text(u.get("check")), text(u.get("why")), text(u.get("allow"))));
                    }
                }
                yield new Reported(text(e.get("at")), (int) RunState.num(e.get("step")), (int) RunState.num(e.get("attempt")),
                        text(e.get("via")), text(e.get("plugin")), text(e.get("component")), text(e.get("status")),
                        e.get("outputs") instanceof Map<?, ?> m ? (Map<String, Object>) m : null, text(e.get("error")),
                        RunState.num(e.get("duration_ms")), checks, Boolean.TRUE.equals(e.get("passed")), text(e.get("failure")),
                        name, Decision.fromJournal(name, e), unverified);
            }
            case "rollback" -> {
                List<String> removed = new ArrayList<>();
                if (e.get("removed") instanceof List<?> l) {
                    l.forEach(x -> removed.add(String.valueOf(x)));
                }
                yield new RolledBack(text(e.get("at")), (int) RunState.num(e.get("to_step")), text(e.get("commit")),
                        text(e.get("ref")), text(e.get("saved_ref")), removed, (int) RunState.num(e.get("changed_files")));
            }
            default -> new Unrecognized(type, e);
        };
    }

    private static GitRestorePoints.Point point(Object o) {
        return o instanceof Map<?, ?> p ? new GitRestorePoints.Point(text(p.get("ref")), text(p.get("commit"))) : null;
    }

    static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
