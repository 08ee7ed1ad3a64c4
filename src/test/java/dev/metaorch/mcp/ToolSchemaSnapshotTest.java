package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pins every tool's definition as clients see it in tools/list (name, description, inputSchema) to
 * {@code src/test/resources/snapshots/<tool>.schema.json}, so a schema change is a visible diff in review.
 * A new tool without a snapshot fails. Run with {@code -Dsnapshots.update=true} to (re)write the snapshots.
 */
class ToolSchemaSnapshotTest {

    static final Path SNAPSHOTS = Path.of("src", "test", "resources", "snapshots");

    static boolean update() {
        return Boolean.getBoolean("snapshots.update");
    }

    /** The definition exactly as the server sends it, reduced to the pinned fields. */
    static JsonNode rendered(McpTool t) {
        JsonNode full = Json.tree(Server.toolDefinition(t, Server.jsonMapper()));
        ObjectNode out = Json.object();
        out.set("name", full.get("name"));
        out.set("description", full.get("description"));
        out.set("inputSchema", full.get("inputSchema"));
        return out;
    }

    @Test
    void everyToolMatchesItsSnapshot(@TempDir Path tmp) throws Exception {
        Settings settings = Settings.load(tmp, java.util.Map.of());
        List<McpTool> tools = Tools.all(new Services(settings, new CatalogSources(List.of(), List.of(), null, null, false)));
        assertFalse(tools.isEmpty());
        Set<String> names = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (McpTool t : tools) {
            if (!names.add(t.name())) {
                problems.add("tool name " + t.name() + " is listed twice");
            }
            String actual = Json.pretty(rendered(t)) + "\n";
            Path file = SNAPSHOTS.resolve(t.name() + ".schema.json");
            if (update()) {
                Files.createDirectories(SNAPSHOTS);
                if (!Files.exists(file) || !Json.MAPPER.readTree(Files.readString(file)).equals(rendered(t))) {
                    Files.writeString(file, actual, StandardCharsets.UTF_8);
                    System.err.println("snapshot written: " + file);
                }
                continue;
            }
            if (!Files.exists(file)) {
                problems.add(t.name() + ": no snapshot " + file + " (run mvn test -Dtest=ToolSchemaSnapshotTest "
                        + "-Dsnapshots.update=true and commit the file)");
                continue;
            }
            JsonNode expected = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!expected.equals(rendered(t))) {
                problems.add(t.name() + ": definition differs from " + file + "\n--- snapshot\n" + Json.pretty(expected)
                        + "\n+++ now\n" + actual + "If the change is intended, run with -Dsnapshots.update=true and commit the diff.");
            }
        }
        // A snapshot whose tool is gone is stale.
        if (Files.isDirectory(SNAPSHOTS)) {
            try (var s = Files.list(SNAPSHOTS)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json"))
                        .map(n -> n.substring(0, n.length() - ".schema.json".length()))
                        .filter(n -> !names.contains(n))
                        .forEach(n -> problems.add("snapshot " + n + ".schema.json has no tool; delete it"));
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n\n", problems));
        }
    }

    @Test
    void schemasAreObjectsThatRefuseUnknownArguments(@TempDir Path tmp) {
        Settings settings = Settings.load(tmp, java.util.Map.of());
        for (McpTool t : Tools.all(new Services(settings, new CatalogSources(List.of(), List.of(), null, null, false)))) {
            JsonNode schema = rendered(t).get("inputSchema");
            assertEquals("object", schema.path("type").asString(), t.name());
            assertEquals(false, schema.path("additionalProperties").asBoolean(true), t.name() + " must set additionalProperties: false");
            assertFalse(t.description().isBlank(), t.name());
        }
    }
}
