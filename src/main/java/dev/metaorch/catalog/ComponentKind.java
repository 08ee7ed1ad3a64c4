package dev.metaorch.catalog;

import java.util.Locale;

/** The kinds of component a Claude Code plugin can ship. */
public enum ComponentKind {
    AGENT("agent", "agents"),
    COMMAND("command", "commands"),
    SKILL("skill", "skills"),
    HOOK("hook", "hooks"),
    MCP("mcp", "mcpServers"),
    LSP("lsp", "lspServers");

    private final String id;
    private final String catalogKey;

    ComponentKind(String id, String catalogKey) {
        this.id = id;
        this.catalogKey = catalogKey;
    }

    /** The name used in JSON outputs ("agent", "command", ...). */
    public String id() {
        return id;
    }

    /** The key of this kind in snapshot records and plugin manifests ("agents", "mcpServers", ...). */
    public String catalogKey() {
        return catalogKey;
    }

    public static ComponentKind parse(String s) {
        String v = s.toLowerCase(Locale.ROOT);
        for (ComponentKind k : values()) {
            if (k.id.equals(v) || k.catalogKey.equalsIgnoreCase(v)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown component kind '" + s + "' (expected agent, command, skill, hook, mcp or lsp)");
    }
}
