package dev.metaorch.cli;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.mcp.tools.CatalogStatusTool;
import dev.metaorch.mcp.tools.PatternStatsTool;
import dev.metaorch.mcp.tools.RecordOutcomeTool;
import dev.metaorch.mcp.tools.RunStatusTool;
import dev.metaorch.util.Json;
import dev.metaorch.util.Options;

/**
 * The command-line commands. Most run the same handler as the MCP tool of the same purpose and print
 * its text, or with {@code --json} its structured object (exactly what the tool returns as structuredContent).
 */
public final class Commands {

    public static final String USAGE = """
            usage: meta-orchestrator <command> [options] [text]

            commands:
              serve (default)          stdio MCP server (exits within 2 s after stdin closes)
              catalog                  catalog status: marketplaces, counts, warnings, collisions
              recommend "task"         recommend plugins for a task (--batch FILE for many)
              research "task"          capabilities, integration and reliability report
              plan "task"              generate a workflow
              runs | run show ID       runs and their steps
              record ...               record an outcome (--run ID, or an explicit outcome)
              stats                    global metrics of the pattern library
              bench recommend|workflows|learning|startup|reliability
                                       benchmarks: not in this jar; run them with
                                       scripts/meta-orchestrator bench ... or
                                       java -jar target/meta-orchestrator-bench.jar ...

            shared options:
              --catalog PATH           JSONL snapshot file or folder of them (repeatable)
              --marketplace DIR        marketplace folder with .claude-plugin/marketplace.json (repeatable)
              --home DIR               data folder (default $META_ORCH_HOME or ~/.meta-orchestrator)
              --json                   machine-readable output on stdout
              --limit N                number of results (1 to 100, default 10)
            Without --catalog/--marketplace (or META_ORCH_MARKETPLACES) the marketplaces Claude Code
            knows (~/.claude/plugins) are read. A --catalog or --marketplace path that does not exist is
            an error (exit status 2).

            recommend options:
              --batch FILE             one task per line: plain text, or JSON {"id": .., "query": ..}
                                       ("task" instead of "query" works too); one answer line per input
                                       line, in order; exit status 1 when every line failed
              --category NAME, --only-marketplace NAME (repeatable), --installed-only,
              --min-success-rate X     filters

            plan options:
              --subtask S (repeatable, one step each, in order), --require P, --exclude P,
              --only-marketplace M, --installed-only, --max-steps N, --workspace DIR

            record options (record_outcome):
              --run ID                 record a finished run (its steps and status come from the run)
              or an explicit outcome, the task as text:
              --status success|failure (required), --plugin NAME@MARKETPLACE (repeatable: the plugins
              in order), --pattern ID (instead of --plugin), --duration SECONDS, --execution-id ID
              (the same id recorded twice counts once), --error TEXT (repeatable), --fix TEXT,
              --domain D, --subdomain S, --tag T (repeatable), --env REQUIREMENT (repeatable)
              --outcome FILE           a JSON or YAML object of record_outcome arguments
                                       (e.g. steps: [{step, plugin, component, status, error}])
            example: meta-orchestrator record --status success --plugin a@m --plugin b@m "review my PR"

            exit status: 0 done, 1 the command failed (the reason on stderr), 2 a wrong command line.""";

    /** The options of {@code record} beyond the shared ones. */
    static final Set<String> RECORD_OPTIONS = Set.of("run", "outcome", "pattern", "execution-id", "status", "duration",
            "plugin", "error", "fix", "domain", "subdomain", "tag", "env");

    /** Options every command accepts. */

    private Commands() {
    }

    static Set<String> shared(String... more) {
        Set<String> s = new HashSet<>(Options.SHARED);
        s.addAll(Set.of(more));
        return s;
    }

    public static int run(Options opts, Services services, PrintStream out) {
        services.markReady();
        switch (opts.command()) {
            case "catalog" -> {
                opts.allow(shared("refresh"));
                Map<String, Object> args = new LinkedHashMap<>();
                if (opts.flag("refresh")) {
                    args.put("refresh", true);
                }
                int code = tool(services, CatalogStatusTool.NAME, args, opts, out);
                if (services.catalog().isEmpty()) {
                    System.err.println(CatalogStatusTool.EMPTY_HINT);
                }
                return code;
            }
            case "record" -> {
                return record(opts, services, out);
            }
            case "stats" -> {
                opts.allow(shared());
                Map<String, Object> args = new LinkedHashMap<>();
                if (opts.value("limit") != null) {
                    args.put("limit", opts.intValue("limit", 1, 100, 10));
                }
                return tool(services, PatternStatsTool.NAME, args, opts, out);
            }
            case "recommend" -> {
                opts.allow(shared("batch", "category", "only-marketplace", "installed-only", "min-success-rate"));
                return RecommendCommand.run(opts, services, out);
            }
            case "runs" -> {
                opts.allow(Options.SHARED);
                return tool(services, RunStatusTool.NAME, new LinkedHashMap<>(), opts, out);
            }
            case "run" -> {
                opts.allow(Options.SHARED);
                if (opts.positional().size() != 2 || !opts.positional().get(0).equals("show")) {
                    throw new Options.UsageException("usage: run show ID");
                }
                return tool(services, RunStatusTool.NAME, Map.of("run_id", opts.positional().get(1)), opts, out);
            }
            case "research" -> {
                return WorkflowCommands.research(opts, services, out);
            }
            case "plan" -> {
                return WorkflowCommands.plan(opts, services, out);
            }
            default -> throw new Options.UsageException("unknown command '" + opts.command() + "'");
        }
    }

    /**
     * {@code record}: {@code --run ID}, or an explicit outcome: {@code --status success|failure}, the task as text,
     * {@code --plugin ID} per step in order (or {@code --pattern ID}), {@code --duration SECONDS},
     * {@code --execution-id ID}, {@code --error TEXT} (repeatable), {@code --fix TEXT}, {@code --domain D},
     * {@code --tag T}; or {@code --outcome FILE}: a JSON or YAML object with record_outcome's arguments.
     */
    static int record(Options opts, Services services, PrintStream out) {
        Set<String> allowed = new HashSet<>(Options.SHARED);
        allowed.addAll(RECORD_OPTIONS);
        opts.allow(allowed);
        Map<String, Object> args = new LinkedHashMap<>();
        String file = opts.value("outcome");
        if (file != null) {
            try {
                Object parsed = dev.metaorch.util.Json.yaml().readValue(java.nio.file.Files.readString(java.nio.file.Path.of(file)), Object.class);
                if (!(parsed instanceof Map<?, ?> m)) {
                    throw new Options.UsageException("--outcome " + file + ": expected an object of record_outcome arguments");
                }
                m.forEach((k, v) -> args.put(String.valueOf(k), v));
            } catch (java.io.IOException | RuntimeException e) {
                if (e instanceof Options.UsageException u) {
                    throw u;
                }
                throw new Options.UsageException("--outcome " + file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
            }
        }
        putIf(args, "run_id", opts.value("run"));
        putIf(args, "pattern_id", opts.value("pattern"));
        putIf(args, "execution_id", opts.value("execution-id"));
        // the tool takes the schema's lower-case words; the command line has always accepted any case
        putIf(args, "status", opts.value("status") == null ? null : opts.value("status").toLowerCase(java.util.Locale.ROOT));
        putIf(args, "task", opts.text());
        putIf(args, "fix", opts.value("fix"));
        putIf(args, "domain", opts.value("domain"));
        putIf(args, "subdomain", opts.value("subdomain"));
        if (opts.value("duration") != null) {
            try {
                args.put("duration_seconds", Double.parseDouble(opts.value("duration")));
            } catch (NumberFormatException e) {
                throw new Options.UsageException("--duration must be a number of seconds (got '" + opts.value("duration") + "')");
            }
        }
        if (!opts.all("plugin").isEmpty()) {
            args.put("plugin_sequence", opts.all("plugin"));
        }
        if (!opts.all("error").isEmpty()) {
            args.put("errors", opts.all("error"));
        }
        if (!opts.all("tag").isEmpty()) {
            args.put("tags", opts.all("tag"));
        }
        if (!opts.all("env").isEmpty()) {
            args.put("environment_requirements", opts.all("env"));
        }
        // errors name the options this command line used; with --outcome FILE the file's own keys stay
        return tool(services, RecordOutcomeTool.NAME, args, opts, out, file == null ? CliWords.recordOptions() : Map.of());
    }

    private static void putIf(Map<String, Object> args, String key, Object value) {
        if (value != null) {
            args.put(key, value);
        }
    }

    /** Runs a tool handler and prints its answer; a tool error goes to stderr with exit status 1. */
    static int tool(Services services, String name, Map<String, Object> args, Options opts, PrintStream out) {
        return tool(services, name, args, opts, out, Map.of());
    }

    /** As above; the error text names commands for tools, and {@code optionOf}'s options for their arguments. */
    static int tool(Services services, String name, Map<String, Object> args, Options opts, PrintStream out,
                    Map<String, String> optionOf) {
        ToolResult r;
        try {
            r = Tools.byName(services, name).call(args, ToolContext.NONE);
        } catch (dev.metaorch.util.Refusal e) {
            r = ToolResult.error(e.getMessage());
        }
        if (r.error()) {
            System.err.println("meta-orchestrator: " + CliWords.say(r.text(), optionOf));
            if (opts.flag("json")) {
                out.println(Json.write(r.structured()));
            }
            return 1;
        }
        out.println(opts.flag("json") ? Json.write(r.structured()) : r.text());
        return 0;
    }
}
