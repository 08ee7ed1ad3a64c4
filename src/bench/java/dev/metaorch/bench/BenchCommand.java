package dev.metaorch.bench;

import java.io.PrintStream;

import dev.metaorch.Services;
import dev.metaorch.util.Options;

/**
 * {@code bench <name>}: one case per benchmark. Benchmarks load their own data (catalog snapshots and dev
 * sets from {@code ../shared} by default) so their figures do not depend on the user's Claude Code state.
 */
public final class BenchCommand {

    public static final String NAMES = "recommend|workflows|learning|startup|reliability";

    private BenchCommand() {
    }

    /** Runs the benchmark {@code opts} names ({@code opts.positional().get(0)}); {@code services} are the command line's. */
    public static int run(Options opts, Services services, PrintStream out) {
        if (opts.positional().isEmpty()) {
            throw new Options.UsageException("bench needs a benchmark name: bench " + NAMES);
        }
        String name = opts.positional().get(0);
        // the Neo4j named by NEO4J_URI etc. (null when unset), used by --neo4j
        dev.metaorch.config.Settings.Neo4jSettings neo4j = services.settings().neo4j();
        return switch (name) {
            case "workflows" -> WorkflowsCommand.run(opts, services, out);
            case "learning" -> {
                java.util.Set<String> known = new java.util.HashSet<>(dev.metaorch.util.Options.SHARED);
                known.addAll(java.util.Set.of("rounds", "seed", "neo4j"));
                opts.allow(known);
                yield LearningBench.run(opts.intValue("rounds", 200, 1_000_000, 5000),
                        opts.intValue("seed", 0, Integer.MAX_VALUE, 42), opts.flag("json"), out, opts.flag("neo4j"), neo4j);
            }
            case "recommend" -> {
                java.util.Set<String> known = new java.util.HashSet<>(dev.metaorch.util.Options.SHARED);
                known.addAll(java.util.Set.of("queries", "synthetic", "runs", "neo4j", "outcomes", "setting", "realistic", "quick", "show", "set", "marketplace"));
                opts.allow(known);
                yield RecommendBench.run(opts, out, neo4j);
            }
            case "startup" -> {
                java.util.Set<String> known = new java.util.HashSet<>(dev.metaorch.util.Options.SHARED);
                known.addAll(java.util.Set.of("runs", "launcher", "marketplace"));
                opts.allow(known);
                yield StartupBench.command(opts, out);
            }
            case "reliability" -> {
                java.util.Set<String> known = new java.util.HashSet<>(dev.metaorch.util.Options.SHARED);
                known.addAll(java.util.Set.of("quick", "messages", "rounds", "processes", "seconds"));
                opts.allow(known);
                yield ReliabilityBench.run(opts, out);
            }
            default -> throw new Options.UsageException("unknown benchmark '" + name + "' (expected " + NAMES + ")");
        };
    }
}
