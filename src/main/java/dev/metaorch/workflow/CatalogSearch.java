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
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.PluginText;
import dev.metaorch.recommend.Scored;

/**
 * Relevance of plugins and of their invocable components (agents, commands, skills) to a text, over one
 * catalog: Lucene BM25 through the recommender's ranker, one index of plugin documents and one of
 * component documents. Built once per catalog version; immutable and thread-safe.
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

    private final Catalog catalog;
    private final Bm25Ranker<Plugin> plugins;
    private final Bm25Ranker<Ref> components;
    private final Map<String, List<Ref>> byPlugin = new HashMap<>();
    /** Phases per plugin id, worked out on first use (planning asks for them on every task; classifying is text work). */
    private final Map<String, Set<Phase>> phasesByPlugin = new ConcurrentHashMap<>();

    public CatalogSearch(Catalog catalog) {
        this.catalog = catalog;
        this.plugins = Bm25Ranker.of(catalog.plugins(), PluginText::document);
        List<Ref> refs = new ArrayList<>();
        for (Plugin p : catalog.plugins()) {
            List<Ref> mine = new ArrayList<>();
            for (Component c : p.components()) {
                if (invocable(c.kind())) {
                    Ref r = new Ref(p, c);
                    refs.add(r);
                    mine.add(r);
                }
            }
            byPlugin.put(p.id(), List.copyOf(mine));
        }
        // The plugin's name travels with each component: "security-scanning" says what its "auditor" audits.
        this.components = Bm25Ranker.of(refs, r -> r.plugin().name() + "\n" + PluginText.componentWithExamples(r.component()));
    }

    static boolean invocable(ComponentKind k) {
        return k == ComponentKind.AGENT || k == ComponentKind.COMMAND || k == ComponentKind.SKILL;
    }

    public Catalog catalog() {
        return catalog;
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

    public List<Scored<Plugin>> plugins(String text, int limit, Predicate<Plugin> allowed) {
        List<Scored<Plugin>> out = new ArrayList<>();
        for (Scored<Plugin> s : plugins.search(text, Math.min(plugins.size(), limit * 3 + 20))) {
            if (allowed.test(s.item())) {
                out.add(s);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    public List<Scored<Ref>> components(String text, int limit, Predicate<Ref> allowed) {
        List<Scored<Ref>> out = new ArrayList<>();
        for (Scored<Ref> s : components.search(text, Math.min(components.size(), limit * 3 + 50))) {
            if (allowed.test(s.item())) {
                out.add(s);
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
        return components.size();
    }
}
