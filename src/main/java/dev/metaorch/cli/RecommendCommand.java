package dev.metaorch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.mcp.ToolException;
import dev.metaorch.mcp.tools.RecommendPluginsTool;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;

/**
 * {@code recommend "task"} and {@code recommend --batch FILE --json}. Filters: {@code --category NAME},
 * {@code --only-marketplace NAME} (repeatable; {@code --marketplace} already names a marketplace folder),
 * {@code --installed-only}, {@code --min-success-rate X}.
 */
final class RecommendCommand {

    private RecommendCommand() {
    }

    static int run(Options opts, Services services, PrintStream out) {
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("limit", opts.intValue("limit", 1, 100, 10));
        if (!opts.all("category").isEmpty()) {
            common.put("categories", opts.all("category"));
        }
        if (!opts.all("only-marketplace").isEmpty()) {
            common.put("marketplaces", opts.all("only-marketplace"));
        }
        if (opts.flag("installed-only")) {
            common.put("installed_only", true);
        }
        String min = opts.value("min-success-rate");
        if (min != null) {
            try {
                common.put("min_success_rate", Double.parseDouble(min));
            } catch (NumberFormatException e) {
                throw new Options.UsageException("--min-success-rate must be a number between 0 and 1 (got '" + min + "')");
            }
        }
        String batch = opts.value("batch");
        if (batch != null) {
            if (opts.text() != null) {
                throw new Options.UsageException("give either a task or --batch FILE, not both");
            }
            return batch(Path.of(batch), common, services, out);
        }
        String task = opts.text();
        if (task == null || task.isBlank()) {
            throw new Options.UsageException("recommend needs a task: meta-orchestrator recommend \"what you want done\"");
        }
        Map<String, Object> args = new LinkedHashMap<>(common);
        args.put("task", task);
        return Commands.tool(services, RecommendPluginsTool.NAME, args, opts, out);
    }

    /**
     * One output line per input line, in order. A line is a JSON object with the task under {@code query} or
     * {@code task} (and an optional {@code id}, echoed; without one the line number is the id), or plain text: the
     * task itself. A bad line or failed query gives {"id", "error"}. Exit status 0 when at least one line was
     * answered, 1 when every line failed (or the file has no lines).
     */
    static int batch(Path file, Map<String, Object> common, Services services, PrintStream out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ToolException("cannot read batch file " + file + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new ToolException("batch file " + file + " has no lines (one task per line: plain text, or JSON with \"query\" or \"task\")");
        }
        int failures = 0;
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            Object id = lineNo;
            Map<String, Object> answer;
            try {
                String task = taskOf(line);
                if (line.strip().startsWith("{")) {
                    Object given = ((Map<?, ?>) Json.MAPPER.readValue(line, Object.class)).get("id");
                    if (given != null) {
                        id = given;
                    }
                }
                Map<String, Object> args = new LinkedHashMap<>(common);
                args.put("task", task);
                Map<String, Object> result = RecommendPluginsTool.recommend(services.index(services.catalog()), services.evidence(),
                        RecommendPluginsTool.request(args));
                answer = new LinkedHashMap<>();
                answer.put("id", id);
                answer.putAll(result);
            } catch (dev.metaorch.util.Refusal e) {
                failures++;
                answer = new LinkedHashMap<>();
                answer.put("id", id);
                answer.put("error", "line " + lineNo + ": " + e.getMessage());
            }
            out.println(Json.write(answer));
        }
        out.flush();
        if (failures > 0) {
            System.err.println("meta-orchestrator: " + failures + " of " + lines.size() + " batch lines failed (see their \"error\")");
        }
        // the batch succeeded when some line was answered; when none was, the input (or the catalog) is wrong
        return failures == lines.size() ? 1 : 0;
    }

    /** The task a batch line asks about: JSON {@code query} or {@code task}, or the plain line itself. */
    static String taskOf(String line) {
        String t = line.strip();
        if (t.isEmpty()) {
            throw new ToolException("empty line");
        }
        if (!t.startsWith("{")) {
            return t;
        }
        Object parsed;
        try {
            parsed = Json.MAPPER.readValue(t, Object.class);
        } catch (RuntimeException e) {
            throw new ToolException("a line starting with '{' must be a JSON object: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new ToolException("not a JSON object");
        }
        Object query = m.containsKey("query") ? m.get("query") : m.get("task");
        if (m.containsKey("query") && m.containsKey("task")) {
            throw new ToolException("give the task as \"query\" or \"task\", not both");
        }
        if (query == null) {
            throw new ToolException("a JSON line needs \"query\" or \"task\" (keys given: " + m.keySet() + ")");
        }
        if (!(query instanceof String q)) {
            throw new ToolException("\"" + (m.containsKey("query") ? "query" : "task") + "\" must be a string");
        }
        return q;
    }
}
