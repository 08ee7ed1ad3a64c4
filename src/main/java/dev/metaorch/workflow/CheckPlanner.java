package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.metaorch.store.Ids;

/**
 * Concrete validation checks for a step, derived from its phase, its component and the workspace: the
 * report the step must write, the project's own build, test, lint and audit commands (as argument vectors),
 * container and cluster dry runs, and the HTTP endpoint of a served app. Every check says why it was chosen.
 */
public final class CheckPlanner {

    static final int BUILD_TIMEOUT = 600;
    static final int TEST_TIMEOUT = 900;

    private CheckPlanner() {
    }

    /**
     * A test report that passes: some count of passed tests ("12 passed", "Tests run: 12", "all 12 tests passed")
     * and no count of failed ones anywhere in it ("3 failed", "Failures: 2", "1 error"), so a failure report
     * ("3 failed, 9 passed") cannot satisfy it.
     */
    public static final String TESTS_PASSED = "(?is)\\A(?!.*(?:\\b[1-9]\\d*\\s+(?:tests?\\s+)?(?:failed|failing|failures?|errors?)\\b"
            + "|\\b(?:failures|errors|failed|failing)\\s*[:=]\\s*[1-9]))"
            + "(?=.*(?:\\b[1-9]\\d*\\s+(?:tests?\\s+)?(?:passed|passing)\\b|\\btests\\s+run:\\s*[1-9]|\\ball\\s+(?:\\d+\\s+)?tests?\\s+pass))";

    /** A check path standing for the file a step names in its output {@code name} (filled in when it reports). */
    public static String outputPath(String name) {
        return "{output:" + name + "}";
    }

    /** Where step {@code n} writes its report, relative to the workspace. */
    public static String reportPath(String workflowId, int n, String component) {
        return ".meta-orchestrator/" + workflowId + "/step-" + n + "-" + Ids.slug(component, 60) + ".md";
    }

    public static List<Check> forStep(Phase phase, String component, String componentText, String report, Workspace ws,
                                      String workflowId) {
        List<Check> out = new ArrayList<>();
        Workspace.Build b = ws.primary();
        String where = b == null ? "" : " (" + b.file() + ")";
        out.add(new Check.FileExists(report, "the step writes its " + phase.id() + " report here; later steps read it"));
        String text = (component + " " + componentText).toLowerCase(Locale.ROOT);
        switch (phase) {
            case DISCOVER -> out.add(new Check.RegexInFile(report, "(?m)^#{1,3} \\S",
                    "findings are organised under headings, one per area studied"));
            case DESIGN -> out.add(new Check.RegexInFile(report, "(?m)^\\s*(\\d+[.)]|[-*]) \\S",
                    "a plan lists concrete, numbered or bulleted steps the build step follows"));
            case BUILD -> {
                if (b != null) {
                    out.add(new Check.Command(b.build(), ".", BUILD_TIMEOUT, 0, null,
                            "the change must still build with the project's " + b.name() + " build" + where));
                    if (!b.lint().isEmpty()) {
                        out.add(new Check.Command(b.lint(), ".", BUILD_TIMEOUT, 0, null,
                                "the project's own linter must stay clean after the change"));
                    }
                } else if (ws.git()) {
                    out.add(new Check.Command(List.of("git", "status", "--porcelain"), ".", 30, 0, "\\S",
                            "no build system found; the step must at least have changed files under version control"));
                } else {
                    out.add(new Check.RegexInFile(report, "(?im)^.*(changed|created|modified|added).*$",
                            "no build system or version control to check; the report must list the files changed"));
                }
            }
            case REVIEW -> out.add(new Check.RegexInFile(report,
                    "(?i)(critical|major|minor|should fix|consider|no (blocking )?(issues|findings))",
                    "a review rates its findings by severity (or says there are none)"));
            case SECURE -> {
                if (b != null && !b.audit().isEmpty()) {
                    out.add(new Check.Command(b.audit(), ".", BUILD_TIMEOUT, 0, null,
                            "dependencies must pass the " + b.name() + " vulnerability audit after the security step" + where));
                }
                out.add(new Check.RegexInFile(report, "(?i)(critical|high|medium|low|no (known )?(vulnerabilit|finding))",
                        "security findings are rated by severity (or the report says none were found)"));
            }
            case TEST -> {
                if (b != null && !b.test().isEmpty()) {
                    out.add(new Check.Command(b.test(), ".", TEST_TIMEOUT, 0, null,
                            "the project's test suite must pass" + where));
                } else if (text.contains("playwright") || text.contains("browser") || text.contains("ui")) {
                    out.add(new Check.FileExists("**/*.spec.*", "UI tests are written as spec files the browser runner picks up"));
                } else {
                    out.add(new Check.FileExists("**/*test*", "no test runner is configured; the step must add test files"));
                }
                out.add(new Check.RegexInFile(report, TESTS_PASSED,
                        "the report shows the tests passed: a count of passed tests and no failed ones"));
            }
            case DOCUMENT -> {
                // the document this step writes (it names it as its 'docs' output), not whatever README is there
                out.add(new Check.FileExists(outputPath("docs"), "the step reports the document it wrote as output 'docs'"));
                out.add(new Check.RegexInFile(outputPath("docs"), "(?m)^#{1,3} \\S",
                        "the document the step wrote has titled sections"));
            }
            case DEPLOY -> deployChecks(out, text, ws, workflowId);
            case OPERATE -> {
                if (ws.port() != null) {
                    out.add(new Check.HttpEndpoint("http://127.0.0.1:" + ws.port() + "/", 200, 10,
                            "the watched service must answer on its port " + ws.port() + portWhy(ws)));
                }
                out.add(new Check.RegexInFile(report, "(?i)(alert|dashboard|metric|slo|log)",
                        "the report names the alerts, dashboards or metrics set up"));
            }
        }
        return out;
    }

    private static void deployChecks(List<Check> out, String text, Workspace ws, String workflowId) {
        boolean ci = text.contains("ci/cd") || text.contains("cicd") || text.contains("pipeline") || text.contains("github actions");
        if (ci) {
            out.add(new Check.FileExists(ws.ciDir() != null ? ws.ciDir() : ".github/workflows/*.y*ml",
                    "a CI/CD step leaves a pipeline definition in the repository"));
        }
        if (ws.dockerfile()) {
            out.add(new Check.Command(List.of("docker", "build", "-t", Ids.slug(workflowId, 40) + ":candidate", "."), ".",
                    BUILD_TIMEOUT, 0, null, "the workspace has a Dockerfile: the image must build"));
        }
        if (ws.k8sDir() != null) {
            out.add(new Check.Command(List.of("kubectl", "apply", "--dry-run=client", "-f", ws.k8sDir()), ".", 120, 0, null,
                    "manifests in " + ws.k8sDir() + "/ must be accepted by kubectl (client dry run, nothing applied)"));
        }
        if (ws.helmChart() != null) {
            out.add(new Check.Command(List.of("helm", "lint", ws.helmChart()), ".", 120, 0, null,
                    "the Helm chart must lint cleanly"));
        }
        if (ws.port() != null) {
            out.add(new Check.HttpEndpoint("http://127.0.0.1:" + ws.port() + "/", 200, 15,
                    "once deployed the app must answer on port " + ws.port() + portWhy(ws)));
        }
        if (!ci && !ws.dockerfile() && ws.k8sDir() == null && ws.helmChart() == null && ws.port() == null) {
            out.add(new Check.RegexInFile(".meta-orchestrator/" + workflowId + "/deployment.md", "(?i)https?://\\S+",
                    "nothing in the workspace says how it is deployed; the step must record where the change now runs"));
        }
    }

    private static String portWhy(Workspace ws) {
        return ws.framework() != null ? " (" + ws.framework() + ")" : "";
    }

    /** End-of-run checks: the whole project builds and passes its tests, and a deployed app answers. */
    public static List<Check> finalChecks(List<Phase> phases, Workspace ws, List<String> reports) {
        List<Check> out = new ArrayList<>();
        Workspace.Build b = ws.primary();
        if (b != null) {
            out.add(new Check.Command(b.build(), ".", BUILD_TIMEOUT, 0, null, "the finished work builds (" + b.file() + ")"));
            if (!b.test().isEmpty()) {
                out.add(new Check.Command(b.test(), ".", TEST_TIMEOUT, 0, null, "the full test suite passes at the end"));
            }
        }
        if (ws.port() != null && (phases.contains(Phase.DEPLOY) || phases.contains(Phase.OPERATE))) {
            out.add(new Check.HttpEndpoint("http://127.0.0.1:" + ws.port() + "/", 200, 15,
                    "the deployed app answers on port " + ws.port()));
        }
        for (int i = 0; i < reports.size(); i++) {
            if (i == reports.size() - 1 || b == null) {
                out.add(new Check.FileExists(reports.get(i), "step " + (i + 1) + "'s report is in place"));
            }
        }
        return out;
    }
}
