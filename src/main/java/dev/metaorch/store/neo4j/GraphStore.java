package dev.metaorch.store.neo4j;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.ErrorPatterns;
import dev.metaorch.learn.Evidence.PluginEvidence;
import dev.metaorch.learn.KnownIssueSource.PluginIssue;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.Posterior;
import org.neo4j.driver.Record;
import org.neo4j.driver.SimpleQueryRunner;
import org.neo4j.driver.Value;

/**
 * The graph model and every Cypher statement of it. All values travel as parameters (never spliced into
 * the query text), and every write is a MERGE on a key, so replaying a write (from the outbox, or by
 * another server) changes nothing the second time. Counters are never incremented: plugin and pattern
 * metrics and issue frequencies are recomputed from the relationships they summarize.
 *
 * <pre>
 * (:Plugin {plugin_id, name, marketplace, category, description, success_rate, success_lower, total_uses, successes, avg_duration_ms, last_used})
 * (:Pattern {pattern_id, name, description, category, success_rate, executions, status, workflow_steps, last_used})
 * (:Execution {execution_id, task_description, status, duration_ms, started_at, completed_at, workflow_id})
 * (:Issue {issue_id, plugin_id, error_pattern, solution, frequency})
 * (:Pattern)-[:USES {step_number, required}]->(:Plugin)
 * (:Execution)-[:IMPLEMENTS]->(:Pattern)
 * (:Plugin)-[:EXECUTED_IN {step, duration_ms, status, component, error_pattern}]->(:Execution)
 * (:Plugin)-[:HAS_ISSUE]->(:Issue)
 * (:Plugin)-[:SIMILAR_TO {similarity_score}]->(:Plugin)   (stored in both directions)
 * </pre>
 * Plugins are keyed by {@code plugin_id} ({@code name@marketplace}); names repeat across marketplaces.
 * An Issue is keyed by {@code issue_id}, a SHA-256 of plugin id and normalized error pattern.
 */
public final class GraphStore {

    /** Pattern status from counts: the file store's lifecycle rule ({@code Lifecycle::status}), so both stores agree. */
    @FunctionalInterface
    public interface PromotionRule {
        String status(int successes, int trials);
    }

    static final List<String> SCHEMA = List.of(
            "CREATE CONSTRAINT plugin_id IF NOT EXISTS FOR (p:Plugin) REQUIRE p.plugin_id IS UNIQUE",
            "CREATE CONSTRAINT pattern_id IF NOT EXISTS FOR (p:Pattern) REQUIRE p.pattern_id IS UNIQUE",
            "CREATE CONSTRAINT execution_id IF NOT EXISTS FOR (e:Execution) REQUIRE e.execution_id IS UNIQUE",
            "CREATE CONSTRAINT issue_id IF NOT EXISTS FOR (i:Issue) REQUIRE i.issue_id IS UNIQUE",
            "CREATE INDEX plugin_category IF NOT EXISTS FOR (p:Plugin) ON (p.category)",
            "CREATE INDEX plugin_name IF NOT EXISTS FOR (p:Plugin) ON (p.name)",
            "CREATE INDEX pattern_status IF NOT EXISTS FOR (p:Pattern) ON (p.status)");

    private static final int BATCH = 500;

    static final String PLUGINS_BY_CATEGORY = """
                MATCH (p:Plugin)
                WHERE p.category IN $categories AND coalesce(p.success_rate, 0.0) >= $min
                RETURN p.plugin_id AS id, p.name AS name, p.marketplace AS mp, p.category AS cat,
                       coalesce(p.total_uses, 0) AS uses, coalesce(p.successes, 0) AS ok, p.success_rate AS rate,
                       coalesce(p.success_lower, 0.0) AS lower
                ORDER BY lower DESC, uses DESC, id
                LIMIT $limit""";
    static final String KNOWN_ISSUES = """
                MATCH (p:Plugin {plugin_id: $id})-[:HAS_ISSUE]->(i:Issue)
                RETURN i.error_pattern AS pattern, i.solution AS fix, coalesce(i.frequency, 0) AS n
                ORDER BY n DESC, pattern
                LIMIT $limit""";
    static final String ALTERNATIVES = """
                MATCH (p:Plugin {plugin_id: $id})-[s:SIMILAR_TO]->(alt:Plugin)
                WHERE s.similarity_score >= $min
                RETURN alt.plugin_id AS id, s.similarity_score AS score, coalesce(alt.total_uses, 0) AS uses,
                       coalesce(alt.successes, 0) AS ok, alt.success_rate AS rate
                ORDER BY score DESC, coalesce(alt.success_lower, 0.0) DESC, id
                LIMIT $limit""";
    static final String EVIDENCE = """
                    MATCH (p:Plugin) WHERE p.total_uses > 0
                    RETURN p.plugin_id AS id, p.total_uses AS uses, coalesce(p.successes, 0) AS ok,
                           p.avg_duration_ms AS avgms, p.last_used AS last""";

    private final GraphClient client;
    private final PromotionRule rule;

    public GraphStore(GraphClient client, PromotionRule rule) {
        this.client = client;
        this.rule = rule;
    }

    public GraphClient client() {
        return client;
    }

    /** Creates constraints and indexes (idempotent); each in its own transaction as Neo4j requires. */
    public void ensureSchema() {
        for (String s : SCHEMA) {
            client.call("schema", true, GraphClient.BULK_BUDGET, tx -> tx.run(s).consume());
        }
    }

    /**
     * Plans every statement once, with parameters of the real types, in a transaction that is rolled back.
     * Cypher planning on a cold server takes seconds; doing it here in the background keeps the first
     * tool call's writes and reads inside the call budget.
     */
    public void warmUp() {
        String plugin = "__warmup__@__warmup__";
        Outcome o = new Outcome("__warmup__", "__warmup__", "__warmup__", "warm-up", "success", 1, "2000-01-01T00:00:00Z",
                "2000-01-01T00:00:01Z", List.of(new Outcome.StepResult(1, plugin, "c", "success", 1, "warm-up error", "warm-up fix")));
        Pattern p = new Pattern("__warmup__", "warm-up", "", "warm-up", null, List.of(), List.of(
                new Pattern.Step(plugin, "c", "", null, null)), null, List.of(), List.of(), List.of(), "discovered",
                "2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z");
        client.rolledBack("plan warm-up", GraphClient.BULK_BUDGET, tx -> {
            writePattern(tx, p);
            recordOutcome(tx, o);
            writeIssues(tx, List.of(new PluginIssue(plugin, "warm-up", "fix", 1)));
            tx.run(PLUGINS_BY_CATEGORY, Map.of("categories", List.of("x"), "min", 0.0, "limit", 1)).consume();
            tx.run(KNOWN_ISSUES, Map.of("id", plugin, "limit", 1)).consume();
            tx.run(ALTERNATIVES, Map.of("id", plugin, "min", 0.7, "limit", 1)).consume();
            tx.run(EVIDENCE).consume();
        });
    }

    // ---------------------------------------------------------------- catalog

    /** Upserts Plugin nodes for the catalog, {@value #BATCH} per UNWIND. Metrics are left to outcomes. */
    public int syncPlugins(List<Plugin> plugins) {
        int n = 0;
        for (int i = 0; i < plugins.size(); i += BATCH) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Plugin p : plugins.subList(i, Math.min(plugins.size(), i + BATCH))) {
                Map<String, Object> row = new HashMap<>();
                row.put("plugin_id", p.id());
                row.put("name", p.name());
                row.put("marketplace", p.marketplace());
                row.put("category", p.category());
                row.put("description", p.description());
                rows.add(row);
            }
            n += client.call("plugin sync", true, GraphClient.BULK_BUDGET, tx -> tx.run("""
                    UNWIND $rows AS row
                    MERGE (p:Plugin {plugin_id: row.plugin_id})
                    SET p.name = row.name, p.marketplace = row.marketplace, p.category = row.category,
                        p.description = row.description, p.total_uses = coalesce(p.total_uses, 0)
                    RETURN count(p) AS n""", Map.of("rows", rows)).single().get("n").asInt());
        }
        return n;
    }

    /** Upserts SIMILAR_TO in both directions for each pair (the score is a property, not part of the key). */
    public int syncSimilarity(List<PluginSimilarity.Pair> pairs) {
        int n = 0;
        for (int i = 0; i < pairs.size(); i += BATCH) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (PluginSimilarity.Pair p : pairs.subList(i, Math.min(pairs.size(), i + BATCH))) {
                rows.add(Map.of("a", p.a(), "b", p.b(), "score", p.score()));
            }
            n += client.call("similarity sync", true, GraphClient.BULK_BUDGET, tx -> tx.run("""
                    UNWIND $rows AS row
                    MATCH (a:Plugin {plugin_id: row.a}), (b:Plugin {plugin_id: row.b})
                    MERGE (a)-[s:SIMILAR_TO]->(b) SET s.similarity_score = row.score
                    MERGE (b)-[t:SIMILAR_TO]->(a) SET t.similarity_score = row.score
                    RETURN count(*) AS n""", Map.of("rows", rows)).single().get("n").asInt());
        }
        return n;
    }

    // ---------------------------------------------------------------- writes of the learner

    /** Upserts a pattern and replaces its USES edges with its current plugin sequence. */
    public void writePattern(Pattern p) {
        client.write("pattern write", tx -> {
            writePattern(tx, p);
            return null;
        });
    }

    void writePattern(SimpleQueryRunner tx, Pattern p) {
        List<String> steps = new ArrayList<>();
        List<Map<String, Object>> uses = new ArrayList<>();
        int i = 0;
        for (Pattern.Step s : p.pluginSequence()) {
            i++;
            steps.add(s.plugin() + (s.component() == null ? "" : " / " + s.component()));
            if (s.plugin() != null) {
                uses.add(pluginRow(s.plugin(), Map.of("step", i, "required", true)));
            }
        }
        Map<String, Object> params = new HashMap<>();
        params.put("id", p.id());
        params.put("name", p.name());
        params.put("description", p.description());
        params.put("category", p.domain());
        params.put("status", p.status());
        params.put("steps", steps);
        params.put("last", p.lastUpdated());
        params.put("uses", uses);
        tx.run("""
                MERGE (pat:Pattern {pattern_id: $id})
                SET pat.name = $name, pat.description = $description, pat.category = $category,
                    pat.workflow_steps = $steps, pat.file_status = $status,
                    pat.last_used = CASE WHEN pat.last_used IS NULL OR pat.last_used < $last THEN $last ELSE pat.last_used END,
                    pat.executions = coalesce(pat.executions, 0),
                    pat.status = coalesce(pat.status, $status)
                WITH pat
                OPTIONAL MATCH (pat)-[u:USES]->()
                DELETE u""", params).consume();
        tx.run("""
                MATCH (pat:Pattern {pattern_id: $id})
                UNWIND $uses AS s
                MERGE (pl:Plugin {plugin_id: s.plugin_id})
                  ON CREATE SET pl.name = s.name, pl.marketplace = s.marketplace, pl.total_uses = 0
                MERGE (pat)-[u:USES {step_number: s.step}]->(pl)
                SET u.required = s.required""", params).consume();
        recomputePattern(tx, p.id());
    }

    /**
     * Records one execution: the Execution node, IMPLEMENTS to its pattern, EXECUTED_IN from each step's
     * plugin (keyed by step number), HAS_ISSUE for each step error; then recomputes the metrics of the
     * plugins, issues and pattern involved from their relationships.
     */
    public void recordOutcome(Outcome o) {
        client.write("outcome write", tx -> {
            recordOutcome(tx, o);
            return null;
        });
    }

    void recordOutcome(SimpleQueryRunner tx, Outcome o) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", o.executionId());
        params.put("task", o.task());
        params.put("status", o.status());
        params.put("duration", o.durationMs());
        params.put("started", o.startedAt());
        params.put("completed", o.completedAt());
        params.put("workflow", o.workflowId());
        params.put("pattern", o.patternId());
        List<Map<String, Object>> steps = new ArrayList<>();
        List<Map<String, Object>> issues = new ArrayList<>();
        Set<String> pluginIds = new LinkedHashSet<>();
        for (Outcome.StepResult s : o.steps()) {
            if (s.plugin() == null || s.plugin().isBlank()) {
                continue;
            }
            pluginIds.add(s.plugin());
            String error = s.error() == null || s.error().isBlank() ? null : ErrorPatterns.normalize(s.error());
            Map<String, Object> extra = new HashMap<>();
            extra.put("step", s.step());
            extra.put("status", s.status());
            extra.put("duration_ms", s.durationMs());
            extra.put("component", s.component());
            extra.put("error_pattern", error);
            steps.add(pluginRow(s.plugin(), extra));
            if (error != null && !error.isEmpty()) {
                Map<String, Object> issue = new HashMap<>();
                issue.put("plugin_id", s.plugin());
                issue.put("issue_id", issueId(s.plugin(), error));
                issue.put("error_pattern", error);
                issue.put("fix", s.success() && s.fixApplied() != null && !s.fixApplied().isBlank() ? s.fixApplied() : null);
                issues.add(issue);
            }
        }
        params.put("steps", steps);
        params.put("issues", issues);
        tx.run("""
                MERGE (e:Execution {execution_id: $id})
                SET e.task_description = $task, e.status = $status, e.duration_ms = $duration,
                    e.started_at = $started, e.completed_at = $completed, e.workflow_id = $workflow""", params).consume();
        if (o.patternId() != null && !o.patternId().isBlank()) {
            tx.run("""
                    MATCH (e:Execution {execution_id: $id})
                    MERGE (pat:Pattern {pattern_id: $pattern})
                      ON CREATE SET pat.executions = 0
                    MERGE (e)-[:IMPLEMENTS]->(pat)""", params).consume();
        }
        tx.run("""
                MATCH (e:Execution {execution_id: $id})
                UNWIND $steps AS s
                MERGE (p:Plugin {plugin_id: s.plugin_id})
                  ON CREATE SET p.name = s.name, p.marketplace = s.marketplace, p.total_uses = 0
                MERGE (p)-[r:EXECUTED_IN {step: s.step}]->(e)
                SET r.status = s.status, r.duration_ms = s.duration_ms, r.component = s.component,
                    r.error_pattern = s.error_pattern""", params).consume();
        tx.run("""
                UNWIND $issues AS i
                MATCH (p:Plugin {plugin_id: i.plugin_id})
                MERGE (iss:Issue {issue_id: i.issue_id})
                  ON CREATE SET iss.plugin_id = i.plugin_id, iss.error_pattern = i.error_pattern
                MERGE (p)-[:HAS_ISSUE]->(iss)
                SET iss.solution = coalesce(i.fix, iss.solution)""", params).consume();
        recomputePlugins(tx, new ArrayList<>(pluginIds));
        recomputeIssues(tx, issues.stream().map(i -> (String) i.get("issue_id")).distinct().toList());
        if (o.patternId() != null && !o.patternId().isBlank()) {
            recomputePattern(tx, o.patternId());
        }
    }

    /**
     * Known issues the file store holds (e.g. from runs before Neo4j was configured). Their frequency is a
     * floor: the Issue's frequency is the larger of it and the count of matching failed steps in the graph.
     */
    public void writeIssues(List<PluginIssue> issues) {
        if (issueRows(issues).isEmpty()) {
            return;
        }
        client.write("issue write", tx -> {
            writeIssues(tx, issues);
            return null;
        });
    }

    void writeIssues(SimpleQueryRunner tx, List<PluginIssue> issues) {
        List<Map<String, Object>> rows = issueRows(issues);
        tx.run("""
                    UNWIND $rows AS i
                    MERGE (p:Plugin {plugin_id: i.plugin_id})
                      ON CREATE SET p.name = i.name, p.marketplace = i.marketplace, p.total_uses = 0
                    MERGE (iss:Issue {issue_id: i.issue_id})
                      ON CREATE SET iss.plugin_id = i.plugin_id, iss.error_pattern = i.error_pattern
                    MERGE (p)-[:HAS_ISSUE]->(iss)
                    SET iss.solution = coalesce(i.fix, iss.solution),
                        iss.reported_frequency = i.frequency""", Map.of("rows", rows)).consume();
        recomputeIssues(tx, rows.stream().map(r -> (String) r.get("issue_id")).distinct().toList());
    }

    private static List<Map<String, Object>> issueRows(List<PluginIssue> issues) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PluginIssue i : issues) {
            String pattern = ErrorPatterns.normalize(i.errorPattern());
            if (pattern.isEmpty()) {
                continue;
            }
            Map<String, Object> r = pluginRow(i.pluginId(), Map.of());
            r.put("issue_id", issueId(i.pluginId(), pattern));
            r.put("error_pattern", pattern);
            r.put("fix", i.fix());
            r.put("frequency", i.frequency());
            rows.add(r);
        }
        return rows;
    }

    private void recomputePlugins(SimpleQueryRunner tx, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        tx.run("""
                UNWIND $ids AS pid
                MATCH (p:Plugin {plugin_id: pid})
                OPTIONAL MATCH (p)-[r:EXECUTED_IN]->(e:Execution)
                WITH p, count(r) AS uses, sum(CASE WHEN r.status = 'success' THEN 1 ELSE 0 END) AS ok,
                     avg(r.duration_ms) AS avgms, max(e.completed_at) AS last
                RETURN p.plugin_id AS pid, uses, ok, avgms, last""", Map.of("ids", ids)).list().forEach(r -> {
            int uses = r.get("uses").asInt();
            int ok = r.get("ok").asInt();
            Map<String, Object> row = new HashMap<>();
            row.put("pid", r.get("pid").asString());
            row.put("uses", uses);
            row.put("ok", ok);
            row.put("rate", uses == 0 ? null : (double) ok / uses);
            row.put("lower", Posterior.wilsonLower(ok, uses, 1.96));
            row.put("avgms", r.get("avgms").isNull() ? null : r.get("avgms").asDouble());
            row.put("last", r.get("last").isNull() ? null : r.get("last").asString());
            rows.add(row);
        });
        tx.run("""
                UNWIND $rows AS row
                MATCH (p:Plugin {plugin_id: row.pid})
                SET p.total_uses = row.uses, p.successes = row.ok, p.success_rate = row.rate,
                    p.success_lower = row.lower, p.avg_duration_ms = row.avgms, p.last_used = row.last""",
                Map.of("rows", rows)).consume();
    }

    private void recomputeIssues(SimpleQueryRunner tx, List<String> issueIds) {
        if (issueIds.isEmpty()) {
            return;
        }
        tx.run("""
                UNWIND $ids AS iid
                MATCH (p:Plugin)-[:HAS_ISSUE]->(iss:Issue {issue_id: iid})
                OPTIONAL MATCH (p)-[r:EXECUTED_IN]->(:Execution)
                  WHERE r.error_pattern = iss.error_pattern
                WITH iss, count(r) AS seen
                SET iss.frequency = CASE WHEN seen > coalesce(iss.reported_frequency, 0) THEN seen
                                         ELSE coalesce(iss.reported_frequency, 0) END""", Map.of("ids", issueIds)).consume();
    }

    private void recomputePattern(SimpleQueryRunner tx, String patternId) {
        Record r = tx.run("""
                MATCH (pat:Pattern {pattern_id: $id})
                OPTIONAL MATCH (pat)<-[:IMPLEMENTS]-(e:Execution)
                WITH pat, count(e) AS total, sum(CASE WHEN e.status = 'success' THEN 1 ELSE 0 END) AS ok,
                     max(e.completed_at) AS last
                RETURN total, ok, last, pat.file_status AS fileStatus""", Map.of("id", patternId)).single();
        int total = r.get("total").asInt();
        int ok = r.get("ok").asInt();
        Map<String, Object> params = new HashMap<>();
        params.put("id", patternId);
        params.put("total", total);
        params.put("rate", total == 0 ? null : (double) ok / total);
        // With no executions in the graph yet, the status the file store gave the pattern stands.
        params.put("status", total == 0 ? r.get("fileStatus").asString("discovered") : rule.status(ok, total));
        params.put("last", r.get("last").isNull() ? null : r.get("last").asString());
        tx.run("""
                MATCH (pat:Pattern {pattern_id: $id})
                SET pat.executions = $total, pat.success_rate = $rate, pat.status = $status,
                    pat.last_used = CASE WHEN $last IS NULL OR (pat.last_used IS NOT NULL AND pat.last_used > $last)
                                         THEN pat.last_used ELSE $last END""", params).consume();
    }

    // ---------------------------------------------------------------- reads

    /** One plugin's standing in the graph. */
    public record PluginStat(String pluginId, String name, String marketplace, String category, int uses,
                             int successes, Double successRate, double successLower) {
    }

    /** Plugins of the categories whose success rate is at least {@code minSuccess}, best (lower bound) first, then most used. */
    public List<PluginStat> pluginsByCategory(List<String> categories, double minSuccess, int limit) {
        return client.read("plugins by category", tx -> tx.run(PLUGINS_BY_CATEGORY, Map.of("categories", categories, "min", minSuccess, "limit", limit))
                .list(GraphStore::stat));
    }

    private static PluginStat stat(Record r) {
        return new PluginStat(r.get("id").asString(), r.get("name").asString(null), r.get("mp").asString(null),
                r.get("cat").asString(null), r.get("uses").asInt(), r.get("ok").asInt(),
                r.get("rate").isNull() ? null : r.get("rate").asDouble(), r.get("lower").asDouble());
    }

    /** A plugin's known issues, most frequent first. */
    public List<PluginIssue> knownIssues(String pluginId, int limit) {
        return client.read("known issues", tx -> tx.run(KNOWN_ISSUES, Map.of("id", pluginId, "limit", limit))
                .list(r -> new PluginIssue(pluginId, r.get("pattern").asString(), r.get("fix").asString(null),
                        r.get("n").asInt())));
    }

    /** A similar plugin with its evidence. */
    public record Alternative(String pluginId, double score, int uses, int successes, Double successRate) {
    }

    /** Plugins SIMILAR_TO this one at or above {@code minScore}: most similar first, then best success. */
    public List<Alternative> alternatives(String pluginId, double minScore, int limit) {
        return client.read("alternatives", tx -> tx.run(ALTERNATIVES, Map.of("id", pluginId, "min", minScore, "limit", limit))
                .list(r -> new Alternative(r.get("id").asString(), r.get("score").asDouble(), r.get("uses").asInt(),
                        r.get("ok").asInt(), r.get("rate").isNull() ? null : r.get("rate").asDouble())));
    }

    /** Every plugin with recorded uses: what every server sharing this graph has recorded. */
    public Map<String, PluginEvidence> evidence() {
        return client.read("evidence", tx -> {
            Map<String, PluginEvidence> out = new LinkedHashMap<>();
            tx.run(EVIDENCE).list().forEach(r -> {
                String id = r.get("id").asString();
                Value avg = r.get("avgms");
                out.put(id, new PluginEvidence(id, r.get("uses").asInt(), r.get("ok").asInt(),
                        avg.isNull() ? 0 : avg.asDouble() / 1000.0, r.get("last").asString(null)));
            });
            return out;
        });
    }

    /** A pattern's node as the graph has it (metrics recomputed from executions), or null. */
    public Map<String, Object> pattern(String patternId) {
        return client.read("pattern", tx -> {
            List<Record> rs = tx.run("MATCH (p:Pattern {pattern_id: $id}) RETURN p", Map.of("id", patternId)).list();
            return rs.isEmpty() ? null : rs.get(0).get("p").asMap();
        });
    }

    /** Node counts per label and relationship counts per type, for checks and {@code stats}. */
    public Map<String, Long> counts() {
        return client.read("counts", tx -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String label : List.of("Plugin", "Pattern", "Execution", "Issue")) {
                out.put(label, tx.run("MATCH (n:" + label + ") RETURN count(n) AS c").single().get("c").asLong());
            }
            for (String type : List.of("USES", "IMPLEMENTS", "EXECUTED_IN", "HAS_ISSUE", "SIMILAR_TO")) {
                out.put(type, tx.run("MATCH ()-[r:" + type + "]->() RETURN count(r) AS c").single().get("c").asLong());
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- keys

    /** The parameters naming a plugin: its id, and name and marketplace split from it for new nodes. */
    static Map<String, Object> pluginRow(String pluginId, Map<String, Object> extra) {
        Map<String, Object> row = new HashMap<>(extra);
        row.put("plugin_id", pluginId);
        int at = pluginId.lastIndexOf('@');
        row.put("name", at > 0 ? pluginId.substring(0, at) : pluginId);
        row.put("marketplace", at > 0 ? pluginId.substring(at + 1) : null);
        return row;
    }

    /** The key of an Issue: SHA-256 of plugin id and normalized error pattern (unambiguous, bounded length). */
    public static String issueId(String pluginId, String errorPattern) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(pluginId.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(errorPattern.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
