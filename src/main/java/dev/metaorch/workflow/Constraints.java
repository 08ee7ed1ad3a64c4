package dev.metaorch.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.Refusal;

/**
 * What the caller allows a plan to use. Plugin names may be given as {@code name@marketplace} or as a bare
 * name (every marketplace's plugin of that name); a name the catalog does not know is an error, so a typo
 * never silently widens or narrows the plan.
 *
 * @param required     plugin ids that must appear in the plan
 * @param excluded     plugin ids that must not appear
 * @param marketplaces marketplace names to draw from (empty: all)
 * @param maxSteps     at most this many steps
 */
public record Constraints(Set<String> required, Set<String> excluded, Set<String> marketplaces, boolean installedOnly,
                          int maxSteps) {

    public static final int DEFAULT_MAX_STEPS = 8;
    public static final Constraints NONE = new Constraints(Set.of(), Set.of(), Set.of(), false, DEFAULT_MAX_STEPS);

    public Constraints {
        required = Set.copyOf(required);
        excluded = Set.copyOf(excluded);
        marketplaces = Set.copyOf(marketplaces);
    }

    /** Resolves and checks names against the catalog; unknown names and contradictions are clear errors. */
    public static Constraints resolve(Catalog catalog, List<String> required, List<String> excluded,
                                      List<String> marketplaces, boolean installedOnly, int maxSteps) {
        Set<String> known = new TreeSet<>();
        for (Marketplace m : catalog.marketplaces()) {
            known.add(m.name());
        }
        List<String> unknownMarkets = marketplaces.stream().filter(m -> !known.contains(m)).toList();
        if (!unknownMarkets.isEmpty()) {
            throw new Refusal("unknown marketplace " + quote(unknownMarkets) + " (loaded: " + String.join(", ", known) + ")");
        }
        Set<String> req = ids(catalog, required, "required_plugins");
        Set<String> exc = ids(catalog, excluded, "excluded_plugins");
        Set<String> both = new TreeSet<>(req);
        both.retainAll(exc);
        if (!both.isEmpty()) {
            throw new Refusal("plugin " + quote(new ArrayList<>(both)) + " is both required and excluded");
        }
        Constraints c = new Constraints(req, exc, Set.copyOf(marketplaces), installedOnly, maxSteps);
        for (String id : req) {
            Plugin p = catalog.plugin(id).orElseThrow();
            if (!marketplaces.isEmpty() && !marketplaces.contains(p.marketplace())) {
                throw new Refusal("required plugin '" + id + "' is not in the allowed marketplaces " + marketplaces);
            }
            if (installedOnly && !p.install().installed()) {
                throw new Refusal("required plugin '" + id + "' is not installed (installed_only is set); "
                        + "install it with: claude plugin install " + id);
            }
        }
        return c;
    }

    private static Set<String> ids(Catalog catalog, List<String> names, String field) {
        Set<String> out = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            String name = n.trim();
            if (catalog.plugin(name).isPresent()) {
                out.add(name);
                continue;
            }
            List<String> byName = catalog.plugins().stream().filter(p -> p.name().equals(name)).map(Plugin::id).toList();
            if (byName.isEmpty()) {
                unknown.add(n);
            } else {
                out.addAll(byName);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Refusal(field + ": unknown plugin " + quote(unknown)
                    + " (use name@marketplace or a plugin name from the catalog; catalog_status lists what is loaded)");
        }
        return out;
    }

    private static String quote(List<String> names) {
        return names.size() == 1 ? "'" + names.get(0) + "'" : names.stream().map(s -> "'" + s + "'").toList().toString();
    }

    /** Whether a plan may use this plugin. */
    public boolean allows(Plugin p) {
        if (excluded.contains(p.id())) {
            return false;
        }
        if (!marketplaces.isEmpty() && !marketplaces.contains(p.marketplace())) {
            return false;
        }
        return !installedOnly || p.install().installed();
    }

    /** The constraints as stored in the spec. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("required_plugins", new ArrayList<>(new TreeSet<>(required)));
        m.put("excluded_plugins", new ArrayList<>(new TreeSet<>(excluded)));
        m.put("marketplaces", new ArrayList<>(new TreeSet<>(marketplaces)));
        m.put("installed_only", installedOnly);
        m.put("max_steps", maxSteps);
        return m;
    }
}
