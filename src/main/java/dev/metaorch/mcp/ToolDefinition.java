package dev.metaorch.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * Everything a client learns about a tool before calling it: its name, description, whether it only reads (sent as
 * annotations) and its input schema, kept beside the code as {@code src/main/resources/mcp/schemas/<name>.json}.
 * The schema is the one statement of the arguments: {@link #args} checks a call against it, so the command line and
 * tests get the refusals the SDK gives an MCP client, in the tool's own words.
 *
 * @param schemaText the schema exactly as sent to clients
 * @param schema the same, parsed once for the argument checks
 */
public record ToolDefinition(String name, String description, boolean readOnly, String schemaText, JsonNode schema) {

    public ToolDefinition {
        if (!schema.isObject() || !"object".equals(schema.path("type").asString(""))) {
            throw new IllegalStateException("the input schema of " + name + " must be an object schema");
        }
    }

    /** A tool that only reads: clients may call it freely. */
    public static ToolDefinition reading(String name, String description) {
        return load(name, description, true);
    }

    /** A tool that changes state (files, runs, the pattern library). */
    public static ToolDefinition writing(String name, String description) {
        return load(name, description, false);
    }

    private static ToolDefinition load(String name, String description, boolean readOnly) {
        String text = schemaResource(name);
        return new ToolDefinition(name, description, readOnly, text, Json.MAPPER.readTree(text));
    }

    /** Checks {@code arguments} against the schema; a bad argument is a {@link ToolException} naming it. */
    public Args args(Map<String, Object> arguments) {
        return Args.of(this, arguments);
    }

    static String schemaResource(String name) {
        String path = "/mcp/schemas/" + name + ".json";
        try (InputStream in = ToolDefinition.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
