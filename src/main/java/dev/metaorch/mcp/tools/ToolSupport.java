package dev.metaorch.mcp.tools;

import java.util.Map;

import dev.metaorch.store.neo4j.Discovery;

/** What known_issues and find_alternatives share: the "which source answered" fields and line. */
final class ToolSupport {

    private ToolSupport() {
    }

    static void putSource(Map<String, Object> out, Discovery.Answer<?> a) {
        out.put("source", a.source());
        out.put("neo4j", a.neo4j());
        if (a.detail() != null) {
            out.put("neo4j_detail", a.detail());
        }
    }

    static String sourceLine(Discovery.Answer<?> a) {
        String src = switch (a.source()) {
            case "neo4j" -> "Source: the shared Neo4j graph.";
            case "catalog" -> "Source: similarity computed from the catalog.";
            default -> "Source: the local pattern store and catalog.";
        };
        return switch (a.neo4j()) {
            case "unavailable" -> src + " Neo4j is unavailable" + (a.detail() == null ? "." : " (" + a.detail() + ").");
            case "not_configured" -> src + " Neo4j is not configured (set NEO4J_URI to share learning across servers).";
            default -> src;
        };
    }
}
