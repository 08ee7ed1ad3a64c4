package dev.metaorch.bench;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.metaorch.util.Json;

/**
 * Checks that every data file in a data folder parses: each YAML document, each line of each JSONL file,
 * each CSV row (same number of fields as the header). Crash-safe writers leave only whole files behind;
 * a torn or half-written file shows up here. Stray temp files of interrupted atomic writes are counted
 * apart: they are never read by the server, but they should not pile up.
 */
public final class DataFolderAudit {

    /**
     * @param files  data files checked
     * @param broken one line per file (or line) that does not parse
     * @param temps  leftover temp files of interrupted writes
     */
    public record Result(int files, List<String> broken, List<String> temps) {
        public boolean ok() {
            return broken.isEmpty();
        }
    }

    private DataFolderAudit() {
    }

    public static Result audit(Path home) throws IOException {
        List<String> broken = new ArrayList<>();
        List<String> temps = new ArrayList<>();
        int files = 0;
        if (!Files.isDirectory(home)) {
            return new Result(0, broken, temps);
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(home)) {
            all = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path p : all) {
            String name = p.getFileName().toString();
            String rel = home.relativize(p).toString();
            if (name.endsWith(".tmp")) {
                temps.add(rel);
                continue;
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            } catch (CharacterCodingException e) {
                if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".jsonl") || name.endsWith(".csv")
                        || name.endsWith(".json")) {
                    files++;
                    broken.add(rel + ": not UTF-8");
                }
                continue;
            }
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                files++;
                try {
                    Json.yaml().readTree(text);
                } catch (RuntimeException e) {
                    broken.add(rel + ": " + first(e));
                }
            } else if (name.endsWith(".json")) {
                files++;
                try {
                    Json.MAPPER.readTree(text);
                } catch (RuntimeException e) {
                    broken.add(rel + ": " + first(e));
                }
            } else if (name.endsWith(".jsonl")) {
                files++;
                if (!text.isEmpty() && !text.endsWith("\n")) {
                    broken.add(rel + ": last line not terminated (torn append)");
                }
                int n = 0;
                for (String line : text.split("\n", -1)) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        Json.MAPPER.readTree(line);
                    } catch (RuntimeException e) {
                        broken.add(rel + ":" + n + ": " + first(e));
                    }
                }
            } else if (name.endsWith(".csv")) {
                files++;
                String[] lines = text.split("\n", -1);
                if (!text.isEmpty() && !text.endsWith("\n")) {
                    broken.add(rel + ": last row not terminated (torn append)");
                }
                int width = lines.length == 0 ? 0 : lines[0].split(",", -1).length;
                for (int i = 1; i < lines.length; i++) {
                    if (!lines[i].isEmpty() && lines[i].split(",", -1).length != width) {
                        broken.add(rel + ":" + (i + 1) + ": " + lines[i].split(",", -1).length + " fields, header has " + width);
                    }
                }
            }
        }
        return new Result(files, broken, temps);
    }

    private static String first(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
