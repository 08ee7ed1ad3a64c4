package dev.metaorch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.metaorch.learn.Posterior;

class BanditsTest {

    @Test
    void thompsonDrawsAverageToThePosteriorMean() {
        Random r = new Random(1);
        double sum = 0;
        for (int i = 0; i < 20_000; i++) {
            sum += Bandits.sample(7, 10, r);
        }
        assertEquals(Posterior.mean(7, 10), sum / 20_000, 0.01);
    }

    @Test
    void theUpperIndexShrinksTowardsTheMeanAsEvidenceGrows() {
        double few = Bandits.upperIndex(7, 10, 20);
        double many = Bandits.upperIndex(70, 100, 200);
        assertTrue(few > many && many > Posterior.mean(70, 100), few + " " + many);
    }
}
