package dev.metaorch.execute;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test counts read from a test runner's own summary in a command's output: pytest ("3 failed, 12 passed"),
 * Jest ("Tests: 1 failed, 12 passed, 13 total"), Maven Surefire and Gradle ("Tests run: 13, Failures: 1,
 * Errors: 0"), Mocha ("12 passing", "1 failing"), cargo ("test result: ok. 12 passed; 1 failed"), go test
 * ("--- FAIL" / "--- PASS" lines). Output that has none of these gives no counts: a run never invents them.
 *
 * @param runner which summary the counts come from
 */
public record TestCounts(long passed, long failed, String runner) {

    public long total() {
        return passed + failed;
    }

    private static final Pattern SUREFIRE = Pattern.compile("Tests run:\\s*(\\d+),\\s*Failures:\\s*(\\d+),\\s*Errors:\\s*(\\d+)");
    private static final Pattern JEST = Pattern.compile("(?m)^Tests:\\s+(.*\\d+ total.*)$");
    private static final Pattern CARGO = Pattern.compile("test result: \\w+\\. (\\d+) passed; (\\d+) failed");
    private static final Pattern PYTEST = Pattern.compile("(?m)^=*\\s*(?:\\d+ \\w+(?:, )?)*\\d+ (?:passed|failed)\\b.*? in [\\d.]+s");
    private static final Pattern MOCHA_PASS = Pattern.compile("(?m)^\\s*(\\d+) passing\\b");
    private static final Pattern MOCHA_FAIL = Pattern.compile("(?m)^\\s*(\\d+) failing\\b");
    private static final Pattern GO = Pattern.compile("(?m)^\\s*--- (PASS|FAIL): ");
    private static final Pattern COUNT = Pattern.compile("(\\d+) (passed|failed|errors?)\\b");

    /** The counts of the last summary in {@code output}, or null when it has no test runner's summary. */
    public static TestCounts parse(String output) {
        if (output == null || output.isBlank()) {
            return null;
        }
        Matcher m = SUREFIRE.matcher(output);
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))};
        }
        if (last != null) {
            return new TestCounts(last[0] - last[1], last[1], "surefire/gradle summary");
        }
        m = JEST.matcher(output);
        String jest = null;
        while (m.find()) {
            jest = m.group(1);
        }
        if (jest != null) {
            long[] pf = counts(jest);
            return new TestCounts(pf[0], pf[1], "jest summary");
        }
        m = CARGO.matcher(output);
        long cp = -1;
        long cf = 0;
        while (m.find()) {
            cp = Math.max(cp, 0) + Long.parseLong(m.group(1));
            cf += Long.parseLong(m.group(2));
        }
        if (cp >= 0) {
            return new TestCounts(cp, cf, "cargo test summary");
        }
        m = PYTEST.matcher(output);
        String py = null;
        while (m.find()) {
            py = m.group();
        }
        if (py != null) {
            long[] pf = counts(py);
            return new TestCounts(pf[0], pf[1], "pytest summary");
        }
        Matcher mp = MOCHA_PASS.matcher(output);
        if (mp.find()) {
            Matcher mf = MOCHA_FAIL.matcher(output);
            return new TestCounts(Long.parseLong(mp.group(1)), mf.find() ? Long.parseLong(mf.group(1)) : 0, "mocha summary");
        }
        m = GO.matcher(output);
        long gp = 0;
        long gf = 0;
        while (m.find()) {
            if ("PASS".equals(m.group(1))) {
                gp++;
            } else {
                gf++;
            }
        }
        if (gp + gf > 0) {
            return new TestCounts(gp, gf, "go test -v lines");
        }
        return null;
    }

    private static long[] counts(String summary) {
        long p = 0;
        long f = 0;
        Matcher m = COUNT.matcher(summary);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            if ("passed".equals(m.group(2))) {
                p += n;
            } else {
                f += n;
            }
        }
        return new long[] {p, f};
    }

    /** The sum over several outputs' summaries; null when none has one. */
    public static TestCounts sum(List<String> outputs) {
        long p = 0;
        long f = 0;
        java.util.LinkedHashSet<String> runners = new java.util.LinkedHashSet<>();
        for (String o : outputs) {
            TestCounts c = parse(o);
            if (c != null) {
                p += c.passed();
                f += c.failed();
                runners.add(c.runner());
            }
        }
        return runners.isEmpty() ? null : new TestCounts(p, f, String.join(", ", runners));
    }
}
