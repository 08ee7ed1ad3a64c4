package dev.metaorch.store.neo4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.config.Settings.Neo4jSettings;
import dev.metaorch.learn.Outcome;
import dev.metaorch.learn.Pattern;

/** Shared test inputs: the snapshot catalog of ../shared, and outcomes and patterns built at run time. */
final class Fixtures {

    private Fixtures() {
    }

    static CatalogSources catalog() {
        return CatalogSources.snapshots(Path.of(System.getProperty("shared.dir", "../shared")).resolve("catalog"));
    }

    static Services services(Path home, Neo4jSettings neo4j) {
        return new Services(new Settings(home, List.of(), List.of(), neo4j, List.of()), catalog());
    }

    /** An outcome over the given plugins; step i fails with {@code error} when {@code failStep == i}. */
    static Outcome outcome(String id, String patternId, boolean success, int failStep, String error, String... plugins) {
        List<Outcome.StepResult> steps = new ArrayList<>();
        for (int i = 0; i < plugins.length; i++) {
            boolean fails = failStep == i + 1;
            steps.add(new Outcome.StepResult(i + 1, plugins[i], "agent-" + (i + 1), fails ? "failure" : "success",
                    1000L * (i + 1), fails ? error : null, null));
        }
        return new Outcome(id, patternId, "wf-" + id, "task of " + id, success ? "success" : "failure",
                1234L, "2026-11-20T10:00:00Z", "2026-11-20T10:0" + (id.hashCode() & 7) + ":00Z", steps);
    }

    /** A queued outcome write over two plugins. */
    static GraphWrite outcomeWrite(String id) {
        return GraphWrite.outcome(outcome(id, "pat-1", true, 0, null, "a@m", "b@m"));
    }

    static Pattern pattern(String id, String status, String... plugins) {
        List<Pattern.Step> steps = new ArrayList<>();
        for (String p : plugins) {
            steps.add(new Pattern.Step(p, "agent", "does its part", null, null));
        }
        return new Pattern(id, "Pattern " + id, "a pattern for tests", "testing", null, List.of("test"), steps,
                Pattern.Metrics.EMPTY, List.of(), List.of(), List.of(), status, "2026-11-20T09:00:00Z",
                "2026-11-20T09:00:00Z");
    }
}
