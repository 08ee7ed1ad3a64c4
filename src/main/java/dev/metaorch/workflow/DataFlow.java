package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each step consumes and produces, by phase, and where each input comes from: an earlier step's output
 * (the latest one that produces it), the workspace, or the task itself. A required input that nothing
 * earlier produces and the workspace cannot stand in for is a data-flow gap, flagged on the step.
 */
public final class DataFlow {

    /**
     * One input of a phase.
     *
     * @param producers      outputs that satisfy it, best first
     * @param workspaceOk    whether the existing project can supply it when no earlier step does
     * @param required       whether its absence is a gap (else the step runs without it)
     */
    record Need(String name, List<String> producers, boolean workspaceOk, boolean required, String meaning) {
    }

    /** The outputs each phase produces (name to what it holds). */
    static Map<String, String> outputs(Phase p) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (p) {
            case DISCOVER -> m.put("findings", "what exists today and what is wrong with it");
            case DESIGN -> m.put("plan", "the approach and the numbered steps to carry it out");
            case BUILD -> m.put("changes", "the changed or new source files in the workspace");
            case REVIEW -> m.put("review", "findings by severity, with the fixes asked for");
            case SECURE -> m.put("security_findings", "vulnerabilities by severity and the fixes applied");
            case TEST -> m.put("test_results", "which tests ran and whether they pass");
            case DOCUMENT -> m.put("docs", "the document file(s) written, as workspace paths (their content is checked)");
            case DEPLOY -> m.put("deployment", "where the change now runs and how to reach it");
            case OPERATE -> m.put("monitoring", "dashboards, alerts and the health of the running service");
        }
        return m;
    }

    static List<Need> needs(Phase p) {
        Need code = new Need("code", List.of("changes"), true, true, "the code to work on");
        return switch (p) {
            case DISCOVER -> List.of(new Need("code", List.of("changes"), true, false, "the system to study"));
            case DESIGN -> List.of(new Need("findings", List.of("findings"), false, false, "what discovery found"));
            case BUILD -> List.of(new Need("plan", List.of("plan", "findings", "review", "security_findings", "test_results"),
                    false, false, "the plan or findings to act on"));
            case REVIEW, DOCUMENT -> List.of(code);
            case SECURE -> List.of(code);
            case TEST -> List.of(code, new Need("review", List.of("review", "security_findings"), false, false,
                    "review findings to cover with tests"));
            case DEPLOY -> List.of(new Need("build", List.of("changes"), true, true, "a buildable, deployable change"),
                    new Need("test_results", List.of("test_results"), false, false, "passing tests before shipping"));
            case OPERATE -> List.of(new Need("deployment", List.of("deployment"), false, true, "a running service to watch"));
        };
    }

    /** Inputs, outputs and flags of one step. */
    public record Flow(Map<String, Object> inputs, Map<String, Object> outputs, List<String> flags, List<Integer> feeds) {
    }

    private DataFlow() {
    }

    /**
     * Wires the steps in order. {@code phases.get(i)} is step i+1's phase; {@code reportPaths.get(i)} where it
     * writes its report.
     */
    public static List<Flow> wire(String task, List<Phase> phases, List<String> reportPaths, Workspace ws) {
        List<Flow> out = new ArrayList<>();
        Map<String, Integer> producedAt = new LinkedHashMap<>();
        boolean wsHasCode = ws.given() ? (!ws.builds().isEmpty() || !ws.sourceDirs().isEmpty() || ws.dockerfile()) : true;
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            Map<String, Object> inputs = new LinkedHashMap<>();
            List<String> flags = new ArrayList<>();
            List<Integer> feeds = new ArrayList<>();
            inputs.put("task", task);
            for (Need n : needs(p)) {
                Integer from = null;
                String output = null;
                for (String prod : n.producers()) {
                    Integer at = producedAt.get(prod);
                    if (at != null && (from == null || at > from)) {
                        from = at;
                        output = prod;
                    }
                }
                if (from != null) {
                    inputs.put(n.name(), Map.of("from_step", from, "output", output));
                    feeds.add(from);
                } else if (n.workspaceOk() && wsHasCode) {
                    inputs.put(n.name(), ws.given() ? Map.of("from", "workspace", "path", ws.root().toString())
                            : Map.of("from", "workspace", "path", "."));
                } else if (n.required()) {
                    String why = n.workspaceOk() && ws.given()
                            ? "and the workspace has no source or build files"
                            : "and the workspace cannot supply it";
                    flags.add("data-flow gap: input '" + n.name() + "' (" + n.meaning() + ") is produced by no earlier step "
                            + why + "; expected from a " + producerPhase(n) + " step before this one");
                    inputs.put(n.name(), Map.of("missing", true, "expected_from", producerPhase(n)));
                }
            }
            inputs.put("report_path", reportPaths.get(i));
            Map<String, Object> outputs = new LinkedHashMap<>(outputs(p));
            outputs.put("report", reportPaths.get(i));
            for (String o : outputs(p).keySet()) {
                producedAt.put(o, i + 1);
            }
            out.add(new Flow(inputs, outputs, flags, feeds));
        }
        return out;
    }

    private static String producerPhase(Need n) {
        String first = n.producers().get(0);
        for (Phase p : Phase.values()) {
            if (outputs(p).containsKey(first)) {
                return p.id();
            }
        }
        return "earlier";
    }
}
