package dev.metaorch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The server started on a hostile data folder and a hostile marketplace ({@link HostileFiles}): it must
 * start, warn and serve, and read nothing outside the data folder. "Read nothing" is measured, not
 * assumed: the file a symlink in the data folder points to gets an access time older than its
 * modification time, so any read updates it (relatime), and a control file shows the file system does so.
 */
public final class ReliabilityHostileFiles {

    /**
     * @param planted         what was planted, one line each
     * @param initMs          spawn to initialize answer
     * @param catalogWarnings warnings catalog_status listed for the hostile marketplace
     * @param storeWarnings   warnings pattern_stats listed (or -1 when it has no such field)
     * @param stderrWarnings  WARN/ERROR lines the server logged
     * @param served          well-formed tool calls answered correctly after start
     * @param outsideRead     the file outside the data folder was read (null: cannot tell on this file system)
     */
    public record Report(List<String> planted, boolean started, long initMs, List<String> catalogWarnings,
                         int marketplacePlugins, int storeWarnings, int stderrWarnings, int served, int servedTotal,
                         Boolean outsideRead, boolean outsideContentSeen, boolean exitedAfterStdinClosed, long peakRssKib,
                         List<String> notes) {
        public boolean ok() {
            return started && served == servedTotal && !Boolean.TRUE.equals(outsideRead) && !outsideContentSeen
                    && exitedAfterStdinClosed && !catalogWarnings.isEmpty();
        }
    }

    private ReliabilityHostileFiles() {
    }

    public static Report run(Path work, long bigFileBytes) throws IOException, InterruptedException {
        Path home = work.resolve("home");
        Path market = work.resolve("market");
        List<String> planted = new ArrayList<>(HostileFiles.dataFolder(home, bigFileBytes));
        planted.addAll(HostileFiles.marketplace(market));
        Path secret = work.resolve("home-outside/secret.yaml");
        Path control = Files.writeString(work.resolve("home-outside/control.yaml"), "id: control\n");
        List<String> notes = new ArrayList<>();
        backdateAccess(secret);
        backdateAccess(control);
        Files.readAllBytes(control);
        Boolean atimeWorks = accessedSinceBackdate(control);
        Path log = work.resolve("stderr.log");
        List<String> cmd = StdioProcess.serverCommand(null, "serve", "--marketplace", market.toString(), "--home", home.toString());
        List<String> catalogWarnings = new ArrayList<>();
        int plugins = -1;
        int storeWarnings = -1;
        int served = 0;
        int servedTotal = 0;
        boolean started;
        boolean exited;
        long initMs;
        long rss;
        StringBuilder answers = new StringBuilder();
        long t0 = System.nanoTime();
        try (StdioProcess p = new StdioProcess(cmd, log, ReliabilityFaults.noNeo4j())) {
            JsonNode init = p.initialize(Duration.ofSeconds(60));
            initMs = (System.nanoTime() - t0) / 1_000_000;
            started = init != null && init.has("result");
            JsonNode list = p.request("list", "tools/list", Map.of(), Duration.ofSeconds(60));
            List<String> tools = new ArrayList<>();
            if (list != null) {
                list.path("result").path("tools").forEach(t -> tools.add(t.path("name").asString()));
            }
            servedTotal++;
            JsonNode status = p.request("status", "tools/call", Map.of("name", "catalog_status", "arguments",
                    Map.of("include_warnings", true)), Duration.ofSeconds(60));
            answers.append(status);
            if (ok(status)) {
                served++;
                for (JsonNode m : status.path("result").path("structuredContent").path("marketplaces")) {
                    if (m.path("name").asString("").equals("hostile")) {
                        plugins = m.path("plugins").asInt();
                        m.path("warnings").forEach(w -> catalogWarnings.add(w.asString()));
                    }
                }
            }
            for (String t : List.of("pattern_stats", "match_patterns", "recommend_plugins", "known_issues")) {
                if (!tools.contains(t)) {
                    continue;
                }
                servedTotal++;
                Map<String, Object> args = switch (t) {
                    case "match_patterns", "recommend_plugins" -> Map.of("task", "review code for security issues");
                    case "known_issues" -> Map.of("plugin", "broken@hostile");
                    default -> Map.of();
                };
                JsonNode r = p.request(t, "tools/call", Map.of("name", t, "arguments", args), Duration.ofSeconds(60));
                answers.append(r);
                if (ok(r)) {
                    served++;
                    JsonNode w = r.path("result").path("structuredContent").path("warnings");
                    if (t.equals("pattern_stats") && w.isArray()) {
                        storeWarnings = w.size();
                    }
                } else {
                    notes.add(t + " did not answer correctly: " + r);
                }
            }
            servedTotal++;
            if (p.request("ping", "ping", null, Duration.ofSeconds(30)) != null) {
                served++;
            }
            rss = p.peakRssKib();
            exited = p.closeAndWait(Duration.ofSeconds(5));
        }
        int stderrWarnings = 0;
        for (String l : Files.readAllLines(log)) {
            if (l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("WARN") && l.startsWith("[")) {
                stderrWarnings++;
            }
        }
        Boolean outsideRead = atimeWorks ? accessedSinceBackdate(secret) : null;
        if (!atimeWorks) {
            notes.add("the file system does not update access times: outside reads not measurable here");
        }
        boolean seen = answers.toString().contains("should never be read");
        return new Report(planted, started, initMs, catalogWarnings, plugins, storeWarnings, stderrWarnings, served,
                servedTotal, outsideRead, seen, exited, rss, notes);
    }

    private static boolean ok(JsonNode r) {
        return r != null && r.has("result") && !r.path("result").path("isError").asBoolean(false);
    }

    private static void backdateAccess(Path f) throws IOException {
        BasicFileAttributeView v = Files.getFileAttributeView(f, BasicFileAttributeView.class);
        Instant now = Instant.now();
        v.setTimes(FileTime.from(now), FileTime.from(now.minusSeconds(86_400 * 3)), null);
    }

    private static boolean accessedSinceBackdate(Path f) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        return a.lastAccessTime().toInstant().isAfter(Instant.now().minusSeconds(86_400 * 2));
    }
}
