package dev.metaorch.learn;

/**
 * Evidence arithmetic shared by every ranking: a Beta(1, 1) posterior over a success probability and
 * the Wilson score interval. 1 success in 1 run must not outrank 95 in 100, so rankings use bounds or
 * posterior means, never raw rates.
 */
public final class Posterior {

    /** The neutral prior mean: what a plugin or pattern with no outcomes scores. */
    public static final double PRIOR_MEAN = 0.5;

    private Posterior() {
    }

    /** Posterior mean under a uniform prior: (s + 1) / (n + 2). */
    public static double mean(int successes, int trials) {
        return (successes + 1.0) / (trials + 2.0);
    }

    /** Wilson score lower bound at z (1.96 for 95 %); 0 with no trials. */
    public static double wilsonLower(int successes, int trials, double z) {
        if (trials <= 0) {
            return 0;
        }
        double p = (double) successes / trials;
        double z2 = z * z;
        double centre = p + z2 / (2 * trials);
        double margin = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials));
        return Math.max(0, (centre - margin) / (1 + z2 / trials));
    }

    /** Wilson score upper bound at z; 1 with no trials. */
    public static double wilsonUpper(int successes, int trials, double z) {
        if (trials <= 0) {
            return 1;
        }
        double p = (double) successes / trials;
        double z2 = z * z;
        double centre = p + z2 / (2 * trials);
        double margin = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials));
        return Math.min(1, (centre + margin) / (1 + z2 / trials));
    }
}
