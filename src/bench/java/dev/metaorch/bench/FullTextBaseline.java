package dev.metaorch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.recommend.Bm25Ranker;
import dev.metaorch.recommend.PluginText;

/**
 * The pinned {@code bm25-fulltext} baseline of {@code bench recommend}: Lucene BM25 with its defaults and the
 * EnglishAnalyzer, one document per plugin holding its metadata text (as {@code bm25}) plus the text of every
 * file the marketplace folder keeps for that plugin (plugin.json, README.md, agents, commands, skills, hooks,
 * MCP and LSP files). A plugin whose folder is the repository root takes the files its components were read
 * from, not the repository's README and docs.
 */
final class FullTextBaseline {

    private FullTextBaseline() {
    }

    /** @param folders marketplace name to its folder */
    static Bm25Ranker<Plugin> of(Catalog catalog, Map<String, Path> folders) {
        return Bm25Ranker.of(catalog.plugins(), p -> PluginText.document(p) + "\n" + files(p, folders.get(p.marketplace())));
    }

    static String files(Plugin p, Path market) {
        if (market == null || p.sourcePath() == null) {
            return "";
        }
        Path root = market.toAbsolutePath().normalize();
        Path dir = root.resolve(p.sourcePath()).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
            return "";
        }
        Set<Path> files = new LinkedHashSet<>();
        if (dir.equals(root)) {
            for (Component c : p.components()) {
                if (c.source() != null) {
                    files.add(root.resolve(c.source()).normalize());
                }
            }
        } else {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            try {
                sb.append(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f))))
                        .append('\n');
            } catch (CharacterCodingException e) {
                // not text: the folder snapshot keeps text files only, so this is a user's stray binary
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

}
