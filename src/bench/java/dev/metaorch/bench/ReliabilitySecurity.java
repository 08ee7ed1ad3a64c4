package dev.metaorch.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import dev.metaorch.util.Texts;
import dev.metaorch.workflow.Check;
import dev.metaorch.workflow.WorkflowSpec;
import dev.metaorch.workflow.WorkflowStep;
import dev.metaorch.workflow.WorkflowStore;
import tools.jackson.databind.JsonNode;

/**
 * Security figures against the real server over stdio: validation commands outside the allowlist are
 * refused and never run; paths escaping the workspace or the data folder are refused and nothing outside
 * them is read or written; the Neo4j password (pointed at a closed port so every Neo4j path fails and
 * logs) never shows in stderr, stdout, tool results, errors or files the server writes.
 */
public final class ReliabilitySecurity {

    /** Tried and refused per kind, with what slipped through. */
    public record Report(int commandsTried, int commandsRefused, boolean allowedControlRan, boolean markerCreated,
                         int workspaceEscapesTried, int workspaceEscapesRefused, int dataEscapesTried,
                         int dataEscapesRefused, List<String> outsideChanged, boolean outsideContentLeaked,
                         long secretScannedBytes, int secretLeaks, List<String> secretWhere, int secretToolCalls,
                         List<String> notes) {
        public boolean ok() {
            return commandsRefused == commandsTried && allowedControlRan && !markerCreated
                    && workspaceEscapesRefused == workspaceEscapesTried && dataEscapesRefused == dataEscapesTried
                    && outsideChanged.isEmpty() && !outsideContentLeaked && secretLeaks == 0;
        }
    }

    static final String OUTSIDE_MARKER = "OUTSIDE-CONTENT-7f3a";

    private ReliabilitySecurity() {
    }

    public static Report run(Path work, Path catalog) throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("home"));
        Files.writeString(home.resolve("config.yaml"), "validation:\n  allowed_programs: [\"true\"]\n");
        Path outside = Files.createDirectories(work.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "password=" + OUTSIDE_MARKER + "\n");
        Files.writeString(outside.resolve("x.jsonl"), "{\"type\":\"run_started\",\"run_id\":\"" + OUTSIDE_MARKER + "\"}\n");
        Files.writeString(outside.resolve("x.yaml"), "id: x\nname: " + OUTSIDE_MARKER + "\n");
        Path ws = Files.createDirectories(work.resolve("ws")).toRealPath();
        Files.createSymbolicLink(ws.resolve("link-out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(ws.resolve("link-dir"), outside);
        Files.createDirectories(ws.resolve("sub"));
        Path marker = work.resolve("pwned");
        List<String> notes = new ArrayList<>();

        // Commands outside the allowlist (only "true" is on it): each would create the marker file.
        List<List<String>> forbidden = List.of(
                List.of("touch", marker.toString()),
                List.of("sh", "-c", "touch " + marker),
                List.of("/bin/sh", "-c", "touch " + marker),
                List.of("bash", "-c", "touch " + marker),
                List.of("env", "touch", marker.toString()),
                List.of("/usr/bin/env", "touch", marker.toString()),
                List.of("./true", marker.toString()),
                List.of("true/../../usr/bin/touch", marker.toString()),
                List.of("/usr/bin/touch", marker.toString()),
                List.of("true; touch " + marker),
                List.of("$(touch " + marker + ")"),
                List.of("python3", "-c", "open('" + marker + "','w')"));
        List<Check> commandChecks = new ArrayList<>();
        for (List<String> argv : forbidden) {
            commandChecks.add(new Check.Command(argv, ".", 5, 0, null, "forbidden"));
        }
        Check control = new Check.Command(List.of("true"), ".", 5, 0, null, "allowed control");
        commandChecks.add(control);

        List<Check> escapes = List.of(
                new Check.FileExists("../outside/secret.txt", "dot-dot"),
                new Check.FileExists(outside.resolve("secret.txt").toString(), "absolute"),
                new Check.FileExists("/etc/passwd", "absolute system file"),
                new Check.RegexInFile("link-out.txt", "password", "symlink to a file outside"),
                new Check.RegexInFile("link-dir/secret.txt", "password", "symlinked folder outside"),
                new Check.RegexInFile("sub/../../outside/secret.txt", "password", "dot-dot inside a path"),
                new Check.RegexInFile("sub/../link-out.txt", "password", "dot-dot to a symlink"),
                new Check.Command(List.of("true"), "..", 5, 0, null, "cwd outside"),
                new Check.Command(List.of("true"), "link-dir", 5, 0, null, "cwd through a symlink"),
                new Check.Command(List.of("true"), "/tmp", 5, 0, null, "absolute cwd"));

        WorkflowStore store = new WorkflowStore(home);
        store.save(spec("sec-commands", commandChecks));
        store.save(spec("sec-escapes", escapes));

        Map<String, String> before = tree(work, home);
        Path stderr = work.resolve("server.stderr.log");
        Path stdout = work.resolve("server.stdout.log");
        String secret = "Pw-" + UUID.randomUUID();
        String uriSecret = "Uri-" + UUID.randomUUID();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> env = ReliabilityFaults.noNeo4j();
        env.put("NEO4J_URI", "bolt://127.0.0.1:" + closedPort);
        env.put("NEO4J_USER", "neo4j");
        env.put("NEO4J_PASSWORD", secret);

        int commandsRefused = 0;
        boolean controlRan = false;
        int escapesRefused = 0;
        int dataTried = 0;
        int dataRefused = 0;
        int secretCalls = 0;
        List<String> answers = new ArrayList<>();
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--catalog", catalog.toString(), "--home", home.toString());
        try (StdioProcess p = new StdioProcess(cmd, stderr, env, stdout)) {
            p.initialize(Duration.ofSeconds(60));
            JsonNode list = p.request("list", "tools/list", Map.of(), Duration.ofSeconds(60));
            List<String> tools = new ArrayList<>();
            list.path("result").path("tools").forEach(t -> tools.add(t.path("name").asString()));

            // 1. commands
            JsonNode checks = runChecks(p, "sec-commands", ws, answers, notes);
            // results come in the order of the checks: the forbidden ones, then the allowed control
            if (checks.size() != forbidden.size() + 1) {
                notes.add("expected " + (forbidden.size() + 1) + " command check results, got " + checks.size());
            } else {
                controlRan = checks.get(forbidden.size()).path("passed").asBoolean(false);
                for (int i = 0; i < forbidden.size(); i++) {
                    if (checks.get(i).path("refused").asBoolean(false) && !checks.get(i).path("passed").asBoolean(false)) {
                        commandsRefused++;
                    } else {
                        notes.add("not refused: " + forbidden.get(i) + " -> " + checks.get(i));
                    }
                }
            }

            // 2. workspace escapes
            JsonNode esc = runChecks(p, "sec-escapes", ws, answers, notes);
            for (JsonNode c : esc) {
                if (c.path("refused").asBoolean(false) && !c.path("passed").asBoolean(false)) {
                    escapesRefused++;
                } else {
                    notes.add("not refused: " + c);
                }
            }
            if (esc.size() != escapes.size()) {
                notes.add("expected " + escapes.size() + " escape results, got " + esc.size());
            }

            // 3. the data folder: ids and paths that would leave it, in every tool that takes one
            List<Map.Entry<String, Map<String, Object>>> dataCalls = new ArrayList<>();
            String[] tricks = {"../../outside/x", "../outside/secret.txt", "..", "/etc/passwd", outside.resolve("x").toString(),
                    "runs/../../outside/x", "a\u0000b", "..\\..\\outside\\x", "%2e%2e%2foutside%2fx", "x/../../../outside/x"};
            for (String t : tricks) {
                dataCalls.add(Map.entry("run_status", Map.of("run_id", t)));
                dataCalls.add(Map.entry("rollback_run", Map.of("run_id", t)));
                dataCalls.add(Map.entry("execute_step", Map.of("run_id", t, "step", 1, "status", "success")));
                dataCalls.add(Map.entry("start_run", Map.of("workflow_id", t, "workspace", ws.toString())));
                if (tools.contains("record_outcome")) {
                    dataCalls.add(Map.entry("record_outcome", Map.of("run_id", t)));
                    dataCalls.add(Map.entry("record_outcome", Map.of("pattern_id", t, "task", "x", "status", "success")));
                    dataCalls.add(Map.entry("record_outcome", Map.of("execution_id", t, "task", "x", "status", "success",
                            "plugin_sequence", List.of("a@b"))));
                }
            }
            // a workspace that is (or contains) the data folder
            dataCalls.add(Map.entry("start_run", Map.of("workflow_id", "sec-escapes", "workspace", home.toString())));
            dataCalls.add(Map.entry("start_run", Map.of("workflow_id", "sec-escapes", "workspace", home.resolve("runs").toString())));
            dataCalls.add(Map.entry("start_run", Map.of("workflow_id", "sec-escapes", "workspace", work.toString())));
            int n = 0;
            for (Map.Entry<String, Map<String, Object>> c : dataCalls) {
                if (!tools.contains(c.getKey())) {
                    continue;
                }
                dataTried++;
                JsonNode r = p.request("data-" + n++, "tools/call", Map.of("name", c.getKey(), "arguments", c.getValue()),
                        Duration.ofSeconds(30));
                answers.add(String.valueOf(r));
                if (r != null && (r.has("error") || r.path("result").path("isError").asBoolean(false))) {
                    dataRefused++;
                } else {
                    notes.add("not refused: " + c.getKey() + " " + c.getValue() + " -> " + Texts.shorten(String.valueOf(r), 300));
                }
            }
            for (String uri : List.of("pattern://../../outside/x", "workflow://../outside/x", "run://../../outside/x",
                    "file://" + outside.resolve("secret.txt"))) {
                JsonNode r = p.request("res-" + n++, "resources/read", Map.of("uri", uri), Duration.ofSeconds(30));
                answers.add(String.valueOf(r));
            }

            // 4. every tool once with plausible arguments and once with bad ones, so Neo4j paths run and fail
            Random random = new Random(5);
            List<List<String>> seqs = RecordLoad.sequences(catalog);
            for (String t : tools) {
                for (Map<String, Object> args : List.of(plausible(t, seqs, random), Map.<String, Object>of("bogus", 1))) {
                    JsonNode r = p.request("secret-" + n++, "tools/call", Map.of("name", t, "arguments", args), Duration.ofSeconds(60));
                    answers.add(String.valueOf(r));
                    secretCalls++;
                }
            }
            // and a burst of hostile input
            HostileInput gen = new HostileInput(3, HostileInput.shapes(list));
            for (HostileInput.Message m : gen.generate(300)) {
                if (m.bytes().length > 100_000) {
                    continue;
                }
                byte[] line = java.util.Arrays.copyOf(m.bytes(), m.bytes().length + 1);
                line[line.length - 1] = '\n';
                p.sendBytes(line);
                secretCalls++;
            }
            // let background Neo4j retries log something too
            p.request("last", "tools/call", Map.of("name", "catalog_status", "arguments", Map.of()), Duration.ofSeconds(60));
            Thread.sleep(1500);
            p.closeAndWait(Duration.ofSeconds(5));
        }

        // A second server with the password in the URI's user info instead.
        env.put("NEO4J_URI", "bolt://neo4j:" + uriSecret + "@127.0.0.1:" + closedPort);
        env.remove("NEO4J_PASSWORD");
        env.put("NEO4J_PASSWORD", null);
        try (StdioProcess p = new StdioProcess(cmd, stderr, env, stdout)) {
            p.initialize(Duration.ofSeconds(60));
            Random random = new Random(6);
            List<List<String>> seqs = RecordLoad.sequences(catalog);
            JsonNode list = p.request("list", "tools/list", Map.of(), Duration.ofSeconds(60));
            int n = 0;
            for (JsonNode t : list.path("result").path("tools")) {
                JsonNode r = p.request("u-" + n++, "tools/call", Map.of("name", t.path("name").asString(),
                        "arguments", plausible(t.path("name").asString(), seqs, random)), Duration.ofSeconds(60));
                answers.add(String.valueOf(r));
                secretCalls++;
            }
            Thread.sleep(1000);
            p.closeAndWait(Duration.ofSeconds(5));
        }

        boolean markerCreated = Files.exists(marker, LinkOption.NOFOLLOW_LINKS);
        Map<String, String> after = tree(work, home);
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            String rel = e.getKey();
            if (rel.isEmpty() || rel.startsWith("server.") || rel.equals("pwned")) {
                continue; // our own logs; the marker is counted apart
            }
            if (!e.getValue().equals(before.get(rel))) {
                changed.add(rel);
            }
        }
        for (String rel : before.keySet()) {
            if (!after.containsKey(rel)) {
                changed.add(rel + " (removed)");
            }
        }
        String allAnswers = String.join("\n", answers);
        boolean leaked = allAnswers.contains(OUTSIDE_MARKER) || Files.readString(stdout).contains(OUTSIDE_MARKER);

        // The secret: stderr, stdout, every answer, every file under the data folder.
        List<String> where = new ArrayList<>();
        long scanned = 0;
        int leaks = 0;
        List<Path> scan = new ArrayList<>(List.of(stderr, stdout));
        try (Stream<Path> s = Files.walk(home)) {
            s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).forEach(scan::add);
        }
        for (Path f : scan) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            scanned += text.length();
            for (String sec : List.of(secret, uriSecret)) {
                if (text.contains(sec)) {
                    leaks++;
                    where.add(work.relativize(f) + (sec.equals(uriSecret) ? " (URI user info)" : ""));
                }
            }
        }
        for (String sec : List.of(secret, uriSecret)) {
            if (allAnswers.contains(sec)) {
                leaks++;
                where.add("tool answers");
            }
        }
        return new Report(forbidden.size(), commandsRefused, controlRan, markerCreated, escapes.size(), escapesRefused,
                dataTried, dataRefused, changed, leaked, scanned, leaks, where, secretCalls, notes);
    }

    private static JsonNode runChecks(StdioProcess p, String workflow, Path ws, List<String> answers, List<String> notes)
            throws IOException, InterruptedException {
        JsonNode start = p.request("start-" + workflow, "tools/call", Map.of("name", "start_run", "arguments",
                Map.of("workflow_id", workflow, "workspace", ws.toString())), Duration.ofSeconds(60));
        answers.add(String.valueOf(start));
        String run = start == null ? null : start.path("result").path("structuredContent").path("run_id").asString(null);
        if (run == null) {
            notes.add("start_run failed: " + start);
            return tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        JsonNode r = p.request("step-" + workflow, "tools/call", Map.of("name", "execute_step", "arguments",
                Map.of("run_id", run, "step", 1, "status", "success")), Duration.ofSeconds(120));
        answers.add(String.valueOf(r));
        return r == null ? tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                : r.path("result").path("structuredContent").path("checks");
    }

    private static WorkflowSpec spec(String id, List<Check> checks) {
        WorkflowStep step = new WorkflowStep(1, "probe@reliability", "probe", "agent", "Task(subagent_type=\"probe\")",
                "security probe", Map.of(), Map.of(), checks,
                new WorkflowStep.RetryStrategy(0, 1000, 2.0, 60_000, true, WorkflowStep.RetryStrategy.standard().nonRetryable()),
                WorkflowStep.Fallback.none("none"), List.of());
        return new WorkflowSpec(id, "security probe", null, "subtasks", null, List.of(step), List.of(), List.of(), List.of(),
                List.of(), 0.5, "fixed", null, List.of(), Map.of());
    }

    /** Arguments a real client would send to this tool (a task, a plugin, an outcome...). */
    static Map<String, Object> plausible(String tool, List<List<String>> seqs, Random random) {
        String plugin = seqs.get(0).get(0);
        return switch (tool) {
            case "recommend_plugins", "research_plugins", "generate_workflow", "match_patterns" ->
                    Map.of("task", "Build a REST API with JWT authentication and tests");
            case "record_outcome" -> RecordLoad.outcome("sec-" + UUID.randomUUID(), seqs, random);
            case "known_issues", "find_alternatives" -> Map.of("plugin", plugin);
            case "start_run" -> Map.of("workflow_id", "no-such-workflow", "workspace", "/nonexistent");
            case "execute_step" -> Map.of("run_id", "no-such-run", "step", 1, "status", "failure", "error", "boom");
            default -> Map.of();
        };
    }

    /** Every regular file under {@code root} outside {@code except}: size and modification time. */
    static Map<String, String> tree(Path root, Path except) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(x -> !x.startsWith(except)).toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    String kind = Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) ? "d" : "f" + Files.size(f);
                    out.put(root.relativize(f).toString(), kind + "@" + Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis());
                }
            }
        }
        return out;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
