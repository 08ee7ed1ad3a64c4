package dev.metaorch.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metaorch.Services;
import dev.metaorch.cli.CliWords;
import dev.metaorch.cli.Main;
import dev.metaorch.util.Options;

/**
 * Entry point of the benchmark jar ({@code target/meta-orchestrator-bench.jar}, run by
 * {@code scripts/meta-orchestrator bench ...}): {@code <benchmark> [options]}, the benchmark's name with or
 * without a leading {@code bench}. The benchmarks live outside the product jar; this jar's manifest puts the
 * product jar beside it on the class path.
 */
public final class BenchMain {

    public static final String USAGE = """
            usage: meta-orchestrator bench <benchmark> [options]
                   java -jar target/meta-orchestrator-bench.jar <benchmark> [options]

            benchmarks: %s
              recommend    recommend_plugins on judged requests beside the bm25 and seed-overlap baselines,
                           ablations and latency (--quick, --queries FILE, --realistic FILE, --neo4j, ...)
              workflows    generate_workflow on the orchestration workflows and realistic multi-step tasks
                           (--dev FILE, --realistic FILE, --cases 1, --cv, --snapshot 1)
              learning     a simulated market of plugin sequences, regret beside the design's score
                           (--rounds N, --seed N, --neo4j)
              startup      the launcher's start-up to the first answers (--runs N, --launcher PATH)
              reliability  real server processes under hostile input, faults, load (--quick)

            shared options: --catalog PATH, --marketplace DIR, --home DIR, --json (as for meta-orchestrator)
            exit status: 0 done, 1 the benchmark failed (the reason on stderr), 2 a wrong command line.""".formatted(BenchCommand.NAMES);

    /**
     * Lucene's advice (through java.util.logging) that it could use the incubating Vector API on newer JVMs is for
     * its maintainers. Held in a field: the logging framework keeps loggers weakly, and a benchmark runs long
     * enough for a collection to drop the quieted level before Lucene first logs.
     */
    private static final java.util.logging.Logger LUCENE_VECTORIZATION =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    /** The benchmarks' options that take no value, beside the product's. */
    static final Set<String> FLAGS = flags("quick", "cv", "neo4j", "show");

    private static Set<String> flags(String... more) {
        Set<String> s = new java.util.HashSet<>(Options.FLAGS);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    private BenchMain() {
    }

    public static void main(String[] argv) {
        // as the product's Main: stdout carries the benchmark's answer only; stray prints go to stderr
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        LUCENE_VECTORIZATION.setLevel(java.util.logging.Level.SEVERE);
        int code = run(argv, stdout, System.getenv());
        stdout.flush();
        System.exit(code);
    }

    public static int run(String[] argv, PrintStream out, Map<String, String> env) {
        Options opts;
        try {
            opts = benchOptions(Options.parse(FLAGS, argv));
        } catch (Options.UsageException e) {
            System.err.println("meta-orchestrator bench: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (opts.flag("help") || (!opts.positional().isEmpty() && opts.positional().get(0).equals("help"))) {
            out.println(USAGE);
            return 0;
        }
        try {
            if (opts.positional().isEmpty()) {
                throw new Options.UsageException("bench needs a benchmark name: bench " + BenchCommand.NAMES);
            }
            Main.checkNamedPaths(opts);
            Services services = Main.services(opts, env);
            try {
                services.settings().warnings().forEach(w -> System.err.println("warning: " + w));
                if (!isGraphBench(opts)) { // bench --neo4j opens its own throwaway graph; the CLI's mirror stays off
                    services.markReady();
                }
                return BenchCommand.run(opts, services, out);
            } finally {
                // as the product's Main: a search index this process built is kept for the next run
                services.finishSaving(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Options.UsageException e) {
            System.err.println("meta-orchestrator bench: " + e.getMessage());
            System.err.println("Run 'meta-orchestrator bench --help' for usage.");
            return 2;
        } catch (dev.metaorch.util.Refusal e) {
            System.err.println("meta-orchestrator: " + CliWords.say(e.getMessage(), Map.of()));
            return 1;
        }
    }

    /**
     * The command line as {@code bench <benchmark> ...}: the product's parser takes the first word as the command,
     * which here is {@code bench} or already the benchmark's name.
     */
    static Options benchOptions(Options parsed) {
        if (parsed.command().equals("bench")) {
            return parsed;
        }
        List<String> positional = new ArrayList<>();
        // the parser's default command when no word was given: no benchmark named
        boolean none = parsed.command().equals("serve") && parsed.positional().isEmpty();
        if (!none) {
            positional.add(parsed.command());
            positional.addAll(parsed.positional());
        }
        return new Options("bench", List.copyOf(positional), parsed.values(), parsed.flags());
    }

    /** bench learning|recommend: they build their own stores (and graph, with --neo4j), never the CLI's services. */
    private static boolean isGraphBench(Options opts) {
        return !opts.positional().isEmpty() && Set.of("learning", "recommend").contains(opts.positional().get(0));
    }
}
