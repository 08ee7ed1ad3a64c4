package dev.metaorch.execute;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.store.AtomicFiles;
import dev.metaorch.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's journal: one JSON object per line, each a state change, appended and fsync'd before the tool
 * answers. Reading tolerates what a crash can leave behind: a torn last line is ignored with a warning
 * (and cut off before the next append, so the journal stays line-aligned).
 */
final class RunJournal {

    private static final Logger log = LoggerFactory.getLogger(RunJournal.class);

    /** The events read, problems found, and whether the journal is damaged beyond a torn tail. */
    record Loaded(List<Map<String, Object>> events, List<String> warnings, boolean damaged) {
    }

    private RunJournal() {
    }

    @SuppressWarnings("unchecked")
    static Loaded read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<Map<String, Object>> events = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean last = end >= bytes.length - 1;
            lineNo++;
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8).strip();
            if (!line.isEmpty()) {
                Object parsed = null;
                try {
                    parsed = Json.MAPPER.readValue(line, Object.class);
                } catch (RuntimeException e) {
                    // handled below
                }
                if (parsed instanceof Map<?, ?> m && m.get("type") instanceof String) {
                    events.add((Map<String, Object>) m);
                } else if (last) {
                    String w = "ignored a torn last line of " + file.getFileName() + " (" + (end - start)
                            + " bytes): the server stopped while writing it; the state change it held was never confirmed";
                    log.warn(w);
                    warnings.add(w);
                } else {
                    String w = "line " + lineNo + " of " + file.getFileName() + " is unreadable; the journal is damaged";
                    log.error(w);
                    warnings.add(w);
                    return new Loaded(events, warnings, true);
                }
            }
            start = end + 1;
        }
        return new Loaded(events, warnings, false);
    }

    /** Appends one event and fsyncs it; a torn tail left by a crash is cut off first. */
    static void append(Path file, JournalEvent event) throws IOException {
        repairTail(file);
        AtomicFiles.appendLine(file, Json.write(event.toMap()));
    }

    private static void repairTail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, size - 1);
            if (one.get(0) == '\n') {
                return;
            }
            // Find the start of the unterminated last line.
            long pos = size - 1;
            ByteBuffer b = ByteBuffer.allocate(1);
            while (pos > 0) {
                b.clear();
                ch.read(b, pos - 1);
                if (b.get(0) == '\n') {
                    break;
                }
                pos--;
            }
            ByteBuffer tail = ByteBuffer.allocate((int) (size - pos));
            ch.read(tail, pos);
            String text = new String(tail.array(), StandardCharsets.UTF_8).strip();
            boolean complete;
            try {
                complete = Json.MAPPER.readValue(text, Object.class) instanceof Map<?, ?> m && m.get("type") instanceof String;
            } catch (RuntimeException e) {
                complete = false;
            }
            if (complete) {
                // Only the newline was lost: the event counts, terminate it.
                ch.write(ByteBuffer.wrap(new byte[]{'\n'}), size);
            } else {
                log.warn("cutting a torn last line ({} bytes) off {}", size - pos, file);
                ch.truncate(pos);
            }
            ch.force(true);
        }
    }
}
