package dev.metaorch.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.metaorch.store.AtomicFiles;
import dev.metaorch.store.Ids;
import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;

/** Generated workflow specs, one YAML file each under {@code workflows/} in the data folder. */
public final class WorkflowStore {

    private final Path dir;

    public WorkflowStore(Path home) {
        this.dir = home.resolve("workflows");
    }

    public Path dir() {
        return dir;
    }

    public void save(WorkflowSpec spec) {
        Path f = Ids.file(dir, "workflow_id", spec.workflowId(), ".yaml");
        try {
            AtomicFiles.write(f, Json.yaml().writeValueAsString(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** The stored spec; an unknown or unsafe id is a clear {@link Refusal}. */
    public WorkflowSpec load(String workflowId) {
        return find(workflowId).orElseThrow(() -> new Refusal("unknown workflow_id '" + workflowId
                + "' (generate_workflow creates one; stored specs are in " + dir + ")"));
    }

    public Optional<WorkflowSpec> find(String workflowId) {
        Path f = Ids.file(dir, "workflow_id", workflowId, ".yaml");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.yaml().readValue(Files.readString(f), WorkflowSpec.class));
        } catch (IOException | RuntimeException e) {
            throw new Refusal("workflow " + workflowId + " is unreadable: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    public List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - 5)).filter(Ids::valid).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
