package dev.metaorch.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.metaorch.Services;
import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.learn.Pattern;
import dev.metaorch.mcp.tools.RunStatusTool;
import dev.metaorch.store.Ids;
import dev.metaorch.workflow.WorkflowSpec;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's MCP resources: {@code catalog://summary}, {@code plugin://<plugin@marketplace>},
 * {@code pattern://<id>}, {@code workflow://<id>} and {@code run://<id>}. Every read builds its content
 * from the live stores at that moment. Clients see one template per scheme plus a bounded list of concrete
 * resources for items that exist, refreshed by {@link #sync} whenever a client asks for the list.
 *
 * <p>Ids from URIs are percent-decoded and then either looked up in memory (plugins) or checked by
 * {@link Ids} before any file is named, so no URI can read outside the data folder. Anything unknown or
 * malformed is a JSON-RPC error with code {@code -32002} (resource not found).
 */
public final class Resources {

    private static final Logger log = LoggerFactory.getLogger(Resources.class);

    public static final String SUMMARY_URI = "catalog://summary";
    public static final List<String> SCHEMES = List.of("plugin", "pattern", "workflow", "run");
    /** At most this many concrete resources per scheme in resources/list; the templates reach the rest. */
    public static final int LIST_BOUND = 20;
    static final String MARKDOWN = "text/markdown";

    private final Services services;
    private final McpTool runStatus;
    private final Object syncLock = new Object();

    public Resources(Services services, List<McpTool> tools) {
        this.services = services;
        this.runStatus = tool(tools, RunStatusTool.NAME);
    }

    // ------------------------------------------------------------------ SDK specifications

    public McpServerFeatures.SyncResourceSpecification summarySpecification() {
        return specification(McpSchema.Resource.builder(SUMMARY_URI, "catalog-summary")
                .title("Plugin catalog summary")
                .description("Marketplaces, plugin and component counts, install state and collisions, as loaded now")
                .mimeType(MARKDOWN).build());
    }

    public List<McpServerFeatures.SyncResourceTemplateSpecification> templateSpecifications() {
        return List.of(
                template("plugin://{plugin_id}", "plugin", "A catalog plugin (name@marketplace): components, how to invoke each, install state, collisions"),
                template("pattern://{pattern_id}", "pattern", "A workflow pattern of the library: plugin sequence, metrics, known issues"),
                template("workflow://{workflow_id}", "workflow", "A generated workflow spec: ordered steps, validation, fallbacks"),
                template("run://{run_id}", "run", "A workflow run: its steps, attempts and state"));
    }

    private McpServerFeatures.SyncResourceTemplateSpecification template(String uriTemplate, String name, String description) {
        return new McpServerFeatures.SyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder(uriTemplate, name).description(description).mimeType(MARKDOWN).build(),
                (exchange, request) -> read(request.uri()));
    }

    private McpServerFeatures.SyncResourceSpecification specification(McpSchema.Resource resource) {
        return new McpServerFeatures.SyncResourceSpecification(resource, (exchange, request) -> read(request.uri()));
    }

    /**
     * Makes the server's list of concrete resources match what exists now (bounded per scheme). Called
     * before each resources/list is handled, so the list is current without list-changed notifications.
     */
    public void sync(McpSyncServer server) {
        synchronized (syncLock) {
            Map<String, McpSchema.Resource> want = new LinkedHashMap<>();
            try {
                for (McpSchema.Resource r : concrete()) {
                    want.put(r.uri(), r);
                }
            } catch (RuntimeException e) {
                log.warn("resource list refresh failed: {}", e.toString());
                return;
            }
            for (McpSchema.Resource have : server.listResources()) {
                if (!have.uri().equals(SUMMARY_URI) && !have.equals(want.get(have.uri()))) {
                    server.removeResource(have.uri());
                }
            }
            Set<String> present = new java.util.HashSet<>();
            server.listResources().forEach(r -> present.add(r.uri()));
            want.values().stream().filter(r -> !present.contains(r.uri()))
                    .forEach(r -> server.addResource(specification(r)));
        }
    }

    /**
     * Concrete resources for existing items: the catalog summary, then per scheme at most {@link #LIST_BOUND}
     * (installed plugins first; newest workflows and runs first). A list asked for while the catalog still loads
     * waits for it (bounded by the wait deadline), so the first list a client sees already names the plugins.
     */
    public List<McpSchema.Resource> concrete() {
        List<McpSchema.Resource> out = new ArrayList<>();
        try {
            services.awaitReady(dev.metaorch.util.Progress.NONE);
        } catch (dev.metaorch.util.Refusal e) {
            log.warn("resources/list without plugins: {}", e.getMessage());
        }
        if (services.ready()) {
            listedPlugins(services.catalog())
                    .forEach(p -> out.add(resource("plugin://" + p.id(), p.id(), oneLine(p.description(), 160))));
        }
        services.patterns().patterns().stream()
                .sorted(Comparator.comparingInt((Pattern p) -> -p.metrics().totalExecutions()).thenComparing(Pattern::id))
                .limit(LIST_BOUND)
                .forEach(p -> out.add(resource("pattern://" + p.id(), "pattern " + p.id(),
                        p.status() + ": " + oneLine(p.description() != null ? p.description() : p.name(), 140))));
        newestFirst(services.workflows().dir(), ".yaml").stream().limit(LIST_BOUND)
                .forEach(id -> out.add(resource("workflow://" + id, "workflow " + id, "generated workflow spec")));
        newestFirst(runsDir(), ".jsonl").stream().limit(LIST_BOUND)
                .forEach(id -> out.add(resource("run://" + id, "run " + id, "workflow run journal")));
        return out;
    }

    /** Installed plugins first, then the others taken in turn from each marketplace, at most LIST_BOUND. */
    static List<Plugin> listedPlugins(Catalog c) {
        List<Plugin> out = new ArrayList<>(c.plugins().stream().filter(p -> p.install().installed()).limit(LIST_BOUND).toList());
        List<java.util.Iterator<Plugin>> rest = new ArrayList<>();
        for (Marketplace m : c.marketplaces()) {
            rest.add(m.plugins().stream().filter(p -> !p.install().installed()).iterator());
        }
        Set<String> seen = new java.util.HashSet<>();
        out.forEach(p -> seen.add(p.id()));
        boolean more = true;
        while (out.size() < LIST_BOUND && more) {
            more = false;
            for (java.util.Iterator<Plugin> it : rest) {
                if (it.hasNext() && out.size() < LIST_BOUND) {
                    Plugin p = it.next();
                    more = true;
                    if (seen.add(p.id()) && c.plugin(p.id()).isPresent()) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    private static McpSchema.Resource resource(String uri, String name, String description) {
        return McpSchema.Resource.builder(uri, name).description(description).mimeType(MARKDOWN).build();
    }

    // ------------------------------------------------------------------ reading

    /** Reads one resource; unknown or malformed URIs throw an {@link McpError} with RESOURCE_NOT_FOUND. */
    public McpSchema.ReadResourceResult read(String uri) {
        if (uri == null) {
            throw notFound(null, "no uri given");
        }
        String text;
        if (uri.equals(SUMMARY_URI)) {
            services.awaitReady(ToolContext.NONE);
            text = summary(services.catalog());
        } else {
            int sep = uri.indexOf("://");
            String scheme = sep < 0 ? "" : uri.substring(0, sep);
            String id = sep < 0 ? null : decode(uri.substring(sep + 3));
            if (id == null || id.isEmpty()) {
                throw notFound(uri, "expected <scheme>://<id> with scheme catalog, " + String.join(", ", SCHEMES));
            }
            text = switch (scheme) {
                case "plugin" -> plugin(uri, id);
                case "pattern" -> pattern(uri, id);
                case "workflow" -> workflow(uri, id);
                case "run" -> run(uri, id);
                default -> throw notFound(uri, "unknown scheme '" + scheme + "' (catalog, " + String.join(", ", SCHEMES) + ")");
            };
        }
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, MARKDOWN, text)));
    }

    static McpError notFound(String uri, String why) {
        return McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
                .message("Resource not found: " + why)
                .data(uri == null ? Map.of() : Map.of("uri", printable(uri)))
                .build();
    }

    /** Percent-decoding of one URI part; null when malformed or when it decodes to a path separator or NUL. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '%') {
                    if (i + 2 >= s.length()) {
                        return null;
                    }
                    b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    b.write(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
                }
            }
            return b.toString(StandardCharsets.UTF_8);
        } catch (NumberFormatException | IOException e) {
            return null;
        }
    }

    private String plugin(String uri, String id) {
        services.awaitReady(ToolContext.NONE);
        Catalog c = services.catalog();
        Plugin p = c.plugin(id).orElseThrow(() -> notFound(uri, "no plugin '" + printable(id)
                + "' in the catalog (ids are name@marketplace; catalog://summary lists the marketplaces)"));
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(p.id()).append("\n\n");
        if (!p.description().isBlank()) {
            sb.append(p.description().strip()).append("\n\n");
        }
        sb.append("- marketplace: ").append(p.marketplace()).append('\n');
        line(sb, "version", p.version());
        line(sb, "category", p.category());
        if (!p.keywords().isEmpty()) {
            sb.append("- keywords: ").append(String.join(", ", p.keywords())).append('\n');
        }
        line(sb, "author", p.author());
        line(sb, "homepage", p.homepage());
        sb.append("- install state: ").append(!p.install().installed() ? "not installed"
                : (p.install().enabled() ? "installed, enabled" : "installed, disabled")
                + (p.install().version() != null ? " (version " + p.install().version() + ")" : "")).append('\n');
        sb.append("- components: ");
        List<String> counts = new ArrayList<>();
        for (ComponentKind k : ComponentKind.values()) {
            long n = p.count(k);
            if (n > 0) {
                counts.add(n + " " + k.id() + (n == 1 ? "" : "s"));
            }
        }
        sb.append(counts.isEmpty() ? (p.resolved() ? "none" : "not resolved (remote source)") : String.join(", ", counts)).append("\n");
        for (ComponentKind k : ComponentKind.values()) {
            List<Component> cs = p.components(k);
            if (cs.isEmpty()) {
                continue;
            }
            sb.append("\n## ").append(k.id()).append("s\n\n");
            for (Component comp : cs) {
                sb.append("- **").append(comp.name()).append("**");
                if (!comp.description().isBlank()) {
                    sb.append(": ").append(oneLine(comp.description(), 240));
                }
                sb.append("\n  invoke: ").append(comp.invoke(p.name())).append('\n');
            }
        }
        var collisions = c.collisionsOf(p.id());
        if (!collisions.isEmpty()) {
            sb.append("\n## collisions\n\n");
            collisions.forEach(col -> sb.append("- ").append(col.kind()).append(" '").append(col.name()).append("' also in ")
                    .append(String.join(", ", col.plugins().stream().filter(x -> !x.equals(p.id())).toList())).append('\n'));
        }
        var ev = services.evidence().plugin(p.id());
        sb.append("\n## recorded outcomes\n\n");
        if (ev.uses() == 0) {
            sb.append("none yet (rankings use relevance and a neutral prior)\n");
        } else {
            sb.append(ev.uses()).append(" uses, ").append(ev.successes()).append(" succeeded");
            if (ev.avgSeconds() > 0) {
                sb.append(String.format(java.util.Locale.ROOT, ", average %.0f s", ev.avgSeconds()));
            }
            if (ev.lastUsed() != null) {
                sb.append(", last used ").append(ev.lastUsed());
            }
            sb.append('\n');
        }
        if (!p.warnings().isEmpty()) {
            sb.append("\n## warnings\n\n");
            p.warnings().forEach(w -> sb.append("- ").append(w).append('\n'));
        }
        return sb.toString().strip() + "\n";
    }

    private String pattern(String uri, String id) {
        if (!Ids.valid(id)) {
            throw notFound(uri, "invalid pattern id '" + printable(id) + "'");
        }
        Pattern p = services.patterns().pattern(id).orElseThrow(() -> notFound(uri, "no pattern '" + id
                + "' in the library (" + services.patterns().patterns().size() + " patterns stored)"));
        StringBuilder sb = new StringBuilder();
        sb.append("# pattern ").append(p.id()).append(p.name() != null ? " (" + p.name() + ")" : "").append("\n\n");
        if (p.description() != null) {
            sb.append(p.description().strip()).append("\n\n");
        }
        sb.append("- status: ").append(p.status()).append('\n');
        line(sb, "domain", p.domain() == null ? null : p.domain() + (p.subdomain() != null ? " / " + p.subdomain() : ""));
        if (!p.taskKeywords().isEmpty()) {
            sb.append("- task keywords: ").append(String.join(", ", p.taskKeywords())).append('\n');
        }
        Pattern.Metrics m = p.metrics();
        sb.append("- executions: ").append(m.totalExecutions()).append(" (").append(m.successfulExecutions())
                .append(" succeeded, ").append(m.failedExecutions()).append(" failed)");
        if (m.totalExecutions() > 0) {
            sb.append(", success rate ").append(String.format(java.util.Locale.ROOT, "%.2f", m.successRate()))
                    .append(", average ").append(String.format(java.util.Locale.ROOT, "%.0f", m.avgCompletionTime())).append(" s");
        }
        sb.append('\n');
        line(sb, "last updated", p.lastUpdated());
        sb.append("\n## plugin sequence\n\n");
        int i = 1;
        for (Pattern.Step s : p.pluginSequence()) {
            sb.append(i++).append(". ").append(s.plugin()).append(s.component() != null ? " / " + s.component() : "");
            if (s.purpose() != null) {
                sb.append(" - ").append(s.purpose());
            }
            if (s.successRate() != null) {
                sb.append(String.format(java.util.Locale.ROOT, " (success %.2f)", s.successRate()));
            }
            sb.append('\n');
        }
        if (!p.knownIssues().isEmpty()) {
            sb.append("\n## known issues\n\n");
            p.knownIssues().forEach(k -> sb.append("- ").append(k.issue()).append(" (seen ").append(k.frequency()).append("x)")
                    .append(k.fix() != null ? "; fix: " + k.fix() : "").append('\n'));
        }
        if (!p.environmentRequirements().isEmpty()) {
            sb.append("\n## environment\n\n");
            p.environmentRequirements().forEach(e -> sb.append("- ").append(e).append('\n'));
        }
        return sb.toString();
    }

    private String workflow(String uri, String id) {
        if (!Ids.valid(id)) {
            throw notFound(uri, "invalid workflow id '" + printable(id) + "'");
        }
        WorkflowSpec w;
        try {
            w = services.workflows().find(id).orElseThrow(() -> notFound(uri, "no workflow '" + id
                    + "' (generate_workflow creates one; " + services.workflows().ids().size() + " stored)"));
        } catch (dev.metaorch.util.Refusal e) {
            throw notFound(uri, e.getMessage());
        }
        return WorkflowMarkdown.of(w, null);
    }

    private String run(String uri, String id) {
        if (!Ids.valid(id)) {
            throw notFound(uri, "invalid run id '" + printable(id) + "'");
        }
        ToolResult r;
        try {
            services.awaitReady(ToolContext.NONE);
            r = runStatus.call(Map.of("run_id", id), ToolContext.NONE);
        } catch (dev.metaorch.util.Refusal e) {
            throw notFound(uri, "unknown run '" + id + "': " + e.getMessage());
        }
        if (r.error()) {
            throw notFound(uri, "unknown run '" + id + "': " + r.text());
        }
        return r.text();
    }

    /** The catalog summary: totals, then one row per marketplace, then the largest collisions. */
    static String summary(Catalog c) {
        StringBuilder sb = new StringBuilder("# Plugin catalog\n\n");
        long installed = c.plugins().stream().filter(p -> p.install().installed()).count();
        sb.append(c.size()).append(" plugins in ").append(c.marketplaces().size()).append(" marketplaces, ")
                .append(installed).append(" installed; refreshed ").append(c.refreshedAt()).append(".\n\n");
        sb.append("| marketplace | plugins | installed |");
        for (ComponentKind k : ComponentKind.values()) {
            sb.append(' ').append(k.catalogKey()).append(" |");
        }
        sb.append("\n|---|---|---|").append("---|".repeat(ComponentKind.values().length)).append('\n');
        for (Marketplace m : c.marketplaces()) {
            sb.append("| ").append(m.name()).append(" | ").append(m.plugins().size()).append(" | ")
                    .append(m.plugins().stream().filter(p -> p.install().installed()).count()).append(" |");
            for (ComponentKind k : ComponentKind.values()) {
                sb.append(' ').append(m.plugins().stream().mapToLong(p -> p.count(k)).sum()).append(" |");
            }
            sb.append('\n');
        }
        long agentCollisions = c.collisions().stream().filter(x -> x.kind().equals("agent")).count();
        sb.append('\n').append(agentCollisions).append(" agent names are shipped by more than one plugin.\n");
        if (!c.warnings().isEmpty()) {
            sb.append("\nWarnings:\n");
            c.warnings().forEach(w -> sb.append("- ").append(w).append('\n'));
        }
        sb.append("\nRead one plugin as plugin://<name>@<marketplace>.\n");
        return sb.toString();
    }

    // ------------------------------------------------------------------ helpers shared with Prompts

    /** The server's tool of that name; every build has all of them, so a missing one is a wiring defect. */
    static McpTool tool(List<McpTool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no tool " + name + " among the server's tools"));
    }

    Path runsDir() {
        return services.runs().dir();
    }

    /** Ids of {@code dir/<id><suffix>} files, newest first; only ids that are valid file ids. */
    static List<String> newestFirst(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        record Entry(String id, long mtime) {
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
                    .map(p -> {
                        String n = p.getFileName().toString();
                        long t;
                        try {
                            t = Files.getLastModifiedTime(p).toMillis();
                        } catch (IOException e) {
                            t = 0;
                        }
                        return new Entry(n.substring(0, n.length() - suffix.length()), t);
                    })
                    .filter(e -> Ids.valid(e.id()))
                    .sorted(Comparator.comparingLong(Entry::mtime).reversed().thenComparing(Entry::id))
                    .map(Entry::id).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String oneLine(String s, int max) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > max ? t.substring(0, max - 1) + "\u2026" : t;
    }

    static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 80 ? t.substring(0, 80) + "\u2026" : t;
    }

    private static void line(StringBuilder sb, String label, String value) {
        if (value != null && !value.isBlank()) {
            sb.append("- ").append(label).append(": ").append(value).append('\n');
        }
    }
}
