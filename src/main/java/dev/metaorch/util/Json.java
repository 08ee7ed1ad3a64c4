package dev.metaorch.util;

import java.util.Map;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The one place where JSON and YAML mappers are configured (Jackson 3, as the MCP SDK uses).
 * Limits are set here so that hostile input (deep nesting, huge documents, YAML alias bombs)
 * is rejected by the parser instead of exhausting memory.
 */
public final class Json {

    /** Largest JSON document we accept in one message or file. */
    public static final int MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;
    /** Deepest nesting we accept; real MCP messages stay under 20. */
    public static final int MAX_NESTING = 200;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxStringLength(MAX_DOCUMENT_CHARS)
            .maxDocumentLength(MAX_DOCUMENT_CHARS)
            .build();

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();


    /** Largest YAML file we parse (pattern records are a few KB). */
    public static final int MAX_YAML_CODE_POINTS = 4 * 1024 * 1024;

    /**
     * Mappers that start-up does not need live in holders, so their classes (and SnakeYAML's) load on first
     * use, not on the path to the MCP initialize answer.
     */
    private static final class YamlHolder {
        static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                        .streamReadConstraints(CONSTRAINTS)
                        .loadSettings(LoadSettings.builder()
                                .setMaxAliasesForCollections(50)
                                .setAllowRecursiveKeys(false)
                                .setCodePointLimit(MAX_YAML_CODE_POINTS)
                                .setAllowDuplicateKeys(true)
                                .build())
                        .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                        .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
                        .build())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static final class PrettyHolder {
        static final JsonMapper PRETTY = MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** The YAML mapper (alias, size and nesting limits), for pattern, workflow and config files. */
    public static YAMLMapper yaml() {
        return YamlHolder.YAML;
    }

    /** Pretty printer for human-facing JSON (CLI --json stays compact). */
    public static JsonMapper pretty() {
        return PrettyHolder.PRETTY;
    }

    private Json() {
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static String pretty(Object value) {
        return pretty().writeValueAsString(value);
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(Object value) {
        return MAPPER.convertValue(value, Map.class);
    }
}
