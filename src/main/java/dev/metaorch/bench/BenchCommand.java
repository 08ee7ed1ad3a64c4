package dev.metaorch.bench;

import java.io.PrintStream;

import dev.metaorch.util.Options;

/**
 * {@code bench <name>}: one case per benchmark. Benchmarks load their own data (catalog snapshots and dev
 * sets from {@code ../shared} by default) so their figures do not depend on the user's Claude Code state.
 */
public final class BenchCommand {

    public static final String NAMES = "recommend|workflows|learning|startup|reliability";

    private BenchCommand() {
    }

    public static int run(Options opts, PrintStream out) {
        return run(opts, out, null);
    }

    /** @param neo4j the Neo4j named by NEO4J_URI etc. (null when unset), used by {@code --neo4j} */
    public static int run(Options opts, PrintStream out, dev.metaorch.config.Settings.Neo4jSettings neo4j) {
        if (opts.positional().isEmpty()) {
            throw new Options.UsageException("bench needs a benchmark name: bench " + NAMES);
        }
        String name = opts.positional().get(0);
        return switch (name) {
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
