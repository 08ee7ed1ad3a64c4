package dev.metaorch.recommend;

import static dev.metaorch.recommend.RecommenderTest.catalog;
import static dev.metaorch.recommend.RecommenderTest.filler;
import static dev.metaorch.recommend.RecommenderTest.plugin;
import static dev.metaorch.recommend.RecommenderTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.InstallState;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.mcp.tools.RecommendPluginsTool;

/** The relevance engine on small catalogs built to show one behaviour each. */
class RelevanceIndexTest {

    private static Component agent(String name, String description, String body) {
        return Component.of(ComponentKind.AGENT, name, description).withText(body, "agents/" + name + ".md");
    }

    @Test
    void aMatchOnlyInAComponentBodyLiftsItsPlugin() {
        String body = "Reruns the suite under load, bisects flaky integration tests and quarantines the ones that "
                + "fail intermittently, with a report of each flaky test's failure rate.";
        Plugin plain = plugin("helper-a", "m1", "Developer helpers for everyday work", "development",
                agent("assistant-a", "Assists developers", "Answers questions about the code base."));
        Plugin bodied = plugin("helper-b", "m1", "Developer helpers for everyday work", "development",
                agent("assistant-b", "Assists developers", body));
        String q = "quarantine the flaky integration suite";
        RelevanceIndex idx = RelevanceIndex.build(catalog(with(filler(20), plain, bodied)));
        List<String> ranked = Ranked.ids(idx, q, 5);
        assertEquals("helper-b@m1", ranked.get(0), ranked.toString());
        assertFalse(ranked.contains("helper-a@m1"), "the plain plugin shares no word of the request: " + ranked);
        RelevanceIndex noBodies = RelevanceIndex.build(catalog(with(filler(20), plain, bodied)),
                RelevanceConfig.DEFAULT.with("bodies", 0).with("cBody", 0).with("fullRanker", 0));
        assertFalse(Ranked.ids(noBodies, q, 5).contains("helper-b@m1"), "without its body the plugin is not found");
    }

    /** Three vendor packs sharing templated skill names, and one general CI plugin. */
    private static Catalog vendorCatalog() {
        List<Plugin> ps = new ArrayList<>(List.of(filler(40)));
        for (String v : List.of("Acmecloud", "Zetamail", "Orbitdb")) {
            String l = v.toLowerCase();
            String prose = "Connects your project with " + v + ". Teams that use " + v + " get typed clients; "
                    + "everything here talks to " + v + " through its public API."
                    + (v.equals("Acmecloud") ? " Pipelines can also publish reports to the Test Hub of Acmecloud."
                    : " Each test reports to a hub of your own.");
            ps.add(plugin(l + "-pack", "m1", "Skills for building on " + v + " with GitHub Actions CI pipelines", "vendor",
                    Component.of(ComponentKind.SKILL, l + "-ci-integration",
                            "Configure CI for " + v + " integrations: GitHub Actions pipelines that set up and run the tests")
                            .withText(prose, "skills/" + l + "-ci-integration/SKILL.md"),
                    Component.of(ComponentKind.SKILL, l + "-deploy-integration", "Deploy services that call " + v)
                            .withText(prose, "skills/" + l + "-deploy-integration/SKILL.md"),
                    Component.of(ComponentKind.SKILL, l + "-auth-setup", "Authenticate to " + v)
                            .withText(prose, "skills/" + l + "-auth-setup/SKILL.md")));
        }
        ps.add(plugin("ci-pipelines", "m1", "Continuous integration for any project", "devops",
                agent("ci-author", "Sets up CI pipelines that run the tests",
                        "Writes GitHub Actions workflow files: jobs, caching, matrix builds.")));
        return catalog(ps.toArray(Plugin[]::new));
    }

    @Test
    void aVendorPackRanksForATaskOnlyWhenTheTaskNamesTheVendor() {
        Catalog c = vendorCatalog();
        String generic = "set up GitHub Actions CI pipelines that run the tests";
        RelevanceIndex idx = RelevanceIndex.build(c);
        assertEquals(List.of("acmecloud"), idx.subjects(c.plugin("acmecloud-pack@m1").orElseThrow()));
        assertEquals(List.of(), idx.subjects(c.plugin("ci-pipelines@m1").orElseThrow()));
        // control: without specificity a vendor pack (its name, description and templated skills all say CI and
        // GitHub Actions) wins on words alone
        RelevanceIndex off = RelevanceIndex.build(c, RelevanceConfig.DEFAULT.with("specific", 1));
        assertTrue(Ranked.ids(off, generic, 1).get(0).endsWith("-pack@m1"), Ranked.ids(off, generic, 4).toString());

        assertEquals("ci-pipelines@m1", Ranked.ids(idx, generic, 4).get(0), Ranked.ids(idx, generic, 4).toString());
        String named = generic + " for our Acmecloud integration";
        assertEquals("acmecloud-pack@m1", Ranked.ids(idx, named, 4).get(0), Ranked.ids(idx, named, 4).toString());
        assertEquals("acmecloud-ci-integration", idx.searchComponents(named, null, null, 1).get(0).component().name());
    }

    @Test
    void aCompoundTheRequestWritesApartFindsTheOneWordTheCatalogWrites() {
        Plugin guard = plugin("release-guard", "m1", "Rollback of failed releases to the previous version", "deployment",
                agent("release-undo", "Performs a rollback of the last deployment", "Restores the previous release."));
        Plugin office = plugin("sales-reports", "m1", "Reports that roll up sales figures and look back over the quarter",
                "business", agent("sales-roller", "Sums the figures of the week", "One report per week."));
        Catalog c = catalog(with(filler(20), guard, office));
        String q = "roll back the deployment";
        RelevanceIndex idx = RelevanceIndex.build(c);
        assertTrue(idx.analyze(q, null).ownTerms().contains("rollback"), idx.analyze(q, null).ownTerms().toString());
        assertEquals("release-guard@m1", Ranked.ids(idx, q, 3).get(0), Ranked.ids(idx, q, 3).toString());
        // control: without compounds only the literal words count, and the office plugin holds both
        RelevanceIndex off = RelevanceIndex.build(c, RelevanceConfig.DEFAULT.with("compounds", 0));
        assertFalse(off.analyze(q, null).ownTerms().contains("rollback"));
        assertEquals("sales-reports@m1", Ranked.ids(off, q, 3).get(0), Ranked.ids(off, q, 3).toString());
        // a joined pair no description writes is no word: "the deployment" adds nothing
        assertEquals(idx.analyze("deployment", null).ownTerms().size() + 1,
                idx.analyze("the deployment rollback", null).ownTerms().size());
    }

    @Test
    void aPluginTheRequestCallsByItsNameComesFirstUnlessManyPluginsMentionTheName() {
        Plugin vendor = plugin("zephyrlog", "m1", "Zephyrlog error monitoring", "monitoring");
        Plugin toolkit = plugin("frontend-toolkit", "m1", "React frontend app helpers: error boundaries, frontend errors "
                + "shown to users, app setup", "development",
                agent("react-app-helper", "Sets up React app error handling for frontend errors",
                        "Wraps the React app in error boundaries so frontend errors are seen and reported."));
        Plugin docker = plugin("docker", "m1", "Container helpers", "devops");
        Catalog c = catalog(with(filler(20), vendor, toolkit, docker));
        String q = "set up Zephyrlog in our React app so we actually see frontend errors";
        RelevanceIndex idx = RelevanceIndex.build(c);
        assertEquals("zephyrlog@m1", Ranked.ids(idx, q, 3).get(0), Ranked.ids(idx, q, 3).toString());
        RelevanceIndex off = RelevanceIndex.build(c, RelevanceConfig.DEFAULT.with("called", 0));
        assertEquals("frontend-toolkit@m1", Ranked.ids(off, q, 3).get(0), Ranked.ids(off, q, 3).toString());
        // "docker" is a topic several plugins mention (the fillers about docker images): no plugin is called by it
        String topic = "make the docker image smaller by slimming it";
        assertFalse(Ranked.ids(idx, topic, 3).get(0).equals("docker@m1"), Ranked.ids(idx, topic, 3).toString());
    }

    @Test
    void aRareNameTheRequestWritesInvolvesThePluginsWhoseTextHoldsIt() {
        Catalog c = vendorCatalog();
        // "Test Hub" is Acmecloud's product: the request involves Acmecloud without naming it
        String q = "set up GitHub Actions CI pipelines that run the tests and publish reports to the Test Hub";
        RelevanceIndex idx = RelevanceIndex.build(c);
        // "GitHub Actions" and "CI" are names too, but every CI plugin mentions them: only the rare one counts
        assertEquals(List.of("Test Hub"), idx.analyze(q, null).named());
        assertEquals("acmecloud-pack@m1", Ranked.ids(idx, q, 4).get(0), Ranked.ids(idx, q, 4).toString());
        // control: the same words written as common words ("test hub") are no name, and the pack stays down
        String lower = q.replace("Test Hub", "test hub");
        assertFalse(idx.analyze(lower, null).named().contains("Test Hub"));
        assertEquals("ci-pipelines@m1", Ranked.ids(idx, lower, 4).get(0), Ranked.ids(idx, lower, 4).toString());
        RelevanceIndex off = RelevanceIndex.build(c, RelevanceConfig.DEFAULT.with("involve", 0));
        assertEquals("ci-pipelines@m1", Ranked.ids(off, q, 4).get(0), Ranked.ids(off, q, 4).toString());
    }

    @Test
    void aConceptAVendorPackIsAboutDoesNotNameTheVendor() {
        // 42 plugins: "i18n" in two of them is rare, so a rare word of the pack's description; the prose writes it
        // in lower case, a concept, where it writes "Transly" as a name
        List<Plugin> ps = new ArrayList<>(List.of(filler(40)));
        String prose = "Sync your i18n keys with Transly. Every string you add gets i18n metadata, and Transly keeps the "
                + "i18n files of each locale in step.";
        ps.add(plugin("transly-pack", "m1", "Add i18n to a web app with Transly: i18n keys, i18n files, i18n sync", "vendor",
                Component.of(ComponentKind.SKILL, "transly-sync", "Sync strings with Transly").withText(prose, "skills/transly-sync/SKILL.md"),
                Component.of(ComponentKind.SKILL, "transly-setup", "Set up Transly").withText(prose, "skills/transly-setup/SKILL.md")));
        ps.add(plugin("i18n-helpers", "m1", "Internationalization helpers for web apps", "development",
                agent("string-extractor", "Adds i18n to a web app", "Extracts the strings of a web app into locale files.")));
        Catalog c = catalog(ps.toArray(Plugin[]::new));
        RelevanceIndex idx = RelevanceIndex.build(c);
        assertEquals(List.of("transly"), idx.subjects(c.plugin("transly-pack@m1").orElseThrow()));
        String q = "add i18n keys and i18n files to our web app";
        assertEquals("i18n-helpers@m1", Ranked.ids(idx, q, 2).get(0), Ranked.ids(idx, q, 2).toString());
        String named = q + " with Transly";
        assertEquals("transly-pack@m1", Ranked.ids(idx, named, 2).get(0), Ranked.ids(idx, named, 2).toString());
    }

    @Test
    void aNameThatIsATemplatesBoilerplateInvolvesNoVendorPack() {
        // four vendor packs built from one template: their CI skill says "Hubflow Runner" whatever the vendor
        // 146 plugins: six mentioning a name keeps it under 5% of them, a name to go by
        List<Plugin> ps = new ArrayList<>(List.of(filler(140)));
        for (String v : List.of("Acmecloud", "Zetamail", "Orbitdb", "Quarkdb")) {
            String l = v.toLowerCase();
            ps.add(plugin(l + "-pack", "m1", "Skills for building on " + v, "vendor",
                    Component.of(ComponentKind.SKILL, l + "-ci-integration", "Configure CI for " + v + " integrations")
                            .withText("Runs the " + v + " checks on Hubflow Runner pipelines that run the tests and cache "
                                    + "the dependencies.", "skills/" + l + "-ci-integration/SKILL.md"),
                    Component.of(ComponentKind.SKILL, l + "-auth-setup", "Authenticate to " + v)
                            .withText("Keys for " + v + ".", "skills/" + l + "-auth-setup/SKILL.md")));
        }
        // a fifth pack writes the name in a component of its own: the name involves it
        ps.add(plugin("nimbus-pack", "m1", "Skills for building on Nimbus", "vendor",
                Component.of(ComponentKind.SKILL, "nimbus-auth-setup", "Authenticate to Nimbus")
                        .withText("Keys for Nimbus.", "skills/nimbus-auth-setup/SKILL.md"),
                Component.of(ComponentKind.SKILL, "nimbus-runner-bridge", "Bridge Nimbus jobs")
                        .withText("Streams Nimbus job logs into Hubflow Runner pipelines.", "skills/nimbus-runner-bridge/SKILL.md")));
        ps.add(plugin("ci-pipelines", "m1", "Continuous integration for any project", "devops",
                agent("ci-author", "Sets up CI pipelines", "Writes Hubflow Runner pipelines: jobs, caching, matrix builds.")));
        Catalog c = catalog(ps.toArray(Plugin[]::new));
        RelevanceIndex idx = RelevanceIndex.build(c);
        String q = "set up Hubflow Runner pipelines that run the tests and cache the dependencies";
        AnalyzedQuery a = idx.analyze(q, null);
        assertEquals(List.of("Hubflow Runner"), a.named());
        java.util.function.Function<String, Boolean> involved = id -> a.involved().contains(idx.ordinal(id));
        assertFalse(involved.apply("acmecloud-pack@m1"), "its CI skill says what the template says in every pack");
        assertTrue(involved.apply("nimbus-pack@m1"), "it writes the name in a component of its own");
        assertTrue(involved.apply("ci-pipelines@m1"));
        List<String> ranked = Ranked.ids(idx, q, 3);
        assertEquals("ci-pipelines@m1", ranked.get(0), ranked.toString());
        assertFalse(ranked.stream().anyMatch(id -> id.startsWith("acmecloud") || id.startsWith("zetamail")
                || id.startsWith("orbitdb") || id.startsWith("quarkdb")), ranked.toString());
    }

    @Test
    void aPluginHoldingOneRareWordOfAShortRequestFallsBehindOneHoldingAllOfIt() {
        // "glacier" is rare and fills the first plugin's name and description; the second says everything the
        // request says, once
        Plugin rare = plugin("glacier-vault", "m1", "Glacier vaults, glacier archives and glacier retrieval jobs",
                "storage", agent("glacier-keeper", "Keeps glacier vaults", "Glacier archives."),
                agent("glacier-reader", "Reads glacier archives", "Glacier retrieval."));
        Plugin whole = plugin("backup-tools", "m1", "Operations helpers", "operations",
                agent("helper", "Operations helper", "Rotates the nightly backups and moves them to glacier storage."));
        Catalog c = catalog(with(filler(30), rare, whole));
        String q = "rotate nightly backups to glacier";
        double off = ratio(RelevanceIndex.build(c, RelevanceConfig.DEFAULT.with("coord", 0)), q);
        double on = ratio(RelevanceIndex.build(c), q);
        // the plugin holding the whole request gains on the one holding its rarest word, by its coverage
        assertTrue(on > 1.5 * off, "with the coverage factor " + on + ", without " + off);
    }

    /** Score of backup-tools over score of glacier-vault. */
    private static double ratio(RelevanceIndex idx, String q) {
        Map<String, Double> score = new java.util.HashMap<>();
        idx.rankPlugins(q, null, 10).forEach(s -> score.put(s.item().name(), s.score()));
        return score.getOrDefault("backup-tools", 0.0) / score.get("glacier-vault");
    }

    @Test
    void oneResultPerPluginShippedByTwoMarketplacesTheInstalledCopyFirst() {
        Component reviewer = agent("code-reviewer", "Reviews pull requests for bugs", "Reads the diff of a pull request.");
        Plugin a = plugin("pr-kit", "market-a", "Pull request review agents", "review", reviewer);
        Plugin b = new Plugin(null, "pr-kit", "market-b", "1.0.0", "Pull request review agents", "review", List.of(),
                null, null, null, ".", null, true, true, List.of(reviewer), List.of(),
                new InstallState(true, true, "1.0.0", "user"));
        Plugin other = plugin("lint-kit", "market-a", "Lints pull request diffs", "review",
                agent("linter", "Lints a pull request", "Runs linters on the diff."));
        Catalog c = catalog(with(filler(10), a, b, other));
        RelevanceIndex idx = RelevanceIndex.build(c);
        List<PluginHit> hits = idx.searchPlugins("review my pull request", null, 5);
        List<String> ids = hits.stream().map(h -> h.plugin().id()).toList();
        assertEquals(1, ids.stream().filter(id -> id.startsWith("pr-kit@")).count(), ids.toString());
        PluginHit pr = hits.stream().filter(h -> h.plugin().name().equals("pr-kit")).findFirst().orElseThrow();
        assertEquals("pr-kit@market-b", pr.plugin().id(), "the installed copy represents the plugin");
        assertEquals(List.of("pr-kit@market-a"), pr.alsoIn());
        // the answer lists where else it is
        Map<String, Object> out = RecommendPluginsTool.recommend(RelevanceIndex.build(c), Evidence.NONE, Recommender.Request.of("review my pull request", 5));
        assertTrue(RecommendPluginsTool.textOf(out).contains("also in: pr-kit@market-a"), RecommendPluginsTool.textOf(out));
    }

    @Test
    void aWeakMatchIsReportedAsWeak() {
        Catalog c = vendorCatalog();
        Map<String, Object> weak = RecommendPluginsTool.recommend(RelevanceIndex.build(c), Evidence.NONE,
                Recommender.Request.of("bake a sourdough loaf for the pipeline party", 5));
        assertEquals(true, weak.get("weak_match"), weak.toString());
        assertTrue(RecommendPluginsTool.textOf(weak).startsWith("Weak match: Nothing in the catalog matches"));
        Map<String, Object> strong = RecommendPluginsTool.recommend(RelevanceIndex.build(c), Evidence.NONE,
                Recommender.Request.of("set up GitHub Actions CI pipelines that run the tests", 5));
        assertEquals(false, strong.get("weak_match"), strong.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) strong.get("results")).get(0);
        assertTrue(((Number) first.get("strength")).doubleValue() >= Recommender.WEAK_COVERAGE, first.toString());
    }
}
