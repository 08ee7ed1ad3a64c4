package dev.metaorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The rule that keeps the house easy to change: the domain packages (the data's way through the server) know
 * nothing of the faces that call them, the MCP server and the command line. Read from the sources, so a
 * fully qualified reference counts like an import.
 */
class ArchitectureTest {

    static final Path SOURCES = Path.of("src/main/java/dev/metaorch");
    static final List<String> DOMAIN = List.of("catalog", "recommend", "workflow", "execute", "learn", "store", "config",
            "util");
    static final Pattern FACE = Pattern.compile("\\bdev\\.metaorch\\.(mcp|cli|bench)\\.");

    @Test
    void domainPackagesReferNeitherToTheMcpLayerNorToTheCommandLine() throws IOException {
        List<String> offending = new ArrayList<>();
        int files = 0;
        for (String pkg : DOMAIN) {
            Path dir = SOURCES.resolve(pkg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = FACE.matcher(lines.get(i));
                        if (m.find()) {
                            offending.add(SOURCES.relativize(f) + ":" + (i + 1) + " " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "the domain sources were found (" + files + " files)");
        assertEquals(List.of(), offending);
    }
}
