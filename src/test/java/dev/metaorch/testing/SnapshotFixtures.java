package dev.metaorch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal catalog snapshot naming given plugin ids, for tests that record explicit outcomes (record_outcome
 * refuses plugin ids the catalog does not have).
 */
public final class SnapshotFixtures {

    private SnapshotFixtures() {
    }

    /** Writes {@code dir/fixture.jsonl} with one component-less plugin per id ({@code name@marketplace}). */
    public static Path plugins(Path dir, List<String> ids) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (String id : ids) {
            int at = id.indexOf('@');
            String name = id.substring(0, at);
            String market = id.substring(at + 1);
            jsonl.append("{\"marketplace\": \"").append(market).append("\", \"plugin\": \"").append(name)
                    .append("\", \"plugin_id\": \"").append(id).append("\", \"description\": \"test plugin ").append(name)
                    .append("\", \"category\": \"development\", \"components\": {\"agents\": [], \"commands\": [], "
                            + "\"skills\": [], \"hooks\": [], \"mcpServers\": []}}\n");
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("fixture.jsonl"), jsonl.toString());
    }
}
