package dev.metaorch.workflow;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * One step of a workflow spec (a {@code steps} item of {@code plan --json}).
 *
 * @param plugin    {@code name@marketplace}
 * @param component the component's name exactly as in the catalog (agents: front-matter name)
 * @param kind      agent, command or skill
 * @param invoke    how Claude Code invokes it
 * @param inputs    input name to either a literal value or a reference to an earlier output:
 *                  {@code {"from_step": 1, "output": "project_path"}}
 * @param outputs   output name to a description of what it holds
 * @param flags     problems found while planning, e.g. an input no earlier output satisfies
 * @param gap       nothing in the catalog fits the step well: {@code plugin}, {@code component}, {@code kind} and
 *                  {@code invoke} are null and Claude does the step itself ({@code searched} says what was looked for)
 * @param subtask   the caller's subtask this step serves (1-based), absent when the task was decomposed here
 * @param searched  for a gap, what was searched and the best that was found; absent otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WorkflowStep(int step, String plugin, String component, String kind, String invoke, String purpose,
                           Map<String, Object> inputs, Map<String, Object> outputs, List<Check> validation,
                           RetryStrategy retryStrategy, Fallback fallback, List<String> flags, boolean gap,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer subtask,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String searched) {

    /** A step with a component, not tied to a caller's subtask. */
    public WorkflowStep(int step, String plugin, String component, String kind, String invoke, String purpose,
                        Map<String, Object> inputs, Map<String, Object> outputs, List<Check> validation,
                        RetryStrategy retryStrategy, Fallback fallback, List<String> flags) {
        this(step, plugin, component, kind, invoke, purpose, inputs, outputs, validation, retryStrategy, fallback, flags,
                false, null, null);
    }

    public WorkflowStep {
        inputs = inputs == null ? Map.of() : inputs;
        outputs = outputs == null ? Map.of() : outputs;
        validation = validation == null ? List.of() : List.copyOf(validation);
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    /** Retry policy of a step: exponential backoff with jitter. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetryStrategy(int maxRetries, long initialDelayMs, double factor, long maxDelayMs, boolean jitter,
                                List<String> nonRetryable) {
        /** At most 3 retries after the first attempt, from 1 s doubling to at most 60 s, with jitter. */
        public static RetryStrategy standard() {
            return new RetryStrategy(3, 1000, 2.0, 60_000, true,
                    List.of("permission denied", "not found on the allowlist", "invalid argument", "unauthorized"));
        }
    }

    /**
     * The component to invoke instead when the step keeps failing: a real, different catalog component with the
     * same role and its similarity, or absent ({@code plugin} null) with the reason.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Fallback(String plugin, String component, String kind, String invoke, Double similarity, String reason) {
        public static Fallback none(String reason) {
            return new Fallback(null, null, null, null, null, reason);
        }

        public boolean present() {
            return plugin != null;
        }
    }
}
