package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flowcharts go through Mermaid's own parser (mermaid 11 under jsdom in Node), installed from npm into a
 * cache folder on first use. Skipped only when npm cannot install it and META_ORCH_REQUIRE_CLIENTS is unset.
 */
class MermaidTest {

    static Path dir;

    static final String SCRIPT = """
            import { JSDOM } from 'jsdom';
            const dom = new JSDOM('<!doctype html><html><body></body></html>');
            globalThis.window = dom.window; globalThis.document = dom.window.document;
            globalThis.DOMParser = dom.window.DOMParser; globalThis.Element = dom.window.Element;
            globalThis.HTMLElement = dom.window.HTMLElement;
            const mermaid = (await import('mermaid')).default;
            mermaid.initialize({ startOnLoad: false });
            let input = '';
            for await (const chunk of process.stdin) input += chunk;
            try {
              const r = await mermaid.parse(input);
              console.log(JSON.stringify({ ok: true, type: r.diagramType }));
            } catch (e) {
              console.log(JSON.stringify({ ok: false, error: String(e.message || e) }));
            }
            """;

    @BeforeAll
    static void install() throws Exception {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "meta-orchestrator", "npm", "mermaid-parse");
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("parse.mjs"), SCRIPT);
        if (!Files.isDirectory(cache.resolve("node_modules/mermaid")) || !Files.isDirectory(cache.resolve("node_modules/jsdom"))) {
            if (!Files.exists(cache.resolve("package.json"))) {
                Files.writeString(cache.resolve("package.json"), "{\"name\":\"mermaid-parse\",\"private\":true,\"type\":\"module\"}");
            }
            int code;
            String out;
            try {
                Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "mermaid@11", "jsdom@24")
                        .directory(cache.toFile()).redirectErrorStream(true).start();
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                code = p.waitFor(300, TimeUnit.SECONDS) ? p.exitValue() : -1;
            } catch (IOException e) {
                code = -1;
                out = e.toString();
            }
            if (code != 0) {
                boolean required = System.getenv("META_ORCH_REQUIRE_CLIENTS") != null;
                if (required) {
                    throw new AssertionError("npm install mermaid failed: " + out);
                }
                Assumptions.abort("npm unreachable, mermaid parser not installed: " + out.lines().reduce((a, b) -> b).orElse(""));
            }
        }
        dir = cache;
    }

    static String parse(String chart) throws Exception {
        Process p = new ProcessBuilder("node", "parse.mjs").directory(dir.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().write(chart.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "parser timed out");
        return out;
    }

    @Test
    void parserRejectsBrokenChartsSoItsAcceptanceMeansSomething() throws Exception {
        assertTrue(parse("flowchart TD\n  s1[\"a \"b\" c\"] --> s2\n").contains("\"ok\":false"));
        assertTrue(parse("flowchart TD\n  end --> s2\n").contains("\"ok\":false"));
    }

    @Test
    void generatedFlowchartsParse() throws Exception {
        WorkflowSpec s = WorkflowGeneratorTest.plan("Review the code for security vulnerabilities, fix them and add regression tests",
                List.of(), Constraints.NONE, null);
        assertEquals("{\"ok\":true,\"type\":\"flowchart-v2\"}", parse(s.mermaid()), s.mermaid());
        WorkflowSpec gap = WorkflowGeneratorTest.plan("run it", List.of("set up monitoring dashboards and alerting",
                "deploy the service to the kubernetes cluster"), Constraints.NONE, null);
        assertEquals("{\"ok\":true,\"type\":\"flowchart-v2\"}", parse(gap.mermaid()), gap.mermaid());
    }

    @Test
    void hostileLabelsAreEscaped() throws Exception {
        String task = "end \"quoted\" <script>alert(1)</script> [x] {y} | a;b # c `d` & e --> f";
        WorkflowStep st = new WorkflowStep(1, "p@m", "end", "agent", "Task tool", task,
                Map.of(), Map.of(), List.of(), WorkflowStep.RetryStrategy.standard(), WorkflowStep.Fallback.none("none"), List.of("gap"));
        WorkflowStep st2 = new WorkflowStep(2, "p@m", "subgraph", "agent", "Task tool", "graph TD; click s1 call x()",
                Map.of("plan", Map.of("from_step", 1, "output", "pl\"an]")), Map.of(), List.of(),
                WorkflowStep.RetryStrategy.standard(), WorkflowStep.Fallback.none("none"), List.of());
        WorkflowStep st3 = new WorkflowStep(3, "p@m", "c", "agent", "Task tool", "x",
                Map.of("plan", Map.of("from_step", 1, "output", "pl\"an]")), Map.of(), List.of(),
                WorkflowStep.RetryStrategy.standard(), WorkflowStep.Fallback.none("none"), List.of());
        String chart = Mermaid.flowchart(task, List.of(st, st2, st3));
        assertTrue(chart.contains(" -. "), "non-adjacent data edge drawn: " + chart);
        assertEquals("{\"ok\":true,\"type\":\"flowchart-v2\"}", parse(chart), chart);
    }
}
