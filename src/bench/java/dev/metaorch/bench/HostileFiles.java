package dev.metaorch.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds hostile files for the server to meet at start: pattern YAML with syntax errors, alias bombs,
 * a 100 MB file, wrong types, symlinks out of the folder, FIFOs and folders named like files; a
 * marketplace with broken front matter, a symlink cycle, FIFOs and folders where files are expected.
 */
public final class HostileFiles {

    private HostileFiles() {
    }

    /** Writes the hostile data folder; returns what was planted, one line each. */
    public static List<String> dataFolder(Path home, long bigFileBytes) throws IOException, InterruptedException {
        List<String> planted = new ArrayList<>();
        Path discovered = Files.createDirectories(home.resolve("patterns/discovered"));
        Path validated = Files.createDirectories(home.resolve("patterns/validated"));
        Files.writeString(discovered.resolve("syntax-error.yaml"), "id: syntax-error\nname: [unclosed\n  : : :\n");
        planted.add("pattern with a YAML syntax error");
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append(",*").append(p).append("]\n");
        }
        bomb.append("id: alias-bomb\n");
        Files.writeString(discovered.resolve("alias-bomb.yaml"), bomb.toString());
        planted.add("pattern with a YAML alias bomb (billion laughs)");
        Path big = discovered.resolve("huge.yaml");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] line = "- padding padding padding padding padding padding padding padding padding\n".getBytes(StandardCharsets.UTF_8);
            out.write("id: huge\ntags:\n".getBytes(StandardCharsets.UTF_8));
            for (long written = 0; written < bigFileBytes; written += line.length) {
                out.write(line);
            }
        }
        planted.add("pattern file of " + (bigFileBytes >> 20) + " MB");
        Files.writeString(validated.resolve("wrong-types.yaml"), """
                id: wrong-types
                name: 42
                task_keywords: "not a list"
                plugin_sequence: {plugin: 7}
                metrics: {total_executions: "many", success_rate: [1, 2]}
                status: validated
                """);
        planted.add("pattern with wrong types");
        Path outside = Files.createDirectories(home.getParent().resolve(home.getFileName() + "-outside"));
        Files.writeString(outside.resolve("secret.yaml"), "id: secret\nname: should never be read\n");
        Files.createSymbolicLink(discovered.resolve("escape.yaml"), outside.resolve("secret.yaml"));
        planted.add("pattern symlink pointing out of the data folder");
        mkfifo(discovered.resolve("fifo.yaml"));
        planted.add("FIFO named like a pattern file");
        Files.createDirectories(discovered.resolve("folder.yaml"));
        planted.add("folder named like a pattern file");
        Files.writeString(discovered.resolve("..hidden..yaml"), "id: ../../escape\nname: path trick in the id\n");
        planted.add("pattern whose id is a path trick");
        return planted;
    }

    /** Writes a hostile marketplace folder; returns what was planted. */
    public static List<String> marketplace(Path dir) throws IOException, InterruptedException {
        List<String> planted = new ArrayList<>();
        Files.createDirectories(dir.resolve(".claude-plugin"));
        Files.writeString(dir.resolve(".claude-plugin/marketplace.json"), """
                {"name": "hostile", "owner": {"name": "test"}, "plugins": [
                  {"name": "broken", "source": "./plugins/broken", "description": "broken front matter"},
                  {"name": "cycle", "source": "./plugins/cycle"},
                  {"name": "fifo", "source": "./plugins/fifo"},
                  {"name": "escape", "source": "../../etc"},
                  {"name": "missing", "source": "./plugins/missing"},
                  {"name": "x'}) DETACH DELETE n //", "source": "./plugins/cypher"},
                  {"name": "remote", "source": {"source": "url", "url": "https://example.invalid/x.git"}}
                ]}
                """);
        Path broken = Files.createDirectories(dir.resolve("plugins/broken/agents"));
        Files.writeString(broken.resolve("a.md"), "---\nname: broken-agent\ndescription: has: colons: everywhere\n\ttabs: [unclosed\n---\nbody\n");
        Files.writeString(broken.resolve("b.md"), "---\nname: never-closed\ndescription: no end marker\n");
        Files.write(broken.resolve("c.md"), new byte[] {'-', '-', '-', '\n', (byte) 0xFF, (byte) 0xFE, '\n', '-', '-', '-', '\n'});
        planted.add("agents with broken front matter, unterminated front matter, invalid UTF-8");
        Path cycle = dir.resolve("plugins/cycle/commands");
        Files.createDirectories(cycle.resolve("sub"));
        Files.writeString(cycle.resolve("ok.md"), "---\ndescription: fine\n---\n");
        Files.createSymbolicLink(cycle.resolve("sub/loop"), cycle);
        planted.add("symlink cycle under commands/");
        Path fifo = Files.createDirectories(dir.resolve("plugins/fifo/agents"));
        mkfifo(fifo.resolve("pipe.md"));
        Files.createDirectories(fifo.resolve("folder.md"));
        Files.createDirectories(dir.resolve("plugins/fifo/hooks/hooks.json"));
        Files.createDirectories(dir.resolve("plugins/fifo/.claude-plugin"));
        mkfifo(dir.resolve("plugins/fifo/.claude-plugin/plugin.json"));
        planted.add("FIFO agent and plugin.json, folders named agents/x.md and hooks/hooks.json");
        planted.add("source path escaping the marketplace, missing plugin folder, remote source");
        Files.createDirectories(dir.resolve("plugins/cypher/skills/s"));
        Files.writeString(dir.resolve("plugins/cypher/skills/s/SKILL.md"), "---\nname: \"'; MATCH (n) DETACH DELETE n; //\"\ndescription: cypher-shaped\n---\n");
        planted.add("Cypher-shaped plugin and skill names");
        return planted;
    }

    static void mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        if (proc.waitFor() != 0) {
            throw new IOException("mkfifo failed for " + p);
        }
    }
}
