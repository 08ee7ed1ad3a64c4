package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Pattern;
import dev.metaorch.mcp.ToolContext;
import org.junit.jupiter.api.Test;

class ResearchTest {

    @Test
    @SuppressWarnings("unchecked")
    void threeAnalysesRunTogetherAndEachContributesFindings() {
        // Each analysis waits at a barrier of three as it starts: run one after another, the first would wait
        // alone until the timeout and the call would fail; run together, all three pass.
        CyclicBarrier barrier = new CyclicBarrier(3);
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        Pattern used = new Pattern("k8s-ship", "ship", "deploy", "devops", null, List.of("deploy"),
                List.of(new Pattern.Step("kubernetes-operations", null, "deploy", null, null),
                        new Pattern.Step("observability-monitoring", null, "watch", null, null)),
                new Pattern.Metrics(4, 3, 1, 0.75, 10), List.of(), List.of(), List.of(), "validated", null, null);
        KnownIssueSource issues = id -> id.startsWith("kubernetes-operations@")
                ? List.of(new KnownIssueSource.PluginIssue(id, "kubectl: connection refused", "start the cluster", 3)) : List.of();
        WorkflowGenerator g = Fixtures.generator();
        Research r = new Research(g::search, () -> Fixtures.library(List.of(used)), () -> Evidence.NONE, () -> issues, name -> {
            threads.add(Thread.currentThread().getName() + "#" + Thread.currentThread().getId());
            try {
                barrier.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("analysis " + name + " ran alone: " + e);
            }
        });
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        ToolContext ctx = new ToolContext() {
            @Override
            public void progress(double p, Double total, String message) {
                progress.add(p + "/" + total + " " + message);
            }

            @Override
            public void log(String level, String message) {
            }
        };
        Map<String, Object> rep = r.run("deploy the service to kubernetes with monitoring and security review", 8, ctx);
        assertEquals(3, Set.copyOf(threads).size(), "three distinct threads: " + threads);
        assertTrue(progress.size() >= 5, progress.toString());
        assertTrue(progress.stream().anyMatch(p -> p.contains("capabilities analysis done")), progress.toString());

        List<Map<String, Object>> caps = (List<Map<String, Object>>) rep.get("capabilities");
        assertFalse(caps.isEmpty());
        Map<String, Object> first = caps.get(0);
        assertTrue(((Map<String, String>) first.get("domain")).containsKey("source"));
        assertEquals("description", ((Map<String, Object>) first.get("does")).get("source"));

        Map<String, Object> in = (Map<String, Object>) rep.get("integration");
        assertFalse(((List<?>) in.get("compositions")).isEmpty(), in.toString());
        assertFalse(((List<?>) in.get("dependency_chain")).isEmpty(), in.toString());
        List<Map<String, Object>> coUse = (List<Map<String, Object>>) in.get("co_use");
        assertTrue(coUse.stream().anyMatch(c -> c.get("pair").equals("kubernetes-operations -> observability-monitoring")), coUse.toString());

        List<Map<String, Object>> rel = (List<Map<String, Object>>) rep.get("reliability");
        assertFalse(rel.isEmpty());
        assertTrue(rel.stream().allMatch(m -> m.get("basis").toString().contains("neutral prior")), rel.toString());
        assertTrue(rel.stream().anyMatch(m -> !((List<?>) m.get("failure_modes")).isEmpty()), "known issue reported: " + rel);

        String md = Research.markdown(rep);
        assertTrue(md.contains("### Capabilities") && md.contains("### Integration") && md.contains("### Reliability"), md);
        assertTrue(md.contains("kubectl: connection refused"), md);
    }

    @Test
    @SuppressWarnings("unchecked")
    void referencesOfOrchestratingComponentsAreReported() {
        WorkflowGenerator g = Fixtures.generator();
        Research r = new Research(g::search, () -> dev.metaorch.learn.PatternLibrary.EMPTY, () -> Evidence.NONE, () -> KnownIssueSource.NONE);
        // The plugin whose pipeline command names its agents, found by its own words.
        Map<String, Object> rep = r.run("story file pipeline orchestrate architect implement review QA playwright", 5, ToolContext.NONE);
        List<Map<String, Object>> refs = (List<Map<String, Object>>) ((Map<String, Object>) rep.get("integration")).get("references");
        assertTrue(refs.stream().anyMatch(m -> ((List<?>) m.get("hands_work_to")).size() >= 3), refs.toString());
    }
}
