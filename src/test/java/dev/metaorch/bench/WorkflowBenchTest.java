package dev.metaorch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import org.junit.jupiter.api.Test;

/** The workflow benchmark's measures, and the rows it prints beside ours. */
class WorkflowBenchTest {

    static final WorkflowBench.Case CASE = new WorkflowBench.Case("c1", "ship it",
            List.of("kit:plan", "kit:build", "ops:deploy"), List.of("kit", "ops"));

    static WorkflowSpec spec(String... qualified) {
        List<WorkflowStep> steps = new ArrayList<>();
        for (int i = 0; i < qualified.length; i++) {
            String[] pc = qualified[i].split(":");
            steps.add(new WorkflowStep(i + 1, pc[0] + "@m", pc[1], "agent", "", "", null, null, null, null, null, null));
        }
        return new WorkflowSpec("w", "ship it", "", "capabilities", null, steps, null, null, null, null, 0.5, "", "", null, null);
    }

    @Test
    void agentAndPluginF1AndOrderAgreementOfASpec() {
        // two of three agents right, one wrong; one plugin of two; the two right agents in the wrong order
        WorkflowBench.Score s = WorkflowBench.score(CASE, spec("kit:build", "kit:plan", "x:other"));
        assertEquals(2 * (2 / 3.0) * (2 / 3.0) / (4 / 3.0), s.agentF1(), 1e-9);
        assertEquals(2 * 0.5 * 0.5 / 1.0, s.pluginF1(), 1e-9);
        assertEquals(0.0, s.order(), 1e-9);
        assertEquals(1.0, WorkflowBench.score(CASE, spec("kit:plan", "kit:build", "ops:deploy")).order(), 1e-9);
    }

    @Test
    void otherSettingsAreSummarizedUnderTheirLabelsInOrder() {
        Plugin kit = new Plugin(null, "kit", "m", "1.0.0", "kit", "tools", List.of(), null, null, null, ".", null, true, true,
                List.of(Component.of(ComponentKind.AGENT, "plan", "plans"), Component.of(ComponentKind.AGENT, "build", "builds")),
                List.of(), null);
        Catalog catalog = new Catalog(List.of(new Marketplace("m", "test", "snapshot", List.of(kit), List.of())), List.of(),
                Instant.now(), 1);
        Map<String, Function<String, WorkflowSpec>> others = new LinkedHashMap<>();
        others.put("all right", t -> spec("kit:plan", "kit:build", "ops:deploy"));
        others.put("all wrong", t -> spec("x:other"));
        WorkflowBench.Report r = WorkflowBench.run(catalog, List.of(CASE), t -> spec("kit:plan"), others);
        assertEquals(List.of("all right", "all wrong"), r.others().stream().map(WorkflowBench.Summary::system).toList());
        assertEquals(1.0, r.others().get(0).pluginF1(), 1e-9);
        assertEquals(0.0, r.others().get(1).agentF1(), 1e-9);
        assertEquals(0.5, r.oursSummary().agentF1(), 1e-9);

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        WorkflowBench.print(r, new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        String table = buf.toString(StandardCharsets.UTF_8);
        int ours = table.indexOf("| generate_workflow |");
        int right = table.indexOf("| all right |");
        int wrong = table.indexOf("| all wrong |");
        int base = table.indexOf("| bm25 top-n agents |");
        assertEquals(List.of(true, true, true, true), List.of(ours >= 0, ours < right, right < wrong, wrong < base), table);
    }
}
