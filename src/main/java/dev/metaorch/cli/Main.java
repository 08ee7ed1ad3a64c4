package dev.metaorch.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.metaorch.Services;
import dev.metaorch.catalog.CatalogSources;
import dev.metaorch.config.Settings;
import dev.metaorch.mcp.Server;
import dev.metaorch.util.Options;

/** Entry point: {@code meta-orchestrator <command> [options] [text]} (the commands README.md lists). */
public final class Main {

    private Main() {
    }

    public static void main(String[] argv) {
        // stdout is reserved: JSON-RPC in serve mode, the command's answer otherwise. Anything printed
        // by accident through System.out goes to stderr instead.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        // Lucene reports through java.util.logging that it could use the incubating Vector API on newer
        // JVMs; that is advice for Lucene's maintainers, not for our users.
        java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization").setLevel(java.util.logging.Level.SEVERE);
        int code = run(argv, stdout, System.getenv());
        stdout.flush();
        System.exit(code);
    }

    public static int run(String[] argv, PrintStream out, Map<String, String> env) {
        // before parsing: the benchmarks' own options (e.g. a trailing --quick) are no options of this jar
        if (argv.length > 0 && argv[0].equals("bench")) {
            System.err.println(benchElsewhere());
            return 2;
        }
        Options opts;
        try {
            opts = Options.parse(argv);
        } catch (Options.UsageException e) {
            System.err.println("meta-orchestrator: " + e.getMessage());
            System.err.println(Commands.USAGE);
            return 2;
        }
        if (opts.flag("help") || opts.command().equals("help")) {
            out.println(Commands.USAGE);
            return 0;
        }
        if (opts.flag("version") || opts.command().equals("version")) {
            out.println(Server.NAME + " " + Server.VERSION);
            return 0;
        }
        if (opts.command().equals("bench")) {
            System.err.println(benchElsewhere());
            return 2;
        }
        try {
            checkNamedPaths(opts);
            // serve: the transport is set up (and starts reading) while the services are built
            var stdio = opts.command().equals("serve") ? Server.openStdio(System.in, out) : null;
            Services services = services(opts, env);
            try {
                services.settings().warnings().forEach(w -> System.err.println("warning: " + w));
                if (stdio != null) {
                    opts.allow(Options.SHARED);
                    Server.serve(services, stdio.join());
                    return 0;
                }
                return Commands.run(opts, services, out);
            } finally {
                // a search index built by this process is kept for the next start, if its write is under way
                services.finishSaving(500);
            }
        } catch (Options.UsageException e) {
            System.err.println("meta-orchestrator: " + e.getMessage());
            System.err.println("Run 'meta-orchestrator help' for usage.");
            return 2;
        } catch (dev.metaorch.util.Refusal e) {
            System.err.println("meta-orchestrator: " + CliWords.say(e.getMessage(), Map.of()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * What {@code bench} says in the product jar: the benchmarks are built into a jar of their own, beside this one,
     * so that the product ships none of their code.
     */
    static String benchElsewhere() {
        String benchJar = "target/meta-orchestrator-bench.jar";
        try {
            // run from a jar: name the bench jar beside it, where the build puts it
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getFileName().toString().endsWith(".jar")) {
                benchJar = self.resolveSibling("meta-orchestrator-bench.jar").toString();
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // the default path above is what the build makes
        }
        return "meta-orchestrator: the benchmarks are not in this jar. Run them with\n"
                + "  scripts/meta-orchestrator bench recommend|workflows|learning|startup|reliability [options]\n"
                + "or\n"
                + "  java -jar " + benchJar + " recommend|workflows|learning|startup|reliability [options]\n"
                + "(mvn -q -B -DskipTests package builds both jars; 'bench --help' in the bench jar lists the options).";
    }

    /**
     * A catalog source named on the command line must exist: a missing snapshot or marketplace folder would
     * otherwise give a silently empty catalog (and every answer "nothing matches").
     */
    public static void checkNamedPaths(Options opts) {
        for (String c : opts.all("catalog")) {
            Path p = Path.of(c);
            if (!Files.exists(p)) {
                throw new Options.UsageException("--catalog " + c + ": no such file or folder (" + p.toAbsolutePath().normalize()
                        + "); give a JSONL snapshot or a folder of them");
            }
        }
        for (String m : opts.all("marketplace")) {
            Path p = Path.of(m);
            if (!Files.isDirectory(p)) {
                throw new Options.UsageException("--marketplace " + m + ": " + (Files.exists(p) ? "not a folder" : "no such folder")
                        + " (" + p.toAbsolutePath().normalize() + "); give a folder with .claude-plugin/marketplace.json");
            }
        }
    }

    /** Wires the services for these options: data folder, settings and catalog sources. */
    public static Services services(Options opts, Map<String, String> env) {
        String home = opts.value("home");
        Path homeDir = home != null ? Path.of(home) : Settings.defaultHome(env);
        Settings settings = Settings.load(homeDir, env);
        if (opts.flag("no-neo4j") && settings.neo4j() != null) {
            settings = new Settings(settings.home(), settings.allowedPrograms(), settings.extraMarketplaces(), null,
                    settings.warnings());
        }
        return new Services(settings, sources(opts, env, settings));
    }

    static CatalogSources sources(Options opts, Map<String, String> env, Settings settings) {
        List<Path> snapshots = opts.all("catalog").stream().map(Path::of).toList();
        List<Path> folders = new ArrayList<>(opts.all("marketplace").stream().map(Path::of).toList());
        String envFolders = env.get("META_ORCH_MARKETPLACES");
        if (envFolders != null && !envFolders.isBlank()) {
            for (String f : envFolders.split(":")) {
                if (!f.isBlank()) {
                    folders.add(Path.of(f));
                }
            }
        }
        String configDir = env.get("CLAUDE_CONFIG_DIR");
        Path claude = configDir != null && !configDir.isBlank() ? Path.of(configDir)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".claude");
        boolean named = !snapshots.isEmpty() || !folders.isEmpty();
        if (!named) {
            folders.addAll(settings.extraMarketplaces());
        }
        return new CatalogSources(snapshots, folders, claude.resolve("plugins"), claude.resolve("settings.json"), !named);
    }
}
