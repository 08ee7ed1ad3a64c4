package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.util.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowGeneratorTest {

    static WorkflowSpec plan(String task, List<String> subtasks, Constraints c, String workspace) {
        return Fixtures.generator().generate(new WorkflowGenerator.Request(task, subtasks, c, workspace));
    }

    /** Every step names a real catalog component of the kind it says, as the catalog names it. */
    static void assertReal(WorkflowSpec s) {
        Catalog cat = Fixtures.catalog();
        for (WorkflowStep st : s.steps()) {
            Plugin p = cat.plugin(st.plugin()).orElseThrow(() -> new AssertionError("no plugin " + st.plugin()));
            assertTrue(p.components().stream().anyMatch(c -> c.name().equals(st.component()) && c.kind().id().equals(st.kind())),
                    st.plugin() + " has no " + st.kind() + " " + st.component());
            assertTrue(st.invoke().contains(p.name() + ":" + st.component()), st.invoke());
        }
    }

    @Test
    void decomposesByCapabilityWithoutSubtasksAndOrdersByPhase() {
        WorkflowSpec s = plan("Review the code for security vulnerabilities, fix them and add regression tests", List.of(),
                Constraints.NONE, null);
        assertEquals("capabilities", s.decomposition());
        assertTrue(s.steps().size() >= 2, "several steps: " + s.steps());
        assertReal(s);
        // Data flows forward only: every reference points to an earlier step.
        for (WorkflowStep st : s.steps()) {
            for (Object v : st.inputs().values()) {
                if (v instanceof Map<?, ?> m && m.get("from_step") instanceof Number n) {
                    assertTrue(n.intValue() < st.step(), "step " + st.step() + " reads from step " + n);
                }
            }
        }
        assertTrue(s.mermaid().startsWith("flowchart TD"));
        assertEquals(0.5, s.estimatedSuccessRate(), 1e-9);
        assertTrue(s.estimateBasis().contains("neutral prior"), s.estimateBasis());
    }

    @Test
    void usesSubtasksAsGivenInTheirOrder() {
        List<String> subs = List.of("write unit tests for the payment module", "set up a GitHub Actions CI pipeline",
                "document the public API in the README");
        WorkflowSpec s = plan("ship the payment module", subs, Constraints.NONE, null);
        assertEquals("subtasks", s.decomposition());
        assertEquals(3, s.steps().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(subs.get(i), s.steps().get(i).purpose());
            assertEquals(i + 1, s.steps().get(i).step());
        }
        assertReal(s);
    }

    @Test
    void flagsAnInputNoEarlierStepProduces(@TempDir Path empty) {
        // Monitoring first: nothing deployed it; deploying from an empty folder: nothing built it.
        WorkflowSpec s = plan("run the service", List.of("set up monitoring dashboards and alerting for the service",
                "deploy the service to the kubernetes cluster"), Constraints.NONE, empty.toString());
        WorkflowStep monitor = s.steps().get(0);
        assertEquals("operate", monitor.inputs().get("phase"), "monitoring is an operate step: " + monitor);
        assertTrue(monitor.flags().stream().anyMatch(f -> f.contains("data-flow gap") && f.contains("deployment")), monitor.flags().toString());
        assertTrue(s.warnings().stream().anyMatch(w -> w.startsWith("step 1")), s.warnings().toString());
        assertTrue(s.mermaid().contains("class s1 gap"), s.mermaid());
        // The same steps the right way round: deploy then monitor; the monitor step reads the deployment.
        WorkflowSpec ok = plan("run the service", List.of("deploy the service to the kubernetes cluster",
                "set up monitoring dashboards and alerting for the service"), Constraints.NONE, null);
        WorkflowStep watch = ok.steps().get(1);
        assertTrue(watch.flags().isEmpty(), watch.flags().toString());
        assertEquals(Map.of("from_step", 1, "output", "deployment"), watch.inputs().get("deployment"));
    }

    @Test
    void rejectsUnknownAndContradictoryConstraints() {
        Catalog c = Fixtures.catalog();
        Refusal e1 = assertThrows(Refusal.class,
                () -> Constraints.resolve(c, List.of("no-such-plugin-xyz"), List.of(), List.of(), false, 8));
        assertTrue(e1.getMessage().contains("unknown plugin 'no-such-plugin-xyz'"), e1.getMessage());
        Refusal e2 = assertThrows(Refusal.class,
                () -> Constraints.resolve(c, List.of(), List.of(), List.of("nowhere-market"), false, 8));
        assertTrue(e2.getMessage().contains("unknown marketplace 'nowhere-market'"), e2.getMessage());
        String some = c.plugins().get(0).id();
        Refusal e3 = assertThrows(Refusal.class,
                () -> Constraints.resolve(c, List.of(some), List.of(some), List.of(), false, 8));
        assertTrue(e3.getMessage().contains("both required and excluded"), e3.getMessage());
        Refusal e4 = assertThrows(Refusal.class,
                () -> Constraints.resolve(c, List.of(some), List.of(), List.of(), true, 8));
        assertTrue(e4.getMessage().contains("not installed"), e4.getMessage());
    }

    @Test
    void honoursExcludedRequiredMarketplaceAndMaxSteps() {
        String task = "comprehensive code review of architecture, security and performance";
        WorkflowSpec first = plan(task, List.of(), Constraints.NONE, null);
        String anchor = first.steps().get(0).plugin();
        Catalog c = Fixtures.catalog();
        WorkflowSpec without = plan(task, List.of(), Constraints.resolve(c, List.of(), List.of(anchor), List.of(), false, 8), null);
        assertTrue(without.steps().stream().noneMatch(s -> s.plugin().equals(anchor)), without.steps().toString());
        assertTrue(without.steps().stream().noneMatch(s -> anchor.equals(s.fallback().plugin())));
        String market = c.plugin(anchor).orElseThrow().marketplace();
        String other = c.marketplaces().stream().map(m -> m.name()).filter(m -> !m.equals(market)).findFirst().orElseThrow();
        WorkflowSpec onlyOther = plan(task, List.of(), Constraints.resolve(c, List.of(), List.of(), List.of(other), false, 8), null);
        assertTrue(onlyOther.steps().stream().allMatch(s -> s.plugin().endsWith("@" + other)), onlyOther.steps().toString());
        String docs = "code-documentation@claude-code-workflows";
        WorkflowSpec req = plan(task, List.of(), Constraints.resolve(c, List.of(docs), List.of(), List.of(), false, 2), null);
        assertTrue(req.steps().size() <= 2, req.steps().toString());
        assertTrue(req.steps().stream().anyMatch(s -> s.plugin().equals(docs)), req.steps().toString());
    }

    @Test
    void fallbacksAreRealDifferentComponentsWithTheSameRole() {
        WorkflowSpec s = plan("debug a production incident, find the root cause and fix it", List.of(), Constraints.NONE, null);
        Catalog cat = Fixtures.catalog();
        int present = 0;
        for (WorkflowStep st : s.steps()) {
            WorkflowStep.Fallback f = st.fallback();
            assertNotNull(f);
            assertNotNull(f.reason());
            if (!f.present()) {
                continue;
            }
            present++;
            Plugin p = cat.plugin(f.plugin()).orElseThrow(() -> new AssertionError("fallback plugin missing: " + f));
            Component comp = p.components().stream().filter(x -> x.name().equals(f.component())).findFirst()
                    .orElseThrow(() -> new AssertionError("fallback component missing: " + f));
            assertEquals(st.kind(), comp.kind().id());
            assertFalse(f.plugin().equals(st.plugin()) && f.component().equals(st.component()), "fallback is the step itself");
            assertTrue(s.steps().stream().noneMatch(o -> o.plugin().equals(f.plugin()) && o.component().equals(f.component())),
                    "fallback is another step of the plan");
            assertTrue(f.similarity() >= Fallbacks.MIN_SIMILARITY && f.similarity() <= 1.0, f.toString());
        }
        assertTrue(present > 0, "at least one step has a fallback: " + s.steps());
    }

    @Test
    void checksComeFromTheWorkspace(@TempDir Path tmp) throws Exception {
        Path mvn = Files.createDirectories(tmp.resolve("java"));
        Files.writeString(mvn.resolve("pom.xml"), "<project><artifactId>x</artifactId></project>");
        Path node = Files.createDirectories(tmp.resolve("node"));
        Files.writeString(node.resolve("package.json"), "{\"scripts\": {\"test\": \"jest\", \"build\": \"tsc\"}, "
                + "\"dependencies\": {\"express\": \"^4\"}}");
        Files.writeString(node.resolve("Dockerfile"), "FROM node:20\nEXPOSE 8081\n");
        List<String> subs = List.of("write unit tests for the module");
        WorkflowSpec a = plan("test it", subs, Constraints.NONE, mvn.toString());
        WorkflowSpec b = plan("test it", subs, Constraints.NONE, node.toString());
        assertEquals("test", a.steps().get(0).inputs().get("phase"));
        List<List<String>> cmdsA = commands(a.steps().get(0).validation());
        List<List<String>> cmdsB = commands(b.steps().get(0).validation());
        assertTrue(cmdsA.contains(List.of("mvn", "-q", "-B", "test")), cmdsA.toString());
        assertTrue(cmdsB.contains(List.of("npm", "test")), cmdsB.toString());
        assertNotEquals(cmdsA, cmdsB);
        for (Check c : a.steps().get(0).validation()) {
            assertFalse(c.reason().isBlank());
        }
        // A deploy step in the node workspace builds the image and calls the exposed port.
        WorkflowSpec d = plan("ship it", List.of("deploy the app with docker"), Constraints.NONE, node.toString());
        List<Check> dv = d.steps().get(0).validation();
        assertTrue(commands(dv).stream().anyMatch(v -> v.get(0).equals("docker") && v.get(1).equals("build")), dv.toString());
        assertTrue(dv.stream().anyMatch(c -> c instanceof Check.HttpEndpoint h && h.url().equals("http://127.0.0.1:8081/")), dv.toString());
        assertTrue(d.environmentRequirements().stream().anyMatch(e -> e.contains("Node.js")), d.environmentRequirements().toString());
        // Without a workspace, a task naming its stack gets that stack's commands; rollback uses git.
        WorkflowSpec py = plan("write pytest tests for the Flask app", List.of(), Constraints.NONE, null);
        assertTrue(py.steps().stream().flatMap(s -> commands(s.validation()).stream())
                .anyMatch(v -> v.equals(List.of("python3", "-m", "pytest", "-q"))), py.steps().toString());
        assertFalse(py.rollbackProcedure().isEmpty());
        assertThrows(Refusal.class, () -> plan("x y", List.of(), Constraints.NONE, tmp.resolve("missing").toString()));
    }

    static List<List<String>> commands(List<Check> checks) {
        return checks.stream().filter(c -> c instanceof Check.Command).map(c -> ((Check.Command) c).argv()).toList();
    }

    @Test
    void followsAMatchingStoredPatternFirstAndEstimatesFromItsRecord() {
        Pattern p = new Pattern("api-review-flow", "API review flow", "review a REST API for security and document it",
                "web-development", null, List.of("rest", "api", "security", "review", "document"),
                List.of(new Pattern.Step("backend-api-security", null, "harden the API", null, null),
                        new Pattern.Step("code-documentation@claude-code-workflows", null, "document the API", null, null)),
                new Pattern.Metrics(20, 19, 1, 0.95, 300), List.of(), List.of(), List.of(), "validated",
                "2026-01-01T00:00:00Z", "2026-11-01T00:00:00Z");
        WorkflowGenerator g = Fixtures.generator(Fixtures.library(List.of(p)), Evidence.NONE);
        WorkflowSpec s = g.generate(new WorkflowGenerator.Request("review the REST API security and document it", List.of(), null, null));
        assertEquals("pattern", s.decomposition());
        assertEquals("api-review-flow", s.patternId());
        assertEquals(2, s.steps().size());
        assertTrue(s.steps().get(0).plugin().startsWith("backend-api-security@"));
        assertEquals(20.0 / 22.0, s.estimatedSuccessRate(), 0.001);
        assertTrue(s.estimateBasis().contains("19 of 20"), s.estimateBasis());
    }

    @Test
    void estimatesFromRecordedOutcomesPerStep() {
        WorkflowSpec base = plan("review the code for security vulnerabilities", List.of(), Constraints.NONE, null);
        String pid = base.steps().get(0).plugin();
        Evidence ev = new Evidence() {
            @Override
            public PluginEvidence plugin(String pluginId) {
                return pluginId.equals(pid) ? new PluginEvidence(pid, 10, 9, 12, "2026-11-01T00:00:00Z") : PluginEvidence.none(pluginId);
            }

            @Override
            public Map<String, PluginEvidence> all() {
                return Map.of(pid, plugin(pid));
            }
        };
        WorkflowSpec s = Fixtures.generator(PatternLibrary.EMPTY, ev)
                .generate(new WorkflowGenerator.Request("review the code for security vulnerabilities", List.of(), null, null));
        long stepsOfPid = s.steps().stream().filter(x -> x.plugin().equals(pid)).count();
        assertEquals(Math.pow(10.0 / 12.0, stepsOfPid), s.estimatedSuccessRate(), 0.002);
        assertTrue(s.estimateBasis().contains(pid + " 9/10"), s.estimateBasis());
    }

    @Test
    void storesAndReloadsTheSpec(@TempDir Path home) {
        WorkflowSpec s = plan("add caching to the REST API", List.of(), Constraints.NONE, null);
        WorkflowStore store = new WorkflowStore(home);
        store.save(s);
        assertTrue(Files.isRegularFile(home.resolve("workflows").resolve(s.workflowId() + ".yaml")));
        WorkflowSpec back = store.load(s.workflowId());
        assertEquals(s.steps(), back.steps());
        assertEquals(s.finalValidation(), back.finalValidation());
        assertEquals(Set.copyOf(store.ids()), Set.of(s.workflowId()));
    }
}
