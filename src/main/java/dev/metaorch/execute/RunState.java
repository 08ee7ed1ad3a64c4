package dev.metaorch.execute;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    /** The invocation the run waits on (what the client was told to run); null when the run is over. */
    Invocation awaiting;
    final Map<Integer, StepState> steps = new TreeMap<>();
    Map<String, Object> result;
    String restoreNote;
    final List<JournalEvent.RolledBack> rollbacks = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    int events;

    /** One step's history. */
    static final class StepState {
        final int step;
        String status = "pending";
        final List<JournalEvent.Reported> attempts = new ArrayList<>();
        Map<String, Object> outputs;
        GitRestorePoints.Point restorePoint;
        final List<String> fixesApplied = new ArrayList<>();
        String startedAt;
        String finishedAt;

        StepState(int step) {
            this.step = step;
        }

        long attemptsOn(String via) {
            return attempts.stream().filter(a -> via.equals(a.via())).count();
        }

        long reportedMs() {
            return attempts.stream().mapToLong(JournalEvent.Reported::durationMs).sum();
        }
    }

    /** Folds journal lines as read from disk; a line that does not hold what its type promises ends the fold. */
    static RunState fold(List<Map<String, Object>> lines, List<String> warnings, boolean damaged) {
        RunState s = new RunState();
        s.warnings.addAll(warnings);
        for (Map<String, Object> line : lines) {
            s.events++;
            Object at = line.get("at");
            if (at != null) {
                s.updatedAt = at.toString();
            }
            try {
                s.apply(JournalEvent.parse(line));
            } catch (RuntimeException ex) {
                // A line that parses but does not hold what its type promises: stop here, like an unreadable one.
                s.warnings.add("event " + s.events + " (" + line.get("type") + ") is malformed: " + ex);
                damaged = true;
                break;
            }
        }
        return s.close(damaged);
    }

    /** Folds typed events (a run held in memory). */
    static RunState of(List<JournalEvent> events) {
        RunState s = new RunState();
        for (JournalEvent e : events) {
            s.events++;
            if (e.at() != null) {
                s.updatedAt = e.at();
            }
            s.apply(e);
        }
        return s.close(false);
    }

    private RunState close(boolean damaged) {
        if (runId == null) {
            status = DAMAGED;
            warnings.add("the journal has no run_started event");
        } else if (damaged) {
            status = DAMAGED;
        }
        return this;
    }

    private void apply(JournalEvent event) {
        if (event instanceof JournalEvent.RunStarted e) {
            runId = e.runId();
            workflowId = e.workflowId();
            task = e.task();
            patternId = e.patternId();
            workspace = e.workspace();
            spec = e.spec();
            startedAt = e.at();
            restoreNote = e.restoreNote();
            status = RUNNING;
            awaiting = e.invoke();
            currentStep = awaiting.step();
            StepState first = step(currentStep);
            first.status = "running";
            first.startedAt = startedAt;
            first.restorePoint = e.restorePoint();
        } else if (event instanceof JournalEvent.Reported e) {
            StepState st = step(e.step());
            st.attempts.add(e);
            Decision d = e.decision();
            if (d instanceof Decision.Next next) {
                succeed(st, e);
                awaiting = next.invoke();
                currentStep = awaiting.step();
                StepState following = step(currentStep);
                following.status = "running";
                following.startedAt = updatedAt;
                following.restorePoint = next.restorePoint();
            } else if (d instanceof Decision.Retry || d instanceof Decision.Fallback) {
                awaiting = d.invoke();
            } else if (d instanceof Decision.KnownFix fix) {
                awaiting = fix.invoke();
                if (fix.fix() != null) {
                    st.fixesApplied.add(fixKey(fix.fix().fix(), e.via()));
                }
            } else if (d instanceof Decision.Escalate esc) {
                st.status = "failed";
                st.finishedAt = updatedAt;
                status = ESCALATED;
                completedAt = updatedAt;
                awaiting = null;
                currentStep = 0;
                result = esc.result();
            } else if (d instanceof Decision.Completed done) {
                succeed(st, e);
                result = done.result();
                status = done.success() ? COMPLETED : FAILED;
                completedAt = updatedAt;
                awaiting = null;
                currentStep = 0;
            } else {
                warnings.add("unknown decision '" + e.decisionName() + "' in the journal");
            }
        } else if (event instanceof JournalEvent.RolledBack e) {
            rollbacks.add(e);
            if (RUNNING.equals(status)) {
                status = ROLLED_BACK;
                completedAt = updatedAt;
                awaiting = null;
                currentStep = 0;
            }
        } else if (event instanceof JournalEvent.Unrecognized e) {
            warnings.add("unknown event type '" + e.type() + "' in the journal (ignored)");
        }
    }

    private void succeed(StepState st, JournalEvent.Reported e) {
        st.status = "succeeded";
        st.finishedAt = updatedAt;
        st.outputs = e.outputs() != null ? e.outputs() : Map.of();
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

    /** Outputs of the steps that succeeded so far, by step number (as text: the key inputs refer to). */
    Map<String, Map<String, Object>> outputsSoFar() {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        steps.forEach((n, st) -> {
            if (st.outputs != null) {
                out.put(String.valueOf(n), st.outputs);
            }
        });
        return out;
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
