package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * The tracer's fast paths against their plain definitions (table scoring, the ranked scale search) and its vote
 * shaping (the fading vote, salt and pepper undone).
 */
class RobustTracerTest {

    @Test
    void tableLookUpGivesTheCorrelationOfTheChips() {
        long seed = 0x5EED_D900L;
        Random random = new Random(seed);
        double[] table = new double[RobustTracer.GROUPS * 256];
        for (int trial = 0; trial < 200; trial++) {
            float[] weights = new float[2 * RobustLayer.POSITIONS];
            for (int m = 0; m < weights.length; m++) {
                weights[m] = trial % 5 == 0 ? random.nextInt(3) - 1 : (float) (random.nextGaussian() * 40);
            }
            RobustTracer.Geometry g = new RobustTracer.Geometry(Dihedral.IDENTITY, 1, 0, 0, 0, weights, 1);
            byte[] chips = new byte[weights.length];
            for (int m = 0; m < chips.length; m++) {
                chips[m] = (byte) (trial == 1 ? 1 : trial == 2 ? -1 : random.nextBoolean() ? 1 : -1);
            }
            RobustTracer.fillTable(g, table);
            double direct = RobustTracer.correlation(chips, g);
            double looked = RobustTracer.correlation(RobustTracer.pack(chips), table);
            assertEquals(direct, looked, 1e-9 * (1 + Math.abs(direct)), "seed " + seed + ", trial " + trial);
        }
    }

    /**
     * A clearly marked copy rescaled anywhere in 0.5x..2x is found at its scale (within one refinement step) by
     * the ranked scale pass, and an unmarked copy's best sync score stays far below the marked ones.
     */
    @Test
    void scalePassFindsTheScaleOfARescaledCopy() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        RobustTracer tracer = new RobustTracer(layer);
        Volume v = Phantom.generate(0x5EED_D901L, 1, 256, 256, PixelFormat.unsigned(8, 8));
        Volume unmarked = v.copy();
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        for (double scale : new double[] {0.5, 0.8, 1.37, 1.9}) {
            List<RobustTracer.Geometry> g = tracer.search(LeakPaths.rescale(v, scale), 0, true, RobustTracer.KEEP);
            System.out.printf("layer D scale pass: rescaled %.2f, found %.4f, sync %.2f%n", scale, g.get(0).scale(),
                    g.get(0).sync());
            assertEquals(scale, g.get(0).scale(), scale * 0.006, "rescale " + scale);
            assertTrue(g.get(0).sync() > 10, "sync " + g.get(0).sync());
        }
        List<RobustTracer.Geometry> none = tracer.search(LeakPaths.rescale(unmarked, 1.37), 0, true, RobustTracer.KEEP);
        assertFalse(none.get(0).sync() > 7, "unmarked sync " + none.get(0).sync());
    }

    /** Votes rise linearly to 1 at one unit, fade linearly to 0 at VOTE_ZERO local medians, keep the term's sign. */
    @Test
    void votesFadeAboveTheLocalMargin() {
        double unit = 2;
        assertEquals(0.5, RobustTracer.vote(1, unit, unit), 1e-12);
        assertEquals(-1, RobustTracer.vote(-2, unit, unit), 1e-12);
        double zero = RobustTracer.VOTE_ZERO * unit;
        assertEquals(0.5, RobustTracer.vote((1 + zero / unit) / 2 * unit, unit, unit), 1e-12);
        assertEquals(0, RobustTracer.vote(zero, unit, unit), 1e-12);
        assertEquals(0, RobustTracer.vote(-3 * zero, unit, unit), 1e-12);
        // Where the local margin is three times the image's, a term of the same size still votes, with its sign.
        assertTrue(RobustTracer.vote(-zero, unit, 3 * unit) < -0.5);
        for (double t = -20; t <= 20; t += 0.25) {
            double v = RobustTracer.vote(t, unit, 1.5 * unit);
            assertTrue(Math.abs(v) <= 1 && v * t >= 0, "term " + t + ": " + v);
        }
    }

    /**
     * Isolated pixels at the image's extremes are replaced by their neighbours' median; a clipped region (a run of
     * extremes) and every other pixel are left alone, and the input is not modified.
     */
    @Test
    void saltAndPepperIsUndoneButClippedRegionsStay() {
        int rows = 12;
        int columns = 12;
        double[] image = new double[rows * columns];
        for (int i = 0; i < image.length; i++) {
            image[i] = 100 + (i % 7);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 3; c++) {
                image[r * columns + c] = 255;
            }
        }
        image[5 * columns + 8] = 0;
        image[8 * columns + 6] = 255;
        double[] copy = image.clone();
        double[] out = RobustTracer.withoutImpulses(image, rows, columns);
        assertTrue(java.util.Arrays.equals(copy, image), "input modified");
        for (int i = 0; i < image.length; i++) {
            if (i == 5 * columns + 8 || i == 8 * columns + 6) {
                assertTrue(out[i] >= 100 && out[i] <= 106, "impulse at " + i + " became " + out[i]);
            } else {
                assertEquals(image[i], out[i], "pixel " + i);
            }
        }
    }
}
