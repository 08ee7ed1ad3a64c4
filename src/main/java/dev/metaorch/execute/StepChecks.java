package dev.metaorch.execute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.util.Progress;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;

/**
 * Check orchestration: which checks a reported step faces (the built-in ones on the outputs later steps need, and
 * the step's own with {@code {output:NAME}} paths filled in), running them in the workspace with progress for the
 * client, and what to say about checks that could not run.
 */
final class StepChecks {

    private final List<String> allowedPrograms;
    private final Path configFile;

    StepChecks(List<String> allowedPrograms, Path configFile) {
        this.allowedPrograms = allowedPrograms;
        this.configFile = configFile;
    }

    /** Runs the checks of a step reported as a success: the built-in output checks, then the step's own. */
    List<CheckResult> forStep(Workspace ws, WorkflowSpec spec, WorkflowStep step, Map<String, Object> outputs, String what,
                              Progress ctx) {
        List<CheckResult> builtIn = new ArrayList<>(requiredOutputs(spec, step, outputs));
        List<Check> toRun = withOutputPaths(step.validation(), outputs, builtIn);
        return run(ws, toRun, what, builtIn, ctx);
    }

    /** Runs the workflow's final validation. */
    List<CheckResult> finalValidation(Workspace ws, List<Check> checks, Progress ctx) {
        return run(ws, checks, "final validation", List.of(), ctx);
    }

    /**
     * The step's checks with each {@code {output:NAME}} path replaced by the file the step names in that output (one
     * check per file when it names several). A check whose output is missing or not a workspace path is not run; a
     * failed result saying so is added to {@code failures}.
     */
    static List<Check> withOutputPaths(List<Check> checks, Map<String, Object> outputs, List<CheckResult> failures) {
        List<Check> out = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        for (Check c : checks) {
            String path = c instanceof Check.FileExists f ? f.path() : c instanceof Check.RegexInFile r ? r.path() : null;
            if (path == null || !path.startsWith("{output:") || !path.endsWith("}")) {
                out.add(c);
                continue;
            }
            String name = path.substring("{output:".length(), path.length() - 1);
            Object v = outputs == null ? null : outputs.get(name);
            List<String> files = new ArrayList<>();
            if (v instanceof String str && !str.isBlank()) {
                files.add(str);
            } else if (v instanceof List<?> l) {
                l.stream().filter(x -> x instanceof String str && !str.isBlank()).forEach(x -> files.add((String) x));
            }
            if (files.isEmpty()) {
                if (missing.add(name)) {
                    failures.add(CheckResult.fail("output", "output " + name, "not reported: the step must name the file it wrote as output '"
                            + name + "' (a workspace path, or a list of them), so its content can be checked", 0));
                }
                continue;
            }
            for (String file : files) {
                out.add(c instanceof Check.FileExists f ? new Check.FileExists(file, f.reason())
                        : new Check.RegexInFile(file, ((Check.RegexInFile) c).regex(), c.reason()));
            }
        }
        return out;
    }

    /** Built-in checks that the step reported the outputs later steps take as inputs. */
    static List<CheckResult> requiredOutputs(WorkflowSpec spec, WorkflowStep step, Map<String, Object> outputs) {
        List<CheckResult> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (WorkflowStep later : spec.steps()) {
            for (Map.Entry<String, Object> in : later.inputs().entrySet()) {
                Invocations.Ref r = Invocations.Ref.of(in.getValue());
                if (r != null && r.step() == step.step() && seen.add(r.output())) {
                    boolean ok = outputs.get(r.output()) != null;
                    String label = "output " + r.output();
                    out.add(ok ? CheckResult.pass("output", label, "reported (step " + later.step() + " takes it as "
                            + in.getKey() + ")", 0)
                            : CheckResult.fail("output", label, "not reported, but step " + later.step() + " takes it as input '"
                            + in.getKey() + "'", 0));
                }
            }
        }
        return out;
    }

    private List<CheckResult> run(Workspace ws, List<Check> checks, String what, List<CheckResult> builtIn, Progress ctx) {
        CheckRunner runner = new CheckRunner(ws, allowedPrograms, configFile);
        int total = checks.size() + builtIn.size();
        List<CheckResult> results = new ArrayList<>();
        if (total == 0) {
            return results;
        }
        ctx.progress(0, (double) total, what + ": running " + total + " check(s)");
        int i = 0;
        for (CheckResult b : builtIn) {
            results.add(b);
            report(ctx, what, ++i, total, b);
        }
        for (Check c : checks) {
            int done = i;
            String label = c.label();
            // A long command keeps the client informed (and its request alive) with fractional progress.
            runner.onHeartbeat(ms -> ctx.progress(done + Math.min(0.9, ms / 600_000.0), (double) total,
                    what + ": check " + (done + 1) + "/" + total + " " + label + " - still running (" + ms / 1000 + " s)"));
            CheckResult r = runner.run(c);
            results.add(r);
            report(ctx, what, ++i, total, r);
        }
        return results;
    }

    private static void report(Progress ctx, String what, int i, int total, CheckResult r) {
        String msg = what + ": check " + i + "/" + total + " " + r.label() + " - "
                + (r.passed() ? "pass" : r.unverified() ? "UNVERIFIED: " + Texts.firstLine(r.detail())
                : r.refused() ? "REFUSED: " + Texts.firstLine(r.detail()) : "FAIL: " + Texts.firstLine(r.detail()));
        ctx.progress(i, (double) total, msg);
        ctx.log(r.passed() ? "info" : "warning", msg);
    }

    /**
     * The checks of an attempt that could not run (a program off the allowlist or not installed), with the one
     * config.yaml line that would let them all run and the sentence the answer adds; null when every check ran.
     * Such checks leave the step unverified, never failed.
     */
    Unverified unverified(List<CheckResult> checks, List<CheckResult> finalValidation) {
        List<CheckResult> unverified = new ArrayList<>(checks.stream().filter(CheckResult::unverified).toList());
        finalValidation.stream().filter(CheckResult::unverified).forEach(unverified::add);
        if (unverified.isEmpty()) {
            return null;
        }
        List<JournalEvent.Unverified> list = new ArrayList<>();
        Set<String> programs = new LinkedHashSet<>();
        for (CheckResult c : unverified) {
            list.add(new JournalEvent.Unverified(c.label(), Texts.firstLine(c.detail()), c.allow()));
            if (c.allow() != null && c.allow().startsWith("allowed_programs: [") && c.allow().endsWith("]")) {
                for (String prog : c.allow().substring("allowed_programs: [".length(), c.allow().length() - 1).split(", ")) {
                    programs.add(prog);
                }
            }
        }
        String line = programs.isEmpty() ? null : CheckRunner.allowLine(List.of(), programs);
        String note = unverified.size() + " check(s) could not run and are unverified ("
                + String.join("; ", unverified.stream().map(CheckResult::label).toList()) + ")"
                + (line != null ? "; to run them, put '" + line + "' " + CheckRunner.allowWhere(configFile) : "")
                + (unverified.stream().anyMatch(c -> c.allow() != null && c.allow().startsWith("install "))
                ? "; install the programs that are missing" : "");
        return new Unverified(list, line, note);
    }

    /** Checks that could not run: their journal entries, the config line that allows them (or null), the note. */
    record Unverified(List<JournalEvent.Unverified> checks, String allowLine, String note) {
    }
}
