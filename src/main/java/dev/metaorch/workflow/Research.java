package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.learn.Lifecycle;
import dev.metaorch.learn.Pattern;
import dev.metaorch.learn.PatternLibrary;
import dev.metaorch.learn.PatternScore;
import dev.metaorch.learn.Posterior;
import dev.metaorch.recommend.Scored;
import dev.metaorch.util.Progress;
import dev.metaorch.util.Refusal;
import dev.metaorch.util.Texts;
import dev.metaorch.workflow.CatalogSearch.Ref;

/**
 * The Research phase: the plugins relevant to a task are found once, then three analyses run at the same
 * time on their own threads and are merged into one report: capabilities (what each plugin and component
 * does, its domain, the inputs and outputs it implies, its keywords, each with the catalog field it came
 * from), integration (what composes with what: same plugin, shared domain, outputs that fit inputs,
 * orchestration commands' references, co-use in recorded patterns, dependency chains), and reliability
 * (recorded success and failure modes; the neutral prior where nothing is recorded).
 */
public final class Research {

    public static final List<String> ANALYSES = List.of("capabilities", "integration", "reliability");

    /** Domains and the word stems that place a plugin in them (a general vocabulary of software areas). */
    static final Map<String, List<String>> DOMAINS = new LinkedHashMap<>();

    static {
        DOMAINS.put("security", List.of("secur", "vulnerab", "owasp", "audit", "auth", "secret", "complian", "threat", "pentest"));
        DOMAINS.put("testing", List.of("test", "qa", "coverage", "e2e", "playwright", "cypress", "jest", "pytest"));
        DOMAINS.put("database", List.of("database", "sql", "postgres", "mysql", "mongo", "redis", "schema", "migration", "query"));
        DOMAINS.put("data-engineering", List.of("etl", "pipeline", "spark", "warehouse", "bigquery", "airflow", "dbt", "kafka", "data"));
        DOMAINS.put("ai-ml", List.of("ml", "llm", "machine", "model", "ai", "train", "embedding", "rag", "neural", "finetun"));
        DOMAINS.put("devops", List.of("deploy", "ci", "cd", "cicd", "kubernetes", "k8s", "docker", "terraform", "infra", "cloud", "helm",
                "monitor", "observab", "incident", "sre"));
        DOMAINS.put("web-development", List.of("web", "frontend", "react", "next", "api", "rest", "graphql", "backend", "http", "css",
                "html", "flask", "django", "express", "vue", "angular"));
        DOMAINS.put("mobile", List.of("mobile", "ios", "android", "flutter", "swift", "kotlin"));
        DOMAINS.put("documentation", List.of("doc", "docs", "documentation", "readme", "diagram", "tutorial", "writing"));
        DOMAINS.put("productivity", List.of("productiv", "workflow", "session", "git", "commit", "review", "plan"));
    }

    private final Supplier<CatalogSearch> search;
    private final Supplier<PatternLibrary> patterns;
    private final Supplier<Evidence> evidence;
    private final Supplier<KnownIssueSource> issues;
    private final Consumer<String> onAnalysisStart;

    public Research(Supplier<CatalogSearch> search, Supplier<PatternLibrary> patterns, Supplier<Evidence> evidence,
                    Supplier<KnownIssueSource> issues) {
        this(search, patterns, evidence, issues, name -> {
        });
    }

    /** {@code onAnalysisStart} runs on each analysis's own thread as it starts (tests use it to prove they overlap). */
    public Research(Supplier<CatalogSearch> search, Supplier<PatternLibrary> patterns, Supplier<Evidence> evidence,
                    Supplier<KnownIssueSource> issues, Consumer<String> onAnalysisStart) {
        this.search = search;
        this.patterns = patterns;
        this.evidence = evidence;
        this.issues = issues;
        this.onAnalysisStart = onAnalysisStart;
    }

    /** A relevant plugin and its components that match the task, best first. */
    record Subject(Plugin plugin, double relevance, List<Ref> components) {
    }

    public Map<String, Object> run(String task, int limit, Progress ctx) {
        CatalogSearch cs = search.get();
        if (cs.catalog().isEmpty()) {
            throw new Refusal("the plugin catalog is empty: nothing to research (see catalog_status)");
        }
        Object lock = new Object();
        AtomicInteger done = new AtomicInteger();
        double total = ANALYSES.size() + 1;
        ctx.progress(0, total, "finding relevant plugins");
        List<Subject> subjects = subjects(cs, task, limit);
        ctx.progress(1, total, subjects.size() + " relevant plugins; running 3 analyses in parallel");

        Map<String, Object> timings = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(ANALYSES.size(), r -> {
            Thread t = new Thread(r, "research");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, CompletableFuture<Object>> futures = new LinkedHashMap<>();
            for (String name : ANALYSES) {
                futures.put(name, CompletableFuture.supplyAsync(() -> {
                    onAnalysisStart.accept(name);
                    long t0 = System.nanoTime();
                    Object r = switch (name) {
                        case "capabilities" -> capabilities(subjects);
                        case "integration" -> integration(cs, subjects);
                        default -> reliability(subjects);
                    };
                    synchronized (lock) {
                        timings.put(name, Map.of("thread", Thread.currentThread().getName() + "-" + Thread.currentThread().getId(),
                                "millis", (System.nanoTime() - t0) / 1_000_000));
                        ctx.progress(1 + done.incrementAndGet(), total, name + " analysis done");
                    }
                    return r;
                }, pool));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("task", task);
            out.put("plugins", subjects.stream().map(s -> Map.of("plugin_id", s.plugin().id(), "relevance", Texts.round(s.relevance(), 3),
                    "components", s.components().stream().map(r -> r.component().kind().id() + ":" + r.component().name()).toList())).toList());
            for (Map.Entry<String, CompletableFuture<Object>> e : futures.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
            out.put("analyses", timings);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("research interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }

    List<Subject> subjects(CatalogSearch cs, String task, int limit) {
        List<Scored<Ref>> comps = cs.components(task, 300, r -> true);
        List<Scored<Plugin>> plugs = cs.plugins(task, limit * 2, p -> true);
        double maxC = comps.isEmpty() ? 1 : comps.get(0).score();
        double maxP = plugs.isEmpty() ? 1 : plugs.get(0).score();
        Map<String, Double> score = new LinkedHashMap<>();
        Map<String, Plugin> byId = new HashMap<>();
        Map<String, List<Ref>> matched = new HashMap<>();
        for (Scored<Plugin> p : plugs) {
            score.merge(p.item().id(), 0.5 * p.score() / maxP, Double::sum);
            byId.put(p.item().id(), p.item());
        }
        Map<String, Double> best = new HashMap<>();
        for (Scored<Ref> c : comps) {
            String id = c.item().plugin().id();
            byId.putIfAbsent(id, c.item().plugin());
            best.merge(id, c.score() / maxC, Math::max);
            matched.computeIfAbsent(id, k -> new ArrayList<>()).add(c.item());
        }
        best.forEach((id, b) -> score.merge(id, 0.5 * b, Double::sum));
        if (score.isEmpty()) {
            throw new Refusal("no catalog plugin matches the task's words; rephrase it or check the catalog (catalog_status)");
        }
        double top = score.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        return score.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
                .map(e -> new Subject(byId.get(e.getKey()), e.getValue() / top,
                        matched.getOrDefault(e.getKey(), List.of()).stream().limit(4).toList()))
                .toList();
    }

    // ---------------------------------------------------------------- capabilities

    /** The domain of a plugin and the field that decided it. */
    static Map<String, String> domain(Plugin p) {
        if (p.category() != null && !p.category().isBlank()) {
            String d = domainOf(p.category());
            if (d != null) {
                return Map.of("domain", d, "source", "category");
            }
        }
        if (!p.keywords().isEmpty()) {
            String d = domainOf(String.join(" ", p.keywords()));
            if (d != null) {
                return Map.of("domain", d, "source", "keywords");
            }
        }
        String d = domainOf(p.name() + " " + p.description());
        return d != null ? Map.of("domain", d, "source", "name and description")
                : Map.of("domain", p.category() != null && !p.category().isBlank() ? p.category() : "general",
                "source", p.category() != null && !p.category().isBlank() ? "category" : "none matched");
    }

    static String domainOf(String text) {
        List<String> words = Phase.words(text);
        String best = null;
        int bestHits = 0;
        for (Map.Entry<String, List<String>> e : DOMAINS.entrySet()) {
            int hits = 0;
            for (String w : words) {
                for (String s : e.getValue()) {
                    if (s.length() <= 3 ? w.equals(s) : w.startsWith(s)) {
                        hits++;
                        break;
                    }
                }
            }
            if (hits > bestHits) {
                best = e.getKey();
                bestHits = hits;
            }
        }
        return best;
    }

    private List<Map<String, Object>> capabilities(List<Subject> subjects) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subject s : subjects) {
            Plugin p = s.plugin();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plugin_id", p.id());
            m.put("does", Map.of("text", Mermaid.shorten(p.description().isBlank() ? "(no description)" : p.description(), 240),
                    "source", "description"));
            m.put("domain", domain(p));
            List<Map<String, Object>> comps = new ArrayList<>();
            for (Ref r : s.components()) {
                Phase ph = r.phase();
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("component", r.component().name());
                c.put("kind", r.component().kind().id());
                c.put("invoke", r.component().invoke(p.name()));
                c.put("does", Decomposer.purposeOf(r));
                c.put("phase", ph.id());
                c.put("inputs", DataFlow.needs(ph).stream().map(DataFlow.Need::name).toList());
                c.put("outputs", new ArrayList<>(DataFlow.outputs(ph).keySet()));
                c.put("source", "components." + r.component().kind().catalogKey() + " name and description (phase from role words)");
                comps.add(c);
            }
            m.put("components", comps);
            if (!p.keywords().isEmpty()) {
                m.put("keywords", Map.of("values", p.keywords(), "source", "keywords"));
            } else {
                m.put("keywords", Map.of("values", Fallbacks.analyzed(p.name() + " " + Mermaid.shorten(p.description(), 200)).stream()
                        .limit(8).toList(), "source", "name and description (analyzed terms; the plugin lists no keywords)"));
            }
            out.add(m);
        }
        return out;
    }

    // ---------------------------------------------------------------- integration

    private Map<String, Object> integration(CatalogSearch cs, List<Subject> subjects) {
        List<Map<String, Object>> compositions = new ArrayList<>();
        // Same plugin: several matching components of one plugin, in phase order.
        for (Subject s : subjects) {
            List<Ref> agents = cs.components(s.plugin()).stream().filter(r -> r.component().kind() == ComponentKind.AGENT).toList();
            if (agents.size() >= 2) {
                List<Ref> ordered = agents.stream().sorted(Comparator.comparingInt(r -> r.phase().ordinal())).limit(8).toList();
                compositions.add(Map.of("kind", "same plugin", "plugin_id", s.plugin().id(),
                        "chain", ordered.stream().map(r -> r.component().name() + " (" + r.phase().id() + ")").toList()));
            }
        }
        // Orchestration commands and agents that hand work to named agents.
        List<Map<String, Object>> references = new ArrayList<>();
        for (Subject s : subjects) {
            for (Ref r : cs.components(s.plugin())) {
                Component c = r.component();
                if (!c.references().isEmpty()) {
                    references.add(Map.of("from", s.plugin().name() + ":" + c.name(), "kind", c.kind().id(), "hands_work_to",
                            c.references(), "source", "subagent_type in the component's body"));
                }
            }
            List<Ref> workers = cs.components(s.plugin()).stream().filter(r -> r.component().kind() == ComponentKind.AGENT).toList();
            for (Ref r : cs.components(s.plugin())) {
                if (r.component().kind() == ComponentKind.SKILL || !r.component().references().isEmpty()) {
                    continue;
                }
                List<Ref> named = Decomposer.mentions(r, workers, s.plugin());
                if (named.size() >= 2) {
                    references.add(Map.of("from", s.plugin().name() + ":" + r.component().name(), "kind", r.component().kind().id(),
                            "hands_work_to", named.stream().map(x -> x.component().name()).toList(),
                            "source", "agent names in the component's description"));
                }
            }
        }
        // Outputs that fit inputs across plugins, by phase data flow.
        List<Map<String, Object>> fits = new ArrayList<>();
        List<Ref> all = subjects.stream().flatMap(s -> s.components().stream().limit(2)).toList();
        for (Ref a : all) {
            for (Ref b : all) {
                if (a == b || a.plugin().id().equals(b.plugin().id()) || fits.size() >= 12) {
                    continue;
                }
                Set<String> outs = DataFlow.outputs(a.phase()).keySet();
                for (DataFlow.Need n : DataFlow.needs(b.phase())) {
                    String hit = n.producers().stream().filter(outs::contains).findFirst().orElse(null);
                    if (hit != null && a.phase().ordinal() < b.phase().ordinal()) {
                        fits.add(Map.of("from", a.qualified(), "to", b.qualified(), "output", hit, "input", n.name(),
                                "source", "phases " + a.phase().id() + " -> " + b.phase().id()));
                        break;
                    }
                }
            }
        }
        // Shared domain.
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (Subject s : subjects) {
            byDomain.computeIfAbsent(domain(s.plugin()).get("domain"), k -> new ArrayList<>()).add(s.plugin().id());
        }
        List<Map<String, Object>> shared = new ArrayList<>();
        byDomain.forEach((d, ids) -> {
            if (ids.size() >= 2) {
                shared.add(Map.of("domain", d, "plugins", ids));
            }
        });
        // Co-use in recorded workflows (the pattern library).
        Set<String> relevant = new LinkedHashSet<>();
        subjects.forEach(s -> relevant.add(s.plugin().id()));
        Map<String, Integer> pairs = new LinkedHashMap<>();
        for (Pattern p : patterns.get().patterns()) {
            List<String> seq = p.pluginSequence().stream().map(Pattern.Step::plugin).distinct().toList();
            for (int i = 0; i < seq.size(); i++) {
                for (int j = i + 1; j < seq.size(); j++) {
                    if (matchesAny(seq.get(i), relevant) || matchesAny(seq.get(j), relevant)) {
                        pairs.merge(seq.get(i) + " -> " + seq.get(j), Math.max(1, p.metrics().totalExecutions()), Integer::sum);
                    }
                }
            }
        }
        List<Map<String, Object>> coUse = pairs.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(10).map(e -> Map.<String, Object>of("pair", e.getKey(), "runs", e.getValue())).toList();
        // A dependency chain: the best component of each phase present, in phase order.
        Map<Phase, Ref> perPhase = new LinkedHashMap<>();
        for (Ref r : all) {
            perPhase.putIfAbsent(r.phase(), r);
        }
        List<String> chain = perPhase.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue().qualified() + " (" + e.getKey().id() + ")").toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("compositions", compositions);
        out.put("references", references);
        out.put("output_input_fits", fits);
        out.put("shared_domains", shared);
        out.put("co_use", coUse);
        out.put("dependency_chain", chain);
        return out;
    }

    private static boolean matchesAny(String plugin, Set<String> ids) {
        return ids.contains(plugin) || ids.stream().anyMatch(id -> id.startsWith(plugin + "@"));
    }

    // ---------------------------------------------------------------- reliability

    private List<Map<String, Object>> reliability(List<Subject> subjects) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subject s : subjects) {
            String id = s.plugin().id();
            Evidence.PluginEvidence e = evidence.get().plugin(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plugin_id", id);
            m.put("uses", e.uses());
            m.put("successes", e.successes());
            // One evidence scale everywhere: the lifecycle's PatternScore (posterior mean, Wilson bounds at Lifecycle.Z).
            PatternScore score = PatternScore.of(e.successes(), e.uses());
            m.put("success_estimate", Texts.round(score.mean(), 3));
            m.put("lower_bound", Texts.round(score.lower(), 3));
            m.put("upper_bound", Texts.round(score.upper(), 3));
            m.put("bound_z", Lifecycle.Z);
            m.put("basis", e.uses() == 0 ? "no recorded outcomes: neutral prior " + Posterior.PRIOR_MEAN
                    : e.successes() + " of " + e.uses() + " recorded steps succeeded (Beta(1,1) posterior mean)");
            List<KnownIssueSource.PluginIssue> known = issues.get().issues(id);
            m.put("failure_modes", known.stream().limit(5).map(i -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("error_pattern", i.errorPattern());
                x.put("frequency", i.frequency());
                x.put("fix", i.fix());
                return x;
            }).toList());
            if (!s.plugin().warnings().isEmpty()) {
                m.put("catalog_warnings", s.plugin().warnings());
            }
            out.add(m);
        }
        out.sort(Comparator.comparingDouble((Map<String, Object> m) -> -(double) m.get("success_estimate")));
        return out;
    }

    // ---------------------------------------------------------------- report

    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("## Research report: ").append(r.get("task")).append("\n\n");
        List<Map<String, Object>> caps = (List<Map<String, Object>>) r.get("capabilities");
        sb.append("### Capabilities (").append(caps.size()).append(" plugins)\n");
        for (Map<String, Object> c : caps) {
            Map<String, String> dom = (Map<String, String>) c.get("domain");
            Map<String, Object> does = (Map<String, Object>) c.get("does");
            sb.append("- **").append(c.get("plugin_id")).append("** (").append(dom.get("domain")).append(", from ")
                    .append(dom.get("source")).append("): ").append(does.get("text")).append('\n');
            for (Map<String, Object> comp : (List<Map<String, Object>>) c.get("components")) {
                sb.append("  - ").append(comp.get("kind")).append(" `").append(comp.get("component")).append("` [")
                        .append(comp.get("phase")).append("] in: ").append(comp.get("inputs")).append(", out: ")
                        .append(comp.get("outputs")).append(" — ").append(comp.get("does")).append('\n');
            }
        }
        Map<String, Object> in = (Map<String, Object>) r.get("integration");
        sb.append("\n### Integration\n");
        for (Map<String, Object> c : (List<Map<String, Object>>) in.get("compositions")) {
            sb.append("- same plugin ").append(c.get("plugin_id")).append(": ").append(String.join(" -> ", (List<String>) c.get("chain"))).append('\n');
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) in.get("references")) {
            sb.append("- ").append(c.get("from")).append(" hands work to ").append(c.get("hands_work_to")).append(" (")
                    .append(c.get("source")).append(")\n");
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) in.get("output_input_fits")) {
            sb.append("- ").append(c.get("from")).append(" -> ").append(c.get("to")).append(": ").append(c.get("output"))
                    .append(" feeds ").append(c.get("input")).append('\n');
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) in.get("shared_domains")) {
            sb.append("- shared domain ").append(c.get("domain")).append(": ").append(c.get("plugins")).append('\n');
        }
        List<Map<String, Object>> co = (List<Map<String, Object>>) in.get("co_use");
        if (co.isEmpty()) {
            sb.append("- co-use in recorded workflows: none recorded yet\n");
        }
        for (Map<String, Object> c : co) {
            sb.append("- used together in recorded workflows: ").append(c.get("pair")).append(" (").append(c.get("runs")).append(" runs)\n");
        }
        sb.append("- dependency chain: ").append(String.join(" -> ", (List<String>) in.get("dependency_chain"))).append('\n');
        sb.append("\n### Reliability\n");
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("reliability")) {
            sb.append("- ").append(m.get("plugin_id")).append(": ").append(String.format(Locale.ROOT, "%.2f", (double) m.get("success_estimate")))
                    .append(" (").append(m.get("basis")).append(")");
            List<Map<String, Object>> fm = (List<Map<String, Object>>) m.get("failure_modes");
            for (Map<String, Object> f : fm) {
                sb.append("; known failure: ").append(f.get("error_pattern")).append(" x").append(f.get("frequency"))
                        .append(f.get("fix") != null ? " (fix: " + f.get("fix") + ")" : "");
            }
            sb.append('\n');
        }
        return sb.toString().trim();
    }

}
