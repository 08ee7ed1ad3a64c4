package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import org.junit.jupiter.api.Test;

/** The capability split on small hand-made catalogs: what an orchestration command's body says wins. */
class DecomposerTest {

    static final String TASK = "Design and implement a complete ML pipeline";

    static Plugin plugin(String name, Component... comps) {
        return plugin("m", name, comps);
    }

    static Plugin plugin(String marketplace, String name, Component... comps) {
        return new Plugin(null, name, marketplace, "1.0.0", "Helpers for " + name, "tools", List.of(), null, null, null, ".", null,
                true, true, List.of(comps), List.of(), null);
    }

    static Component agent(String name, String description) {
        return Component.of(ComponentKind.AGENT, name, description);
    }

    static Catalog catalog(List<String> pipelineReferences) {
        Component pipeline = new Component(ComponentKind.COMMAND, "ml-pipeline", null, TASK, null, null, List.of(),
                pipelineReferences);
        List<Plugin> ps = new ArrayList<>(List.of(
                plugin("ml-kit", pipeline, agent("ml-engineer", "Builds and trains ML models for the pipeline"),
                        agent("mlops-engineer", "Deploys ML pipeline models to production"),
                        agent("data-scientist", "Explores data and designs ML experiments")),
                plugin("data-kit", agent("data-engineer", "Builds data ingestion pipelines and warehouses"))));
        String[] topics = {"spreadsheet formulas", "email drafting", "docker images", "css animation", "git cleanup"};
        for (int i = 0; i < 10; i++) {
            ps.add(plugin("filler-" + i, agent("helper-" + i, "Helps with " + topics[i % topics.length])));
        }
        return new Catalog(List.of(new Marketplace("m", "test", "snapshot", ps, List.of())), List.of(), Instant.now(), 1);
    }

    static List<String> steps(Catalog c, Constraints k) {
        return new Decomposer(new CatalogSearch(c)).fromCapabilities(TASK, k).picks().stream().map(p -> p.ref().qualified()).toList();
    }

    @Test
    void theAgentsAnOrchestrationBodyRunsAreTheStepsInItsOrderAcrossPlugins() {
        List<String> without = steps(catalog(List.of()), Constraints.NONE);
        assertFalse(without.contains("data-kit:data-engineer"), "from descriptions alone: " + without);

        // subagent_type values read from the command's body: another plugin's agent, a sibling, and one that does
        // not exist in the catalog (left out)
        List<String> with = steps(catalog(List.of("data-kit:data-engineer", "ml-engineer", "ghost-kit:nobody")), Constraints.NONE);
        assertEquals(List.of("data-kit:data-engineer", "ml-kit:ml-engineer"), with);
    }

    @Test
    void constraintsStillBarAPluginTheBodyHandsWorkTo() {
        Catalog c = catalog(List.of("data-kit:data-engineer", "ml-engineer", "mlops-engineer"));
        Constraints noData = new Constraints(Set.of(), Set.of("data-kit@m"), Set.of(), false, Constraints.DEFAULT_MAX_STEPS);
        List<String> s = steps(c, noData);
        assertTrue(s.stream().noneMatch(x -> x.startsWith("data-kit:")), s.toString());
        assertEquals(List.of("ml-kit:ml-engineer", "ml-kit:mlops-engineer"), s);
    }

    // ------------------------------------------------------------------ a feature's delivery

    static final String FEATURE = "payment provider integration service";

    /** One plugin builds payments; others, here and in a second marketplace, each do one later phase. */
    static Catalog deliveryCatalog() {
        List<Plugin> near = new ArrayList<>(List.of(
                plugin("payments-kit", agent("payment-integrator", "Integrates payment provider APIs into a service")),
                plugin("security-scanning", agent("security-auditor", "Audits services for security problems")),
                // more of the role's words, in a plugin built for something else
                plugin("misc-tools", agent("vulnerability-auditor", "Audits services for security vulnerabilities")),
                plugin("unit-testing", agent("test-automator", "Writes unit tests and raises test coverage"))));
        String[] topics = {"spreadsheet formulas", "email drafting", "css animation", "recipe scaling", "haiku writing"};
        for (int i = 0; i < 10; i++) {
            near.add(plugin("filler-" + i, agent("helper-" + i, "Helps with " + topics[i % topics.length])));
        }
        List<Plugin> far = List.of(
                plugin("far", "observability-monitoring", agent("monitoring-engineer", "Sets up monitoring, observability and alerting")),
                // the strongest security match of all, but in another marketplace
                plugin("far", "security-hardening", agent("security-auditor", "Security audit: security vulnerabilities, audit reports")));
        return new Catalog(List.of(new Marketplace("m", "test", "snapshot", near, List.of()),
                new Marketplace("far", "test", "snapshot", far, List.of())), List.of(), Instant.now(), 1);
    }

    static List<String> plan(String task, Constraints k) {
        return new Decomposer(new CatalogSearch(deliveryCatalog())).fromCapabilities(task, k).picks().stream()
                .map(p -> p.phase().id() + " " + p.ref().qualified()).toList();
    }

    @Test
    void aFeatureOneComponentBuildsIsPlannedAsItsDeliveryPhaseByPhase() {
        // security from the core's marketplace, and from the plugin built for it (not misc-tools); monitoring only
        // the other marketplace offers; no phase without a component that does it
        assertEquals(List.of("build payments-kit:payment-integrator", "secure security-scanning:security-auditor",
                "test unit-testing:test-automator", "operate observability-monitoring:monitoring-engineer"),
                plan(FEATURE, Constraints.NONE));
    }

    @Test
    void aFixOrATaskThatNamesItsPhaseStaysAsAsked() {
        assertEquals(List.of("build payments-kit:payment-integrator"), plan("fix the " + FEATURE, Constraints.NONE));
        assertEquals(List.of("build payments-kit:payment-integrator"), plan("deploy the " + FEATURE, Constraints.NONE));
    }

    @Test
    void theDeliveryKeepsToTheConstraints() {
        Constraints noScanning = new Constraints(Set.of(), Set.of("security-scanning@m"), Set.of(), false,
                Constraints.DEFAULT_MAX_STEPS);
        List<String> p = plan(FEATURE, noScanning);
        assertTrue(p.contains("secure misc-tools:vulnerability-auditor"), p.toString());
        assertTrue(p.stream().noneMatch(x -> x.contains("security-scanning:")), p.toString());
    }

    @Test
    void aTaskOneCommandDoesIsThatCommandsJobNotAFeatureToDeliver() {
        Plugin kit = plugin("pr-kit", Component.of(ComponentKind.COMMAND, "open-pr", "Create a pull request"),
                agent("pr-writer", "Create a pull request description"));
        Decomposer.Pick command = new Decomposer.Pick(new CatalogSearch.Ref(kit, kit.components().get(0)), Phase.BUILD, "", 1, "", null);
        Decomposer.Pick agent = new Decomposer.Pick(new CatalogSearch.Ref(kit, kit.components().get(1)), Phase.BUILD, "", 1, "", null);
        assertFalse(Decomposer.deliverable("create the pull request", command));
        assertTrue(Decomposer.deliverable("create the pull request", agent));
    }

    @Test
    void aPluginNameMarksAPhaseOnlyWhenOneOfItsWordsDoes() {
        assertEquals(Phase.SECURE, Phase.ofName("security-scanning"));
        assertEquals(Phase.REVIEW, Phase.ofName("performance-testing-review"));
        assertEquals(null, Phase.ofName("payments-kit"));
    }
    // ------------------------------------------------------------------ the phases a task names

    static final String SHIP = "deploy this new flask app";

    /**
     * One plugin shares the task's common words ("new", "app") in a command and a team of two; another names the
     * rare one ("flask") and has an agent that does the phase the task asks for, under other words ("release").
     */
    static Catalog shipCatalog() {
        List<Plugin> ps = new ArrayList<>(List.of(
                plugin("starter-kit", Component.of(ComponentKind.COMMAND, "new-app", "Start a new project from the starter template"),
                        agent("convention-checker", "Checks a project follows the starter conventions"),
                        agent("style-linter", "Lints a project for style problems")),
                plugin("web-kit", agent("flask-specialist", "Flask specialist for web apps"),
                        agent("release-manager", "Cuts releases and rolls them out to servers"),
                        agent("css-stylist", "Styles pages with modern CSS"))));
        String[] topics = {"spreadsheet formulas", "email drafting", "recipe scaling", "haiku writing", "git cleanup"};
        for (int i = 0; i < 10; i++) {
            ps.add(plugin("filler-" + i, agent("helper-" + i, "Helps with " + topics[i % topics.length])));
        }
        return new Catalog(List.of(new Marketplace("m", "test", "snapshot", ps, List.of())), List.of(), Instant.now(), 1);
    }

    static String anchor(Decomposer.Tuning t) {
        return new Decomposer(new CatalogSearch(shipCatalog()), t).fromCapabilities(SHIP, Constraints.NONE).notes().get(0);
    }

    @Test
    void aTaskThatNamesAPhaseAnchorsOnAPluginThatCanDoIt() {
        assertTrue(anchor(Decomposer.Tuning.DEFAULT.withPhaseWeight(0)).startsWith("anchor plugin starter-kit@m"),
                anchor(Decomposer.Tuning.DEFAULT.withPhaseWeight(0)));
        assertEquals("anchor plugin web-kit@m (score 1.07; it has components for [deploy] of the phases the task names [deploy])",
                anchor(Decomposer.Tuning.DEFAULT));
    }

    @Test
    void productionIsWhereAChangeRunsNotAProductToDesign() {
        assertEquals(List.of(), Phase.mentioned("make sure this is ready for production"));
        assertEquals(List.of(), Phase.mentioned("a productivity helper"));
        assertEquals(List.of(Phase.DESIGN), Phase.mentioned("shape the product roadmap"));
        assertEquals(List.of(Phase.DESIGN), Phase.mentioned("compare the two products"));
    }

    @Test
    void aPluginsPhasesAreWhatItsComponentsDo() {
        CatalogSearch search = new CatalogSearch(shipCatalog());
        Plugin web = search.catalog().plugin("web-kit@m").orElseThrow();
        assertEquals(Set.of(Phase.BUILD, Phase.DEPLOY), search.phases(web));
        assertEquals(List.of(Phase.DEPLOY), Phase.mentioned(SHIP));
    }
}
