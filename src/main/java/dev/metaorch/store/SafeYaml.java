package dev.metaorch.store;

import dev.metaorch.util.Json;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Parses the store's YAML files. Jackson's YAML parser never expands aliases (it hands back the anchor's
 * name as a plain string), so an alias bomb costs nothing, but a document with aliases would be read
 * silently wrong. The store never writes aliases, so a file that has one was not written by it: refused.
 */
public final class SafeYaml {

    private SafeYaml() {
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try (JsonParser p = Json.yaml().createParser(bytes)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING && p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new IllegalArgumentException("YAML aliases are not allowed in data files (alias *" + p.getString() + ")");
                }
            }
        }
        return Json.yaml().readValue(bytes, type);
    }
}
