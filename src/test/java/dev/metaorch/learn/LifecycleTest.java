package dev.metaorch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The promotion rule documented in patterns/README.md, at its boundaries. */
class LifecycleTest {

    @Test
    void validatedNeedsTheBoundNotJustTheDesignsMinimums() {
        assertEquals("discovered", Lifecycle.status(4, 4), "below 5 runs");
        assertEquals("discovered", Lifecycle.status(5, 5), "5 of 5 meets the minimums but not the bound");
        assertEquals("discovered", Lifecycle.status(9, 9));
        assertEquals("validated", Lifecycle.status(10, 10));
        assertEquals("discovered", Lifecycle.status(13, 15));
        assertEquals("validated", Lifecycle.status(14, 15));
        assertEquals("validated", Lifecycle.status(80, 100));
    }

    @Test
    void theRawRateFloorHoldsEvenWhenTheBoundWouldPass() {
        assertTrue(PatternScore.of(79, 100).lower() >= Lifecycle.VALIDATED_LOWER);
        assertEquals("discovered", Lifecycle.status(79, 100), "79 % raw is below the 80 % floor");
        assertTrue(PatternScore.of(179, 200).lower() >= Lifecycle.LEARNED_LOWER);
        assertEquals("validated", Lifecycle.status(179, 200), "89.5 % raw is below the 90 % floor for learned");
        assertEquals("learned", Lifecycle.status(180, 200));
    }

    @Test
    void learnedBoundaries() {
        assertEquals("validated", Lifecycle.status(19, 20));
        assertEquals("validated", Lifecycle.status(18, 20));
        assertEquals("learned", Lifecycle.status(20, 20));
        assertEquals("validated", Lifecycle.status(19, 19), "never learned below 20 runs");
        assertEquals("validated", Lifecycle.status(45, 50));
        assertEquals("learned", Lifecycle.status(46, 50));
        assertEquals("learned", Lifecycle.status(90, 100));
    }

    @Test
    void deprecatedWhenTheUpperBoundFallsBelowPointSix() {
        assertEquals("discovered", Lifecycle.status(0, 4));
        assertEquals("deprecated", Lifecycle.status(0, 5));
        assertTrue(PatternScore.of(0, 5).upper() < 0.6);
        assertEquals("discovered", Lifecycle.status(2, 8));
        assertEquals("deprecated", Lifecycle.status(1, 8));
        assertEquals("deprecated", Lifecycle.status(6, 20));
        assertEquals("discovered", Lifecycle.status(7, 20));
        assertEquals("deprecated", Lifecycle.status(21, 50));
        assertEquals("discovered", Lifecycle.status(22, 50));
    }

    @Test
    void promotionMeansMovingIntoValidatedOrLearned() {
        assertTrue(Lifecycle.isPromotion("discovered", "validated"));
        assertTrue(Lifecycle.isPromotion("validated", "learned"));
        assertTrue(Lifecycle.isPromotion("deprecated", "validated"));
        assertFalse(Lifecycle.isPromotion("deprecated", "discovered"));
        assertFalse(Lifecycle.isPromotion("learned", "validated"));
    }

    @Test
    void oneSuccessInOneRunNeverOutranksNinetyFiveInAHundred() {
        PatternScore one = PatternScore.of(1, 1);
        PatternScore many = PatternScore.of(95, 100);
        assertTrue(one.raw() > many.raw());
        assertTrue(many.mean() > one.mean());
        assertTrue(many.lower() > one.lower());
        assertEquals(2.0 / 3, one.mean(), 1e-12);
    }

    @Test
    void betaQuantileAndSamplingAgreeWithClosedForms() {
        // Beta(2, 1) has CDF x^2: its median is sqrt(0.5).
        assertEquals(Math.sqrt(0.5), Posterior.quantile(1, 1, 0.5), 1e-9);
        // Beta(1, 1) is uniform.
        assertEquals(0.9, Posterior.quantile(0, 0, 0.9), 1e-9);
        assertEquals(0.25, Posterior.betaCdf(0.5, 2, 1), 1e-12);
        // Beta(3, 5): CDF at 0.5 is 99/128.
        assertEquals(99.0 / 128, Posterior.betaCdf(0.5, 3, 5), 1e-12);
    }
}
