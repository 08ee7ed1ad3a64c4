package dev.metaorch.store.neo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.metaorch.Services;
import dev.metaorch.learn.Evidence.PluginEvidence;
import dev.metaorch.learn.Outcome;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/** The graph model against a real Neo4j over Bolt: what every write creates, idempotence, two servers sharing it. */
@Tag("neo4j")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphModelTest {

    static final String REVIEW = "code-review@claude-code-plugins";
    static final String REVIEW_OFFICIAL = "code-review@claude-plugins-official";
    static final String EVIL = "x'}) DETACH DELETE n //@evil\"market`";

    @TempDir
    Path tmp;
    TestNeo4j neo4j;
    Driver check;

    @BeforeAll
    void start() throws Exception {
        // Correctness here, not the time bound (OutageTest checks that): a loaded build machine must not flap it.
        System.setProperty("metaorch.neo4j.budget.ms", "20000");
        neo4j = TestNeo4j.started(Files.createTempDirectory("neo4j-model"));
        check = neo4j.driver();
    }

    @AfterAll
    void stop() {
        System.clearProperty("metaorch.neo4j.budget.ms");
        check.close();
        neo4j.close();
    }

    private List<Record> q(String cypher, Map<String, Object> params) {
        try (Session s = check.session()) {
            return s.run(cypher, params).list();
        }
    }

    private long count(String cypher, Map<String, Object> params) {
        return q(cypher, params).get(0).get(0).asLong();
    }

    private void wipe() {
        q("MATCH (n) DETACH DELETE n", Map.of());
    }

    @Test
    void everyWriteLandsAsTheModelSaysAndReplaysChangeNothing() throws Exception {
        wipe();
        try (Services s = Fixtures.services(tmp.resolve("a"), neo4j.settings())) {
            s.markReady();
            GraphService g = s.graph();
            g.tick(); // schema, catalog plugins, similarity
            int plugins = s.catalog().size();
            assertEquals(plugins, count("MATCH (p:Plugin) RETURN count(p)", Map.of()));
            Set<String> constraints = q("SHOW CONSTRAINTS YIELD name RETURN name", Map.of()).stream()
                    .map(r -> r.get(0).asString()).collect(Collectors.toSet());
            assertTrue(constraints.containsAll(Set.of("plugin_id", "pattern_id", "execution_id", "issue_id")), constraints.toString());
            int pairs = PluginSimilarity.of(s.catalog()).pairs(PluginSimilarity.EDGE_THRESHOLD).size();
            assertTrue(pairs > 0);
            assertEquals(2L * pairs, count("MATCH ()-[r:SIMILAR_TO]->() RETURN count(r)", Map.of()));

            // A name shared by two marketplaces stays two nodes.
            assertEquals(2, count("MATCH (p:Plugin {name: 'code-review'}) RETURN count(p)", Map.of()));

            String other = "feature-dev@claude-code-plugins";
            assertEquals(GraphService.WriteResult.NEO4J, g.submit(GraphWrite.pattern(Fixtures.pattern("p-review", "discovered", REVIEW, other))));
            Outcome ok = Fixtures.outcome("exec-1", "p-review", true, 0, null, REVIEW, other);
            Outcome failed = Fixtures.outcome("exec-2", "p-review", false, 2, "Cannot find module 'left-pad' at /home/u/x/y.js:12", REVIEW, other);
            Outcome fixed = new Outcome("exec-3", "p-review", "wf", "task", "success", 900, "2026-11-21T10:00:00Z",
                    "2026-11-21T10:01:00Z", List.of(new Outcome.StepResult(1, other, "agent", "success", 500,
                    "Cannot find module 'left-pad' at /srv/app/z.js:99", "npm install left-pad")));
            for (Outcome o : List.of(ok, failed, fixed)) {
                assertEquals(GraphService.WriteResult.NEO4J, g.submit(GraphWrite.outcome(o)));
            }

            Map<String, Long> before = g.store().counts();
            assertEquals(3, before.get("Execution"));
            assertEquals(3, before.get("IMPLEMENTS"));
            assertEquals(5, before.get("EXECUTED_IN"));
            assertEquals(2, before.get("USES"));
            assertEquals(1, before.get("Issue"));
            assertEquals(1, before.get("HAS_ISSUE"));

            Record pat = q("MATCH (p:Pattern {pattern_id: 'p-review'}) RETURN p", Map.of()).get(0);
            Map<String, Object> pm = pat.get("p").asMap();
            assertEquals(3L, pm.get("executions"));
            assertEquals(2.0 / 3, (double) pm.get("success_rate"), 1e-9);
            assertEquals("discovered", pm.get("status"));
            assertEquals(List.of(REVIEW + " / agent", other + " / agent"), pm.get("workflow_steps"));
            List<Record> uses = q("MATCH (:Pattern {pattern_id: 'p-review'})-[u:USES]->(p:Plugin) "
                    + "RETURN p.plugin_id AS id, u.step_number AS step, u.required AS req ORDER BY step", Map.of());
            assertEquals(REVIEW, uses.get(0).get("id").asString());
            assertEquals(2, uses.get(1).get("step").asInt());
            assertTrue(uses.get(1).get("req").asBoolean());

            Record e = q("MATCH (e:Execution {execution_id: 'exec-2'})<-[r:EXECUTED_IN {step: 2}]-(p:Plugin) RETURN e, r, p.plugin_id AS pid", Map.of()).get(0);
            assertEquals("failure", e.get("e").get("status").asString());
            assertEquals("task of exec-2", e.get("e").get("task_description").asString());
            assertEquals(1234L, e.get("e").get("duration_ms").asLong());
            assertEquals("failure", e.get("r").get("status").asString());
            assertEquals(2000L, e.get("r").get("duration_ms").asLong());
            assertEquals(other, e.get("pid").asString());

            Record plugin = q("MATCH (p:Plugin {plugin_id: $id}) RETURN p", Map.of("id", other)).get(0);
            assertEquals(3L, plugin.get("p").get("total_uses").asLong());
            assertEquals(2L, plugin.get("p").get("successes").asLong());
            Record issue = q("MATCH (:Plugin {plugin_id: $id})-[:HAS_ISSUE]->(i:Issue) RETURN i", Map.of("id", other)).get(0);
            assertEquals(2L, issue.get("i").get("frequency").asLong()); // both failures normalize to one pattern
            assertEquals("npm install left-pad", issue.get("i").get("solution").asString());

            // Replays (an outbox drained twice, another server sending the same execution) change nothing.
            for (Outcome o : List.of(ok, failed, fixed, failed)) {
                g.submit(GraphWrite.outcome(o));
            }
            g.submit(GraphWrite.pattern(Fixtures.pattern("p-review", "discovered", REVIEW, other)));
            g.tick();
            assertEquals(before, g.store().counts());
            assertEquals(3L, q("MATCH (p:Plugin {plugin_id: $id}) RETURN p.total_uses", Map.of("id", other)).get(0).get(0).asLong());
            assertEquals(3L, q("MATCH (p:Pattern {pattern_id: 'p-review'}) RETURN p.executions", Map.of()).get(0).get(0).asLong());

            // The tools answer from the graph.
            ToolResult issues = Tools.byName(s, "known_issues").call(Map.of("plugin", other), ToolContext.NONE);
            assertEquals("neo4j", issues.structured().get("source"));
            List<?> list = (List<?>) issues.structured().get("issues");
            assertEquals(1, list.size());
            assertEquals("npm install left-pad", ((Map<?, ?>) list.get(0)).get("fix"));
            assertEquals(2, ((Map<?, ?>) list.get(0)).get("frequency"));
        }
    }

    @Test
    void promotionFollowsTheRuleOnCountsFromExecutions() throws Exception {
        wipe();
        try (Services s = Fixtures.services(tmp.resolve("promo"), neo4j.settings())) {
            s.markReady();
            GraphService g = s.graph();
            g.tick();
            g.submit(GraphWrite.pattern(Fixtures.pattern("p-promo", "discovered", REVIEW)));
            for (int i = 0; i < 5; i++) {
                g.submit(GraphWrite.outcome(Fixtures.outcome("promo-" + i, "p-promo", true, 0, null, REVIEW)));
            }
            Map<String, Object> p = g.store().pattern("p-promo");
            assertEquals(5L, p.get("executions"));
            // the file store's rule on the graph's counts: 5 of 5 is not yet enough evidence to leave "discovered"
            assertEquals(dev.metaorch.learn.Lifecycle.status(5, 5), p.get("status"));
            for (int i = 5; i < 12; i++) {
                g.submit(GraphWrite.outcome(Fixtures.outcome("promo-" + i, "p-promo", true, 0, null, REVIEW)));
            }
            p = g.store().pattern("p-promo");
            assertEquals(12L, p.get("executions"));
            assertEquals(dev.metaorch.learn.Lifecycle.status(12, 12), p.get("status"));
            assertEquals("validated", p.get("status"));
        }
    }

    @Test
    void cypherShapedPluginNameIsStoredVerbatimAndHarmsNothing() throws Exception {
        wipe();
        try (Services s = Fixtures.services(tmp.resolve("evil"), neo4j.settings())) {
            s.markReady();
            GraphService g = s.graph();
            g.tick();
            Map<String, Long> before = g.store().counts();
            g.submit(GraphWrite.pattern(Fixtures.pattern("p-evil", "discovered", EVIL, REVIEW)));
            g.submit(GraphWrite.outcome(Fixtures.outcome("evil-1", "p-evil", false, 1, "boom '}) MATCH (n) DETACH DELETE n", EVIL, REVIEW)));
            Map<String, Long> after = g.store().counts();
            assertEquals(before.get("Plugin") + 1, after.get("Plugin"));
            assertEquals(before.get("SIMILAR_TO"), after.get("SIMILAR_TO"));
            Record r = q("MATCH (p:Plugin {plugin_id: $id}) RETURN p.name AS name, p.marketplace AS mp, p.total_uses AS uses",
                    Map.of("id", EVIL)).get(0);
            assertEquals("x'}) DETACH DELETE n //", r.get("name").asString());
            assertEquals("evil\"market`", r.get("mp").asString());
            assertEquals(1L, r.get("uses").asLong());
            ToolResult issues = Tools.byName(s, "known_issues").call(Map.of("plugin", EVIL), ToolContext.NONE);
            assertEquals(EVIL, issues.structured().get("plugin_id"));
            assertEquals(1, ((List<?>) issues.structured().get("issues")).size());
        }
    }

    @Test
    void findAlternativesUsesSimilarToEdgesWithEvidence() throws Exception {
        wipe();
        try (Services s = Fixtures.services(tmp.resolve("alt"), neo4j.settings())) {
            s.markReady();
            s.graph().tick();
            String health = "database-health-monitor@claude-code-plugins-plus";
            String transactions = "database-transaction-monitor@claude-code-plugins-plus";
            s.graph().submit(GraphWrite.outcome(Fixtures.outcome("alt-1", null, true, 0, null, transactions)));
            ToolResult r = Tools.byName(s, "find_alternatives").call(Map.of("plugin", health), ToolContext.NONE);
            assertEquals("neo4j", r.structured().get("source"), r.text());
            List<?> alts = (List<?>) r.structured().get("alternatives");
            Map<?, ?> first = (Map<?, ?>) alts.get(0);
            assertEquals(transactions, first.get("plugin_id"));
            assertTrue(((Number) first.get("similarity_score")).doubleValue() >= 0.7);
            assertEquals(1, first.get("uses"));
            assertEquals(1.0, first.get("success_rate"));
            // the graph holds a SIMILAR_TO edge between a plugin and its twin; the answer lists the twin apart
            ToolResult review = Tools.byName(s, "find_alternatives").call(Map.of("plugin", REVIEW), ToolContext.NONE);
            assertEquals("neo4j", review.structured().get("source"), review.text());
            assertEquals(List.of(REVIEW_OFFICIAL), review.structured().get("also_in"));
            for (Object a : (List<?>) review.structured().get("alternatives")) {
                assertNotEquals(REVIEW_OFFICIAL, ((Map<?, ?>) a).get("plugin_id"));
            }
        }
    }

    @Test
    void twoServersSharingOneNeo4jEachRankWithTheOthersOutcomesWithoutRestart() throws Exception {
        wipe();
        try (Services a = Fixtures.services(tmp.resolve("server-a"), neo4j.settings());
             Services b = Fixtures.services(tmp.resolve("server-b"), neo4j.settings())) {
            a.markReady(); // starts each server's background sync, as serve's warm-up does
            b.markReady();
            a.graph().tick();
            b.graph().tick();
            // Two plugins of one category; A records that X works and Y fails, B records more of X.
            String category = a.catalog().plugin(REVIEW).orElseThrow().category();
            assertNotNull(category);
            String x = REVIEW;
            String y = a.catalog().plugins().stream().filter(p -> category.equals(p.category()) && !p.id().equals(x))
                    .findFirst().orElseThrow().id();
            for (int i = 0; i < 4; i++) {
                a.graph().submit(GraphWrite.outcome(Fixtures.outcome("a-x-" + i, null, true, 0, null, x)));
                a.graph().submit(GraphWrite.outcome(Fixtures.outcome("a-y-" + i, null, false, 1, "timeout after 30s", y)));
            }
            b.graph().submit(GraphWrite.outcome(Fixtures.outcome("b-x-0", null, true, 0, null, x)));

            // Read-through queries see everything at once.
            Discovery db = new Discovery(b::catalog, b::evidence, b::knownIssues, b.graph());
            Discovery.Answer<List<GraphStore.PluginStat>> ranked = db.pluginsByCategory(List.of(category), 0.0, 50);
            assertEquals("neo4j", ranked.source());
            assertEquals(x, ranked.value().get(0).pluginId());
            assertEquals(5, ranked.value().get(0).uses());
            assertFalse(db.pluginsByCategory(List.of(category), 0.5, 50).value().stream().anyMatch(p -> p.pluginId().equals(y)));

            // The evidence rankings read comes from a pull of the graph at most EVIDENCE_MAX_AGE old.
            long deadline = System.nanoTime() + GraphService.EVIDENCE_MAX_AGE.toNanos() + 5_000_000_000L;
            PluginEvidence ex = b.evidence().plugin(x);
            PluginEvidence ey = b.evidence().plugin(y);
            while ((ex.uses() != 5 || ey.uses() != 4) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                ex = b.evidence().plugin(x);
                ey = b.evidence().plugin(y);
            }
            assertEquals(5, ex.uses(), "B sees A's outcomes for X plus its own");
            assertEquals(0, ey.successes());
            assertEquals(4, ey.uses());
            PluginEvidence ax = a.evidence().plugin(x);
            while (ax.uses() != 5 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                ax = a.evidence().plugin(x);
            }
            assertEquals(5, ax.uses(), "A sees B's outcome");
            assertEquals(4, a.evidence().plugin(y).uses(), "never counted twice");
        }
    }
}
