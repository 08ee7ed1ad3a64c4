package dev.metaorch.learn;

/**
 * The evidence about one pattern or plugin as every ranking reads it: counts, the Beta(1, 1) posterior
 * mean and the Wilson bounds at {@link Lifecycle#Z}. Rank by {@link #mean()} (or {@link #lower()} when
 * caution matters), never by the raw rate: 1 success in 1 run scores 0.67 / lower 0.13, 95 in 100
 * scores 0.94 / lower 0.86.
 */
public record PatternScore(int successes, int trials, double raw, double mean, double lower, double upper) {

    public static final PatternScore NONE = of(0, 0);

    public static PatternScore of(int successes, int trials) {
        int n = Math.max(0, trials);
        int s = Math.max(0, Math.min(successes, n));
        return new PatternScore(s, n, n == 0 ? 0 : (double) s / n, Posterior.mean(s, n),
                Posterior.wilsonLower(s, n, Lifecycle.Z), Posterior.wilsonUpper(s, n, Lifecycle.Z));
    }

    public static PatternScore of(Pattern p) {
        return of(p.metrics().successfulExecutions(), p.metrics().totalExecutions());
    }

    public int failures() {
        return trials - successes;
    }
}
