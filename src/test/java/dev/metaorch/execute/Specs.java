package dev.metaorch.execute;

import java.util.List;
import java.util.Map;

import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;

/** Workflow specs built directly for the run tests (no planner involved). */
final class Specs {

    private Specs() {
    }

    static WorkflowStep.RetryStrategy retries(int n) {
        return new WorkflowStep.RetryStrategy(n, 1000, 2.0, 60_000, true, WorkflowStep.RetryStrategy.standard().nonRetryable());
    }

    /**
     * Three steps over a small Python project: scaffold (app/main.py must exist), add auth (a login route in
     * main.py; falls back to another plugin), run the tests (a command check: {@code sh -c "test -f tests/ok"}).
     */
    static WorkflowSpec threeSteps(String id) {
        WorkflowStep s1 = new WorkflowStep(1, "python-scaffold@demo", "fastapi-scaffolder", "agent",
                "Task(subagent_type=\"fastapi-scaffolder\")", "Create the API project structure",
                Map.of("app_name", "my-api"), Map.of("project_path", "folder of the project"),
                List.of(new Check.FileExists("app/main.py", "the scaffold writes the entry point")),
                retries(3), WorkflowStep.Fallback.none("no other scaffolder"), List.of());
        WorkflowStep s2 = new WorkflowStep(2, "jwt-auth@demo", "jwt-auth-builder", "agent",
                "Task(subagent_type=\"jwt-auth-builder\")", "Add JWT authentication",
                Map.of("project_path", Map.of("from_step", 1, "output", "project_path"), "auth_type", "JWT"),
                Map.of("auth_routes", "routes added"),
                List.of(new Check.RegexInFile("app/main.py", "^@app\\.post\\(\"/login\"\\)", "the login route is declared")),
                retries(1), new WorkflowStep.Fallback("oauth2@demo", "oauth2-integrator", "agent",
                "Task(subagent_type=\"oauth2-integrator\")", 0.71, "same role: authentication"), List.of());
        WorkflowStep s3 = new WorkflowStep(3, "test-runner@demo", "run-tests", "command", "/test-runner:run-tests",
                "Run the test suite", Map.of("project_path", Map.of("from_step", 1, "output", "project_path")),
                Map.of("test_results", "counts"),
                List.of(new Check.Command(List.of("sh", "-c", "test -f tests/ok"), ".", 10, 0, null, "the suite passed")),
                retries(3), WorkflowStep.Fallback.none("no alternative test runner"), List.of());
        return new WorkflowSpec(id, "Build a REST API with JWT auth", "2026-11-24T00:00:00Z", "subtasks", "fastapi-jwt",
                List.of(s1, s2, s3), List.of(), List.of(), List.of(new Check.FileExists("app", "the project exists")),
                List.of("rollback_run"), 0.8, "neutral prior", null, List.of(), Map.of());
    }
}
