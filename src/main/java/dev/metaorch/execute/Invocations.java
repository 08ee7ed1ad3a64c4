package dev.metaorch.execute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;

/**
 * Input resolution: the invocation of a step, its inputs filled from earlier steps' outputs, and the checks it will
 * face (with what each needs allowed to run). Pure: it reads only the spec, the outputs and the allowlist it is given.
 */
final class Invocations {

    private final List<String> allowedPrograms;
    private final Path configFile;

    Invocations(List<String> allowedPrograms, Path configFile) {
        this.allowedPrograms = allowedPrograms;
        this.configFile = configFile;
    }

    /** An input that refers to an earlier step's output. */
    record Ref(int step, String output) {
        static Ref of(Object v) {
            if (v instanceof Map<?, ?> m && m.get("from_step") instanceof Number n && m.get("output") instanceof String o) {
                return new Ref(n.intValue(), o);
            }
            return null;
        }
    }

    /** The invocation of step {@code s}, at {@code position} (1-based) in the workflow, its inputs resolved. */
    Invocation of(WorkflowSpec spec, WorkflowStep s, int attempt, String via, Map<String, Map<String, Object>> outputs,
                  int position) {
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("step", s.step());
        inv.put("position", position);
        inv.put("total_steps", spec.steps().size());
        inv.put("attempt", attempt);
        inv.put("via", via);
        inv.put("plugin", s.plugin());
        inv.put("component", s.component());
        inv.put("kind", s.kind());
        inv.put("invoke", s.invoke());
        inv.put("purpose", s.purpose());
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (Map.Entry<String, Object> in : s.inputs().entrySet()) {
            Ref r = Ref.of(in.getValue());
            if (r == null) {
                inputs.put(in.getKey(), in.getValue());
            } else {
                Map<String, Object> o = outputs.get(String.valueOf(r.step));
                Object v = o == null ? null : o.get(r.output);
                inputs.put(in.getKey(), v);
                if (v == null) {
                    unresolved.add(in.getKey() + " (step " + r.step + " output '" + r.output + "')");
                }
            }
        }
        inv.put("inputs", inputs);
        if (!unresolved.isEmpty()) {
            inv.put("unresolved_inputs", unresolved);
        }
        inv.put("expected_outputs", s.outputs());
        inv.put("checks", s.validation().size());
        inv.put("validation", checksFaced(s.validation()));
        return new Invocation(inv);
    }

    /**
     * Every check a step faces, as the caller should see it before invoking: what it checks, why, and what it needs
     * allowed to run (the config.yaml line), so a check that will be unverified is known in advance.
     */
    List<Map<String, Object>> checksFaced(List<Check> checks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", c.label());
            m.put("reason", c.reason());
            String needs = CheckRunner.needs(c, allowedPrograms);
            m.put("runs_now", needs == null);
            if (needs != null) {
                m.put("needs", needs + " (" + CheckRunner.allowWhere(configFile) + ")");
            }
            out.add(m);
        }
        return out;
    }
}
