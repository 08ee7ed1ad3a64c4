package dev.metaorch.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plugin of a marketplace, normalized from a snapshot record or from plugin folders.
 *
 * @param id           Claude Code's id, {@code plugin@marketplace}
 * @param remoteSource the entry's {@code source} object when it is remote (url, git-subdir), else null
 * @param resolved     whether components were read from files (false for remote sources)
 * @param warnings     upstream breakage found while loading this plugin
 * @param examples     requests its README shows as examples of its use ({@link ExampleRequests}); relevance only,
 *                     empty for snapshots
 * @param readme       its README.md (Markdown), empty when none was read (snapshots, remote sources)
 * @param docs         what its marketplace's own docs say about it: the passages of the root README and
 *                     {@code docs/} that name it; empty when none
 */
public record Plugin(String id, String name, String marketplace, String version, String description, String category,
                     List<String> keywords, String author, String homepage, String license, String sourcePath,
                     Map<String, Object> remoteSource, boolean strict, boolean resolved, List<Component> components,
                     List<String> warnings, InstallState install, List<String> examples, String readme, String docs) {

    public Plugin {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(marketplace, "marketplace");
        id = id == null ? name + "@" + marketplace : id;
        description = description == null ? "" : description;
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        components = components == null ? List.of() : List.copyOf(components);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        install = install == null ? InstallState.NOT_INSTALLED : install;
        examples = examples == null ? List.of() : List.copyOf(examples);
        readme = readme == null ? "" : readme;
        docs = docs == null ? "" : docs;
    }

    public Plugin(String id, String name, String marketplace, String version, String description, String category,
                  List<String> keywords, String author, String homepage, String license, String sourcePath,
                  Map<String, Object> remoteSource, boolean strict, boolean resolved, List<Component> components,
                  List<String> warnings, InstallState install, List<String> examples) {
        this(id, name, marketplace, version, description, category, keywords, author, homepage, license, sourcePath,
                remoteSource, strict, resolved, components, warnings, install, examples, "", "");
    }

    public Plugin(String id, String name, String marketplace, String version, String description, String category,
                  List<String> keywords, String author, String homepage, String license, String sourcePath,
                  Map<String, Object> remoteSource, boolean strict, boolean resolved, List<Component> components,
                  List<String> warnings, InstallState install) {
        this(id, name, marketplace, version, description, category, keywords, author, homepage, license, sourcePath,
                remoteSource, strict, resolved, components, warnings, install, List.of());
    }

    public static String id(String name, String marketplace) {
        return name + "@" + marketplace;
    }

    public List<Component> components(ComponentKind kind) {
        return components.stream().filter(c -> c.kind() == kind).toList();
    }

    public long count(ComponentKind kind) {
        return components.stream().filter(c -> c.kind() == kind).count();
    }

    public Plugin withInstall(InstallState state) {
        return new Plugin(id, name, marketplace, version, description, category, keywords, author, homepage, license,
                sourcePath, remoteSource, strict, resolved, components, warnings, state, examples, readme, docs);
    }

    /** The same plugin with these components and what its marketplace's docs say about it. */
    public Plugin with(List<Component> newComponents, String newDocs) {
        return new Plugin(id, name, marketplace, version, description, category, keywords, author, homepage, license,
                sourcePath, remoteSource, strict, resolved, newComponents, warnings, install, examples, readme, newDocs);
    }
}
