package dev.metaorch.bench;

import dev.metaorch.learn.Posterior;

/**
 * The exploring policies {@code bench learning} compares the server's choice with: Thompson sampling and Bayes-UCB
 * over the same Beta posterior the server reads ({@link Posterior}).
 */
final class Bandits {

    private Bandits() {
    }

    /**
     * A draw from the Beta(s + 1, n - s + 1) posterior (Thompson sampling: pick the option whose draw is
     * highest, so options are tried in proportion to the chance that they are the best).
     */
    static double sample(int successes, int trials, java.util.Random random) {
        double a = gamma(successes + 1.0, random);
        double b = gamma(trials - successes + 1.0, random);
        return a / (a + b);
    }

    /** Marsaglia and Tsang's method for a Gamma(shape, 1) draw, shape >= 1. */
    static double gamma(double shape, java.util.Random random) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** The Bayes-UCB index of an option among options that have {@code totalTrials} outcomes together. */
    static double upperIndex(int successes, int trials, int totalTrials) {
        return Posterior.quantile(successes, trials, 1 - 1.0 / (totalTrials + 1));
    }
}
