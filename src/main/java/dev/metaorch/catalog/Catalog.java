package dev.metaorch.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable view of every loaded marketplace, shared by all tool calls. A refresh builds a new
 * Catalog and swaps it in; readers never see a half-built one.
 */
public final class Catalog {

    private final List<Marketplace> marketplaces;
    private final List<Plugin> plugins;
    private final Map<String, Plugin> byId;
    private final List<Collision> collisions;
    /** Plugin id -> the ids of the same plugin shipped by several marketplaces (itself included), in catalog order. */
    private final Map<String, List<String>> twins;
    private final List<String> warnings;
    private final Instant refreshedAt;
    private final long version;

    public Catalog(List<Marketplace> marketplaces, List<String> warnings, Instant refreshedAt, long version) {
        this.marketplaces = List.copyOf(marketplaces);
        this.warnings = List.copyOf(warnings);
        this.refreshedAt = refreshedAt;
        this.version = version;
        List<Plugin> all = new ArrayList<>();
        Map<String, Plugin> ids = new LinkedHashMap<>();
        for (Marketplace m : this.marketplaces) {
            for (Plugin p : m.plugins()) {
                // A marketplace listing the same plugin twice: the first entry wins, as in Claude Code.
                if (ids.putIfAbsent(p.id(), p) == null) {
                    all.add(p);
                }
            }
        }
        this.plugins = Collections.unmodifiableList(all);
        this.byId = Collections.unmodifiableMap(ids);
        this.collisions = findCollisions(all);
        this.twins = findTwins(all);
    }

    /**
     * The same plugin shipped by two marketplaces: same name and the same components (kind and name). Claude Code
     * lists both; a user means one plugin.
     */
    private static Map<String, List<String>> findTwins(List<Plugin> plugins) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (Plugin p : plugins) {
            List<String> comps = p.components().stream().map(c -> c.kind().id() + ":" + c.name()).sorted().toList();
            byKey.computeIfAbsent(p.name() + "\u0000" + String.join("\u0000", comps), k -> new ArrayList<>()).add(p.id());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (List<String> ids : byKey.values()) {
            if (ids.size() > 1) {
                List<String> copy = List.copyOf(ids);
                copy.forEach(id -> out.put(id, copy));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The ids of the same plugin in every marketplace that ships it (same name, same components), this one
     * included, in catalog order; just this id when no other marketplace ships it.
     */
    public List<String> twins(String pluginId) {
        List<String> t = twins.get(pluginId);
        return t != null ? t : List.of(pluginId);
    }

    public static Catalog empty() {
        return new Catalog(List.of(), List.of(), Instant.now(), 0);
    }

    private static List<Collision> findCollisions(List<Plugin> plugins) {
        Map<String, List<String>> agents = new TreeMap<>();
        Map<String, List<String>> names = new TreeMap<>();
        for (Plugin p : plugins) {
            names.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.id());
            p.components(ComponentKind.AGENT).stream().map(Component::name).distinct()
                    .forEach(a -> agents.computeIfAbsent(a, k -> new ArrayList<>()).add(p.id()));
        }
        List<Collision> out = new ArrayList<>();
        agents.forEach((name, ids) -> {
            if (ids.size() > 1) {
                out.add(new Collision("agent", name, ids));
            }
        });
        names.forEach((name, ids) -> {
            if (ids.size() > 1) {
                out.add(new Collision("plugin", name, ids));
            }
        });
        return List.copyOf(out);
    }

    public List<Marketplace> marketplaces() {
        return marketplaces;
    }

    public List<Plugin> plugins() {
        return plugins;
    }

    public Optional<Plugin> plugin(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Collision> collisions() {
        return collisions;
    }

    /** Collisions that involve the given plugin. */
    public List<Collision> collisionsOf(String pluginId) {
        return collisions.stream().filter(c -> c.plugins().contains(pluginId)).toList();
    }

    /** Source-level warnings (a named folder that does not exist, an unreadable state file, ...). */
    public List<String> warnings() {
        return warnings;
    }

    public Instant refreshedAt() {
        return refreshedAt;
    }

    /** Increases with every rebuild; lets derived structures (search index) know they are stale. */
    public long version() {
        return version;
    }

    public boolean isEmpty() {
        return plugins.isEmpty();
    }

    public int size() {
        return plugins.size();
    }
}
