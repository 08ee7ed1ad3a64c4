package dev.metaorch.store.neo4j;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.metaorch.learn.Evidence;
import dev.metaorch.learn.Outcome;

/**
 * Evidence from the shared graph merged with this server's file store.
 *
 * <p>For a plugin: the graph snapshot's counts (every server's outcomes), plus this server's outcomes the
 * snapshot cannot contain yet (queued in the outbox, or written after it was read). Nothing is counted
 * twice, because an outcome leaves that local list only once a snapshot read after its commit exists.
 * When the file store knows more uses of a plugin than that (outcomes recorded before Neo4j was
 * configured, which the graph never saw), the file store's figures are used for that plugin instead:
 * the two are never added, since the graph may already hold part of what the file holds.
 * With no snapshot yet (Neo4j never reached) this is the file store's evidence.
 */
final class GraphEvidence implements Evidence {

    private final GraphService graph;
    private final Supplier<Evidence> file;

    GraphEvidence(GraphService graph, Supplier<Evidence> file) {
        this.graph = graph;
        this.file = file;
    }

    @Override
    public PluginEvidence plugin(String pluginId) {
        PluginEvidence f = file.get().plugin(pluginId);
        GraphService.Snapshot s = graph.snapshot();
        if (s == null) {
            return f;
        }
        PluginEvidence merged = merge(s.plugins().get(pluginId), pluginId);
        return f.uses() > merged.uses() ? f : merged;
    }

    private PluginEvidence merge(PluginEvidence g, String pluginId) {
        int uses = g == null ? 0 : g.uses();
        int ok = g == null ? 0 : g.successes();
        double totalSeconds = g == null ? 0 : g.avgSeconds() * g.uses();
        String last = g == null ? null : g.lastUsed();
        for (Outcome o : graph.localOutcomes()) {
            for (Outcome.StepResult st : o.steps()) {
                if (pluginId.equals(st.plugin())) {
                    uses++;
                    ok += st.success() ? 1 : 0;
                    totalSeconds += st.durationMs() / 1000.0;
                    if (o.completedAt() != null && (last == null || o.completedAt().compareTo(last) > 0)) {
                        last = o.completedAt();
                    }
                }
            }
        }
        return new PluginEvidence(pluginId, uses, ok, uses == 0 ? 0 : totalSeconds / uses, last);
    }

    @Override
    public Map<String, PluginEvidence> all() {
        Set<String> ids = new LinkedHashSet<>(file.get().all().keySet());
        GraphService.Snapshot s = graph.snapshot();
        if (s == null) {
            return file.get().all();
        }
        ids.addAll(s.plugins().keySet());
        for (Outcome o : graph.localOutcomes()) {
            o.steps().forEach(st -> {
                if (st.plugin() != null) {
                    ids.add(st.plugin());
                }
            });
        }
        Map<String, PluginEvidence> out = new HashMap<>();
        for (String id : ids) {
            PluginEvidence e = plugin(id);
            if (e.uses() > 0) {
                out.put(id, e);
            }
        }
        return out;
    }
}
