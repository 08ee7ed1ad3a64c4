package dev.metaorch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.CatalogService;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.InstallState;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import org.junit.jupiter.api.Test;

/** Ranking behaviour of the relevance index and the recommender on small hand-made catalogs. */
class RecommenderTest {

    static Plugin plugin(String name, String market, String description, String category, Component... comps) {
        return new Plugin(null, name, market, "1.0.0", description, category, List.of(), null, null, null, ".", null,
                true, true, List.of(comps), List.of(), null);
    }

    static Catalog catalog(Plugin... plugins) {
        Map<String, List<Plugin>> by = new java.util.LinkedHashMap<>();
        for (Plugin p : plugins) {
            by.computeIfAbsent(p.marketplace(), k -> new java.util.ArrayList<>()).add(p);
        }
        List<Marketplace> ms = by.entrySet().stream()
                .map(e -> new Marketplace(e.getKey(), "test", "snapshot", e.getValue(), List.of())).toList();
        return new Catalog(ms, List.of(), Instant.now(), 1);
    }

    /** Filler plugins so document frequencies look like a catalog, not three documents. */
    static Plugin[] filler(int n) {
        String[] topics = {"spreadsheet formulas and pivots", "email newsletter drafting", "unit test scaffolds for java",
                "docker image slimming", "css animation helpers", "sql query tuning", "mobile push notifications",
                "git branch cleanup", "markdown table formatting", "log file summarizing"};
        Plugin[] out = new Plugin[n];
        for (int i = 0; i < n; i++) {
            String t = topics[i % topics.length];
            out[i] = plugin("filler-" + i, "other-market", "Helps with " + t + ".", "productivity",
                    Component.of(ComponentKind.COMMAND, "run-" + i, "Runs the " + t + " helper"));
        }
        return out;
    }

    static Plugin[] with(Plugin[] a, Plugin... more) {
        Plugin[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    static List<String> ids(List<Recommender.Recommendation> r) {
        return r.stream().map(x -> x.hit().plugin().id()).filter(id -> !id.startsWith("filler-")).toList();
    }

    @Test
    void aComponentNamedVerbatimPutsItsPluginsFirst() {
        Plugin db = plugin("db-kit", "m1", "Database query tuning, indexes and slow query analysis for databases.", "database",
                Component.of(ComponentKind.AGENT, "query-tuner", "Tunes slow database queries and indexes"));
        Plugin perf = plugin("perf-suite", "m1", "Application speed work across the stack.", "performance",
                Component.of(ComponentKind.AGENT, "performance-engineer", "Profiles applications end to end"));
        Plugin other = plugin("other-perf", "m2", "Another suite.", "performance",
                Component.of(ComponentKind.AGENT, "performance-engineer", "Profiles services"));
        Catalog cat = catalog(with(filler(30), db, perf, other));
        RelevanceIndex idx = RelevanceIndex.build(cat);
        String q = "get performance-engineer to optimize this slow database query";
        List<Scored<Plugin>> ranked = idx.rankPlugins(q, null, 5);
        assertEquals(java.util.Set.of("perf-suite@m1", "other-perf@m2"),
                ranked.subList(0, 2).stream().map(x -> x.item().id()).collect(java.util.stream.Collectors.toSet()));
        assertEquals("db-kit@m1", ranked.get(2).item().id(), "the best word match follows the named ones");
        assertTrue(ranked.get(1).score() > ranked.get(2).score(), "scores keep the order: " + ranked);
        // without the name, words decide
        assertEquals("db-kit@m1", idx.rankPlugins("optimize this slow database query", null, 5).get(0).item().id());
        // a filter still applies to named plugins
        assertTrue(idx.rankPlugins(q, p -> !p.marketplace().equals("m2"), 5).stream()
                .noneMatch(x -> x.item().id().equals("other-perf@m2")));
    }

    @Test
    void aComponentLevelMatchLiftsItsPlugin() {
        Component planner = Component.of(ComponentKind.AGENT, "terraform-planner",
                "Plans terraform infrastructure changes and reviews terraform state drift before apply.");
        Plugin generalist = plugin("devops-kit", "m1", "A kit of helpers for delivery teams: pipelines, releases, "
                + "on-call notes, dashboards and more.", "devops",
                Component.of(ComponentKind.COMMAND, "release-notes", "Drafts release notes from merged changes"),
                planner);
        Plugin mentions = plugin("cloud-notes", "m1", "Notes about cloud infrastructure costs.", "devops");
        Catalog withComp = catalog(with(filler(30), mentions, generalist));
        List<PluginHit> hits = RelevanceIndex.build(withComp).searchPlugins("review terraform state drift", null, 5);
        assertEquals("devops-kit@m1", hits.get(0).plugin().id());
        assertEquals("terraform-planner", hits.get(0).components().get(0).component().name());
        assertTrue(hits.get(0).components().get(0).matched().containsAll(List.of("terraform", "drift")));

        // the same plugin without that component is no longer the answer
        Plugin bare = plugin("devops-kit", "m1", generalist.description(), "devops",
                Component.of(ComponentKind.COMMAND, "release-notes", "Drafts release notes from merged changes"));
        List<PluginHit> without = RelevanceIndex.build(catalog(with(filler(30), mentions, bare)))
                .searchPlugins("review terraform state drift", null, 5);
        assertTrue(without.stream().noneMatch(h -> h.plugin().id().equals("devops-kit@m1")));
    }

    @Test
    void searchComponentsRanksComponentsOfTheRequestedKinds() {
        Plugin p = plugin("kube", "m1", "Kubernetes helpers", "devops",
                Component.of(ComponentKind.AGENT, "helm-author", "Writes helm charts for kubernetes services"),
                Component.of(ComponentKind.COMMAND, "helm-lint", "Lints helm charts"),
                Component.of(ComponentKind.SKILL, "pod-debugging", "Debugs crashing kubernetes pods"));
        RelevanceIndex idx = RelevanceIndex.build(catalog(with(filler(20), p)));
        List<ComponentHit> all = idx.searchComponents("helm charts", null, null, 10);
        assertEquals(Set.of("helm-author", "helm-lint"), Set.copyOf(all.stream().map(c -> c.component().name()).toList()));
        assertTrue(all.get(0).score() >= all.get(1).score());
        List<ComponentHit> agents = idx.searchComponents("helm charts", Set.of(ComponentKind.COMMAND), null, 10);
        assertEquals(List.of("helm-lint"), agents.stream().map(c -> c.component().name()).toList());
        assertEquals("/kube:helm-lint", agents.get(0).invoke());
        assertTrue(idx.searchComponents("helm charts", null, pl -> !pl.name().equals("kube"), 10).isEmpty());
    }

    @Test
    void filtersAreHonoured() {
        Plugin a = plugin("lint-a", "alpha", "Lints python code and fixes style issues", "quality");
        Plugin b = plugin("lint-b", "beta", "Lints python code quickly", "testing")
                .withInstall(new InstallState(true, true, "1.0.0", "user"));
        Plugin c = plugin("lint-c", "beta", "Python code linting with autofix", "quality");
        Catalog cat = catalog(with(filler(20), a, b, c));
        Evidence ev = evidence(Map.of("lint-c@beta", new int[] {2, 10}, "lint-a@alpha", new int[] {9, 10}));
        Recommender r = new Recommender(RelevanceIndex.build(cat), ev);
        String q = "lint python code";
        assertEquals(Set.of("lint-a@alpha", "lint-b@beta", "lint-c@beta"),
                Set.copyOf(ids(r.recommend(Recommender.Request.of(q, 10)))));
        assertEquals(Set.of("lint-b@beta", "lint-c@beta"), Set.copyOf(ids(r.recommend(
                new Recommender.Request(q, 10, Set.of(), Set.of("beta"), false, null)))));
        assertEquals(Set.of("lint-a@alpha", "lint-c@beta"), Set.copyOf(ids(r.recommend(
                new Recommender.Request(q, 10, Set.of("Quality"), Set.of(), false, null)))));
        assertEquals(List.of("lint-b@beta"), ids(r.recommend(new Recommender.Request(q, 10, Set.of(), Set.of(), true, null))));
        // 2/10 falls below 0.5; 9/10 stays; no outcomes (lint-b) is unknown, not bad, and stays
        assertEquals(Set.of("lint-a@alpha", "lint-b@beta"), Set.copyOf(ids(r.recommend(
                new Recommender.Request(q, 10, Set.of(), Set.of(), false, 0.5)))));
        assertEquals(1, r.recommend(Recommender.Request.of(q, 1)).size());
    }

    @Test
    void unknownFilterNamesListTheValidOnes() {
        Catalog cat = catalog(with(filler(3), plugin("x", "alpha", "python linting", "quality")));
        Recommender r = new Recommender(RelevanceIndex.build(cat), Evidence.NONE);
        Recommender.InvalidRequest e = assertThrows(Recommender.InvalidRequest.class, () -> r.recommend(
                new Recommender.Request("python", 5, Set.of(), Set.of("gamma"), false, null)));
        assertTrue(e.getMessage().contains("'gamma'") && e.getMessage().contains("alpha")
                && e.getMessage().contains("other-market"), e.getMessage());
        e = assertThrows(Recommender.InvalidRequest.class, () -> r.recommend(
                new Recommender.Request("python", 5, Set.of("nope"), Set.of(), false, null)));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("quality"), e.getMessage());
    }

    @Test
    void collisionsAreReported() {
        Component reviewer = Component.of(ComponentKind.AGENT, "code-reviewer", "Reviews code changes for bugs");
        Plugin a = plugin("review-one", "m1", "Code review agents", "quality", reviewer);
        Plugin b = plugin("review-two", "m2", "More code review agents", "quality", reviewer);
        Recommender r = new Recommender(RelevanceIndex.build(catalog(with(filler(10), a, b))), Evidence.NONE);
        List<Recommender.Recommendation> recs = r.recommend(Recommender.Request.of("review my code changes", 2));
        assertEquals(2, recs.size());
        for (Recommender.Recommendation x : recs) {
            assertEquals(1, x.collisions().size());
            assertEquals("code-reviewer", x.collisions().get(0).name());
            assertEquals(Set.of("review-one@m1", "review-two@m2"), Set.copyOf(x.collisions().get(0).plugins()));
        }
    }

    static Evidence evidence(Map<String, int[]> rates) {
        Map<String, Evidence.PluginEvidence> all = new HashMap<>();
        rates.forEach((id, sn) -> all.put(id, new Evidence.PluginEvidence(id, sn[1], sn[0], 1.0, null)));
        return new Evidence() {
            @Override
            public PluginEvidence plugin(String pluginId) {
                return all.getOrDefault(pluginId, PluginEvidence.none(pluginId));
            }

            @Override
            public Map<String, PluginEvidence> all() {
                return all;
            }
        };
    }

    @Test
    void evidenceReordersOnlyWhenThereIsEvidenceAndOneOfOneDoesNotBeatNinetyFiveOfHundred() {
        // two plugins with the same text: relevance ties, catalog order puts "first" ahead
        Plugin first = plugin("first", "m1", "Generates OpenAPI clients for typescript services", "api");
        Plugin second = plugin("second", "m1", "Generates OpenAPI clients for typescript services", "api");
        Plugin unrelated = plugin("unrelated", "m1", "Plays chess", "games");
        Catalog cat = catalog(with(filler(20), first, second, unrelated));
        RelevanceIndex idx = RelevanceIndex.build(cat);
        String q = "generate an openapi typescript client";

        List<Recommender.Recommendation> neutral = new Recommender(idx, Evidence.NONE).recommend(Recommender.Request.of(q, 5));
        assertEquals(List.of("first@m1", "second@m1"), ids(neutral).subList(0, 2));
        for (Recommender.Recommendation x : neutral) {
            assertEquals(0.5, x.parts().evidence(), 1e-9); // the neutral prior, the same for all
            assertEquals(0, x.parts().usage(), 1e-9);
            assertEquals(0, x.parts().recency(), 1e-9);
        }
        List<Recommender.Recommendation> lucky = new Recommender(idx,
                evidence(Map.of("first@m1", new int[] {1, 1}, "second@m1", new int[] {95, 100}))).recommend(Recommender.Request.of(q, 5));
        assertEquals(List.of("second@m1", "first@m1"), ids(lucky).subList(0, 2));
        assertTrue(lucky.get(0).parts().evidence() > lucky.get(1).parts().evidence());
        assertTrue(lucky.get(1).reason().contains("1/1"), lucky.get(1).reason());

        // a proven but unrelated plugin is not pulled in by its evidence
        List<Recommender.Recommendation> proven = new Recommender(idx,
                evidence(Map.of("unrelated@m1", new int[] {100, 100}))).recommend(Recommender.Request.of(q, 5));
        assertFalse(ids(proven).contains("unrelated@m1"));

        // failures push a plugin down
        List<Recommender.Recommendation> failing = new Recommender(idx,
                evidence(Map.of("first@m1", new int[] {1, 20}))).recommend(Recommender.Request.of(q, 5));
        assertEquals(List.of("second@m1", "first@m1"), ids(failing).subList(0, 2));
    }

    @Test
    void reasonNamesMatchedWordsFieldsAndComponents() {
        Plugin p = plugin("k8s-tools", "m1", "Kubernetes deployment helpers", "devops",
                Component.of(ComponentKind.AGENT, "helm-author", "Writes helm charts"));
        Recommender r = new Recommender(RelevanceIndex.build(catalog(with(filler(10), p))), Evidence.NONE);
        Recommender.Recommendation x = r.recommend(Recommender.Request.of("Kubernetes helm charts", 1)).get(0);
        assertEquals("k8s-tools@m1", x.hit().plugin().id());
        assertTrue(x.reason().contains("\"kubernetes\" in description"), x.reason());
        assertTrue(x.reason().contains("agent helm-author"), x.reason());
        assertFalse(x.reason().contains("\n"));
    }

    @Test
    void exampleRequestsFromPluginFoldersFindAPluginWhoseDescriptionSharesNoWord() {
        // The request shares no word with the description; only the agent's example block (read from the plugin
        // folder) and the README's request line have its words.
        Component narrator = Component.of(ComponentKind.AGENT, "narrator", "Plain-language progress summaries");
        Plugin bare = plugin("story-mode", "m1", "Plain-language progress summaries", "productivity", narrator);
        Plugin dark = plugin("theme-kit", "m1", "Dark mode toggles and colour themes for settings pages", "frontend");
        String q = "Add a dark mode toggle to the settings page";
        Catalog without = catalog(with(filler(10), bare, dark));
        assertEquals("theme-kit@m1", Ranked.ids(RelevanceIndex.build(without), q, 3).get(0));

        Plugin taught = new Plugin(null, "story-mode", "m1", "1.0.0", bare.description(), "productivity", List.of(), null, null,
                null, ".", null, true, true, List.of(narrator.withExamples(List.of("Add a dark mode toggle to the settings page"))),
                List.of(), null, List.of("Add a dark mode toggle to settings"));
        RelevanceIndex idx = RelevanceIndex.build(catalog(with(filler(10), taught, dark)));
        // it now ranks beside the plugin whose description says the same (both texts hold every word), above the rest
        assertTrue(Ranked.ids(idx, q, 2).contains("story-mode@m1"), "the author's own example request finds its plugin");
        Recommender.Recommendation x = new Recommender(idx, Evidence.NONE).recommend(Recommender.Request.of(q, 2)).stream()
                .filter(r -> r.hit().plugin().name().equals("story-mode")).findFirst().orElseThrow();
        assertTrue(x.reason().contains("example requests"), x.reason());
        assertEquals("narrator", x.components().get(0).component().name(), "the component whose example matched is named");
    }

    @Test
    void aRequestsFramingWordsDoNotDecideTheRanking() {
        // "should" and "you" are the framing of the request; only the assistant's text is full of them
        Plugin chatty = plugin("chat-buddy", "m1", "Tells you what you should do next; you ask, it says what you should try.",
                "productivity");
        Plugin flask = plugin("flask-deployer", "m1", "Deploys Flask services.", "devops");
        Catalog cat = catalog(with(filler(30), chatty, flask));
        String request = "what should you use to deploy flask";
        assertEquals("flask-deployer@m1", RelevanceIndex.build(cat).searchPlugins(request, null, 5).get(0).plugin().id());
        RelevanceConfig framed = RelevanceConfig.DEFAULT.with("queryStop", 0);
        List<String> kept = Ranked.ids(RelevanceIndex.build(cat, framed), request, 5);
        List<String> dropped = Ranked.ids(RelevanceIndex.build(cat), request, 5);
        assertTrue(kept.contains("chat-buddy@m1") && !dropped.contains("chat-buddy@m1"),
                "with the request's framing words kept the chatty plugin is a result, without them it is not: " + kept
                        + " / " + dropped);
        // a request made only of such words still searches them rather than returning nothing
        assertEquals("chat-buddy@m1", RelevanceIndex.build(cat).searchPlugins("what should you do", null, 5).get(0).plugin().id());
    }

    @Test
    void noMatchingWordGivesNoResultsAndIndexIsCachedPerCatalog() {
        Catalog cat = catalog(filler(5));
        IndexProvider indexes = IndexProvider.inMemory();
        assertTrue(indexes.index(cat).searchPlugins("zzzz qqqq", null, 5).isEmpty());
        assertTrue(indexes.index(cat).searchPlugins("the and of", null, 5).isEmpty());
        assertTrue(indexes.index(cat) == indexes.index(cat));
        assertNotEquals(indexes.index(cat), indexes.index(catalog(filler(5))));
        assertNotEquals(indexes.index(cat), IndexProvider.inMemory().index(cat), "each provider has its own indexes");
    }

    static Catalog real() {
        Path dir = Path.of(System.getProperty("shared.dir", "../shared"), "catalog");
        return new CatalogService(CatalogSources.snapshots(dir)).current();
    }

    @Test
    void onTheRealCatalogAComponentsOwnDescriptionFindsIt() {
        Catalog c = real();
        RelevanceIndex idx = RelevanceIndex.build(c);
        java.util.Random rnd = new java.util.Random(7);
        List<Component> pool = new java.util.ArrayList<>();
        Map<Component, Plugin> owner = new HashMap<>();
        for (Plugin p : c.plugins()) {
            for (Component comp : p.components()) {
                if (comp.kind() == ComponentKind.AGENT && comp.description().length() > 80) {
                    pool.add(comp);
                    owner.put(comp, p);
                }
            }
        }
        int found = 0;
        int n = 40;
        for (int i = 0; i < n; i++) {
            Component comp = pool.get(rnd.nextInt(pool.size()));
            Plugin p = owner.get(comp);
            List<ComponentHit> hits = idx.searchComponents(comp.description(), Set.of(ComponentKind.AGENT), null, 3);
            if (hits.stream().anyMatch(h -> h.plugin().id().equals(p.id()) && h.component().name().equals(comp.name()))) {
                found++;
            }
        }
        // short generic agent descriptions are shared by several plugins (copies), so not all 40 can be first
        assertTrue(found >= n * 0.75, found + " of " + n);
    }
}
