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

    static final Pattern BENCH = Pattern.compile("\\bdev\\.metaorch\\.bench\\b");

    /**
     * The benchmarks are a source set of their own (src/bench/java, their own jar): the product must not need
     * them, or the shipped jar would have to carry them again. Strings count too: a class loaded by name is a
     * dependency all the same.
     */
    @Test
    void noProductFileRefersToTheBenchmarks() throws IOException {
        assertTrue(!Files.exists(SOURCES.resolve("bench")), "benchmarks live in src/bench/java, not in the product sources");
        assertTrue(Files.isDirectory(Path.of("src/bench/java/dev/metaorch/bench")), "the benchmark sources were found");
        List<String> offending = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (BENCH.matcher(lines.get(i)).find()) {
                        offending.add(SOURCES.relativize(f) + ":" + (i + 1) + " " + lines.get(i).trim());
                    }
                }
            }
        }
        assertTrue(files > 100, "the product sources were found (" + files + " files)");
        assertEquals(List.of(), offending);
    }

    /** A top-level package's name for a source file ("(root)" for the files directly in dev.metaorch). */
    static String packageOf(Path f) {
        Path rel = SOURCES.relativize(f);
        return rel.getNameCount() == 1 ? "(root)" : rel.getName(0).toString();
    }

    static final Pattern REFERENCE = Pattern.compile("\\bdev\\.metaorch\\.(?:([a-z][a-z0-9]*)\\.)?([A-Z])");

    @Test
    void noTwoPackagesDependOnEachOtherThroughAnyPath() throws IOException {
        java.util.Map<String, java.util.Set<String>> uses = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(SOURCES)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = packageOf(f);
                java.util.Set<String> to = uses.computeIfAbsent(from, k -> new java.util.TreeSet<>());
                // a class named in a string (a subprocess's main class) is not a dependency of the code
                Matcher m = REFERENCE.matcher(Files.readString(f).replaceAll("\"(?:[^\"\\\\\n]|\\\\.)*\"", "\"\""));
                while (m.find()) {
                    String target = m.group(1) == null ? "(root)" : m.group(1);
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        }
        assertTrue(uses.size() >= 8, uses.toString());
        List<String> cycles = new ArrayList<>();
        for (String a : uses.keySet()) {
            for (String b : uses.get(a)) {
                if (reaches(uses, b, a, new java.util.HashSet<>())) {
                    cycles.add(a + " -> " + b + " -> ... -> " + a);
                }
            }
        }
        assertEquals(List.of(), cycles, "package graph: " + uses);
    }

    private static boolean reaches(java.util.Map<String, java.util.Set<String>> uses, String from, String to,
                                   java.util.Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : uses.getOrDefault(from, java.util.Set.of())) {
            if (reaches(uses, next, to, seen)) {
                return true;
            }
        }
        return false;
    }
}
