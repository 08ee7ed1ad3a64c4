package dev.metaorch.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One agent, command, skill, hook registration or server of a plugin.
 *
 * @param kind        what it is
 * @param name        the name Claude Code keys it by (agents: front-matter {@code name}; commands: path under
 *                    {@code commands/} with {@code /} as {@code :}; hooks: {@code Event} or {@code Event:matcher})
 * @param file        file stem (agents) or folder (skills) when it differs from the name, else null
 * @param description cleaned one-paragraph description, may be empty
 * @param model       model hint from front matter, or null
 * @param argumentHint command argument hint, or null
 * @param tools       tools an agent declares, empty when none
 * @param references  agents this component's body hands work to ({@code subagent_type} values), in order of
 *                    first mention; only known when plugin folders were read, empty for snapshots
 * @param examples    requests its author gives as examples of its use ({@link ExampleRequests}); relevance only,
 *                    only known when plugin folders were read, empty for snapshots
 * @param body        the Markdown after the front matter (the agent's prompt, the command's instructions, the
 *                    skill's guide); only known when plugin folders were read, empty for snapshots
 * @param source      the file it was read from, relative to its marketplace folder; null for snapshots and for
 *                    components declared inline (hooks, servers)
 */
public record Component(ComponentKind kind, String name, String file, String description, String model,
                        String argumentHint, List<String> tools, List<String> references, List<String> examples,
                        String body, String source) {

    public Component {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        tools = tools == null ? List.of() : List.copyOf(tools);
        references = references == null ? List.of() : List.copyOf(references);
        examples = examples == null ? List.of() : List.copyOf(examples);
        body = body == null ? "" : body;
    }

    public Component(ComponentKind kind, String name, String file, String description, String model,
                     String argumentHint, List<String> tools, List<String> references, List<String> examples) {
        this(kind, name, file, description, model, argumentHint, tools, references, examples, "", null);
    }

    /** The same component with the text of the file it was read from. */
    public Component withText(String body, String source) {
        return new Component(kind, name, file, description, model, argumentHint, tools, references, examples, body, source);
    }

    public Component(ComponentKind kind, String name, String file, String description, String model,
                     String argumentHint, List<String> tools, List<String> references) {
        this(kind, name, file, description, model, argumentHint, tools, references, List.of());
    }

    /** The same component with these example requests. */
    public Component withExamples(List<String> more) {
        return new Component(kind, name, file, description, model, argumentHint, tools, references, more, body, source);
    }

    public Component(ComponentKind kind, String name, String file, String description, String model,
                     String argumentHint, List<String> tools) {
        this(kind, name, file, description, model, argumentHint, tools, List.of());
    }

    public static Component of(ComponentKind kind, String name, String description) {
        return new Component(kind, name, null, description, null, null, List.of(), List.of());
    }

    /** The short role name: the file stem for agents renamed to {@code <plugin>-<stem>}, else the name. */
    public String roleName() {
        return file != null && !file.isBlank() ? file : name;
    }

    /**
     * How Claude Code invokes this component of {@code plugin}: agents through the Task tool's
     * {@code subagent_type}, commands as {@code /plugin:command}, skills by name.
     */
    public String invoke(String plugin) {
        return switch (kind) {
            case AGENT -> "Task tool, subagent_type \"" + plugin + ":" + name + "\"";
            case COMMAND -> "/" + plugin + ":" + name;
            case SKILL -> "skill \"" + plugin + ":" + name + "\" (Skill tool; loads when its description matches)";
            case HOOK -> "hook on " + name + " (runs automatically once the plugin is enabled)";
            case MCP -> "MCP server \"" + name + "\" (tools appear as mcp__plugin_" + plugin + "_" + name + "__*)";
            case LSP -> "LSP server \"" + name + "\" (used automatically for matching files)";
        };
    }
}
