package dev.metaorch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The argument checks that derive from a tool's input schema. */
class ArgsTest {

    /** The schema keywords Args checks, plus the ones that only document. */
    static final Set<String> CHECKED = Set.of("type", "properties", "required", "additionalProperties", "enum", "minLength",
            "maxLength", "minimum", "maximum", "maxItems", "items", "anyOf", "description");

    static ToolDefinition definition(String schema) {
        return new ToolDefinition("t", "test tool", true, schema, Json.MAPPER.readTree(schema));
    }

    static String refusal(ToolDefinition d, Map<String, Object> args) {
        return assertThrows(ToolException.class, () -> d.args(args)).getMessage();
    }

    @Test
    void everyToolSchemaUsesOnlyKeywordsThatAreChecked(@TempDir Path tmp) {
        // A keyword Args does not know (pattern, minItems, format...) would be published to clients but not checked
        // for the command line: this fails until Args checks it.
        List<String> unchecked = new ArrayList<>();
        Services s = new Services(Settings.load(tmp, Map.of()), new CatalogSources(List.of(), List.of(), null, null, false));
        for (McpTool t : Tools.all(s)) {
            Set<String> seen = new TreeSet<>();
            keywords(t.definition().schema(), seen);
            seen.removeAll(CHECKED);
            if (!seen.isEmpty()) {
                unchecked.add(t.name() + ": " + seen);
            }
        }
        assertEquals(List.of(), unchecked);
    }

    private static void keywords(JsonNode schema, Set<String> out) {
        for (String k : schema.propertyNames()) {
            out.add(k);
        }
        schema.path("properties").forEach(p -> keywords(p, out));
        if (schema.has("items")) {
            keywords(schema.get("items"), out);
        }
        schema.path("anyOf").forEach(f -> keywords(f, out));
    }

    @Test
    void refusalsNameTheToolTheArgumentAndTheRule() {
        ToolDefinition d = definition("""
                {"type": "object", "additionalProperties": false, "required": ["name"],
                 "properties": {
                   "name": {"type": "string", "minLength": 1, "maxLength": 5},
                   "mode": {"type": "string", "enum": ["a", "b", "c"]},
                   "count": {"type": "integer", "minimum": 1, "maximum": 9},
                   "from": {"type": "integer", "minimum": 0},
                   "ratio": {"type": "number", "minimum": 0, "maximum": 1},
                   "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 3}},
                   "items": {"type": "array", "items": {"anyOf": [{"type": "string"},
                       {"type": "object", "required": ["id"], "additionalProperties": false, "properties": {"id": {"type": "integer"}}}]}},
                   "meta": {"type": "object"}
                 }}""");
        assertEquals("t: 'name' is required", refusal(d, Map.of()));
        assertEquals("t: unknown argument 'x' (allowed: count, from, items, meta, mode, name, ratio, tags)",
                refusal(d, Map.of("name", "n", "x", 1)));
        assertEquals("t: 'name' must not be empty", refusal(d, Map.of("name", " ")));
        assertEquals("t: 'name' is too long (6 characters, at most 5)", refusal(d, Map.of("name", "abcdef")));
        assertEquals("t: 'mode' must be \"a\", \"b\" or \"c\" (got 'd')", refusal(d, Map.of("name", "n", "mode", "d")));
        assertEquals("t: 'count' must be between 1 and 9 (got 10)", refusal(d, Map.of("name", "n", "count", 10)));
        assertEquals("t: 'count' must be an integer", refusal(d, Map.of("name", "n", "count", 1.5)));
        assertEquals("t: 'from' must be at least 0 (got -1)", refusal(d, Map.of("name", "n", "from", -1)));
        assertEquals("t: 'from' must be at most 2147483647 (got 3000000000)", refusal(d, Map.of("name", "n", "from", 3_000_000_000L)));
        assertEquals("t: 'ratio' must be between 0.0 and 1.0 (got 1.5)", refusal(d, Map.of("name", "n", "ratio", 1.5)));
        assertEquals("t: 'ratio' must be a number", refusal(d, Map.of("name", "n", "ratio", Double.NaN)));
        assertEquals("t: 'tags' has more than 2 items", refusal(d, Map.of("name", "n", "tags", List.of("a", "b", "c"))));
        assertEquals("t: 'tags' must be a list of strings", refusal(d, Map.of("name", "n", "tags", "a")));
        assertEquals("t: 'tags[2]' is too long (4 characters, at most 3)", refusal(d, Map.of("name", "n", "tags", List.of("a", "abcd"))));
        assertEquals("t: 'items[1]' must be a string or an object", refusal(d, Map.of("name", "n", "items", List.of(true))));
        assertEquals("t: 'items[2].id' is required", refusal(d, Map.of("name", "n", "items", List.of("x", Map.of()))));
        assertEquals("t: 'items[1].id' must be an integer", refusal(d, Map.of("name", "n", "items", List.of(Map.of("id", "7")))));
        assertEquals("t: unknown field 'q' in 'items[1]' (allowed: id)", refusal(d, Map.of("name", "n", "items", List.of(Map.of("id", 1, "q", 2)))));
        assertEquals("t: 'meta' must be an object mapping names to values", refusal(d, Map.of("name", "n", "meta", List.of())));
    }

    @Test
    void goodArgumentsAreReadByTypeWithDefaults() {
        ToolDefinition d = definition("""
                {"type": "object", "additionalProperties": false,
                 "properties": {"n": {"type": "integer"}, "r": {"type": "number"}, "b": {"type": "boolean"},
                   "s": {"type": "string"}, "l": {"type": "array", "items": {"type": "string"}}, "m": {"type": "object"}}}""");
        Args a = d.args(Map.of("n", 3L, "r", 1, "b", true, "s", "x", "l", List.of("p", "q"), "m", Map.of("k", 1)));
        assertEquals(3, a.integer("n", 0));
        assertEquals(1.0, a.number("r", 0));
        assertTrue(a.bool("b", false));
        assertEquals("x", a.string("s"));
        assertEquals(List.of("p", "q"), a.strings("l"));
        assertEquals(Map.of("k", 1), a.map("m"));
        Args empty = d.args(null);
        assertEquals(7, empty.integer("n", 7));
        assertEquals(List.of(), empty.strings("l"));
        assertEquals(null, empty.string("s"));
        assertEquals("t: 's' must not be empty", assertThrows(ToolException.class, () -> d.args(Map.of("s", "")).text("s", 10)).getMessage());
        assertEquals("t: 's' is too long (3 characters, at most 2)",
                assertThrows(ToolException.class, () -> d.args(Map.of("s", "abc")).text("s", 2)).getMessage());
        assertEquals("t: 'n' must be at most 5 (got 6)", assertThrows(ToolException.class, () -> d.args(Map.of("n", 6)).atMost("n", 6, 5))
                .getMessage());
    }

    @Test
    void aSchemaThatIsNotAnObjectSchemaIsADefect() {
        assertThrows(IllegalStateException.class, () -> definition("{\"type\": \"string\"}"));
    }
}
