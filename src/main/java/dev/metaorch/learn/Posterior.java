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
        return trials <= 0 ? 0 : Math.max(0, wilson(successes, trials, z, -1));
    }

    /** Wilson score upper bound at z; 1 with no trials. */
    public static double wilsonUpper(int successes, int trials, double z) {
        return trials <= 0 ? 1 : Math.min(1, wilson(successes, trials, z, +1));
    }

    /** The Wilson score interval's end on {@code side} (-1 lower, +1 upper). */
    private static double wilson(int successes, int trials, double z, int side) {
        double p = (double) successes / trials;
        double z2 = z * z;
        double centre = p + z2 / (2 * trials);
        double margin = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials));
        return (centre + side * margin) / (1 + z2 / trials);
    }

    /**
     * The q-quantile of the Beta(s + 1, n - s + 1) posterior. With q = 1 - 1/(t + 1), t being how many
     * outcomes the competing options have together, this is the Bayes-UCB index (Kaufmann, Cappe and
     * Garivier 2012): an option is chosen while it could still plausibly be the best, and less often as
     * the evidence against it grows.
     */
    public static double quantile(int successes, int trials, double q) {
        if (q <= 0) {
            return 0;
        }
        if (q >= 1) {
            return 1;
        }
        double a = successes + 1.0;
        double b = trials - successes + 1.0;
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 50; i++) {
            double mid = (lo + hi) / 2;
            if (betaCdf(mid, a, b) < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x. */
    public static double betaCdf(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    /** Lentz's evaluation of the continued fraction of the incomplete beta function. */
    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    /** log Gamma(x) for x > 0 (Lanczos approximation, g = 7, n = 9). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
