package dev.metaorch.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says a tool's error in the command line's words: the MCP tool names a message mentions become the commands
 * that do the same ({@code run_status} is {@code meta-orchestrator runs}), and the arguments a command filled
 * from its options become those options ({@code plugin_sequence} is {@code --plugin}). Tools with no command
 * are named as MCP tools, so the reader knows where they live.
 */
public final class CliWords {

    /** MCP tool -> the command that runs the same handler. */
    static final Map<String, String> COMMANDS = Map.of(
            "recommend_plugins", "meta-orchestrator recommend",
            "catalog_status", "meta-orchestrator catalog",
            "research_plugins", "meta-orchestrator research",
            "generate_workflow", "meta-orchestrator plan",
            "run_status", "meta-orchestrator runs",
            "record_outcome", "meta-orchestrator record",
            "pattern_stats", "meta-orchestrator stats");

    /** Tools only a MCP client can call (the run loop and the discovery tools). */
    static final java.util.Set<String> MCP_ONLY = java.util.Set.of("start_run", "execute_step", "rollback_run",
            "match_patterns", "known_issues", "find_alternatives");

    private static final Pattern WORD = Pattern.compile("(?<![A-Za-z0-9_-])'?([a-z]+(?:_[a-z]+)+)'?(?![A-Za-z0-9_-])");

    private CliWords() {
    }

    /**
     * The message with tool names and (for the options in {@code optionOf}: argument -> option) argument names
     * replaced; anything else is left as it is.
     */
    public static String say(String message, Map<String, String> optionOf) {
        Matcher m = WORD.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String w = m.group(1);
            String r;
            if (COMMANDS.containsKey(w)) {
                r = "'" + COMMANDS.get(w) + "'";
            } else if (MCP_ONLY.contains(w)) {
                r = "the MCP tool " + w;
            } else if (optionOf.containsKey(w)) {
                r = optionOf.get(w);
            } else {
                r = m.group();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Argument -> option for the record command's options (the reverse of how it fills the tool's arguments). */
    static Map<String, String> recordOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run_id", "--run");
        m.put("pattern_id", "--pattern");
        m.put("execution_id", "--execution-id");
        m.put("duration_seconds", "--duration");
        m.put("plugin_sequence", "--plugin");
        m.put("environment_requirements", "--env");
        return m;
    }
}
