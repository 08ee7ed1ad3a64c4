package dev.metaorch.learn;

/**
 * The pattern lifecycle rule (documented in the repository's {@code patterns/README.md}). A pattern's
 * status is a function of its counts alone, recomputed after every recorded outcome, so every process
 * that reads the same counts agrees on it:
 * <ul>
 *   <li><b>deprecated</b> when the Wilson upper bound (z = {@value #Z}) is below {@value #DEPRECATE_UPPER};</li>
 *   <li><b>learned</b> when runs &gt;= {@value #LEARNED_MIN_RUNS}, raw rate &gt;= {@value #LEARNED_MIN_RATE}
 *       and the Wilson lower bound &gt;= {@value #LEARNED_LOWER};</li>
 *   <li><b>validated</b> when runs &gt;= {@value #VALIDATED_MIN_RUNS}, raw rate &gt;= {@value #VALIDATED_MIN_RATE}
 *       and the Wilson lower bound &gt;= {@value #VALIDATED_LOWER};</li>
 *   <li><b>discovered</b> otherwise.</li>
 * </ul>
 * The run and rate minimums are the design's; the bounds make the decision beyond them. Promotion is
 * checked once per recorded outcome, so the test is sequential: z = 2.576 (99 % two-sided) keeps the
 * chance that a pattern whose true rate is below 0.6 ever gets promoted small even after many looks.
 */
public final class Lifecycle {

    public static final double Z = 2.576;
    public static final int VALIDATED_MIN_RUNS = 5;
    public static final double VALIDATED_MIN_RATE = 0.80;
    public static final double VALIDATED_LOWER = 0.60;
    public static final int LEARNED_MIN_RUNS = 20;
    public static final double LEARNED_MIN_RATE = 0.90;
    public static final double LEARNED_LOWER = 0.75;
    public static final double DEPRECATE_UPPER = 0.60;

    private Lifecycle() {
    }

    public static String status(int successes, int trials) {
        PatternScore s = PatternScore.of(successes, trials);
        if (s.trials() > 0 && s.upper() < DEPRECATE_UPPER) {
            return "deprecated";
        }
        if (s.trials() >= LEARNED_MIN_RUNS && s.raw() >= LEARNED_MIN_RATE && s.lower() >= LEARNED_LOWER) {
            return "learned";
        }
        if (s.trials() >= VALIDATED_MIN_RUNS && s.raw() >= VALIDATED_MIN_RATE && s.lower() >= VALIDATED_LOWER) {
            return "validated";
        }
        return "discovered";
    }

    /** 0 discovered, 1 validated, 2 learned; deprecated -1. Higher is more trusted. */
    public static int rank(String status) {
        return switch (status == null ? "" : status) {
            case "learned" -> 2;
            case "validated" -> 1;
            case "deprecated" -> -1;
            default -> 0;
        };
    }

    /** A move up into validated or learned (leaving deprecated for discovered is a recovery, not a promotion). */
    public static boolean isPromotion(String from, String to) {
        return rank(to) >= 1 && rank(to) > rank(from);
    }
}
