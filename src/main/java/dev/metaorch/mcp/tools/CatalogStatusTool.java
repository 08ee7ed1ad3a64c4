package dev.metaorch.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Collision;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.mcp.Args;
import dev.metaorch.mcp.McpTool;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolDefinition;
import dev.metaorch.mcp.ToolResult;

/** catalog_status: which marketplaces are loaded, what they hold, what is broken upstream. */
public final class CatalogStatusTool implements McpTool {

    public static final String NAME = "catalog_status";

    /** Told to users whose catalog is empty. */
    public static final String EMPTY_HINT = "The plugin catalog is empty. Add marketplaces to Claude Code with "
            + "`claude plugin marketplace add <owner/repo or folder>` (scripts/install-marketplaces.sh adds the public ones), "
            + "or name sources with --marketplace DIR, --catalog FILE.jsonl or META_ORCH_MARKETPLACES.";

    public static final ToolDefinition DEFINITION = ToolDefinition.reading(NAME,
            "Loaded plugin marketplaces: plugin and component counts, install state, upstream warnings, agent-name collisions.");

    private final Supplier<Catalog> catalog;
    private final Runnable reload;

    /** {@code reload} drops the loaded catalog so that the next read loads the sources again. */
    public CatalogStatusTool(Supplier<Catalog> catalog, Runnable reload) {
        this.catalog = catalog;
        this.reload = reload;
    }

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public ToolResult call(Map<String, Object> arguments, ToolContext ctx) {
        Args args = DEFINITION.args(arguments);
        if (args.bool("refresh", false)) {
            reload.run();
        }
        boolean withWarnings = args.bool("include_warnings", true);
        Catalog c = catalog.get();
        Map<String, Object> status = status(c, withWarnings);
        return ToolResult.of(text(c, status), status);
    }

    /** The {@code catalog --json} object; scripts read it, so fields are added, never renamed or removed. */
    public static Map<String, Object> status(Catalog c, boolean withWarnings) {
        List<Map<String, Object>> mps = new ArrayList<>();
        for (Marketplace m : c.marketplaces()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("source", m.source());
            e.put("origin", m.origin());
            e.put("plugins", m.plugins().size());
            e.put("resolved", m.plugins().stream().filter(Plugin::resolved).count());
            e.put("installed", m.plugins().stream().filter(p -> p.install().installed()).count());
            for (ComponentKind k : ComponentKind.values()) {
                e.put(k.catalogKey(), m.plugins().stream().mapToLong(p -> p.count(k)).sum());
            }
            List<String> warnings = new ArrayList<>(m.warnings());
            List<Plugin> remote = new ArrayList<>();
            for (Plugin p : m.plugins()) {
                p.warnings().forEach(w -> warnings.add(p.name() + ": " + w));
                if (p.remoteSource() != null) {
                    remote.add(p);
                }
            }
            e.put("remote", remote.size());
            // Remote sources are normal in some marketplaces (most entries of some): one line, not one per plugin.
            if (remote.size() == 1) {
                warnings.add(remote.get(0).name() + ": remote source " + remoteLabel(remote.get(0)) + " listed, not resolved");
            } else if (remote.size() > 1) {
                warnings.add(remote.size() + " plugins have remote sources ("
                        + String.join(", ", remote.stream().map(p -> String.valueOf(p.remoteSource().get("source"))).distinct().sorted().toList())
                        + "): listed from their marketplace entries, components not resolved");
            }
            e.put("warning_count", warnings.size());
            e.put("warnings", withWarnings ? warnings : List.of());
            mps.add(e);
        }
        List<Map<String, Object>> collisions = new ArrayList<>();
        for (Collision col : c.collisions()) {
            collisions.add(Map.of("kind", col.kind(), "name", col.name(), "plugins", col.plugins()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("marketplaces", mps);
        out.put("collisions", collisions);
        out.put("warnings", c.warnings());
        out.put("total_plugins", c.size());
        out.put("refreshed_at", c.refreshedAt().toString());
        return out;
    }

    private static String remoteLabel(Plugin p) {
        Object kind = p.remoteSource().get("source");
        Object where = p.remoteSource().getOrDefault("url", p.remoteSource().getOrDefault("repo", ""));
        return kind + (where == null || where.toString().isEmpty() ? "" : " " + where);
    }

    @SuppressWarnings("unchecked")
    static String text(Catalog c, Map<String, Object> status) {
        StringBuilder sb = new StringBuilder();
        if (c.marketplaces().isEmpty()) {
            sb.append(EMPTY_HINT).append('\n');
        } else {
            sb.append("Catalog: ").append(c.size()).append(" plugins in ").append(c.marketplaces().size())
                    .append(" marketplaces (refreshed ").append(c.refreshedAt()).append(")\n\n");
            sb.append("| marketplace | plugins | resolved | installed | agents | commands | skills | hooks | mcp | warnings |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> m : (List<Map<String, Object>>) status.get("marketplaces")) {
                sb.append("| ").append(m.get("name")).append(" | ").append(m.get("plugins")).append(" | ")
                        .append(m.get("resolved")).append(" | ").append(m.get("installed")).append(" | ")
                        .append(m.get("agents")).append(" | ").append(m.get("commands")).append(" | ")
                        .append(m.get("skills")).append(" | ").append(m.get("hooks")).append(" | ")
                        .append(m.get("mcpServers")).append(" | ").append(m.get("warning_count")).append(" |\n");
            }
        }
        long agentCollisions = c.collisions().stream().filter(x -> x.kind().equals("agent")).count();
        if (agentCollisions > 0) {
            sb.append('\n').append(agentCollisions).append(" agent names are shipped by more than one plugin "
                    + "(Claude Code keys agents by name, so enabling both shadows one):");
            c.collisions().stream().filter(x -> x.kind().equals("agent")).limit(10)
                    .forEach(x -> sb.append("\n- ").append(x.name()).append(": ").append(String.join(", ", x.plugins())));
            sb.append('\n');
        }
        for (String w : c.warnings()) {
            sb.append("\nwarning: ").append(w);
        }
        return sb.toString().trim();
    }
}
