package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.metaorch.Services;
import dev.metaorch.bench.StdioProcess;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.cli.Main;
import dev.metaorch.testing.TestServers;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Prompts and resources through the real stdio server over the real snapshot catalog. Expected figures
 * (plugin counts, component names) are computed here from the same catalog, and a workflow is stored
 * from real catalog components before the server starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptsResourcesTest {

    static final Duration ANSWER = TestServers.ANSWER_TIMEOUT;

    static final String TASK = "review a pull request for security problems and write the missing tests";

    Path home;
    Path secretOutside;
    Catalog catalog;
    Plugin plugin;
    WorkflowSpec workflow;
    StdioProcess server;
    // patterns the server starts with: the shipped library (the data folder is new)
    int patterns;

    @BeforeAll
    void start() throws Exception {
        Path root = Files.createTempDirectory("mo-prompts");
        home = root.resolve("home");
        Files.createDirectories(home);
        // A file beside the data folder that no resource URI may read.
        secretOutside = root.resolve("secret.yaml");
        Files.writeString(secretOutside, "workflow_id: secret\ntask: must never be served\n");
        String catalogDir = TestServers.shared() + "/catalog";
        Services services = Main.services(Options.parse("catalog", "--catalog", catalogDir, "--home", home.toString()),
                Map.of("HOME", root.toString()));
        catalog = services.catalog();
        patterns = services.patterns().patterns().size();
        plugin = catalog.plugins().stream()
                .filter(p -> p.count(ComponentKind.AGENT) > 0 && p.count(ComponentKind.COMMAND) > 0)
                .findFirst().orElseThrow();
        Component agent = plugin.components(ComponentKind.AGENT).get(0);
        Component command = plugin.components(ComponentKind.COMMAND).get(0);
        workflow = new WorkflowSpec("wf-test-" + ProcessHandle.current().pid(), TASK, "2026-11-24T00:00:00Z", "subtasks", null,
                List.of(new WorkflowStep(1, plugin.id(), agent.name(), "agent", agent.invoke(plugin.name()), "review the change",
                                Map.of(), Map.of("review", "findings"), List.of(new Check.FileExists("REVIEW.md", "the review is written down")),
                                WorkflowStep.RetryStrategy.standard(), WorkflowStep.Fallback.none("no other agent of the same role"), List.of()),
                        new WorkflowStep(2, plugin.id(), command.name(), "command", command.invoke(plugin.name()), "act on the findings",
                                Map.of("review", Map.of("from_step", 1, "output", "review")), Map.of(), List.of(),
                                WorkflowStep.RetryStrategy.standard(), null, List.of())),
                List.of(), List.of(), List.of(), List.of(), 0.5, "neutral prior", "flowchart TD\n  s1 --> s2", List.of(), Map.of());
        services.workflows().save(workflow);

        server = TestServers.serve(home, List.of("--catalog", catalogDir), root.resolve("stderr.log"));
        JsonNode init = server.handshake("test", ANSWER);
        JsonNode caps = init.get("capabilities");
        assertTrue(caps.has("prompts"), "prompts capability declared: " + caps);
        assertTrue(caps.has("resources"), "resources capability declared: " + caps);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.closeAndWait(Duration.ofSeconds(10));
            for (String line : server.stdoutLines()) {
                JsonNode n = Json.MAPPER.readTree(line);
                assertEquals("2.0", n.get("jsonrpc").asString(), "only JSON-RPC on stdout: " + line);
            }
        }
    }

    private String promptText(String name, Map<String, Object> args) throws Exception {
        JsonNode r = server.result("prompts/get", Map.of("name", name, "arguments", args), ANSWER);
        JsonNode msgs = r.get("messages");
        assertEquals(1, msgs.size());
        assertEquals("user", msgs.get(0).get("role").asString());
        return msgs.get(0).get("content").get("text").asString();
    }

    private JsonNode promptError(String name, Map<String, Object> args) throws Exception {
        JsonNode r = server.call("prompts/get", Map.of("name", name, "arguments", args), ANSWER);
        assertTrue(r.has("error"), "expected an error, got " + r);
        return r.get("error");
    }

    private String read(String uri) throws Exception {
        JsonNode r = server.result("resources/read", Map.of("uri", uri), ANSWER);
        JsonNode c = r.get("contents").get(0);
        assertEquals(uri, c.get("uri").asString());
        assertEquals("text/markdown", c.get("mimeType").asString());
        return c.get("text").asString();
    }

    private void assertNotFound(String uri) throws Exception {
        JsonNode r = server.call("resources/read", Map.of("uri", uri), ANSWER);
        assertTrue(r.has("error"), uri + " must be an error, got " + r);
        assertEquals(-32002, r.get("error").get("code").asInt(), uri + ": " + r);
        assertFalse(r.toString().contains("must never be served"), "no content from outside the data folder");
    }

    private String catalogLine() {
        return catalog.size() + " plugins in " + catalog.marketplaces().size() + " marketplaces";
    }

    @Test
    void listsFourPhasePrompts() throws Exception {
        JsonNode prompts = server.result("prompts/list", Map.of(), ANSWER).get("prompts");
        List<String> names = new ArrayList<>();
        prompts.forEach(p -> names.add(p.get("name").asString()));
        assertEquals(Set.of("research", "plan", "implement", "learn"), Set.copyOf(names));
        for (JsonNode p : prompts) {
            Set<String> args = new TreeSet<>();
            p.get("arguments").forEach(a -> args.add(a.get("name").asString()));
            switch (p.get("name").asString()) {
                case "research" -> assertEquals(Set.of("task"), args);
                case "plan" -> assertEquals(Set.of("task", "subtasks"), args);
                case "implement" -> assertEquals(Set.of("workflow_id", "workspace"), args);
                case "learn" -> assertEquals(Set.of("run_id"), args);
                default -> throw new AssertionError(p.toString());
            }
        }
    }

    @Test
    void researchPromptCarriesLiveCatalogAndRecommendations() throws Exception {
        String text = promptText("research", Map.of("task", TASK));
        assertTrue(text.contains(TASK), text);
        assertTrue(text.contains(catalogLine()), "catalog counts of this catalog: " + text);
        assertTrue(catalog.plugins().stream().anyMatch(p -> text.contains(p.id())), "names real plugins: " + text);
    }

    @Test
    void planPromptNamesStoredWorkflowsAndSubtasks() throws Exception {
        String text = promptText("plan", Map.of("task", TASK, "subtasks", "1. review the diff\n2. add tests"));
        assertTrue(text.contains("- review the diff\n- add tests"), text);
        assertTrue(text.contains("Workflows already stored: 1 (newest: " + workflow.workflowId() + ")"), text);
        assertTrue(text.contains(catalogLine()), text);
    }

    @Test
    void implementPromptListsTheWorkflowSteps() throws Exception {
        String text = promptText("implement", Map.of("workflow_id", workflow.workflowId(), "workspace", "/tmp/ws"));
        for (WorkflowStep s : workflow.steps()) {
            assertTrue(text.contains(s.component()), "step component " + s.component() + ": " + text);
            assertTrue(text.contains(s.invoke()), text);
        }
        assertTrue(text.contains("file exists: REVIEW.md"), text);
        assertTrue(text.contains("Workspace: /tmp/ws"), text);
    }

    @Test
    void learnPromptSummarisesTheLibrary() throws Exception {
        String text = promptText("learn", Map.of());
        assertTrue(text.contains("## Pattern library"), text);
        assertTrue(text.matches("(?s).*Runs stored: \\d+.*"), text);
        // the shipped library plus what other tests of this class stored (readsAStoredPattern waits until the server sees it)
        long stored;
        try (var files = Files.find(home.resolve("patterns"), 2, (f, attrs) -> f.toString().endsWith(".yaml"))) {
            stored = files.count();
        } catch (java.nio.file.NoSuchFileException e) {
            stored = 0;
        }
        assertTrue(text.contains("## Pattern library\n\n" + (patterns + stored) + " patterns"), text);
    }

    @Test
    void promptArgumentErrorsAreClear() throws Exception {
        JsonNode e = promptError("research", Map.of());
        assertEquals(-32602, e.get("code").asInt());
        assertTrue(e.get("message").asString().contains("needs the argument 'task'"), e.toString());
        e = promptError("implement", Map.of("workflow_id", "no-such-workflow"));
        assertTrue(e.get("message").asString().contains("unknown workflow_id 'no-such-workflow'"), e.toString());
        assertTrue(e.get("message").asString().contains(workflow.workflowId()), "lists stored ids: " + e);
        e = promptError("implement", Map.of("workflow_id", "../secret"));
        assertTrue(e.get("message").asString().contains("invalid workflow_id"), e.toString());
        e = promptError("learn", Map.of("run_id", "no-such-run"));
        assertTrue(e.get("message").asString().contains("no-such-run"), e.toString());
        e = promptError("research", Map.of("task", "x", "bogus", "y"));
        assertTrue(e.get("message").asString().contains("no argument 'bogus'"), e.toString());
    }

    @Test
    void resourcesAreListedWithTemplates() throws Exception {
        server.result("tools/call", Map.of("name", "catalog_status", "arguments", Map.of("include_warnings", false)),
                ANSWER);
        JsonNode list = server.result("resources/list", Map.of(), ANSWER).get("resources");
        Set<String> uris = new TreeSet<>();
        list.forEach(r -> uris.add(r.get("uri").asString()));
        assertTrue(uris.contains("catalog://summary"), uris.toString());
        assertTrue(uris.contains("workflow://" + workflow.workflowId()), uris.toString());
        long plugins = uris.stream().filter(u -> u.startsWith("plugin://")).count();
        assertEquals(Math.min(Resources.LIST_BOUND, catalog.size()), plugins, "bounded plugin list: " + uris);
        for (String u : uris) {
            if (u.startsWith("plugin://")) {
                assertTrue(catalog.plugin(u.substring("plugin://".length())).isPresent(), u);
            }
        }
        JsonNode templates = server.result("resources/templates/list", Map.of(), ANSWER).get("resourceTemplates");
        Set<String> t = new TreeSet<>();
        templates.forEach(r -> t.add(r.get("uriTemplate").asString()));
        assertEquals(Set.of("plugin://{plugin_id}", "pattern://{pattern_id}", "workflow://{workflow_id}", "run://{run_id}"), t);
    }

    @Test
    void resourcesListFollowsTheStore() throws Exception {
        WorkflowSpec extra = new WorkflowSpec(workflow.workflowId() + "-b", "another task", null, null, null, workflow.steps(),
                null, null, null, null, 0.5, null, null, null, null);
        Main.services(Options.parse("catalog", "--home", home.toString()), Map.of()).workflows().save(extra);
        try {
            Set<String> uris = new TreeSet<>();
            server.result("resources/list", Map.of(), ANSWER).get("resources").forEach(r -> uris.add(r.get("uri").asString()));
            assertTrue(uris.contains("workflow://" + extra.workflowId()), uris.toString());
            assertTrue(read("workflow://" + extra.workflowId()).contains("another task"));
        } finally {
            Files.delete(home.resolve("workflows").resolve(extra.workflowId() + ".yaml"));
        }
        Set<String> after = new TreeSet<>();
        server.result("resources/list", Map.of(), ANSWER).get("resources").forEach(r -> after.add(r.get("uri").asString()));
        assertFalse(after.contains("workflow://" + extra.workflowId()), "removed once the file is gone: " + after);
    }

    @Test
    void readsEachScheme() throws Exception {
        String summary = read("catalog://summary");
        assertTrue(summary.contains(catalogLine()), summary);
        catalog.marketplaces().forEach(m -> assertTrue(summary.contains("| " + m.name() + " | " + m.plugins().size() + " |"), summary));

        String p = read("plugin://" + plugin.id());
        assertTrue(p.startsWith("# " + plugin.id()), p);
        for (Component c : plugin.components()) {
            assertTrue(p.contains("**" + c.name() + "**"), c.name() + " in " + p);
        }
        assertTrue(p.contains(plugin.components(ComponentKind.AGENT).get(0).invoke(plugin.name())), p);

        String w = read("workflow://" + workflow.workflowId());
        assertTrue(w.contains(TASK), w);
        assertTrue(w.contains("1. **" + plugin.id() + " / " + workflow.steps().get(0).component() + "**"), w);
        assertTrue(w.contains("```mermaid"), w);

        JsonNode unknown = server.call("resources/read", Map.of("uri", "run://some-run"), ANSWER);
        assertEquals(-32002, unknown.get("error").get("code").asInt(), unknown.toString());
        assertTrue(unknown.get("error").get("message").asString().contains("unknown run 'some-run'"), unknown.toString());
        Path ws = Files.createTempDirectory("mo-ws");
        JsonNode started = server.result("tools/call", Map.of("name", "start_run",
                "arguments", Map.of("workflow_id", workflow.workflowId(), "workspace", ws.toString())), ANSWER);
        String runId = started.get("structuredContent").get("run_id").asString();
        String run = read("run://" + runId);
        assertTrue(run.contains(runId), run);
        assertTrue(run.contains(workflow.steps().get(0).component()), run);
        String learn = promptText("learn", Map.of("run_id", runId));
        assertTrue(learn.contains(runId) && learn.contains(workflow.steps().get(0).component()), learn);
        assertTrue(learn.contains("Runs stored: 1 (newest: " + runId + ")"), learn);
    }

    @Test
    void readsAStoredPattern() throws Exception {
        Path dir = home.resolve("patterns").resolve("validated");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("review-then-test.yaml"), """
                id: review-then-test
                name: Review then test
                description: review a change, then add the tests it lacks
                domain: testing
                task_keywords: [review, tests]
                plugin_sequence:
                  - plugin: %s
                    component: %s
                    purpose: review
                metrics: {total_executions: 6, successful_executions: 5, failed_executions: 1, success_rate: 0.83, avg_completion_time: 120}
                status: validated
                """.formatted(plugin.id(), workflow.steps().get(0).component()));
        // The store re-checks its folders at most every few hundred milliseconds.
        long end = System.nanoTime() + 5_000_000_000L;
        while (server.call("resources/read", Map.of("uri", "pattern://review-then-test"), ANSWER).has("error")
                && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        String text = read("pattern://review-then-test");
        assertTrue(text.contains("status: validated"), text);
        assertTrue(text.contains(plugin.id()), text);
        assertTrue(text.contains("6 (5 succeeded, 1 failed)"), text);
        Set<String> uris = new TreeSet<>();
        server.result("resources/list", Map.of(), ANSWER).get("resources").forEach(r -> uris.add(r.get("uri").asString()));
        assertTrue(uris.contains("pattern://review-then-test"), uris.toString());
        String learn = promptText("learn", Map.of());
        assertTrue(learn.contains("pattern://review-then-test: validated, 6 runs, success rate 0.83"), learn);
    }

    @Test
    void unknownIdsAndPathTricksAreNotFound() throws Exception {
        assertNotFound("pattern://../../etc/passwd");
        assertNotFound("pattern://..");
        assertNotFound("pattern://no-such-pattern");
        assertNotFound("workflow://..%2Fsecret");
        assertNotFound("workflow://%2e%2e%2fsecret");
        assertNotFound("workflow://../secret");
        assertNotFound("workflow://no-such-workflow");
        assertNotFound("run://..%2F..%2Fetc%2Fpasswd");
        assertNotFound("plugin://no-such@nowhere");
        assertNotFound("plugin://" + plugin.name());
        assertNotFound("catalog://other");
        assertNotFound("file:///etc/passwd");
        assertNotFound("workflow://");
    }

    static void unused() throws IOException {
    }
}
