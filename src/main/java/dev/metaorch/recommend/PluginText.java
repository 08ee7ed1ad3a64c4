package dev.metaorch.recommend;

import java.util.StringJoiner;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;

/** The texts the rankers index, kept in one place so every ranker reads the same words. */
public final class PluginText {

    private PluginText() {
    }

    /**
     * The pinned baseline document of a plugin: name, description, keywords, category and every
     * component's name and description, as one text.
     */
    public static String document(Plugin p) {
        StringJoiner sj = new StringJoiner("\n");
        sj.add(p.name());
        sj.add(p.description());
        sj.add(String.join(" ", p.keywords()));
        if (p.category() != null) {
            sj.add(p.category());
        }
        for (Component c : p.components()) {
            sj.add(c.name());
            sj.add(c.description());
        }
        return sj.toString();
    }

    /** A component's own text: its name (and file stem when different) and description. */
    public static String component(Component c) {
        String name = c.file() != null && !c.file().equals(c.name()) ? c.name() + " " + c.file() : c.name();
        return name + "\n" + c.description();
    }
}
