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

    /**
     * The example requests of a plugin's README and of its components, one per line (empty for snapshot
     * catalogs). Our rankers index them beside the baseline document; the pinned baseline does not.
     */
    public static String examples(Plugin p) {
        StringJoiner sj = new StringJoiner("\n");
        p.examples().forEach(sj::add);
        for (Component c : p.components()) {
            c.examples().forEach(sj::add);
        }
        return sj.toString();
    }

    /** What our rankers index of a component: its own text and its example requests. */
    public static String componentWithExamples(Component c) {
        return withExamples(component(c), c.examples());
    }

    /** A text followed by example requests, one per line (the text alone when there are none). */
    public static String withExamples(String text, java.util.List<String> examples) {
        return examples.isEmpty() ? text : text + "\n" + String.join("\n", examples);
    }

    /** A component's own text: its name (and file stem when different) and description. */
    public static String component(Component c) {
        String name = c.file() != null && !c.file().equals(c.name()) ? c.name() + " " + c.file() : c.name();
        return name + "\n" + c.description();
    }
}
