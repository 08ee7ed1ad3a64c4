package dev.metaorch.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.metaorch.util.Json;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;

/**
 * A run as its journal says it is: rebuilt by folding the journal's events in order, so a restarted
 * server finds every run exactly where it was.
 */
final class RunState {

    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String ESCALATED = "escalated";
    static final String ROLLED_BACK = "rolled_back";
    static final String DAMAGED = "damaged";

    String runId;
    String workflowId;
    String task;
    String patternId;
    String workspace;
    WorkflowSpec spec;
    String startedAt;
    String updatedAt;
    String completedAt;
    String status = DAMAGED;
    /** The step waiting for a report, 0 when none. */
    int currentStep;
    /** The invocation the run waits on (what the client was told to run). */
    Map<String, Object> awaiting;
    final Map<Integer, StepState> steps = new TreeMap<>();
    Map<String, Object> result;
    String restoreNote;
    final List<Map<String, Object>> rollbacks = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    int events;

    /** One step's history. */
    static final class StepState {
        final int step;
        String status = "pending";
        final List<Map<String, Object>> attempts = new ArrayList<>();
        Map<String, Object> outputs;
        Map<String, Object> restorePoint;
        final List<String> fixesApplied = new ArrayList<>();
        String startedAt;
        String finishedAt;

        StepState(int step) {
            this.step = step;
        }

        long attemptsOn(String via) {
            return attempts.stream().filter(a -> via.equals(a.get("via"))).count();
        }

        long reportedMs() {
            return attempts.stream().mapToLong(a -> num(a.get("duration_ms"))).sum();
        }
    }

    static RunState fold(List<Map<String, Object>> events, List<String> warnings, boolean damaged) {
        RunState s = new RunState();
        s.warnings.addAll(warnings);
        for (Map<String, Object> e : events) {
            try {
                s.apply(e);
            } catch (RuntimeException ex) {
                // A line that parses but does not hold what its type promises: stop here, like an unreadable one.
                s.warnings.add("event " + s.events + " (" + e.get("type") + ") is malformed: " + ex);
                damaged = true;
                break;
            }
        }
        if (s.runId == null) {
            s.status = DAMAGED;
            s.warnings.add("the journal has no run_started event");
        } else if (damaged) {
            s.status = DAMAGED;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private void apply(Map<String, Object> e) {
        events++;
        Object at = e.get("at");
        if (at != null) {
            updatedAt = at.toString();
        }
        switch (String.valueOf(e.get("type"))) {
            case "run_started" -> {
                runId = (String) e.get("run_id");
                workflowId = (String) e.get("workflow_id");
                task = (String) e.get("task");
                patternId = (String) e.get("pattern_id");
                workspace = (String) e.get("workspace");
                spec = Json.MAPPER.convertValue(e.get("spec"), WorkflowSpec.class);
                startedAt = (String) e.get("at");
                restoreNote = (String) e.get("restore_note");
                status = RUNNING;
                awaiting = (Map<String, Object>) e.get("invoke");
                currentStep = (int) num(awaiting.get("step"));
                StepState first = step(currentStep);
                first.status = "running";
                first.startedAt = startedAt;
                first.restorePoint = (Map<String, Object>) e.get("restore_point");
            }
            case "report" -> {
                int n = (int) num(e.get("step"));
                StepState st = step(n);
                Map<String, Object> a = new LinkedHashMap<>(e);
                a.remove("type");
                a.remove("invoke");
                a.remove("result");
                a.remove("restore_point");
                a.remove("final_validation");
                st.attempts.add(a);
                String decision = String.valueOf(e.get("decision"));
                switch (decision) {
                    case "next" -> {
                        succeed(st, e);
                        awaiting = (Map<String, Object>) e.get("invoke");
                        currentStep = (int) num(awaiting.get("step"));
                        StepState next = step(currentStep);
                        next.status = "running";
                        next.startedAt = updatedAt;
                        next.restorePoint = (Map<String, Object>) e.get("restore_point");
                    }
                    case "retry", "known_fix", "fallback" -> {
                        awaiting = (Map<String, Object>) e.get("invoke");
                        if ("known_fix".equals(decision) && e.get("fix") instanceof Map<?, ?> f) {
                            st.fixesApplied.add(fixKey(String.valueOf(f.get("fix")), String.valueOf(e.get("via"))));
                        }
                    }
                    case "escalate" -> {
                        st.status = "failed";
                        st.finishedAt = updatedAt;
                        status = ESCALATED;
                        completedAt = updatedAt;
                        awaiting = null;
                        currentStep = 0;
                        result = (Map<String, Object>) e.get("result");
                    }
                    case "completed" -> {
                        succeed(st, e);
                        result = (Map<String, Object>) e.get("result");
                        status = result != null && "success".equals(result.get("status")) ? COMPLETED : FAILED;
                        completedAt = updatedAt;
                        awaiting = null;
                        currentStep = 0;
                    }
                    default -> warnings.add("unknown decision '" + decision + "' in the journal");
                }
            }
            case "rollback" -> {
                rollbacks.add(new LinkedHashMap<>(e));
                if (RUNNING.equals(status)) {
                    status = ROLLED_BACK;
                    completedAt = updatedAt;
                    awaiting = null;
                    currentStep = 0;
                }
            }
            default -> warnings.add("unknown event type '" + e.get("type") + "' in the journal (ignored)");
        }
    }

    @SuppressWarnings("unchecked")
    private void succeed(StepState st, Map<String, Object> e) {
        st.status = "succeeded";
        st.finishedAt = updatedAt;
        st.outputs = e.get("outputs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String fixKey(String fix, String via) {
        return via + ":" + fix;
    }

    StepState step(int n) {
        return steps.computeIfAbsent(n, StepState::new);
    }

    int totalSteps() {
        return spec == null ? 0 : spec.steps().size();
    }

    /** Position (1-based) of a step number in the workflow's order. */
    int position(int stepNumber) {
        List<WorkflowStep> all = spec.steps();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).step() == stepNumber) {
                return i + 1;
            }
        }
        return 0;
    }

    boolean finished() {
        return !RUNNING.equals(status);
    }

    static long num(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
