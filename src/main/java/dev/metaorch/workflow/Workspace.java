package dev.metaorch.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import dev.metaorch.util.Json;
import dev.metaorch.util.Refusal;
import tools.jackson.databind.JsonNode;

/**
 * What a project folder tells the planner: its build system (which decides the build and test commands),
 * container and cluster files, CI, docs, version control, the port a web app listens on, and the environment
 * variables its example env file names. Only the top level and a few conventional folders are looked at,
 * and only small files are read, so a huge or hostile workspace costs little.
 *
 * @param root       the folder, or null when the caller gave none (then {@code hint} comes from the task text)
 * @param builds     build systems found, most specific first
 * @param port       the port a served app listens on, when known
 * @param k8sDir     folder holding Kubernetes manifests, or null
 * @param envVars    variable names from {@code .env.example}/{@code .env.sample}
 * @param sourceDirs source folders found (src, app, lib, ...)
 * @param facts      what was found and where, for reasons
 */
public record Workspace(Path root, List<Build> builds, boolean git, boolean dockerfile, boolean compose, String k8sDir,
                        String helmChart, String ciDir, boolean readme, boolean docsDir, Integer port, String framework,
                        List<String> envVars, List<String> sourceDirs, List<String> facts) {

    static final long MAX_READ = 256 * 1024;

    /**
     * A build system and the argument vectors that build, test and audit with it.
     *
     * @param file  the file that revealed it ({@code pom.xml}, {@code package.json}, ...)
     * @param tools what must be installed to run it
     */
    public record Build(String name, String file, List<String> build, List<String> test, List<String> lint,
                        List<String> audit, String tools) {
    }

    public static final Workspace NONE = new Workspace(null, List.of(), false, false, false, null, null, null, false,
            false, null, null, List.of(), List.of(), List.of());

    public boolean given() {
        return root != null;
    }

    public Build primary() {
        return builds.isEmpty() ? null : builds.get(0);
    }

    /** Inspects a folder; a path that is not a readable folder is a clear error. */
    public static Workspace inspect(String path) {
        if (path == null || path.isBlank()) {
            return NONE;
        }
        Path root;
        try {
            root = Path.of(path).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new Refusal("workspace '" + path + "' is not a valid path");
        }
        if (!Files.isDirectory(root)) {
            throw new Refusal("workspace '" + path + "' is not a folder");
        }
        List<Build> builds = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        Integer port = null;
        String framework = null;

        if (file(root, "pom.xml")) {
            String pom = read(root.resolve("pom.xml"));
            String mvn = file(root, "mvnw") ? "./mvnw" : "mvn";
            builds.add(new Build("maven", "pom.xml", List.of(mvn, "-q", "-B", "-DskipTests", "package"),
                    List.of(mvn, "-q", "-B", "test"), List.of(), List.of(), "Java JDK and Maven"));
            if (pom.contains("spring-boot")) {
                framework = "spring-boot";
                port = springPort(root);
            }
            facts.add("pom.xml: Maven project" + (framework != null ? " (Spring Boot)" : ""));
        }
        if (file(root, "build.gradle") || file(root, "build.gradle.kts")) {
            String g = file(root, "gradlew") ? "./gradlew" : "gradle";
            String f = file(root, "build.gradle") ? "build.gradle" : "build.gradle.kts";
            builds.add(new Build("gradle", f, List.of(g, "assemble"), List.of(g, "test"), List.of(), List.of(),
                    "Java JDK and Gradle"));
            if (read(root.resolve(f)).contains("spring-boot") && framework == null) {
                framework = "spring-boot";
                port = springPort(root);
            }
            facts.add(f + ": Gradle project");
        }
        if (file(root, "package.json")) {
            Map<String, String> scripts = Map.of();
            String deps = "";
            try {
                JsonNode pkg = Json.MAPPER.readTree(read(root.resolve("package.json")));
                JsonNode s = pkg.path("scripts");
                java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : s.properties()) {
                    m.put(e.getKey(), e.getValue().asString(""));
                }
                scripts = m;
                deps = pkg.path("dependencies").toString() + pkg.path("devDependencies").toString();
            } catch (RuntimeException e) {
                facts.add("package.json: unreadable (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            String test = scripts.get("test");
            boolean realTest = test != null && !test.contains("no test specified");
            builds.add(new Build("npm", "package.json",
                    scripts.containsKey("build") ? List.of("npm", "run", "build") : List.of("npm", "install", "--ignore-scripts"),
                    realTest ? List.of("npm", "test") : List.of(),
                    scripts.containsKey("lint") ? List.of("npm", "run", "lint") : List.of(),
                    List.of("npm", "audit", "--audit-level=high"), "Node.js and npm"));
            if (deps.contains("\"next\"")) {
                framework = framework == null ? "next" : framework;
                port = port == null ? 3000 : port;
            } else if (deps.contains("\"express\"") || deps.contains("\"fastify\"")) {
                framework = framework == null ? (deps.contains("\"express\"") ? "express" : "fastify") : framework;
                port = port == null ? 3000 : port;
            }
            Integer p = portIn(scripts.getOrDefault("start", "") + " " + scripts.getOrDefault("dev", ""));
            if (p != null) {
                port = p;
            }
            facts.add("package.json: npm project, scripts " + scripts.keySet());
        }
        boolean py = file(root, "pyproject.toml") || file(root, "setup.py") || file(root, "requirements.txt");
        if (py) {
            String f = file(root, "pyproject.toml") ? "pyproject.toml" : file(root, "setup.py") ? "setup.py" : "requirements.txt";
            String text = (read(root.resolve(f)) + "\n" + (file(root, "requirements.txt") ? read(root.resolve("requirements.txt")) : ""))
                    .toLowerCase(Locale.ROOT);
            boolean pytest = text.contains("pytest") || Files.isDirectory(root.resolve("tests")) || file(root, "pytest.ini");
            builds.add(new Build("python", f, List.of("python3", "-m", "compileall", "-q", "."),
                    pytest ? List.of("python3", "-m", "pytest", "-q") : List.of("python3", "-m", "unittest", "discover"),
                    text.contains("ruff") ? List.of("ruff", "check", ".") : List.of(),
                    List.of("pip-audit"), "Python 3" + (pytest ? " and pytest" : "")));
            if (text.contains("flask")) {
                framework = framework == null ? "flask" : framework;
                port = port == null ? 5000 : port;
            } else if (text.contains("fastapi") || text.contains("django")) {
                framework = framework == null ? (text.contains("fastapi") ? "fastapi" : "django") : framework;
                port = port == null ? 8000 : port;
            }
            facts.add(f + ": Python project" + (pytest ? " with pytest" : ""));
        }
        if (file(root, "go.mod")) {
            builds.add(new Build("go", "go.mod", List.of("go", "build", "./..."), List.of("go", "test", "./..."),
                    List.of("go", "vet", "./..."), List.of("govulncheck", "./..."), "Go toolchain"));
            facts.add("go.mod: Go module");
        }
        if (file(root, "Cargo.toml")) {
            builds.add(new Build("cargo", "Cargo.toml", List.of("cargo", "build"), List.of("cargo", "test"),
                    List.of("cargo", "clippy"), List.of("cargo", "audit"), "Rust toolchain (cargo)"));
            facts.add("Cargo.toml: Rust crate");
        }
        if (builds.isEmpty() && file(root, "Makefile")) {
            String mk = read(root.resolve("Makefile"));
            boolean testTarget = mk.lines().anyMatch(l -> l.startsWith("test:"));
            builds.add(new Build("make", "Makefile", List.of("make"), testTarget ? List.of("make", "test") : List.of(),
                    List.of(), List.of(), "make"));
            facts.add("Makefile" + (testTarget ? " with a test target" : ""));
        }
        boolean git = Files.exists(root.resolve(".git"), LinkOption.NOFOLLOW_LINKS);
        boolean dockerfile = file(root, "Dockerfile");
        boolean compose = file(root, "docker-compose.yml") || file(root, "compose.yaml") || file(root, "docker-compose.yaml");
        if (dockerfile) {
            facts.add("Dockerfile: container image build");
            Integer p = exposed(read(root.resolve("Dockerfile")));
            if (p != null) {
                port = p;
            }
        }
        String k8s = null;
        for (String d : List.of("k8s", "kubernetes", "deploy", "manifests")) {
            if (Files.isDirectory(root.resolve(d), LinkOption.NOFOLLOW_LINKS) && hasYaml(root.resolve(d))) {
                k8s = d;
                facts.add(d + "/: Kubernetes manifests");
                break;
            }
        }
        String helm = null;
        for (String d : List.of("chart", "charts", "helm", ".")) {
            if (Files.isRegularFile(root.resolve(d).resolve("Chart.yaml"))) {
                helm = d;
                facts.add(d + "/Chart.yaml: Helm chart");
                break;
            }
        }
        String ci = Files.isDirectory(root.resolve(".github/workflows")) ? ".github/workflows"
                : file(root, ".gitlab-ci.yml") ? ".gitlab-ci.yml" : null;
        if (ci != null) {
            facts.add(ci + ": CI configuration");
        }
        List<String> env = new ArrayList<>();
        for (String f : List.of(".env.example", ".env.sample", ".env.template")) {
            if (file(root, f)) {
                for (String line : read(root.resolve(f)).split("\n")) {
                    Matcher m = java.util.regex.Pattern.compile("^\\s*(?:export\\s+)?([A-Z][A-Z0-9_]{1,63})\\s*=").matcher(line);
                    if (m.find() && env.size() < 40) {
                        env.add(m.group(1));
                    }
                }
                facts.add(f + ": " + env.size() + " environment variables");
                break;
            }
        }
        List<String> src = new ArrayList<>();
        for (String d : List.of("src", "app", "lib", "cmd", "pkg", "internal")) {
            if (Files.isDirectory(root.resolve(d), LinkOption.NOFOLLOW_LINKS)) {
                src.add(d);
            }
        }
        if (git) {
            facts.add(".git: version control (rollback by commit)");
        }
        return new Workspace(root, builds, git, dockerfile, compose, k8s, helm, ci, file(root, "README.md"),
                Files.isDirectory(root.resolve("docs")), port, framework, env, src, facts);
    }

    /**
     * Without a folder the task's own words are the only hint: a task that names a stack gets that stack's
     * commands (run in the caller's project), one that names none gets checks on files and the step reports.
     */
    public static Workspace fromTask(String task) {
        Set<String> w = new LinkedHashSet<>(Phase.words(task));
        List<String> facts = new ArrayList<>();
        List<Build> builds = new ArrayList<>();
        Integer port = null;
        String framework = null;
        if (w.contains("flask") || w.contains("django") || w.contains("fastapi") || w.contains("python") || w.contains("pytest")) {
            builds.add(new Build("python", "(task names a Python stack)", List.of("python3", "-m", "compileall", "-q", "."),
                    List.of("python3", "-m", "pytest", "-q"), List.of(), List.of("pip-audit"), "Python 3 and pytest"));
            framework = w.contains("flask") ? "flask" : w.contains("django") ? "django" : w.contains("fastapi") ? "fastapi" : null;
            port = framework == null ? null : framework.equals("flask") ? 5000 : 8000;
        } else if (w.contains("node") || w.contains("express") || w.contains("next") || w.contains("nextjs") || w.contains("typescript")
                || w.contains("javascript") || w.contains("react") || w.contains("npm")) {
            builds.add(new Build("npm", "(task names a Node.js stack)", List.of("npm", "run", "build"), List.of("npm", "test"),
                    List.of(), List.of("npm", "audit", "--audit-level=high"), "Node.js and npm"));
            framework = w.contains("express") ? "express" : (w.contains("next") || w.contains("nextjs")) ? "next" : null;
            port = framework == null ? null : 3000;
        } else if (w.contains("java") || w.contains("spring") || w.contains("maven")) {
            builds.add(new Build("maven", "(task names a Java stack)", List.of("mvn", "-q", "-B", "-DskipTests", "package"),
                    List.of("mvn", "-q", "-B", "test"), List.of(), List.of(), "Java JDK and Maven"));
            framework = w.contains("spring") ? "spring-boot" : null;
            port = framework == null ? null : 8080;
        } else if (w.contains("go") || w.contains("golang")) {
            builds.add(new Build("go", "(task names Go)", List.of("go", "build", "./..."), List.of("go", "test", "./..."),
                    List.of("go", "vet", "./..."), List.of("govulncheck", "./..."), "Go toolchain"));
        } else if (w.contains("rust") || w.contains("cargo")) {
            builds.add(new Build("cargo", "(task names Rust)", List.of("cargo", "build"), List.of("cargo", "test"),
                    List.of("cargo", "clippy"), List.of("cargo", "audit"), "Rust toolchain (cargo)"));
        }
        if (!builds.isEmpty()) {
            facts.add("no workspace given; stack inferred from the task: " + builds.get(0).name()
                    + (framework != null ? " (" + framework + ")" : ""));
        }
        boolean docker = w.contains("docker") || w.contains("container");
        boolean k8s = w.contains("kubernetes") || w.contains("k8s");
        return new Workspace(null, builds, false, docker, false, k8s ? "k8s" : null, null, null, false, false, port,
                framework, List.of(), List.of(), facts);
    }

    private static boolean file(Path root, String name) {
        return Files.isRegularFile(root.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    static String read(Path f) {
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_READ) {
                return "";
            }
            return Files.readString(f);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean hasYaml(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.limit(200).anyMatch(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Integer springPort(Path root) {
        String props = read(root.resolve("src/main/resources/application.properties"));
        Integer p = firstInt(props, "(?m)^\\s*server\\.port\\s*[=:]\\s*(\\d{2,5})");
        if (p == null) {
            p = firstInt(read(root.resolve("src/main/resources/application.yml")), "(?m)^\\s+port:\\s*(\\d{2,5})");
        }
        return p == null ? 8080 : p;
    }

    private static Integer portIn(String script) {
        Integer p = firstInt(script, "PORT=(\\d{2,5})");
        return p != null ? p : firstInt(script, "(?:-p|--port)[ =](\\d{2,5})");
    }

    private static Integer exposed(String dockerfile) {
        return firstInt(dockerfile, "(?m)^\\s*EXPOSE\\s+(\\d{2,5})");
    }

    private static Integer firstInt(String text, String regex) {
        Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        if (m.find()) {
            int v = Integer.parseInt(m.group(1));
            return v > 0 && v < 65536 ? v : null;
        }
        return null;
    }
}
