package dev.metaorch.catalog;

import static dev.metaorch.util.Texts.firstLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * Reads a marketplace folder the way Claude Code does: {@code .claude-plugin/marketplace.json}, then each
 * plugin entry's {@code source} (never a glob of the folder: some repositories keep thousands of backup
 * copies), then the plugin folder's manifest and component files.
 *
 * <p>Upstream breakage never fails the load; it becomes a warning on the plugin or marketplace: invalid
 * front matter (parsed leniently), declared files that do not exist, missing plugin folders,
 * non-standard hooks.json, remote sources (listed, not resolved), paths escaping the marketplace,
 * FIFOs or folders where files are expected, symlink cycles.
 */
public final class MarketplaceFolderLoader {

    /** Markdown files larger than this are read only up to it: front matter sits at the top. */
    static final int MAX_MARKDOWN_BYTES = 256 * 1024;
    /** JSON manifests larger than this are refused (real ones are under 200 KB). */
    static final long MAX_JSON_BYTES = 8L * 1024 * 1024;
    static final int MAX_DEPTH = 8;
    static final int AGENT_DESCRIPTION_CAP = 400;
    static final int PLUGIN_DESCRIPTION_CAP = 600;

    private static final Pattern SUBAGENT_TYPE = Pattern.compile(
            "subagent_type\\s*[=:]\\s*[\"'`]?([A-Za-z0-9_.:-]+)[\"'`]?");
    private static final Pattern H1 = Pattern.compile("(?m)^#\\s+(.+)$");
    private static final List<String> COMPONENT_KEYS = List.of("agents", "commands", "skills", "hooks", "mcpServers", "lspServers");

    private MarketplaceFolderLoader() {
    }

    /** The files whose change means the marketplace must be reloaded. */
    public static Path manifest(Path dir) {
        return dir.resolve(".claude-plugin").resolve("marketplace.json");
    }

    public static Marketplace load(Path dir, String origin, String source) {
        return load(dir, origin, source, new LinkedHashSet<>());
    }

    /**
     * Loads a marketplace folder.
     *
     * @param watched receives every file and folder read, so a later change to any of them can trigger a reload
     */
    public static Marketplace load(Path dir, String origin, String source, Set<Path> watched) {
        List<String> warnings = new ArrayList<>();
        Path manifest = manifest(dir);
        watched.add(manifest);
        JsonNode root;
        try {
            root = readJson(manifest);
        } catch (IOException | RuntimeException e) {
            warnings.add("no readable .claude-plugin/marketplace.json in " + dir + " (" + firstLine(e) + ")");
            return new Marketplace(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
                    source, origin, List.of(), warnings);
        }
        String name = SnapshotLoader.text(root, "name");
        if (name == null || name.isBlank()) {
            name = dir.getFileName() == null ? "marketplace" : dir.getFileName().toString();
            warnings.add("marketplace.json has no name; using the folder name '" + name + "'");
        }
        String pluginRoot = SnapshotLoader.text(root.path("metadata"), "pluginRoot");
        Set<String> seen = new LinkedHashSet<>();
        JsonNode entries = root.path("plugins");
        if (!entries.isArray()) {
            warnings.add("marketplace.json has no plugins list");
        }
        List<JsonNode> listed = new ArrayList<>();
        for (JsonNode entry : entries) {
            String pluginName = SnapshotLoader.text(entry, "name");
            if (pluginName == null || pluginName.isBlank()) {
                warnings.add("a plugin entry without a name was skipped");
                continue;
            }
            if (!seen.add(pluginName)) {
                warnings.add("plugin '" + pluginName + "' is listed twice; the first entry is used");
                continue;
            }
            listed.add(entry);
        }
        // Reading a plugin's folder is independent of the others: the folders are read on every core (most of
        // a first start over large marketplaces), and the results are taken in the listed order.
        String market = name;
        List<Loaded> loaded = java.util.stream.IntStream.range(0, listed.size()).parallel().mapToObj(i -> {
            Set<Path> mine = new LinkedHashSet<>();
            try {
                return new Loaded(loadPlugin(dir, market, pluginRoot, listed.get(i), mine), mine, null);
            } catch (RuntimeException e) {
                return new Loaded(null, mine, "plugin '" + SnapshotLoader.text(listed.get(i), "name") + "': " + firstLine(e));
            }
        }).toList();
        List<Plugin> plugins = new ArrayList<>();
        for (Loaded l : loaded) {
            watched.addAll(l.watched());
            if (l.plugin() != null) {
                plugins.add(l.plugin());
            } else {
                warnings.add(l.warning());
            }
        }
        return new Marketplace(name, source, origin, withDocExamples(dir, plugins, watched), warnings);
    }

    /** One listed plugin read: the plugin or why it was not, and the paths whose changes reload it. */
    private record Loaded(Plugin plugin, Set<Path> watched, String warning) {
    }

    /** Most marketplace-level Markdown documents read for command invocations (root README, then docs/). */
    static final int MAX_DOCS = 40;

    /**
     * The marketplace's own documentation (its root {@code README.md} and Markdown under {@code docs/}, which
     * Claude Code keeps with the cloned marketplace) shows commands in use as {@code /plugin:command arguments};
     * each such argument becomes an example request of that command. Only fully qualified invocations count, so
     * an argument is never attributed to the wrong plugin.
     */
    private static List<Plugin> withDocExamples(Path dir, List<Plugin> plugins, Set<Path> watched) {
        List<Path> docs = new ArrayList<>();
        Path readme = dir.resolve("README.md");
        watched.add(readme);
        if (Files.isRegularFile(readme) && inside(dir, readme)) {
            docs.add(readme);
        }
        Path docDir = dir.resolve("docs");
        watched.add(docDir);
        if (Files.isDirectory(docDir) && inside(dir, docDir)) {
            try (Stream<Path> s = Files.walk(docDir, 3)) {
                s.filter(f -> f.toString().endsWith(".md") && Files.isRegularFile(f) && inside(dir, f)).sorted()
                        .limit(MAX_DOCS).forEach(docs::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // unreadable docs only cost examples
            }
        }
        Map<String, Map<String, List<String>>> found = new HashMap<>();
        MarketplaceDocs passages = new MarketplaceDocs(plugins.stream().map(Plugin::name).toList());
        for (Path f : docs) {
            watched.add(f);
            try {
                String text = readMarkdown(f);
                for (ExampleRequests.Invocation i : ExampleRequests.qualifiedInvocations(text)) {
                    found.computeIfAbsent(i.plugin(), k -> new HashMap<>()).computeIfAbsent(i.command(), k -> new ArrayList<>())
                            .add(i.arguments());
                }
                passages.read(text);
            } catch (IOException e) {
                // as above
            }
        }
        List<Plugin> out = new ArrayList<>(plugins.size());
        for (Plugin p : plugins) {
            Map<String, List<String>> mine = found.getOrDefault(p.name(), Map.of());
            List<Component> comps = mine.isEmpty() ? p.components() : p.components().stream()
                    .map(c -> c.kind() == ComponentKind.COMMAND && mine.containsKey(c.name())
                            ? c.withExamples(ExampleRequests.merge(ExampleRequests.MAX_PER_SOURCE, List.of(c.examples(), mine.get(c.name()))))
                            : c).toList();
            String said = passages.about(p.name());
            out.add(mine.isEmpty() && said.isEmpty() ? p : p.with(comps, said));
        }
        return out;
    }

    static Plugin loadPlugin(Path marketDir, String marketplace, String pluginRoot, JsonNode entry, Set<Path> watched) {
        String name = SnapshotLoader.text(entry, "name");
        List<String> warnings = new ArrayList<>();
        JsonNode source = entry.get("source");
        Map<String, Object> remote = null;
        Path root = null;
        String sourcePath = null;
        if (source != null && source.isObject()) {
            String kind = SnapshotLoader.text(source, "source");
            if ("directory".equals(kind) || "local".equals(kind)) {
                sourcePath = SnapshotLoader.text(source, "path");
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = Json.MAPPER.convertValue(source, Map.class);
                remote = m;
            }
        } else if (source != null && source.isString()) {
            sourcePath = source.asString();
        } else {
            warnings.add("entry has no source");
        }
        if (sourcePath != null) {
            String rel = sourcePath;
            if (pluginRoot != null && !rel.startsWith("./") && !rel.startsWith("../") && !rel.startsWith("/") && !rel.equals(".")) {
                rel = pluginRoot.replaceAll("/+$", "") + "/" + rel;
            }
            Path candidate = marketDir.resolve(rel).normalize();
            if (!inside(marketDir, candidate)) {
                warnings.add("source path '" + sourcePath + "' leaves the marketplace folder; not read");
            } else if (!Files.isDirectory(candidate)) {
                warnings.add("source path '" + sourcePath + "' does not exist");
            } else {
                root = candidate;
            }
        }

        // Marketplace entry first, then the plugin's own manifest fills what the entry leaves out.
        JsonNode manifest = null;
        if (root != null) {
            Path pj = root.resolve(".claude-plugin").resolve("plugin.json");
            watched.add(pj);
            watched.add(root);
            if (Files.exists(pj, LinkOption.NOFOLLOW_LINKS) || Files.exists(pj)) {
                try {
                    manifest = readJson(pj);
                } catch (IOException | RuntimeException e) {
                    warnings.add("plugin.json unreadable: " + firstLine(e));
                }
            }
        }
        String version = first(entry, manifest, "version");
        String description = FrontMatter.cleanDescription(first(entry, manifest, "description"), PLUGIN_DESCRIPTION_CAP);
        String category = first(entry, manifest, "category");
        String homepage = first(entry, manifest, "homepage");
        String license = first(entry, manifest, "license");
        String author = author(entry.get("author"));
        if (author == null && manifest != null) {
            author = author(manifest.get("author"));
        }
        LinkedHashSet<String> keywords = new LinkedHashSet<>(SnapshotLoader.strings(entry.path("keywords")));
        keywords.addAll(SnapshotLoader.strings(entry.path("tags")));
        if (manifest != null) {
            keywords.addAll(SnapshotLoader.strings(manifest.path("keywords")));
        }
        boolean strict = !entry.has("strict") || entry.path("strict").asBoolean(true);

        List<Component> components = new ArrayList<>();
        List<String> readme = List.of();
        String readmeText = "";
        if (root != null) {
            boolean entryDeclares = COMPONENT_KEYS.stream().anyMatch(entry::has);
            Components found = new Components(marketDir, root, name, warnings, watched);
            if (!strict && entryDeclares) {
                // strict:false with its own component lists: the entry is the whole plugin definition.
                found.declared(entry);
            } else {
                found.defaults();
                if (manifest != null) {
                    found.declared(manifest);
                }
                found.declared(entry);
            }
            components.addAll(found.list());
            readme = found.readme(components);
            // A plugin at the repository root would take the repository's README, which is about the whole collection.
            readmeText = root.equals(marketDir.normalize()) ? "" : found.readmeText();
            components.clear();
            components.addAll(found.list());
        } else if (remote != null) {
            // Remote plugins: only what the entry itself declares can be listed, by name.
            if (entry.path("lspServers").isObject()) {
                entry.path("lspServers").propertyNames().forEach(n -> components.add(Component.of(ComponentKind.LSP, n, "")));
            }
            if (entry.path("mcpServers").isObject()) {
                entry.path("mcpServers").propertyNames().forEach(n -> components.add(Component.of(ComponentKind.MCP, n, "")));
            }
            for (String skill : SnapshotLoader.strings(entry.path("skills"))) {
                String n = Path.of(skill).getFileName() == null ? skill : Path.of(skill).getFileName().toString();
                components.add(Component.of(ComponentKind.SKILL, n, ""));
            }
        }
        return new Plugin(Plugin.id(name, marketplace), name, marketplace, version, description, category,
                List.copyOf(keywords), author, homepage, license, root == null ? null : relative(marketDir, root),
                remote, strict, root != null, components, warnings, null, readme, readmeText, "");
    }

    private static String relative(Path base, Path p) {
        String r = base.relativize(p).toString();
        return r.isEmpty() ? "." : r;
    }

    private static String first(JsonNode entry, JsonNode manifest, String field) {
        String v = SnapshotLoader.text(entry, field);
        if ((v == null || v.isBlank()) && manifest != null) {
            v = SnapshotLoader.text(manifest, field);
        }
        return v;
    }

    private static String author(JsonNode a) {
        if (a == null || a.isNull()) {
            return null;
        }
        if (a.isObject()) {
            return SnapshotLoader.text(a, "name");
        }
        return a.isValueNode() ? a.asString() : null;
    }

    static boolean inside(Path base, Path p) {
        Path b = base.toAbsolutePath().normalize();
        Path c = p.toAbsolutePath().normalize();
        if (!c.startsWith(b)) {
            return false;
        }
        try {
            // A symlink inside may still point outside.
            if (Files.exists(c)) {
                return c.toRealPath().startsWith(b.toRealPath());
            }
        } catch (IOException e) {
            return false;
        }
        return true;
    }

    static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(Files.isDirectory(file) ? "is a folder, expected a file" : "missing or not a regular file");
        }
        if (Files.size(file) > MAX_JSON_BYTES) {
            throw new IOException("larger than " + MAX_JSON_BYTES + " bytes");
        }
        return Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Reads at most {@link #MAX_MARKDOWN_BYTES} of a regular file, decoding broken UTF-8 leniently. */
    static String readMarkdown(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_MARKDOWN_BYTES);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        }
    }

    /** Collects the components of one plugin root, de-duplicated by kind and name. */
    private static final class Components {
        private final Path base;
        private final Path root;
        private final String plugin;
        private final List<String> warnings;
        private final Set<Path> watched;
        private final Map<String, Component> byKey = new LinkedHashMap<>();
        private String readmeText = "";

        Components(Path base, Path root, String plugin, List<String> warnings, Set<Path> watched) {
            this.base = base;
            this.root = root;
            this.plugin = plugin;
            this.warnings = warnings;
            this.watched = watched;
        }

        /**
         * The plugin README's example requests (whole quoted lines); invocations of the plugin's commands in it
         * become those commands' examples. Empty when there is no readable README inside the plugin root.
         */
        List<String> readme(List<Component> found) {
            Path f = root.resolve("README.md");
            watched.add(f);
            if (!Files.isRegularFile(f) || !inside(root, f)) {
                return List.of();
            }
            String text;
            try {
                text = readMarkdown(f);
            } catch (IOException e) {
                warnings.add("README.md: " + firstLine(e) + "; skipped");
                return List.of();
            }
            readmeText = text;
            for (Component c : found) {
                if (c.kind() == ComponentKind.COMMAND) {
                    List<String> more = ExampleRequests.invocations(text, plugin, c.name());
                    if (!more.isEmpty()) {
                        byKey.put(c.kind().id() + "\u0000" + c.name(), c.withExamples(
                                ExampleRequests.merge(ExampleRequests.MAX_PER_SOURCE, List.of(c.examples(), more))));
                    }
                }
            }
            return ExampleRequests.quotedLines(text);
        }

        List<Component> list() {
            return List.copyOf(byKey.values());
        }

        /** The README read by {@link #readme}, empty when there was none. */
        String readmeText() {
            return readmeText;
        }

        /** Where a component file is, relative to the marketplace folder ('/' separated). */
        private String source(Path f) {
            return base.relativize(f).toString().replace('\\', '/');
        }

        void add(Component c) {
            byKey.putIfAbsent(c.kind().id() + "\u0000" + c.name(), c);
        }

        void defaults() {
            Path agents = root.resolve("agents");
            if (Files.isDirectory(agents)) {
                markdownIn(agents, false).forEach(this::agent);
            }
            Path commands = root.resolve("commands");
            if (Files.isDirectory(commands)) {
                for (Path f : markdownIn(commands, true)) {
                    String rel = commands.relativize(f).toString().replace('\\', '/');
                    command(f, rel.substring(0, rel.length() - 3).replace('/', ':'));
                }
            }
            Path skills = root.resolve("skills");
            if (Files.isDirectory(skills)) {
                skillsIn(skills);
            } else if (Files.isRegularFile(root.resolve("SKILL.md"))) {
                skill(root);
            }
            Path hooks = root.resolve("hooks").resolve("hooks.json");
            if (Files.exists(hooks)) {
                hooksFile(hooks);
            }
            Path mcp = root.resolve(".mcp.json");
            if (Files.exists(mcp)) {
                serversFile(mcp, ComponentKind.MCP, "mcpServers");
            }
            Path lsp = root.resolve(".lsp.json");
            if (Files.exists(lsp)) {
                serversFile(lsp, ComponentKind.LSP, "lspServers");
            }
        }

        /** Component paths declared in plugin.json or the marketplace entry (string, list, or inline object). */
        void declared(JsonNode spec) {
            for (String key : COMPONENT_KEYS) {
                JsonNode v = spec.get(key);
                if (v == null || v.isNull()) {
                    continue;
                }
                if (v.isObject() && (key.equals("hooks") || key.equals("mcpServers") || key.equals("lspServers"))) {
                    inline(key, v);
                    continue;
                }
                List<String> paths = SnapshotLoader.strings(v);
                for (String rel : paths) {
                    Path p = root.resolve(rel).normalize();
                    if (!inside(root, p)) {
                        warnings.add(key + " path '" + rel + "' leaves the plugin folder; not read");
                        continue;
                    }
                    if (!Files.exists(p)) {
                        warnings.add("declared " + key + " path '" + rel + "' does not exist");
                        continue;
                    }
                    switch (key) {
                        case "agents" -> {
                            if (Files.isDirectory(p)) {
                                markdownIn(p, false).forEach(this::agent);
                            } else {
                                agent(p);
                            }
                        }
                        case "commands" -> {
                            if (Files.isDirectory(p)) {
                                for (Path f : markdownIn(p, true)) {
                                    String r = p.relativize(f).toString().replace('\\', '/');
                                    command(f, r.substring(0, r.length() - 3).replace('/', ':'));
                                }
                            } else {
                                command(p, stem(p));
                            }
                        }
                        case "skills" -> {
                            if (Files.isRegularFile(p.resolve("SKILL.md"))) {
                                skill(p);
                            } else if (Files.isDirectory(p)) {
                                skillsIn(p);
                            } else if (p.getFileName().toString().equals("SKILL.md")) {
                                skill(p.getParent());
                            } else {
                                warnings.add("declared skills path '" + rel + "' is not a skill folder");
                            }
                        }
                        case "hooks" -> hooksFile(p);
                        case "mcpServers" -> serversFile(p, ComponentKind.MCP, "mcpServers");
                        case "lspServers" -> serversFile(p, ComponentKind.LSP, "lspServers");
                        default -> { }
                    }
                }
            }
        }

        private void inline(String key, JsonNode v) {
            switch (key) {
                case "hooks" -> hooks(v.has("hooks") ? v.get("hooks") : v, "inline hooks");
                case "mcpServers" -> v.propertyNames().forEach(n -> add(Component.of(ComponentKind.MCP, n, "")));
                case "lspServers" -> v.propertyNames().forEach(n -> add(Component.of(ComponentKind.LSP, n, "")));
                default -> { }
            }
        }

        private List<Path> markdownIn(Path dir, boolean recursive) {
            List<Path> out = new ArrayList<>();
            watched.add(dir);
            try {
                Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), recursive ? MAX_DEPTH : 1, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        watched.add(d);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String n = file.getFileName().toString();
                        if (n.endsWith(".md") && !n.equalsIgnoreCase("README.md")) {
                            if (attrs.isRegularFile()) {
                                out.add(file);
                            } else if (!attrs.isDirectory()) {
                                warnings.add(root.relativize(file) + " is not a regular file; skipped");
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        warnings.add(root.relativize(file) + ": " + (exc instanceof java.nio.file.FileSystemLoopException
                                ? "symlink cycle; skipped" : firstLine(exc)));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                warnings.add(root.relativize(dir) + ": " + firstLine(e));
            }
            out.sort(null);
            return out;
        }

        private void skillsIn(Path dir) {
            watched.add(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path d : s.sorted().toList()) {
                    if (Files.isDirectory(d)) {
                        Path f = d.resolve("SKILL.md");
                        if (Files.exists(f)) {
                            skill(d);
                        }
                    }
                }
            } catch (IOException e) {
                warnings.add(root.relativize(dir) + ": " + firstLine(e));
            }
        }

        private FrontMatter read(Path f) {
            watched.add(f);
            try {
                FrontMatter fm = FrontMatter.parse(readMarkdown(f));
                if (fm.lenient()) {
                    warnings.add(root.relativize(f) + ": front matter is not valid YAML; read leniently");
                }
                return fm;
            } catch (IOException e) {
                warnings.add(root.relativize(f) + ": " + firstLine(e) + "; skipped");
                return null;
            }
        }

        private void agent(Path f) {
            FrontMatter fm = read(f);
            if (fm == null) {
                return;
            }
            String stem = stem(f);
            String name = blankToNull(fm.string("name"));
            if (name == null) {
                name = stem;
            }
            add(new Component(ComponentKind.AGENT, name, stem.equals(name) ? null : stem,
                    FrontMatter.cleanDescription(fm.string("description"), AGENT_DESCRIPTION_CAP), fm.string("model"),
                    null, fm.list("tools"), references(fm.body()), ExampleRequests.merge(ExampleRequests.MAX_PER_SOURCE,
                    List.of(ExampleRequests.turns(fm.raw()), ExampleRequests.turns(fm.body()))))
                    .withText(fm.body(), source(f)));
        }

        private void command(Path f, String name) {
            FrontMatter fm = read(f);
            if (fm == null) {
                return;
            }
            String description = fm.string("description");
            if (description == null || description.isBlank()) {
                description = firstProse(fm.body());
            }
            add(new Component(ComponentKind.COMMAND, name, null, FrontMatter.cleanDescription(description, AGENT_DESCRIPTION_CAP),
                    fm.string("model"), fm.string("argument-hint"), List.of(), references(fm.body()),
                    ExampleRequests.invocations(fm.body(), plugin, name)).withText(fm.body(), source(f)));
        }

        private void skill(Path dir) {
            Path f = dir.resolve("SKILL.md");
            FrontMatter fm = read(f);
            if (fm == null) {
                return;
            }
            String folder = dir.getFileName().toString();
            String name = blankToNull(fm.string("name"));
            if (name == null) {
                name = folder;
            }
            add(new Component(ComponentKind.SKILL, name, name.equals(folder) ? null : folder,
                    FrontMatter.cleanDescription(fm.string("description"), AGENT_DESCRIPTION_CAP), null, null,
                    List.of(), references(fm.body()), ExampleRequests.merge(ExampleRequests.MAX_PER_SOURCE,
                    List.of(ExampleRequests.turns(fm.raw()), ExampleRequests.turns(fm.body()))))
                    .withText(fm.body(), source(f)));
        }

        private void hooksFile(Path f) {
            watched.add(f);
            try {
                JsonNode n = readJson(f);
                hooks(n.has("hooks") ? n.get("hooks") : n, root.relativize(f).toString());
            } catch (IOException | RuntimeException e) {
                warnings.add(root.relativize(f) + ": " + firstLine(e));
            }
        }

        private void hooks(JsonNode events, String where) {
            if (events.isArray() && events.size() > 0 && events.get(0).has("event")) {
                // Some plugins ship a list of registrations that each name their event; Claude Code expects an
                // event map. The registrations are still listed (as the snapshot catalog does), with a warning.
                warnings.add(where + ": non-standard hooks file (a list of registrations, not an event map)");
                for (JsonNode r : events) {
                    String event = SnapshotLoader.text(r, "event");
                    if (event == null || event.isBlank()) {
                        continue;
                    }
                    String matcher = SnapshotLoader.text(r, "matcher");
                    add(Component.of(ComponentKind.HOOK, matcher == null || matcher.isBlank() ? event : event + ":" + matcher, ""));
                }
                return;
            }
            if (!events.isObject()) {
                warnings.add(where + ": non-standard hooks file (no event map); skipped");
                return;
            }
            for (Map.Entry<String, JsonNode> e : events.properties()) {
                JsonNode regs = e.getValue();
                if (!regs.isArray()) {
                    warnings.add(where + ": non-standard entry for " + e.getKey());
                    add(Component.of(ComponentKind.HOOK, e.getKey(), ""));
                    continue;
                }
                for (JsonNode r : regs) {
                    String matcher = SnapshotLoader.text(r, "matcher");
                    add(Component.of(ComponentKind.HOOK, matcher == null || matcher.isBlank() ? e.getKey() : e.getKey() + ":" + matcher, ""));
                }
            }
        }

        private void serversFile(Path f, ComponentKind kind, String key) {
            watched.add(f);
            try {
                JsonNode n = readJson(f);
                JsonNode servers = n.has(key) ? n.get(key) : n;
                if (!servers.isObject()) {
                    warnings.add(root.relativize(f) + ": no server map");
                    return;
                }
                servers.propertyNames().forEach(name -> add(Component.of(kind, name, "")));
            } catch (IOException | RuntimeException e) {
                warnings.add(root.relativize(f) + ": " + firstLine(e));
            }
        }
    }

    static List<String> references(String body) {
        if (body == null || body.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> refs = new LinkedHashSet<>();
        Matcher m = SUBAGENT_TYPE.matcher(body);
        while (m.find()) {
            refs.add(m.group(1));
        }
        return List.copyOf(refs);
    }

    private static String firstProse(String body) {
        if (body == null) {
            return null;
        }
        Matcher h1 = H1.matcher(body);
        if (h1.find()) {
            return h1.group(1).trim();
        }
        for (Iterator<String> it = body.lines().iterator(); it.hasNext(); ) {
            String l = it.next().trim();
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("```")) {
                return l;
            }
        }
        return null;
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
