package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.ComponentHit;
import dev.metaorch.recommend.RelevanceIndex;
import dev.metaorch.recommend.Scored;

/**
 * The planner's view of one catalog: its invocable components (agents, commands, skills) with their plugins,
 * and relevance through the shared engine ({@link RelevanceIndex}, the one recommend_plugins ranks with).
 * Immutable and thread-safe; built once per catalog version.
 */
public final class CatalogSearch {

    /** A component together with the plugin that ships it. */
    public record Ref(Plugin plugin, Component component) {
        public String key() {
            return plugin.id() + "#" + component.kind().id() + ":" + component.name();
        }

        /** {@code plugin:component}, the way Claude Code names a plugin's agent. */
        public String qualified() {
            return plugin.name() + ":" + component.name();
        }

        public Phase phase() {
            return Phase.classify(component.roleName(), component.description());
        }
    }

    /** The kinds a step can invoke. */
    public static final Set<ComponentKind> INVOCABLE = Collections.unmodifiableSet(
            EnumSet.of(ComponentKind.AGENT, ComponentKind.COMMAND, ComponentKind.SKILL));

    private final Catalog catalog;
    private final RelevanceIndex index;
    private final Map<String, List<Ref>> byPlugin = new HashMap<>();
    private final Map<String, Set<Phase>> phasesByPlugin = new ConcurrentHashMap<>();
    private final int count;

    public CatalogSearch(Catalog catalog, RelevanceIndex index) {
        this.catalog = catalog;
        this.index = index;
        int n = 0;
        for (Plugin p : catalog.plugins()) {
            List<Ref> mine = new ArrayList<>();
            for (Component c : p.components()) {
                if (invocable(c.kind())) {
                    mine.add(new Ref(p, c));
                }
            }
            n += mine.size();
            byPlugin.put(p.id(), List.copyOf(mine));
        }
        this.count = n;
    }

    static boolean invocable(ComponentKind k) {
        return INVOCABLE.contains(k);
    }

    public Catalog catalog() {
        return catalog;
    }

    public RelevanceIndex index() {
        return index;
    }

    /** The plugin's agents, commands and skills, in catalog order. */
    public List<Ref> components(Plugin p) {
        return byPlugin.getOrDefault(p.id(), List.of());
    }

    /** The phases the plugin's agents, commands and skills do. */
    public Set<Phase> phases(Plugin p) {
        return phasesByPlugin.computeIfAbsent(p.id(), id -> {
            Set<Phase> out = EnumSet.noneOf(Phase.class);
            components(p).forEach(r -> out.add(r.phase()));
            return Collections.unmodifiableSet(out);
        });
    }

    /** Plugins ranked for a text by the shared engine. */
    public List<Scored<Plugin>> plugins(String text, int limit, Predicate<Plugin> allowed) {
        return index.rankPlugins(text, allowed, limit);
    }

    /**
     * Invocable components for an action in the context of a whole task (null: none), best first, from plugins
     * {@code allowed} accepts, with the engine's score and coverage.
     */
    public List<ComponentHit> hits(String action, String context, Predicate<Plugin> allowed, int limit) {
        return index.searchComponents(action, context, INVOCABLE, allowed, limit);
    }

    /** {@link #hits(String, String, Predicate, int)} with the context's words at {@code contextWeight} each. */
    public List<ComponentHit> hits(String action, String context, float contextWeight, Predicate<Plugin> allowed, int limit) {
        return index.searchComponents(action, context, contextWeight, INVOCABLE, allowed, limit);
    }

    public List<Scored<Ref>> components(String text, int limit, Predicate<Ref> allowed) {
        List<Scored<Ref>> out = new ArrayList<>();
        for (ComponentHit h : index.searchComponents(text, null, INVOCABLE, null, Math.min(count, limit * 3 + 50))) {
            Ref r = new Ref(h.plugin(), h.component());
            if (allowed.test(r)) {
                out.add(new Scored<>(r, h.score()));
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Component scores by {@link Ref#key()} for the text (only components that match a word). */
    public Map<String, Double> componentScores(String text, int limit, Predicate<Ref> allowed) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Scored<Ref> s : components(text, limit, allowed)) {
            m.put(s.item().key(), s.score());
        }
        return m;
    }

    public int componentCount() {
        return count;
    }
}
