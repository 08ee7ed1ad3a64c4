package dev.metaorch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * Rebuilds realistic marketplace folders from the catalog snapshots in {@code shared/catalog}: the real
 * {@code marketplace.json} (copied at test time), and at each plugin's {@code source_path} a plugin folder
 * with {@code .claude-plugin/plugin.json}, {@code agents/*.md}, {@code commands/**}{@code /*.md},
 * {@code skills/<dir>/SKILL.md}, {@code hooks/hooks.json}, {@code .mcp.json}. Markdown files carry front matter
 * only (name, description, model, tools, argument-hint) and one generated body line: the snapshot texts never
 * enter the repository, and bodies are not in the snapshots anyway.
 *
 * <p>The upstream breakage present in the snapshots is reproduced as it is (a plugin folder missing from its
 * repository, files declared by {@code strict: false} entries that do not exist, hooks.json in a list format,
 * remote sources); {@link #breakage(Path)} builds a separate small marketplace with every other kind of breakage
 * the loaders must survive (invalid YAML, FIFOs, folders where files belong, a symlink cycle, collisions).
 *
 * <p>{@link #fullSize()} generates all five marketplaces (696 plugins) once per JVM and shares them; callers must
 * treat that tree as read-only (copy it with {@link #copy(Path, Path)} to edit).
 */
public final class MarketplaceFixtures {

    /** Name of the marketplace built by {@link #breakage(Path)}. */
    public static final String BREAKAGE = "fixture-breakage";

    private static Path fullSize;

    private MarketplaceFixtures() {
    }

    /** {@code shared/}: system property {@code shared.dir} (set by the pom), else {@code ../shared}. */
    public static Path sharedDir() {
        String p = System.getProperty("shared.dir");
        Path dir = p != null ? Path.of(p) : Path.of("..", "shared");
        return dir.toAbsolutePath().normalize();
    }

    public static Path catalogDir() {
        return sharedDir().resolve("catalog");
    }

    /** Expected counts of one marketplace, from {@code sources.json}. */
    public record Counts(int plugins, int resolved, int agents, int commands, int skills, int hooks, int mcpServers,
                         int lspServers) {
    }

    /** {@code sources.json}: marketplace name to its counts, in file order. */
    public static Map<String, Counts> expectedCounts() {
        Map<String, Counts> out = new LinkedHashMap<>();
        for (JsonNode m : readJson(catalogDir().resolve("sources.json"))) {
            JsonNode c = m.get("counts");
            out.put(m.get("marketplace").asString(), new Counts(c.get("plugins").asInt(), c.get("resolved").asInt(),
                    c.get("agents").asInt(), c.get("commands").asInt(), c.get("skills").asInt(), c.get("hooks").asInt(),
                    c.get("mcpServers").asInt(), c.get("lspServers").asInt()));
        }
        return out;
    }

    public static List<String> marketplaceNames() {
        return List.copyOf(expectedCounts().keySet());
    }

    /**
     * All five marketplaces at full size, generated on first use into a temporary folder deleted when the JVM
     * exits: {@code <root>/<marketplace>/.claude-plugin/marketplace.json} and its plugins. Read-only for callers.
     */
    public static synchronized Path fullSize() {
        if (fullSize == null) {
            try {
                Path root = Files.createTempDirectory("metaorch-marketplaces-");
                deleteOnExit(root);
                for (String name : marketplaceNames()) {
                    generate(name, root.resolve(name));
                }
                fullSize = root;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fullSize;
    }

    /** One marketplace folder of {@link #fullSize()}. */
    public static Path marketplace(String name) {
        return fullSize().resolve(name);
    }

    /** Snapshot records of one marketplace, in marketplace.json order. */
    public static List<JsonNode> records(String marketplace) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(catalogDir().resolve(marketplace + ".jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Generates one marketplace folder into {@code dir} (created) from its snapshot. */
    public static Path generate(String marketplace, Path dir) {
        try {
            Path raw = catalogDir().resolve("raw").resolve(marketplace + ".marketplace.json");
            Files.createDirectories(dir.resolve(".claude-plugin"));
            Files.copy(raw, dir.resolve(".claude-plugin").resolve("marketplace.json"));
            JsonNode manifest = readJson(raw);
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            for (JsonNode e : manifest.path("plugins")) {
                entries.putIfAbsent(e.path("name").asString(), e);
            }
            for (JsonNode r : records(marketplace)) {
                writePlugin(dir, r, entries.get(r.path("plugin").asString()));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePlugin(Path marketDir, JsonNode r, JsonNode entry) throws IOException {
        String sourcePath = text(r, "source_path");
        if (sourcePath == null) {
            return; // remote source: nothing local, as upstream
        }
        List<String> warnings = strings(r.path("warnings"));
        if (warnings.stream().anyMatch(w -> w.startsWith("source path ") && w.contains("missing"))) {
            return; // the repository really lacks this folder
        }
        Path root = marketDir.resolve(sourcePath).normalize();
        Files.createDirectories(root);
        JsonNode c = r.path("components");
        boolean strict = r.path("strict").asBoolean(true);
        boolean entryDeclares = entry != null && (entry.has("agents") || entry.has("commands") || entry.has("skills")
                || entry.has("hooks") || entry.has("mcpServers") || entry.has("lspServers"));
        if (!strict && entryDeclares) {
            writeDeclared(root, c, entry, warnings);
            return;
        }
        if (r.path("has_plugin_json").asBoolean(false)) {
            Map<String, Object> pj = new LinkedHashMap<>();
            pj.put("name", r.path("plugin").asString());
            putIf(pj, "version", text(r, "version"));
            putIf(pj, "description", text(r, "description"));
            write(root.resolve(".claude-plugin/plugin.json"), Json.pretty(pj));
        }
        for (JsonNode a : c.path("agents")) {
            writeAgent(root.resolve("agents").resolve(a.path("file").asString(a.path("name").asString()) + ".md"), a);
        }
        for (JsonNode cmd : c.path("commands")) {
            writeCommand(root.resolve("commands").resolve(cmd.path("name").asString().replace(':', '/') + ".md"), cmd);
        }
        for (JsonNode s : c.path("skills")) {
            String dirName = s.has("dir") ? s.get("dir").asString() : s.path("name").asString();
            writeSkill(root.resolve("skills").resolve(dirName).resolve("SKILL.md"), s);
        }
        List<String> hooks = strings(c.path("hooks"));
        if (!hooks.isEmpty()) {
            boolean listFormat = warnings.stream().anyMatch(w -> w.contains("hooks.json") && w.contains("non-standard"));
            write(root.resolve("hooks/hooks.json"), listFormat ? listHooks(hooks) : standardHooks(hooks));
        }
        List<String> mcp = strings(c.path("mcpServers"));
        if (!mcp.isEmpty()) {
            write(root.resolve(".mcp.json"), servers("mcpServers", mcp));
        }
        List<String> lsp = strings(c.path("lspServers"));
        if (!lsp.isEmpty() && (entry == null || !entry.path("lspServers").isObject())) {
            write(root.resolve(".lsp.json"), servers("lspServers", lsp));
        }
    }

    /** A {@code strict: false} entry lists the plugin's files itself; write exactly those that exist upstream. */
    private static void writeDeclared(Path root, JsonNode c, JsonNode entry, List<String> warnings) throws IOException {
        Set<String> missing = new LinkedHashSet<>();
        for (String w : warnings) {
            int i = w.indexOf(" path missing: ");
            if (w.startsWith("declared ") && i > 0) {
                missing.add(w.substring(i + " path missing: ".length()).trim());
            }
        }
        Map<String, JsonNode> agents = new LinkedHashMap<>();
        c.path("agents").forEach(a -> agents.put(a.path("file").asString(a.path("name").asString()), a));
        Map<String, JsonNode> commands = new LinkedHashMap<>();
        c.path("commands").forEach(a -> commands.put(a.path("name").asString(), a));
        for (String p : strings(entry.path("agents"))) {
            JsonNode a = agents.get(stem(p));
            if (!missing.contains(p) && a != null) {
                writeAgent(root.resolve(p).normalize(), a);
            }
        }
        for (String p : strings(entry.path("commands"))) {
            JsonNode a = commands.get(stem(p));
            if (!missing.contains(p) && a != null) {
                writeCommand(root.resolve(p).normalize(), a);
            }
        }
        if (entry.path("mcpServers").isArray() || entry.path("mcpServers").isString()) {
            List<String> names = strings(c.path("mcpServers"));
            List<String> files = strings(entry.path("mcpServers")).stream().filter(p -> !missing.contains(p)).toList();
            for (int i = 0; i < files.size(); i++) {
                // One server per declared file when the counts agree (as upstream); otherwise all in the first.
                List<String> here = files.size() == names.size() ? List.of(names.get(i))
                        : i == 0 ? names : List.of();
                write(root.resolve(files.get(i)).normalize(), servers("mcpServers", here));
            }
        }
    }

    private static void writeAgent(Path file, JsonNode a) throws IOException {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("name", a.path("name").asString());
        putIf(fm, "description", text(a, "description"));
        putIf(fm, "model", text(a, "model"));
        List<String> tools = strings(a.path("tools"));
        if (!tools.isEmpty()) {
            fm.put("tools", String.join(", ", tools)); // the common upstream spelling: a comma string
        }
        write(file, frontMatter(fm) + "\nGenerated test fixture: agent " + a.path("name").asString() + ".\n");
    }

    private static void writeCommand(Path file, JsonNode cmd) throws IOException {
        String description = text(cmd, "description");
        if ("body".equals(text(cmd, "description_from"))) {
            // No front matter upstream: the description is the first heading of the body.
            write(file, "# " + (description == null ? "" : description) + "\n\nGenerated test fixture.\n");
            return;
        }
        Map<String, Object> fm = new LinkedHashMap<>();
        putIf(fm, "description", description);
        putIf(fm, "argument-hint", text(cmd, "argument_hint"));
        write(file, frontMatter(fm) + "\nGenerated test fixture: command " + cmd.path("name").asString() + ".\n");
    }

    private static void writeSkill(Path file, JsonNode s) throws IOException {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("name", s.path("name").asString());
        putIf(fm, "description", text(s, "description"));
        write(file, frontMatter(fm) + "\nGenerated test fixture: skill " + s.path("name").asString() + ".\n");
    }

    static String frontMatter(Map<String, Object> fields) {
        String yaml = fields.isEmpty() ? "" : Json.yaml().writeValueAsString(fields);
        if (!yaml.isEmpty() && !yaml.endsWith("\n")) {
            yaml += "\n";
        }
        return "---\n" + yaml + "---\n";
    }

    /** {@code {"hooks": {"Event": [{"matcher": "...", "hooks": [...]}]}}}, the documented format. */
    private static String standardHooks(List<String> hooks) {
        Map<String, List<Object>> events = new LinkedHashMap<>();
        for (String h : hooks) {
            int i = h.indexOf(':');
            String event = i < 0 ? h : h.substring(0, i);
            Map<String, Object> reg = new LinkedHashMap<>();
            if (i >= 0) {
                reg.put("matcher", h.substring(i + 1));
            }
            reg.put("hooks", List.of(Map.of("type", "command", "command", "true")));
            events.computeIfAbsent(event, k -> new ArrayList<>()).add(reg);
        }
        return Json.pretty(Map.of("hooks", events));
    }

    /** A list of registrations each naming its event, the non-standard shape some plugins ship. */
    private static String listHooks(List<String> hooks) {
        List<Object> regs = new ArrayList<>();
        for (String h : hooks) {
            int i = h.indexOf(':');
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("event", i < 0 ? h : h.substring(0, i));
            if (i >= 0) {
                reg.put("matcher", h.substring(i + 1));
            }
            reg.put("command", "true");
            regs.add(reg);
        }
        return Json.pretty(Map.of("hooks", regs));
    }

    private static String servers(String key, List<String> names) {
        Map<String, Object> servers = new LinkedHashMap<>();
        for (String n : names) {
            servers.put(n, Map.of("command", "true", "args", List.of()));
        }
        return Json.pretty(Map.of(key, servers));
    }

    // ---------------------------------------------------------------------------------------------
    // breakage

    /**
     * A small marketplace named {@value #BREAKAGE} with every kind of breakage the loaders must survive, one
     * plugin each: {@code bad-yaml} (front matter that is not YAML), {@code declared-missing} (plugin.json names
     * files that do not exist), {@code missing-folder}, {@code odd-hooks} (hooks.json that is not an event map),
     * {@code remote-url} and {@code remote-subdir} (listed, not resolved), {@code collide-a}/{@code collide-b}
     * (one agent name in two plugins), {@code special-files} (FIFOs and folders where files are expected) and
     * {@code cycle} (a symlink cycle under {@code commands/}), plus {@code healthy} as a control.
     */
    public static Path breakage(Path dir) {
        try {
            Files.createDirectories(dir.resolve(".claude-plugin"));
            List<Map<String, Object>> entries = new ArrayList<>();
            for (String p : List.of("healthy", "bad-yaml", "declared-missing", "missing-folder", "odd-hooks",
                    "collide-a", "collide-b", "special-files", "cycle")) {
                entries.add(entry(p, "./plugins/" + p));
            }
            entries.add(entry("remote-url", Map.of("source", "url", "url", "https://example.invalid/remote-url.git")));
            entries.add(entry("remote-subdir", Map.of("source", "git-subdir", "url", "https://example.invalid/mono.git",
                    "path", "plugins/remote-subdir")));
            write(dir.resolve(".claude-plugin/marketplace.json"), Json.pretty(Map.of("name", BREAKAGE,
                    "owner", Map.of("name", "meta-orchestrator tests"), "plugins", entries)));
            Path plugins = dir.resolve("plugins");

            Path healthy = plugins.resolve("healthy");
            write(healthy.resolve(".claude-plugin/plugin.json"), Json.pretty(Map.of("name", "healthy", "version", "1.0.0")));
            write(healthy.resolve("agents/helper.md"), frontMatter(Map.of("name", "healthy-helper",
                    "description", "Helps with healthy things")) + "body\n");
            write(healthy.resolve("commands/check.md"), frontMatter(Map.of("description", "Checks")) + "body\n");
            write(healthy.resolve("skills/tidy/SKILL.md"), frontMatter(Map.of("name", "tidy", "description", "Tidies")));

            // Unquoted colons and a tab: not YAML, but every key is still readable line by line.
            write(plugins.resolve("bad-yaml/agents/broken.md"), "---\nname: yaml-breaker\n"
                    + "description: Use this agent when: the YAML is broken: badly\n\ttools: [Read\nmodel: sonnet\n---\nbody\n");
            write(plugins.resolve("bad-yaml/commands/unterminated.md"), "---\ndescription: never closed\n");

            write(plugins.resolve("declared-missing/.claude-plugin/plugin.json"), Json.pretty(Map.of(
                    "name", "declared-missing", "agents", List.of("./extra/ghost.md"), "commands", "./more-commands")));
            write(plugins.resolve("declared-missing/agents/real.md"), frontMatter(Map.of("name", "real-agent",
                    "description", "Exists")));

            // missing-folder: listed in marketplace.json, never created.

            write(plugins.resolve("odd-hooks/hooks/hooks.json"), "{\"hooks\": \"run ./scripts/setup.sh on start\"}");
            write(plugins.resolve("odd-hooks/commands/ok.md"), frontMatter(Map.of("description", "Still loads")));

            for (String p : List.of("collide-a", "collide-b")) {
                write(plugins.resolve(p + "/agents/reviewer.md"), frontMatter(Map.of("name", "code-reviewer",
                        "description", "Reviews code (" + p + ")")));
            }

            Path special = plugins.resolve("special-files");
            write(special.resolve("agents/normal.md"), frontMatter(Map.of("name", "special-normal", "description", "ok")));
            mkfifo(special.resolve("agents/pipe.md"));
            Files.createDirectories(special.resolve("commands/folder.md"));
            write(special.resolve("commands/real.md"), frontMatter(Map.of("description", "real command")));
            Files.createDirectories(special.resolve("skills/fifo-skill"));
            mkfifo(special.resolve("skills/fifo-skill/SKILL.md"));
            Files.createDirectories(special.resolve("skills/folder-skill/SKILL.md"));
            Files.createDirectories(special.resolve("hooks"));
            mkfifo(special.resolve("hooks/hooks.json"));
            mkfifo(special.resolve(".mcp.json"));
            Files.createDirectories(special.resolve(".claude-plugin/plugin.json"));

            Path cycle = plugins.resolve("cycle");
            write(cycle.resolve("commands/top.md"), frontMatter(Map.of("description", "top")));
            write(cycle.resolve("commands/sub/inner.md"), frontMatter(Map.of("description", "inner")));
            Files.createSymbolicLink(cycle.resolve("commands/sub/loop"), Path.of(".."));
            Files.createDirectories(cycle.resolve("agents"));
            Files.createSymbolicLink(cycle.resolve("agents/self"), Path.of("."));
            write(cycle.resolve("agents/looper.md"), frontMatter(Map.of("name", "looper", "description", "loops")));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> entry(String name, Object source) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("source", source);
        e.put("description", "Fixture plugin " + name);
        e.put("version", "0.0.1");
        return e;
    }

    /** Creates a named pipe with {@code mkfifo}; a loader that opens it for reading would block forever. */
    public static void mkfifo(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** Copies a fixture tree (regular files, folders and symlinks as links) so a test can edit its copy. */
    public static Path copy(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Files.readSymbolicLink(f));
                    } else if (attrs.isRegularFile()) {
                        Files.copy(f, target);
                    } else {
                        mkfifo(target);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a tree without following links (safe with symlink cycles and FIFOs). */
    public static void delete(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException exc) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a temp folder
        }
    }

    public static void deleteOnExit(Path root) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root), "delete " + root.getFileName()));
    }

    public static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putIf(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value);
        }
    }

    private static String stem(String path) {
        String n = Path.of(path).getFileName().toString();
        return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    public static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(v -> out.add(v.asString()));
        } else if (n.isString()) {
            out.add(n.asString());
        }
        return out;
    }
}
