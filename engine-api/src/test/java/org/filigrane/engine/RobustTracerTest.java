package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * The tracer's fast paths against their plain definitions (table scoring, the ranked scale search), its vote
 * shaping (the fading vote, salt and pepper undone) and the rotation pass's parts (angle estimate, turning back,
 * samples with no data).
 */
class RobustTracerTest {

    /**
     * The chance bound of one score: never above Hoeffding's exp(-t^2/2), never below the lesser of it and
     * Bentkus and Dzindzalieta's c P(Z >= t) (the normal tail integrated here independently, Simpson's rule), and
     * not below the exact probability of the theorem's extremal case, two equal signs: P(S >= sqrt 2) = 1/4.
     */
    @Test
    void chanceIsBetweenTheGaussianComparisonBoundAndHoeffdings() {
        assertTrue(RobustBound.RADEMACHER_GAUSSIAN >= 1 / (4 * normalTail(Math.sqrt(2))));
        assertTrue(RobustBound.RADEMACHER_GAUSSIAN < 1.0001 / (4 * normalTail(Math.sqrt(2))));
        for (int k = 1; k <= 48; k++) {
            double t = k / 4.0;
            double chance = RobustBound.chance(t);
            assertTrue(chance <= Math.exp(-t * t / 2), "t = " + t);
            assertTrue(chance >= Math.min(Math.exp(-t * t / 2), RobustBound.RADEMACHER_GAUSSIAN * normalTail(t)),
                    "t = " + t);
        }
        assertTrue(RobustBound.chance(Math.sqrt(2)) >= 0.25);
        assertEquals(1, RobustBound.chance(0));
        assertEquals(1, RobustBound.chance(-3));
        assertEquals(1, RobustBound.chance(Double.NaN));
        // Where thresholds lie, the comparison bound is the one that counts.
        assertTrue(RobustBound.chance(7.3) < 0.2 * Math.exp(-7.3 * 7.3 / 2));
    }

    /**
     * The bound's two kinds of pairs count every pair the three passes may score once (the 8 orientations or the
     * scales with keep geometries per slice in the first two passes, at most ROTATION_KEEP in the third, the
     * slices together once per pass), and at each kind's threshold the chances of all pairs add up to at most
     * the limit: the weighted union bound.
     */
    @Test
    void theBoundsSharesAddUpToTheLimitOverEveryPairThePassesMayScore() {
        for (int slices : new int[] {1, 3, 200}) {
            for (int candidates : new int[] {1, 20, 10_000}) {
                RobustBound b = RobustBound.planned(candidates, slices);
                int keep = RobustTracer.keep(candidates, slices);
                long together = slices > 1 ? 1 : 0;
                long pairs = (long) candidates * (2 * (slices * keep + together)
                        + slices * Math.min(keep, RobustTracer.ROTATION_KEEP) + together);
                assertEquals(pairs, b.leading() + b.others(), slices + " slices, " + candidates + " candidates");
                assertEquals((long) candidates * 3 * (slices + together), b.leading());
                double lead = threshold(b, true);
                double other = threshold(b, false);
                assertTrue(lead < other);
                double leading = b.leading() * RobustBound.chance(lead);
                double sum = leading + b.others() * RobustBound.chance(other);
                assertTrue(sum <= TraceResult.FALSE_POSITIVE_LIMIT * (1 + 1e-9), "sum " + sum);
                assertTrue(sum >= 0.99 * TraceResult.FALSE_POSITIVE_LIMIT, "the budget is spent: " + sum);
                // Each kind spends its own share (a swap of the shares would still add up to the limit).
                assertEquals(RobustBound.LEADING_SHARE, leading / sum, 0.01, "the leading pairs' share");
            }
        }
    }

    /** The smallest score at which a pair of the given kind is named (bisection on the bound). */
    private static double threshold(RobustBound b, boolean lead) {
        double low = 0;
        double high = 40;
        for (int i = 0; i < 100; i++) {
            double mid = (low + high) / 2;
            if (b.probability(mid, lead) <= TraceResult.FALSE_POSITIVE_LIMIT) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    /** A fresh seed for random inputs, printed first under {@code name} so that a failure can be rerun. */
    private static long printedSeed(String name) {
        long seed = new Random().nextLong();
        System.out.println(name + " seed " + seed);
        return seed;
    }

    /** P(Z >= t) for Z standard normal: Simpson's rule on the density over [t, t + 16]. */
    private static double normalTail(double t) {
        int n = 200_000;
        double h = 16.0 / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double x = t + i * h;
            double f = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            sum += f * (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

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
            RobustTracer.Geometry g = new RobustTracer.Geometry(Dihedral.IDENTITY, 1, 0, 0, 0, weights, 1, 0);
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
     * A clearly marked copy rescaled anywhere in 0.5x..2x is found at its scale (within a step of the trial scales) by
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
            List<RobustTracer.Geometry> g = tracer.search(new RobustTracer.Copy(LeakPaths.rescale(v, scale)), 0,
                    RobustTracer.Pass.RESCALE, RobustTracer.KEEP);
            System.out.printf("layer D scale pass: rescaled %.2f, found %.4f, sync %.2f%n", scale, g.get(0).scale(),
                    g.get(0).sync());
            assertEquals(scale, g.get(0).scale(), scale * (RobustScalePass.STEP - 1), "rescale " + scale);
            assertTrue(g.get(0).sync() > 10, "sync " + g.get(0).sync());
        }
        List<RobustTracer.Geometry> none = tracer.search(new RobustTracer.Copy(LeakPaths.rescale(unmarked, 1.37)), 0,
                RobustTracer.Pass.RESCALE, RobustTracer.KEEP);
        assertFalse(none.get(0).sync() > 7, "unmarked sync " + none.get(0).sync());
    }

    /** Votes rise linearly to 1 at one unit, fade linearly to 0 at VOTE_ZERO local medians, keep the term's sign. */
    @Test
    void votesFadeAboveTheLocalMargin() {
        double unit = 2;
        assertEquals(0.5, RobustVotes.vote(1, unit, unit), 1e-12);
        assertEquals(-1, RobustVotes.vote(-2, unit, unit), 1e-12);
        double zero = RobustVotes.VOTE_ZERO * unit;
        assertEquals(0.5, RobustVotes.vote((1 + zero / unit) / 2 * unit, unit, unit), 1e-12);
        assertEquals(0, RobustVotes.vote(zero, unit, unit), 1e-12);
        assertEquals(0, RobustVotes.vote(-3 * zero, unit, unit), 1e-12);
        // Where the local margin is three times the image's, a term of the same size still votes, with its sign.
        assertTrue(RobustVotes.vote(-zero, unit, 3 * unit) < -0.5);
        for (double t = -20; t <= 20; t += 0.25) {
            double v = RobustVotes.vote(t, unit, 1.5 * unit);
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
        double[] out = RobustVotes.withoutImpulses(image, rows, columns);
        assertTrue(java.util.Arrays.equals(copy, image), "input modified");
        for (int i = 0; i < image.length; i++) {
            if (i == 5 * columns + 8 || i == 8 * columns + 6) {
                assertTrue(out[i] >= 100 && out[i] <= 106, "impulse at " + i + " became " + out[i]);
            } else {
                assertEquals(image[i], out[i], "pixel " + i);
            }
        }
    }

    private static double[] values(Volume v) {
        double[] out = new double[v.slice(0).length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.format().value(v.slice(0)[i]);
        }
        return out;
    }

    /** The difference of two angles modulo a quarter turn, in (-45, 45]. */
    private static double quarterTurnDifference(double a, double b) {
        double d = (a - b) % 90;
        return d > 45 ? d - 90 : d <= -45 ? d + 90 : d;
    }

    /**
     * The rotation estimate's FFT autocorrelation (two real fields per complex transform, zero-padded, only the rows
     * the lattice reads transformed back) equals the sum of the fields' autocorrelations computed directly, at every
     * shift it serves, on random fields of odd count and size.
     */
    @Test
    void fftAutocorrelationMatchesTheDirectSum() {
        long seed = printedSeed("fftAutocorrelationMatchesTheDirectSum");
        Random random = new Random(seed);
        int rows = 21;
        int columns = 27;
        int reach = 9;
        int height = 32;
        int width = 64;
        float[][] fields = new float[3][rows * columns];
        for (float[] f : fields) {
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) random.nextGaussian();
            }
        }
        double[] auto = RobustRotation.autocorrelation(fields, rows, columns, height, width, reach);
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                double direct = 0;
                for (float[] f : fields) {
                    for (int r = Math.max(0, -dy); r < Math.min(rows, rows - dy); r++) {
                        for (int c = Math.max(0, -dx); c < Math.min(columns, columns - dx); c++) {
                            direct += (double) f[r * columns + c] * f[(r + dy) * columns + c + dx];
                        }
                    }
                }
                double fft = auto[Math.floorMod(dy, height) * width + Math.floorMod(dx, width)] / (height * width);
                assertEquals(direct, fft, 1e-6 * (1 + Math.abs(direct)), "shift " + dy + ", " + dx);
            }
        }
    }

    /**
     * The FFT transforms columns a block at a time (for the cache); each column must come out bit for bit as if
     * transformed alone, so the estimate does not depend on the blocking.
     */
    @Test
    void blockedFftMatchesOneLineAtATime() {
        long seed = printedSeed("blockedFftMatchesOneLineAtATime");
        Random random = new Random(seed);
        int height = 64;
        int width = 16;
        double[] re = new double[height * width];
        double[] im = new double[height * width];
        for (int i = 0; i < re.length; i++) {
            re[i] = random.nextGaussian();
            im[i] = random.nextGaussian();
        }
        RobustRotation.Fft down = new RobustRotation.Fft(height);
        double[][] scratch = RobustRotation.Fft.scratch(height);
        for (boolean inverse : new boolean[] {false, true}) {
            double[] blockRe = re.clone();
            double[] blockIm = im.clone();
            double[] lineRe = re.clone();
            double[] lineIm = im.clone();
            for (int c = 0; c < width; c += RobustRotation.Fft.BLOCK) {
                down.transform(blockRe, blockIm, c, width, 1, RobustRotation.Fft.BLOCK, inverse, scratch);
            }
            for (int c = 0; c < width; c++) {
                down.transform(lineRe, lineIm, c, width, 0, 1, inverse, scratch);
            }
            assertArrayEquals(lineRe, blockRe);
            assertArrayEquals(lineIm, blockIm);
            assertFalse(java.util.Arrays.equals(re, blockRe), "the transform changed nothing");
        }
    }

    /** The local medians of the votes' fading use selection: it must give the sorted order statistic. */
    @Test
    void selectGivesTheSortedOrderStatistic() {
        long seed = printedSeed("selectGivesTheSortedOrderStatistic");
        Random random = new Random(seed);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(130);
            double[] a = new double[n];
            int distinct = 1 + random.nextInt(n + 3);
            for (int i = 0; i < n; i++) {
                a[i] = 0.001 + random.nextInt(distinct) * random.nextDouble(0.5, 1.5) * (trial % 2 == 0 ? 1 : 1e-3);
            }
            if (trial % 7 == 0) {
                java.util.Arrays.sort(a);
            }
            int k = random.nextInt(n);
            double[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            assertEquals(sorted[k], RobustVotes.select(a.clone(), n, k), "n " + n + ", k " + k);
        }
    }

    /**
     * A clearly marked copy turned by angles that are not quarter turns (java.awt, as a viewer would) has its angle
     * estimated within 0.2 degrees modulo a quarter turn, its lattice standing out of the other angles by far; the
     * unmarked copy turned the same way shows no lattice.
     */
    @Test
    void rotationEstimateFindsTheAngleOfATurnedCopy() {
        Volume[] copies = markedAndUnmarked(0x5EED_D902L, 256, 256);
        for (double angle : new double[] {45, 30, 17, -12.4, 7.3, -38.9}) {
            RobustRotation.Estimate e = estimateTurned(copies[0], angle);
            System.out.printf("layer D rotation estimate: turned %.1f, estimated %.1f, strength %.1f%n", angle,
                    e.angle(), e.strength());
            assertTrue(Math.abs(quarterTurnDifference(e.angle(), angle)) <= 0.2 + 1e-9, angle + ": " + e);
            assertTrue(e.angle() > -45 && e.angle() <= 45, e.toString());
            assertTrue(e.strength() > 10, angle + ": " + e);
            RobustRotation.Estimate none = estimateTurned(copies[1], angle);
            assertTrue(none.strength() < 6, "unmarked, " + angle + ": " + none);
        }
        assertEquals(null, RobustRotation.estimate(new double[128 * 128], 128, 128), "one tile is too small");
    }

    /**
     * A copy too large for the estimate's transforms (1,000 x 1,160 pixels, 496 x 576 votes) is estimated on its
     * central window of votes, still within 0.2 degrees and standing out; an unmarked one of that size shows no
     * lattice.
     */
    @Test
    void rotationEstimateOfALargeCopyTakesItsCentralWindow() {
        Volume[] copies = markedAndUnmarked(0x5EED_D906L, 1000, 1160);
        RobustRotation.Estimate e = estimateTurned(copies[0], 23.4);
        RobustRotation.Estimate none = estimateTurned(copies[1], 23.4);
        System.out.println("layer D rotation estimate, large copy: " + e + ", unmarked " + none);
        assertTrue(Math.abs(quarterTurnDifference(e.angle(), 23.4)) <= 0.2 + 1e-9, e.toString());
        assertTrue(e.strength() > 10, e.toString());
        assertTrue(none.strength() < 6, none.toString());
    }

    /** An 8-bit phantom marked by layer D, and the same phantom unmarked. */
    private static Volume[] markedAndUnmarked(long seed, int rows, int columns) {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        Volume v = Phantom.generate(seed, 1, rows, columns, PixelFormat.unsigned(8, 8));
        Volume unmarked = v.copy();
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        return new Volume[] {v, unmarked};
    }

    /** The rotation estimate of {@code v} turned by {@code angle} degrees (java.awt, as a viewer would). */
    private static RobustRotation.Estimate estimateTurned(Volume v, double angle) {
        Volume turned = LeakPaths.rotate(v, angle);
        return RobustRotation.estimate(values(turned), turned.rows(), turned.columns());
    }

    /**
     * Turning back by the angle undoes java.awt's turn about the centre (the smooth test image comes back within a
     * level or two in the middle, twice interpolated), turning the other way does not, and the corners the turn
     * cut off come back as NaN (no data).
     */
    @Test
    void turningBackUndoesATurn() {
        int n = 256;
        Volume v = Volume.allocate(1, n, n, PixelFormat.unsigned(8, 8));
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                v.slice(0)[r * n + c] = (short) Math.round(128 + 60 * Math.sin(2 * Math.PI * r / 50)
                        * Math.cos(2 * Math.PI * c / 70));
            }
        }
        double[] turned = values(LeakPaths.rotate(v, 30));
        double[] original = values(v);
        double[] errors = new double[2];
        for (int way = 0; way < 2; way++) {
            double[] back = RobustRotation.turnBack(turned, n, n, way == 0 ? 30 : -30);
            assertTrue(Double.isNaN(back[0]) && Double.isNaN(back[n * n - 1]), "cut corners have no data");
            double sum = 0;
            int count = 0;
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    if (Math.hypot(r - n / 2.0, c - n / 2.0) < 90) {
                        sum += Math.abs(back[r * n + c] - original[r * n + c]);
                        count++;
                    }
                }
            }
            errors[way] = sum / count;
        }
        System.out.printf("layer D turn back: mean error %.2f (the turn's angle), %.2f (the other way)%n", errors[0],
                errors[1]);
        assertTrue(errors[0] < 2, "turned back by 30: " + errors[0]);
        assertTrue(errors[1] > 10, "turned back by -30: " + errors[1]);
    }

    /**
     * Samples with no data (NaN: the corners of a copy turned back) clip every block that holds one, are left out of
     * the vote unit, and leave every other block voting.
     */
    @Test
    void samplesWithNoDataClipTheirBlocks() {
        int n = 64;
        Random random = new Random(0x5EED_D903L);
        double[] image = new double[n * n];
        for (int i = 0; i < image.length; i++) {
            image[i] = 100 + random.nextInt(50);
        }
        double[] missing = image.clone();
        for (int r = 0; r < 20; r++) {
            for (int c = 0; c < 20; c++) {
                missing[r * n + c] = Double.NaN;
            }
        }
        RobustVotes.Voting with = RobustVotes.voting(missing, n, n);
        int across = n - 7;
        for (int r = 0; r < across; r++) {
            for (int c = 0; c < across; c++) {
                assertEquals(r < 20 && c < 20, with.clipped()[r * across + c], "block at " + r + ", " + c);
            }
        }
        assertTrue(with.unit() > 0 && Double.isFinite(with.unit()), "unit " + with.unit());
        for (double x : with.image()) {
            assertTrue(Double.isFinite(x));
        }
        assertTrue(Double.isNaN(missing[0]), "input modified");
    }

    /**
     * The folds of the 8 orientations taken from one dense pass (the rotation pass's shortcut) match the folds of
     * each orientation undone and searched on its own: the same best translation and sync score within 2 %, on a
     * marked copy that was flipped or turned, for every orientation (an H x W copy with H != W, so that the
     * transposes are exercised). They differ only where the vote unit and local medians are taken.
     */
    @Test
    void foldsOfEveryOrientationMatchEachOrientationSearchedAlone() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        RobustTracer tracer = new RobustTracer(layer);
        Volume v = Phantom.generate(0x5EED_D904L, 1, 200, 264, PixelFormat.unsigned(16, 12));
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        Volume shown = ImageAttacks.window8(v);
        for (Volume copy : List.of(shown, ImageAttacks.rot90(shown), ImageAttacks.flipH(ImageAttacks.rot90(shown)))) {
            float[][][] folds = RobustVotes.foldsOfEveryOrientation(values(copy), copy.rows(), copy.columns());
            RobustTracer.Geometry bestAlone = null;
            RobustTracer.Geometry bestShared = null;
            for (Dihedral d : Dihedral.values()) {
                Volume upright = d.undo(copy, 0);
                RobustTracer.Geometry alone = tracer.geometries(RobustVotes.fold(values(upright), upright.rows(),
                        upright.columns()), d, 1.0, 0, 1).get(0);
                RobustTracer.Geometry shared = tracer.geometries(folds[d.ordinal()], d, 1.0, 0, 1).get(0);
                System.out.printf("layer D folds of every orientation: %s: sync %.3f alone, %.3f shared%n",
                        d.label(), alone.sync(), shared.sync());
                assertEquals(alone.sync(), shared.sync(), 0.02 * Math.abs(alone.sync()) + 0.05, d.label());
                bestAlone = bestAlone == null || alone.sync() > bestAlone.sync() ? alone : bestAlone;
                bestShared = bestShared == null || shared.sync() > bestShared.sync() ? shared : bestShared;
            }
            assertTrue(bestAlone.sync() > 10, bestAlone.toString());
            assertEquals(bestAlone.orientation(), bestShared.orientation());
            assertEquals(bestAlone.offsetRow(), bestShared.offsetRow());
            assertEquals(bestAlone.offsetColumn(), bestShared.offsetColumn());
        }
    }

    /**
     * What the passes share is what each would compute alone: the dense votes, computed in row bands across the
     * cores, give at their even offsets exactly the votes of the rotation estimate (so the same estimate), and their
     * upright fold exactly the single-orientation search's geometries. On a marked copy turned by a random angle
     * (black corners, clipped blocks) of a size that is no multiple of anything (printed seed).
     */
    @Test
    void sharedDenseVotesAreTheVotesOfEachPass() {
        long seed = printedSeed("layer D shared dense votes:");
        Random random = new Random(seed);
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        RobustTracer tracer = new RobustTracer(layer);
        Volume v = Phantom.generate(random.nextLong(), 1, 200 + random.nextInt(80), 200 + random.nextInt(80),
                PixelFormat.unsigned(16, 12));
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        Volume turned = LeakPaths.rotate(ImageAttacks.window8(v), random.nextDouble() * 90 - 45);
        double[] image = values(turned);
        int rows = turned.rows();
        int columns = turned.columns();
        float[][] dense = RobustVotes.denseVotes(image, rows, columns);
        float[][] even = RobustVotes.evenOf(dense, rows, columns);
        float[][] alone = RobustVotes.evenVotes(image, rows, columns);
        for (int k = 0; k < 5; k++) {
            assertEquals(alone[k].length, even[k].length);
            for (int i = 0; i < alone[k].length; i++) {
                // Equal as numbers: a clipped offset's zero vote may carry either sign, which no sum tells apart.
                assertTrue(alone[k][i] == even[k][i], "band term " + k + ", vote " + i + ": " + alone[k][i] + " / "
                        + even[k][i] + ", seed " + seed);
            }
        }
        assertEquals(RobustRotation.estimate(image, rows, columns), RobustRotation.estimate(even, rows, columns),
                "seed " + seed);
        List<RobustTracer.Geometry> shared = tracer.geometries(
                RobustVotes.foldsOfEveryOrientation(dense, rows, columns)[Dihedral.IDENTITY.ordinal()],
                Dihedral.IDENTITY, 1.0, 0, RobustTracer.KEEP);
        List<RobustTracer.Geometry> upright = tracer.geometries(RobustVotes.fold(image, rows, columns),
                Dihedral.IDENTITY, 1.0, 0, RobustTracer.KEEP);
        assertEquals(upright.size(), shared.size());
        for (int i = 0; i < upright.size(); i++) {
            assertEquals(upright.get(i).sync(), shared.get(i).sync(), "geometry " + i + ", seed " + seed);
            assertEquals(upright.get(i).offsetRow(), shared.get(i).offsetRow());
            assertEquals(upright.get(i).offsetColumn(), shared.get(i).offsetColumn());
            assertArrayEquals(upright.get(i).weights(), shared.get(i).weights());
        }
    }

    /**
     * The 8 folds moved from the copy's own fold are exactly (bit for bit, signed zeros included) what summing every
     * vote into each orientation's cell gives: random votes, zeros among them, on odd sizes of both shapes (printed
     * seed).
     */
    @Test
    void foldsOfEveryOrientationAreEachOrientationsOwnSums() {
        long seed = printedSeed("layer D folds of every orientation:");
        Random random = new Random(seed);
        for (int trial = 0; trial < 4; trial++) {
            int rows = 16 + random.nextInt(400);
            int columns = 16 + random.nextInt(400);
            float[][] dense = new float[5][(rows - 7) * (columns - 7)];
            for (float[] band : dense) {
                for (int i = 0; i < band.length; i++) {
                    band[i] = random.nextInt(5) == 0 ? 0f : (float) random.nextGaussian();
                }
            }
            float[][][] folds = RobustVotes.foldsOfEveryOrientation(dense, rows, columns);
            for (Dihedral d : Dihedral.values()) {
                float[][] own = ownFold(dense, rows, columns, d);
                for (int k = 0; k < 5; k++) {
                    assertArrayEquals(own[k], folds[d.ordinal()][k], d.label() + ", band term " + k + ", " + rows
                            + " x " + columns + ", seed " + seed);
                }
            }
        }
    }

    /** Every vote summed straight into orientation {@code d}'s cell, in raster order, then centred. */
    private static float[][] ownFold(float[][] dense, int rows, int columns, Dihedral d) {
        int[] bandU = {0, 1, 0, 1, 2};
        int[] bandV = {1, 0, 2, 1, 0};
        int t = RobustLayer.TILE_PIXELS;
        float[][] fold = new float[5][t * t];
        int[] covered = new int[t * t];
        for (int r = 0; r < rows - 7; r++) {
            for (int c = 0; c < columns - 7; c++) {
                int y = (d.flipsRows() ? rows - 8 - r : r) & (t - 1);
                int x = (d.flipsColumns() ? columns - 8 - c : c) & (t - 1);
                int cell = d.swaps() ? x * t + y : y * t + x;
                covered[cell]++;
                for (int k = 0; k < 5; k++) {
                    int u = d.swaps() ? bandV[k] : bandU[k];
                    int w = d.swaps() ? bandU[k] : bandV[k];
                    int to = 0;
                    while (bandU[to] != u || bandV[to] != w) {
                        to++;
                    }
                    int odd = (d.flipsRows() ? bandU[k] : 0) + (d.flipsColumns() ? bandV[k] : 0);
                    fold[to][cell] += ((odd & 1) == 0 ? 1f : -1f) * dense[k][r * (columns - 7) + c];
                }
            }
        }
        RobustVotes.center(fold, covered);
        return fold;
    }

    /**
     * Remapped at ratio 1, the dense votes of a window fold to the window's own fold with its cells shifted by the
     * window's place in the copy (up to the rounding of the centring's means); and the dense votes of a copy
     * enlarged by 5 % remapped to that scale find the mark where it is (printed seed).
     */
    @Test
    void remappedFoldIsTheWindowsFoldInTheWholeCopy() {
        long seed = printedSeed("layer D remapped fold:");
        Random random = new Random(seed);
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        RobustTracer tracer = new RobustTracer(layer);
        Volume v = Phantom.generate(random.nextLong(), 1, 300, 300, PixelFormat.unsigned(8, 8));
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        double[] image = values(v);
        int top = 1 + random.nextInt(40);
        int left = 1 + random.nextInt(40);
        int h = 200 + random.nextInt(50);
        int w = 200 + random.nextInt(50);
        double[] window = RobustScalePass.resample(image, 300, 300, 1.0, top, left, h, w);
        float[][] own = RobustVotes.fold(window, h, w);
        float[][] remapped = RobustVotes.foldRemapped(RobustVotes.denseVotes(window, h, w), h, w, top, left, 1.0);
        int t = RobustLayer.TILE_PIXELS;
        for (int k = 0; k < 5; k++) {
            for (int y = 0; y < t; y++) {
                for (int x = 0; x < t; x++) {
                    assertEquals(own[k][y * t + x], remapped[k][((y + top) % t) * t + (x + left) % t], 1e-5,
                            "band term " + k + " at " + y + ", " + x + ", seed " + seed);
                }
            }
        }
        // A copy enlarged by 5 %: its own votes, remapped to the trial scale 1.05, find the mark's tiles at (0, 0),
        // and far better than left where they are (then the tiles drift by 15 pixels across the copy).
        Volume enlarged = LeakPaths.rescale(v, 1.05);
        int rows = enlarged.rows();
        int columns = enlarged.columns();
        float[][] dense = RobustVotes.denseVotes(values(enlarged), rows, columns);
        RobustTracer.Geometry g = tracer.geometries(RobustVotes.foldRemapped(dense, rows, columns, 0, 0, 1 / 1.05),
                Dihedral.IDENTITY, 1.05, 0, 1).get(0);
        RobustTracer.Geometry still = tracer.geometries(RobustVotes.foldRemapped(dense, rows, columns, 0, 0, 1.0),
                Dihedral.IDENTITY, 1.0, 0, 1).get(0);
        System.out.printf("layer D remapped fold: sync %.2f remapped, %.2f not%n", g.sync(), still.sync());
        assertTrue(g.sync() > 10 && g.sync() > 2 * still.sync(), g.sync() + " / " + still.sync() + ", seed " + seed);
        assertEquals(0, g.offsetRow());
        assertEquals(0, g.offsetColumn());
    }

    /**
     * A copy whose trial-scale copy is larger than {@link RobustScalePass#EXACT_WINDOW} is searched on a central
     * window; the geometry still reports where a tile starts in the whole resampled copy (here the original's
     * origin), not in the window.
     */
    @Test
    void windowedExactSearchReportsOffsetsInTheWholeCopy() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(51));
        RobustTracer tracer = new RobustTracer(layer);
        Volume v = Phantom.generate(0x5EED_D905L, 1, 1200, 1160, PixelFormat.unsigned(8, 8));
        layer.embed(v, layer.pattern(new RobustLayer.RecipientKey(RobustLayerTest.key(52)), 7), null);
        RobustTracer.Geometry g = tracer.search(new RobustTracer.Copy(LeakPaths.rescale(v, 0.8)), 0,
                RobustTracer.Pass.RESCALE, RobustTracer.KEEP).get(0);
        System.out.println("layer D windowed exact search: " + g.scale() + ", offset " + g.offsetRow() + ", "
                + g.offsetColumn() + ", sync " + g.sync());
        assertTrue(Math.floor(1200 / g.scale()) > RobustScalePass.EXACT_WINDOW, "the copy was searched on a window");
        assertTrue(g.sync() > 10, "sync " + g.sync());
        assertEquals(0, g.offsetRow());
        assertEquals(0, g.offsetColumn());
    }
}
