package dev.metaorch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.catalog.SnapshotLoader;

/**
 * Outcomes the reliability suite records: plugin sequences drawn from the real catalog, tasks from the
 * dev queries when present, a mix of successes and failures with per-step results and errors, each with
 * a unique execution id so what was acknowledged can be looked up afterwards.
 */
public final class RecordLoad {

    static final String[] FALLBACK_TASKS = {"Build a REST API with JWT authentication", "Set up CI for a monorepo",
            "Write unit tests for a parser", "Review a pull request for security issues", "Deploy a service to Kubernetes"};

    private RecordLoad() {
    }

    /** Eight plugin sequences of two or three real plugin ids, spread over the catalog. */
    public static List<List<String>> sequences(Path catalog) {
        List<String> ids = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Marketplace m : SnapshotLoader.load(catalog, warnings)) {
            for (Plugin p : m.plugins()) {
                ids.add(p.id());
            }
        }
        ids.sort(null);
        List<List<String>> out = new ArrayList<>();
        if (ids.size() < 3) {
            for (int i = 0; i < 8; i++) {
                out.add(List.of("reliability-a" + i + "@bench", "reliability-b" + i + "@bench"));
            }
            return out;
        }
        int stride = Math.max(1, ids.size() / 24);
        for (int i = 0; i < 8; i++) {
            String a = ids.get((i * 3 * stride) % ids.size());
            String b = ids.get((i * 3 * stride + stride) % ids.size());
            String c = ids.get((i * 3 * stride + 2 * stride) % ids.size());
            out.add(i % 2 == 0 ? List.of(a, b) : List.of(a, b, c));
        }
        return out;
    }

    /** Task texts: the dev set's queries when the shared folder is there, else a few fixed ones. */
    public static List<String> tasks(Path shared) {
        Path q = shared.resolve("bench/queries-dev.jsonl");
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(q)) {
            for (DevQueries d : DevQueries.load(q)) {
                if (d.query() != null && !d.query().isBlank()) {
                    out.add(d.query());
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(List.of(FALLBACK_TASKS));
        }
        return out;
    }

    /** record_outcome arguments for one execution. */
    public static Map<String, Object> outcome(String executionId, List<List<String>> sequences, Random random) {
        List<String> seq = sequences.get(random.nextInt(sequences.size()));
        boolean ok = random.nextInt(5) != 0;
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("execution_id", executionId);
        args.put("task", FALLBACK_TASKS[random.nextInt(FALLBACK_TASKS.length)]);
        args.put("status", ok ? "success" : "failure");
        args.put("duration_seconds", 1 + random.nextInt(600));
        args.put("plugin_sequence", seq);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int i = 0; i < seq.size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", i + 1);
            s.put("plugin", seq.get(i));
            boolean stepOk = ok || i < seq.size() - 1;
            s.put("status", stepOk ? "success" : "failure");
            s.put("duration_seconds", 1 + random.nextInt(200));
            if (!stepOk) {
                s.put("error", "npm ERR! missing dependency 'left-pad' in /tmp/build-" + random.nextInt(1000));
            }
            steps.add(s);
        }
        args.put("steps", steps);
        if (!ok) {
            args.put("errors", List.of("step " + seq.size() + " failed: exit code " + (1 + random.nextInt(3))));
        }
        return args;
    }
}
