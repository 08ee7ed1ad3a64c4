package dev.metaorch.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;

/**
 * Sends generated hostile messages to a real server process in batches and checks that every message
 * with a usable id is answered, the process neither dies nor hangs, memory stays bounded, and a
 * well-formed call after each batch still gets a correct answer.
 */
public final class HostileInputRun {

    /**
     * @param unansweredByCategory expected answers that never came, per message category
     * @param sanityOk             well-formed calls after batches answered correctly
     */
    public record Report(int tried, int expectingAnswer, int answered, int unanswered, int crashes, int hangs,
                         int sanityOk, int sanityTotal, long nullIdErrors, long peakRssKib, long millis,
                         Map<String, Integer> unansweredByCategory, List<String> samples) {
    }

    private HostileInputRun() {
    }

    public static Report run(List<String> serverCommand, int messages, int batchSize, long seed, Path stderrLog)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int crashes = 0;
        int hangs = 0;
        int answered = 0;
        int expecting = 0;
        int sanityOk = 0;
        int sanityTotal = 0;
        long nullIds = 0;
        long peak = 0;
        Map<String, Integer> missing = new TreeMap<>();
        List<String> samples = new ArrayList<>();
        StdioProcess p = new StdioProcess(serverCommand, stderrLog, null);
        try {
            p.initialize(Duration.ofSeconds(60));
            JsonNode list = p.request("tools", "tools/list", Map.of(), Duration.ofSeconds(60));
            List<HostileInput.ToolShape> shapes = HostileInput.shapes(list);
            List<HostileInput.Message> all = new HostileInput(seed, shapes).generate(messages);
            for (int from = 0; from < all.size(); from += batchSize) {
                List<HostileInput.Message> batch = all.subList(from, Math.min(all.size(), from + batchSize));
                for (HostileInput.Message m : batch) {
                    if (!p.process().isAlive()) {
                        break;
                    }
                    byte[] line = new byte[m.bytes().length + 1];
                    System.arraycopy(m.bytes(), 0, line, 0, m.bytes().length);
                    line[line.length - 1] = '\n';
                    try {
                        p.sendBytes(line);
                    } catch (IOException e) {
                        break;
                    }
                }
                for (HostileInput.Message m : batch) {
                    if (m.expectId() == null) {
                        continue;
                    }
                    expecting++;
                    JsonNode r = p.await(m.expectId(), Duration.ofSeconds(90));
                    if (r != null) {
                        answered++;
                    } else {
                        missing.merge(m.category(), 1, Integer::sum);
                        if (samples.size() < 5) {
                            samples.add(m.category() + ": " + new String(m.bytes(), 0, Math.min(200, m.bytes().length),
                                    java.nio.charset.StandardCharsets.UTF_8));
                        }
                        if (p.process().isAlive()) {
                            hangs++;
                        }
                    }
                }
                peak = Math.max(peak, p.peakRssKib());
                if (!p.process().isAlive()) {
                    crashes++;
                    p.close();
                    p = new StdioProcess(serverCommand, stderrLog, null);
                    p.initialize(Duration.ofSeconds(60));
                }
                sanityTotal++;
                String sid = "sanity-" + from;
                JsonNode s = p.request(sid, "tools/call", Map.of("name", "catalog_status",
                        "arguments", Map.of("include_warnings", false)), Duration.ofSeconds(60));
                if (s != null && !s.path("result").path("isError").asBoolean(false)
                        && s.path("result").path("structuredContent").has("marketplaces")) {
                    sanityOk++;
                }
            }
            nullIds = p.nullIdErrors();
            peak = Math.max(peak, p.peakRssKib());
            if (!p.closeAndWait(Duration.ofSeconds(5))) {
                hangs++;
            }
        } finally {
            p.close();
        }
        return new Report(messages, expecting, answered, expecting - answered, crashes, hangs, sanityOk, sanityTotal,
                nullIds, peak, (System.nanoTime() - t0) / 1_000_000, missing, samples);
    }
}
