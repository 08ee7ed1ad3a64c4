package dev.metaorch.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table {@code bench reliability} prints: a row per measure with its value, the target and
 * whether it was met (blank for figures that have no target, e.g. throughput).
 */
public final class ReliabilityTable {

    /** One figure. {@code ok} is null for a figure without a target. */
    public record Row(String part, String measure, String value, String target, Boolean ok) {
    }

    private final List<Row> rows = new ArrayList<>();

    public synchronized void add(String part, String measure, Object value) {
        rows.add(new Row(part, measure, String.valueOf(value), "", null));
    }

    /** A figure with a target; met when {@code ok}. */
    public synchronized void check(String part, String measure, Object value, String target, boolean ok) {
        rows.add(new Row(part, measure, String.valueOf(value), target, ok));
    }

    public synchronized void addAll(List<Row> more) {
        rows.addAll(more);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Rows whose target was missed. */
    public synchronized List<Row> missed() {
        return rows.stream().filter(r -> Boolean.FALSE.equals(r.ok())).toList();
    }

    public synchronized void print(PrintStream out) {
        out.println("| part | measure | value | target | met |");
        out.println("|---|---|---|---|---|");
        for (Row r : rows) {
            out.println("| " + cell(r.part()) + " | " + cell(r.measure()) + " | " + cell(r.value()) + " | " + cell(r.target())
                    + " | " + (r.ok() == null ? "" : r.ok() ? "yes" : "**NO**") + " |");
        }
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
