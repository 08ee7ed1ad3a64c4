package dev.metaorch.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.util.Json;

/**
 * Settings from the data folder's {@code config.yaml} (never written by a tool call) and the environment.
 *
 * @param home              the data folder ({@code META_ORCH_HOME}, {@code --home}, default {@code ~/.meta-orchestrator})
 * @param allowedPrograms   programs validation checks may run (default empty: command checks are refused)
 * @param extraMarketplaces marketplace folders loaded beside Claude Code's own
 * @param neo4j             Neo4j connection, or null for file store only
 * @param warnings          problems found reading config.yaml
 */
public record Settings(Path home, List<String> allowedPrograms, List<Path> extraMarketplaces, Neo4jSettings neo4j,
                       List<String> warnings) {

    /** Neo4j connection settings. {@link #toString()} never shows the password. */
    public record Neo4jSettings(String uri, String user, String password, String database) {
        @Override
        public String toString() {
            // a URI may carry user:password@ itself
            String shown = uri == null ? null : uri.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@", "$1***@");
            if (shown != null && password != null && !password.isEmpty()) {
                shown = shown.replace(password, "***");
            }
            return "Neo4jSettings[uri=" + shown + ", user=" + user + ", database=" + database + "]";
        }
    }

    public Settings {
        allowedPrograms = List.copyOf(allowedPrograms);
        extraMarketplaces = List.copyOf(extraMarketplaces);
        warnings = List.copyOf(warnings);
    }

    public static Path defaultHome(Map<String, String> env) {
        String h = env.get("META_ORCH_HOME");
        if (h != null && !h.isBlank()) {
            return Path.of(h);
        }
        // $HOME first, as the launcher (class archives) and Claude Code's own folder (~/.claude) use it;
        // the JVM's user.home comes from the password database and can differ from it.
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".meta-orchestrator");
    }

    public Path configFile() {
        return home.resolve("config.yaml");
    }

    /** Reads {@code config.yaml} under {@code home} and the Neo4j variables of {@code env}. */
    public static Settings load(Path home, Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        List<String> programs = new ArrayList<>();
        List<Path> extra = new ArrayList<>();
        Path file = home.resolve("config.yaml");
        if (Files.isRegularFile(file)) {
            try {
                Object parsed = Json.yaml().readValue(Files.readString(file), Object.class);
                if (parsed instanceof Map<?, ?> m) {
                    Object validation = m.get("validation");
                    Object allow = validation instanceof Map<?, ?> v ? v.get("allowed_programs") : m.get("allowed_programs");
                    if (allow instanceof List<?> l) {
                        l.forEach(x -> programs.add(String.valueOf(x)));
                    } else if (allow != null) {
                        warnings.add("config.yaml: allowed_programs must be a list");
                    }
                    Object mps = m.get("marketplaces");
                    if (mps instanceof List<?> l) {
                        l.forEach(x -> extra.add(Path.of(String.valueOf(x).replaceFirst("^~", System.getProperty("user.home")))));
                    }
                } else if (parsed != null) {
                    warnings.add("config.yaml: expected a mapping at the top");
                }
            } catch (IOException | RuntimeException e) {
                warnings.add("config.yaml unreadable: " + e.getMessage().lines().findFirst().orElse("error"));
            }
        }
        Neo4jSettings neo4j = null;
        String uri = env.get("NEO4J_URI");
        if (uri != null && !uri.isBlank()) {
            neo4j = new Neo4jSettings(uri, env.getOrDefault("NEO4J_USER", "neo4j"), env.get("NEO4J_PASSWORD"),
                    env.get("NEO4J_DATABASE"));
        }
        return new Settings(home, programs, extra, neo4j, warnings);
    }
}
