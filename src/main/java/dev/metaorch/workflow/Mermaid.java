package dev.metaorch.workflow;

import java.util.List;
import java.util.Map;

/**
 * A workflow as a Mermaid flowchart: one node per step (ids {@code s1}, {@code s2}, ... so no id can clash
 * with a keyword such as {@code end}), solid arrows for the execution order, dotted arrows labelled with the
 * data handed over between steps that are not neighbours, and flagged steps outlined. Labels are quoted and
 * their special characters written as Mermaid entity codes.
 */
public final class Mermaid {

    private Mermaid() {
    }

    public static String flowchart(String task, List<WorkflowStep> steps) {
        StringBuilder sb = new StringBuilder("flowchart TD\n");
        sb.append("  start([\"").append(label(shorten(task, 80))).append("\"])\n");
        for (WorkflowStep s : steps) {
            String plugin = s.plugin() == null ? "" : s.plugin().replaceFirst("@.*$", "");
            sb.append("  s").append(s.step()).append("[\"").append(s.step()).append(". ")
                    .append(label(s.gap() ? "direct (no component fits)" : plugin + ":" + s.component())).append("<br/>")
                    .append(label(shorten(s.purpose(), 70))).append("\"]\n");
        }
        sb.append("  done([\"done\"])\n");
        String prev = "start";
        for (WorkflowStep s : steps) {
            sb.append("  ").append(prev).append(" --> s").append(s.step()).append('\n');
            prev = "s" + s.step();
        }
        sb.append("  ").append(prev).append(" --> done\n");
        for (WorkflowStep s : steps) {
            for (Map.Entry<String, Object> in : s.inputs().entrySet()) {
                if (in.getValue() instanceof Map<?, ?> ref && ref.get("from_step") instanceof Number from
                        && from.intValue() < s.step() - 1) {
                    sb.append("  s").append(from.intValue()).append(" -. \"").append(label(String.valueOf(ref.get("output"))))
                            .append("\" .-> s").append(s.step()).append('\n');
                }
            }
        }
        boolean anyFlag = steps.stream().anyMatch(s -> !s.flags().isEmpty());
        if (anyFlag) {
            sb.append("  classDef gap stroke:#c00,stroke-width:3px,stroke-dasharray: 5 5\n");
            for (WorkflowStep s : steps) {
                if (!s.flags().isEmpty()) {
                    sb.append("  class s").append(s.step()).append(" gap\n");
                }
            }
        }
        return sb.toString();
    }

    static String shorten(String s, int max) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() <= max ? t : t.substring(0, max - 3).strip() + "...";
    }

    /** Text safe inside a quoted Mermaid label: '#' first, then quotes, angle brackets and other markup characters. */
    static String label(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.replaceAll("[\\r\\n\\t]+", " ").toCharArray()) {
            switch (ch) {
                case '#' -> sb.append("#35;");
                case '"' -> sb.append("#quot;");
                case '<' -> sb.append("#lt;");
                case '>' -> sb.append("#gt;");
                case '&' -> sb.append("#amp;");
                case '`' -> sb.append("#96;");
                case '[' -> sb.append("#91;");
                case ']' -> sb.append("#93;");
                case '{' -> sb.append("#123;");
                case '}' -> sb.append("#125;");
                case '|' -> sb.append("#124;");
                case ';' -> sb.append("#59;");
                default -> {
                    if (ch >= 0x20) {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }
}
