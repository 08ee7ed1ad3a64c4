package dev.metaorch.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.PatternLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Actions to steps on small hand-made catalogs: one component per action, gaps, a covering orchestration's team. */
class DecomposerTest {

    static Plugin plugin(String name, Component... comps) {
        return new Plugin(null, name, "m", "1.0.0", "Helpers for " + name, "tools", List.of(), null, null, null, ".", null,
                true, true, List.of(comps), List.of(), null);
    }

    static Component agent(String name, String description) {
        return Component.of(ComponentKind.AGENT, name, description);
    }

    static Catalog catalog(Plugin... extra) {
        List<Plugin> ps = new ArrayList<>(List.of(
                plugin("python-kit", agent("python-pro", "Python expert: modern Python packages, typing, packaging and pytest"),
                        agent("django-pro", "Django expert: Django models, views, the Django ORM and Django REST framework"),
                        agent("fastapi-pro", "FastAPI expert: FastAPI endpoints, async Python APIs with Pydantic")),
                plugin("test-kit", agent("test-automator", "Writes unit tests and test suites, runs the tests, fixes flaky tests"),
                        agent("jest-runner", "Runs Jest test suites and reports failures")),
                plugin("ci-kit", agent("ci-author", "Sets up CI pipelines: GitHub Actions workflows, GitLab CI")),
                plugin("deps-kit", agent("dependency-scanner", "Scans npm dependencies for vulnerable packages and known CVEs"),
                        agent("dependency-updater", "Updates outdated and vulnerable npm packages to safe versions")),
                plugin("release-kit", Component.of(ComponentKind.COMMAND, "changelog", "Write a changelog from the commits"),
                        Component.of(ComponentKind.COMMAND, "tag-release", "Tag the release in git and push the tag"))));
        ps.addAll(List.of(extra));
        String[] topics = {"spreadsheet formulas", "email drafting", "css animation", "recipe scaling", "haiku writing"};
        for (int i = 0; i < 10; i++) {
            ps.add(plugin("filler-" + i, agent("helper-" + i, "Helps with " + topics[i % topics.length])));
        }
        return new Catalog(List.of(new Marketplace("m", "test", "snapshot", ps, List.of())), List.of(), Instant.now(), 1);
    }

    /** The planner's view of the small catalog with {@code extra} plugins. */
    static CatalogSearch search(Plugin... extra) {
        Catalog c = catalog(extra);
        return new CatalogSearch(c, dev.metaorch.recommend.RelevanceIndex.build(c));
    }

    static WorkflowSpec plan(Catalog c, String task, List<String> subtasks, String workspace) {
        return new WorkflowGenerator(() -> c, () -> PatternLibrary.EMPTY, () -> Evidence.NONE, () -> KnownIssueSource.NONE)
                .generate(new WorkflowGenerator.Request(task, subtasks, null, workspace));
    }

    /** The default floors with the other knobs given: same-plugin bonus, subtask coverage, context, repeat, role miss. */
    static Decomposer.Tuning tuning(double same, double cover, double context, double repeat, double roleMiss) {
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        return new Decomposer.Tuning(d.gapFloor(), d.wholeFloor(), same, cover, context, repeat, roleMiss);
    }

    static List<String> components(WorkflowSpec s) {
        return s.steps().stream().map(x -> x.gap() ? "GAP" : x.component()).toList();
    }

    @Test
    void thePlannerAndRecommendRankTheSameComponentsForTheSameText() {
        Catalog c = catalog();
        dev.metaorch.recommend.RelevanceIndex idx = dev.metaorch.recommend.RelevanceIndex.build(c);
        for (String task : List.of("scan our npm dependencies for vulnerable packages", "write a changelog from the commits",
                "set up GitHub Actions CI pipelines")) {
            WorkflowSpec s = plan(c, task, List.of(task), null);
            dev.metaorch.recommend.ComponentHit best = idx.searchComponents(task, task, CatalogSearch.INVOCABLE, null, 1).get(0);
            assertEquals(best.component().name(), s.steps().get(0).component(), task);
            // recommend_plugins names the same component first for its plugin
            dev.metaorch.recommend.Recommender.Recommendation top = new dev.metaorch.recommend.Recommender(idx, Evidence.NONE)
                    .recommend(dev.metaorch.recommend.Recommender.Request.of(task, 1)).get(0);
            assertEquals(best.plugin().id(), top.hit().plugin().id(), task);
            assertEquals(best.component().name(), top.components().get(0).component().name(), task);
        }
    }

    @Test
    void theUsersOrderIsKeptStepByStep() {
        assertEquals(List.of("dependency-scanner", "dependency-updater"),
                components(plan(catalog(), "scan our npm dependencies for vulnerable packages and update them", List.of(), null)));
        assertEquals(List.of("changelog", "tag-release"),
                components(plan(catalog(), "write a changelog and tag the release", List.of(), null)));
    }

    @Test
    void aGenericPythonTaskGetsNoFrameworkAgent() {
        WorkflowSpec s = plan(catalog(), "add typing and packaging metadata to my python package", List.of(), null);
        assertEquals(List.of("python-pro"), components(s));
    }

    @Test
    void aTaskNamingTestsAndCiGetsATestStepAndACiStep() {
        WorkflowSpec s = plan(catalog(), "add a pytest test suite to my python package and set up GitHub Actions CI", List.of(), null);
        assertEquals(2, s.steps().size(), components(s).toString());
        assertEquals("test", s.steps().get(0).inputs().get("phase"));
        assertEquals("deploy", s.steps().get(1).inputs().get("phase"));
        assertEquals("ci-author", s.steps().get(1).component());
        assertTrue(s.steps().stream().noneMatch(x -> "django-pro".equals(x.component()) || "fastapi-pro".equals(x.component())));
    }

    @Test
    void aFlakyTestTaskRunsTheTests(@TempDir Path ws) throws Exception {
        Files.writeString(ws.resolve("package.json"), "{\"name\": \"app\", \"scripts\": {\"test\": \"jest\"}}");
        WorkflowSpec s = plan(catalog(), "fix the flaky tests in our Jest suite", List.of(), ws.toString());
        WorkflowStep st = s.steps().get(0);
        assertEquals("test", st.inputs().get("phase"));
        assertTrue(st.validation().stream().anyMatch(c -> c instanceof Check.Command cmd && cmd.argv().equals(List.of("npm", "test"))),
                st.validation().toString());
    }

    @Test
    void anActionThatNamesItsKindOfWorkTakesAComponentThatDoesIt() {
        // the plan's home plugin has a command that shares the object ("toggle") with the subtask, which asks for an
        // accessibility check: only the auditor does that
        Plugin prefs = plugin("prefs-kit", Component.of(ComponentKind.COMMAND, "toggle-panel", "Add a toggle panel to a settings page"));
        Plugin a11y = plugin("a11y-kit", agent("a11y-auditor", "Audits screen reader and keyboard accessibility of web pages"));
        CatalogSearch search = search(prefs, a11y);
        String task = "add a toggle panel to the settings page and check its accessibility";
        List<String> subs = List.of("Add a toggle panel to the settings page",
                "Check the toggle panel for accessibility with a screen reader");
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        Decomposer.Tuning off = tuning(d.samePlugin(), d.subtaskCoverage(), d.subtaskContext(), d.repeat(), 0);
        assertEquals("prefs-kit", new Decomposer(search, off).fromSubtasks(task, subs, Constraints.NONE).picks().get(1)
                .ref().plugin().name(), "without the rule a toggle of the home plugin wins");
        List<Decomposer.Pick> picks = new Decomposer(search, d).fromSubtasks(task, subs, Constraints.NONE).picks();
        assertEquals("a11y-auditor", picks.get(1).ref().component().name());
        // a building action names no role to require: the panel command keeps its step
        assertEquals("toggle-panel", picks.get(0).ref().component().name());
    }

    @Test
    void aUseWhenDescriptionIsSaidAsTheActionItNames() {
        assertEquals("Audit a Helm chart for drift", Decomposer.asAction("Use this agent when you need to audit a Helm chart for drift"));
        assertEquals("Verify the release notes", Decomposer.asAction("Use this skill to verify the release notes"));
        assertEquals("Write Terraform modules or review them", Decomposer.asAction("Use when writing Terraform modules or reviewing them"));
        // no action to say, or another meaning ("after deploying" is not "deploy"): kept as written
        for (String kept : List.of("Use after deploying a service", "Use this agent when the user mentions a flaky build",
                "Use PROACTIVELY for Kafka topics", "Use this agent when the user asks to \"tidy the backlog\"", "Tidies the backlog")) {
            assertEquals(kept, Decomposer.asAction(kept));
        }
    }

    @Test
    void anOpeningPronounPointsBackToTheSituation() {
        Plugin orm = plugin("orm-kit", agent("query-inspector", "Inspects ORM code for duplicate SQL queries and batches them"));
        Plugin finder = plugin("finder-kit", agent("bug-finder", "Find bugs, find typos, find anything"));
        Decomposer.Result r = new Decomposer(search(orm, finder))
                .fromTask("our orm is issuing duplicate queries on every page, find them", Constraints.NONE);
        assertEquals(List.of("query-inspector"), r.picks().stream().map(p -> p.ref().component().name()).toList());
    }

    @Test
    void aCoveringCommandWhoseInstructionsHandWorkToNoAgentIsNoTeamsHead() {
        String description = "Audit the lockfile of a Rust crate for yanked crates and unsafe code";
        String instructions = "# Crate audit\n\nRun cargo audit and cargo geiger on the workspace. Read the lockfile, list every "
                + "yanked crate with the version that replaces it, then count the unsafe blocks per crate and report the "
                + "crates whose unsafe code grew since the last release. Finish with a table of findings and fixes.";
        Plugin kit = plugin("crate-kit", Component.of(ComponentKind.COMMAND, "crate-audit", description)
                        .withText(instructions, null),
                agent("crate-reviewer", "Reviews Rust crate code for unsafe blocks"),
                agent("crate-publisher", "Publishes a Rust crate and its lockfile to the registry"));
        String task = "audit the lockfile of our Rust crate for yanked crates and unsafe code";
        Decomposer.Result r = new Decomposer(search(kit)).fromTask(task, Constraints.NONE);
        assertEquals(List.of("crate-audit"), r.picks().stream().map(p -> p.ref().component().name()).toList(),
                "the command does the work itself: " + r.notes());
        // the same command with only its heading kept: who does its work is not known, so its plugin's agents do
        Plugin bare = plugin("crate-kit", Component.of(ComponentKind.COMMAND, "crate-audit", description)
                        .withText("# Crate audit\n", null),
                agent("crate-reviewer", "Reviews Rust crate code for unsafe blocks"),
                agent("crate-publisher", "Publishes a Rust crate and its lockfile to the registry"));
        Decomposer.Result team = new Decomposer(search(bare)).fromTask(task, Constraints.NONE);
        assertTrue(team.notes().stream().anyMatch(n -> n.contains("covers the whole task")), team.notes().toString());
        assertTrue(team.picks().size() >= 2, team.picks().toString());
    }

    @Test
    void aCallersSubtaskTakesTheComponentHoldingMoreOfItsWords() {
        // the subtask's rarest word in a component's name, description and plugin, against three of its words said once
        Plugin lint = plugin("terraform-kit", agent("terraform-formatter", "Terraform formatter for Terraform modules"));
        Plugin audit = plugin("review-kit", agent("code-auditor", "Audits code for security issues"));
        CatalogSearch search = search(lint, audit);
        String task = "harden our infrastructure code";
        List<String> subs = List.of("audit the Terraform modules for security issues");
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        Decomposer.Tuning off = tuning(0, 0, d.subtaskContext(), d.repeat(), 0);
        Decomposer.Tuning on = tuning(0, d.subtaskCoverage(), d.subtaskContext(), d.repeat(), 0);
        Decomposer.Pick without = new Decomposer(search, off).fromSubtasks(task, subs, Constraints.NONE).picks().get(0);
        Decomposer.Pick with = new Decomposer(search, on).fromSubtasks(task, subs, Constraints.NONE).picks().get(0);
        assertEquals("terraform-formatter", without.ref().component().name(), "the rare word alone wins on score");
        assertEquals("code-auditor", with.ref().component().name());
        assertTrue(with.coverage() > without.coverage());
    }

    @Test
    void aCallersSubtaskIsSearchedOnItsOwnWordsMoreThanOnTheTasks() {
        // the task's words (test coverage, refund) all sit in one reviewer; the subtask asks for the other
        Plugin review = plugin("review-kit", agent("logic-reviewer", "Reviews a diff for bugs and logic errors"),
                agent("coverage-reviewer", "Reviews pull request test coverage: checks that tests cover the refund and"
                        + " payment changes, flags missing tests for each PR"));
        CatalogSearch search = search(review);
        String task = "review the PR that changes the refund logic and check its test coverage";
        List<String> subs = List.of("review the diff for logic errors");
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        Decomposer.Tuning asFragment = tuning(0, 0, 1.0, d.repeat(), d.roleMiss());
        Decomposer.Tuning asAction = tuning(0, 0, d.subtaskContext(), d.repeat(), d.roleMiss());
        assertEquals("coverage-reviewer", new Decomposer(search, asFragment).fromSubtasks(task, subs, Constraints.NONE)
                .picks().get(0).ref().component().name(), "the task's words at full weight pull the subtask to the task's match");
        assertEquals("logic-reviewer", new Decomposer(search, asAction).fromSubtasks(task, subs, Constraints.NONE)
                .picks().get(0).ref().component().name());
    }

    @Test
    void theTasksOwnClausesDoNotAllTakeTheComponentThatMatchesTheWholeTask() {
        // every clause shares the task's words with the mobile tester; the sync clause has a component of its own
        Plugin mobile = plugin("mobile-kit", agent("mobile-tester", "Tests mobile apps offline on iOS and Android devices and syncs their data"));
        Plugin sync = plugin("sync-kit", agent("sync-engineer", "Builds background sync for when the network returns"));
        CatalogSearch search = search(mobile, sync);
        String task = "test the mobile app offline on ios and android, then sync the data when the network comes back";
        Decomposer.Tuning d = Decomposer.Tuning.DEFAULT;
        Decomposer.Tuning noRepeat = tuning(d.samePlugin(), d.subtaskCoverage(), d.subtaskContext(), 0, d.roleMiss());
        List<String> without = new Decomposer(search, noRepeat).fromTask(task, Constraints.NONE).picks().stream()
                .map(p -> p.ref().component().name()).toList();
        List<String> with = new Decomposer(search, d).fromTask(task, Constraints.NONE).picks().stream()
                .map(p -> p.ref().component().name()).toList();
        assertEquals(List.of("mobile-tester", "mobile-tester"), without, "the task's context pulls both clauses to one agent");
        assertEquals(List.of("mobile-tester", "sync-engineer"), with);
    }

    @Test
    void aStepNothingFitsIsAGapNotAWeakMatch() {
        List<String> subs = List.of("write unit tests for the parser", "translate the onboarding guide into Klingon");
        WorkflowSpec s = plan(catalog(), "ship the parser", subs, null);
        assertEquals(2, s.steps().size());
        WorkflowStep test = s.steps().get(0);
        assertFalse(test.gap());
        assertEquals(1, test.subtask());
        WorkflowStep gap = s.steps().get(1);
        assertTrue(gap.gap());
        assertNull(gap.plugin());
        assertNull(gap.component());
        assertEquals(2, gap.subtask());
        assertNotNull(gap.searched());
        assertTrue(gap.searched().contains("Klingon"), gap.searched());
        assertEquals("translate the onboarding guide into Klingon", gap.purpose());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("gap") && w.contains("directly")), s.warnings().toString());
    }

    @Test
    void aCommandThatCoversTheTaskRunsTheAgentsItsBodyNames() {
        Component pipeline = new Component(ComponentKind.COMMAND, "ml-pipeline", null, "Plan and build a complete model training service",
                null, null, List.of(), List.of("data-kit:data-engineer", "ml-engineer", "ghost-kit:nobody"));
        Catalog c = catalog(plugin("ml-kit", pipeline, agent("ml-engineer", "Builds and trains ML models"),
                        agent("mlops-engineer", "Deploys ML models to production")),
                plugin("data-kit", agent("data-engineer", "Builds data ingestion pipelines and warehouses")));
        WorkflowSpec s = plan(c, "Plan and build a complete model training service", List.of(), null);
        assertEquals(List.of("data-engineer", "ml-engineer"), components(s));
        Constraints noData = new Constraints(Set.of(), Set.of("data-kit@m"), Set.of(), false, Constraints.DEFAULT_MAX_STEPS);
        List<Decomposer.Pick> picks = new Decomposer(new CatalogSearch(c, dev.metaorch.recommend.RelevanceIndex.build(c))).fromTask("Plan and build a complete model training service", noData).picks();
        assertTrue(picks.stream().noneMatch(p -> !p.gap() && p.ref().plugin().name().equals("data-kit")), picks.toString());
    }
}
