package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.filigrane.engine.conformance.NoisyVolumes;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * What layer D costs layer T (issue 10: "with D, layer T still meets part 2's targets"): on the noisy 12-bit and signed
 * 16-bit volumes of issue 9, a phantom and the real 13-bit head CT, with D underneath T keeps at least 99.9% of its
 * blocks fully protected with cells of at most 32x32, and localizes every single-sample change to its cell.
 */
class RobustCostToTamperTest {
    private static final long SEED = 0x5EED_DE00L;

    @Test
    void withLayerDTheTamperLayerKeepsItsTargets() throws Exception {
        IssuerKey key = IssuerKey.of(RobustLayerTest.key(51));
        List<Object[]> volumes = new ArrayList<>();
        volumes.add(new Object[] {"12-bit phantom", Phantom.generate(SEED, 6, 256, 256, PixelFormat.unsigned(16, 12)),
            null});
        volumes.add(new Object[] {"noisy 12-bit knee", NoisyVolumes.knee12(SEED, 6, 160, 144), null});
        volumes.add(new Object[] {"noisy signed 16-bit CT", NoisyVolumes.ct16(SEED, 5, 192, 192), null});
        for (LeakPaths.Series s : LeakPaths.real()) {
            if (s.name().equals("ct-head-13bit")) {
                volumes.add(new Object[] {"real CT 13-bit", s.original(), s.window()});
            }
        }
        int trials = Integer.getInteger("filigrane.localizationTrials", 100);
        try (Watermarker wm = Watermarker.create(key, "reference")) {
            for (Object[] o : volumes) {
                String name = (String) o[0];
                Volume v = (Volume) o[1];
                DisplayWindow window = (DisplayWindow) o[2];
                WatermarkSpec plain = new WatermarkSpec("r", "m", EnumSet.of(Layer.REVERSIBLE, Layer.TAMPER),
                        TamperProfile.DEFAULT, 0, window);
                EmbedResult a = wm.embed(v, plain);
                EmbedResult b = wm.embed(v, plain.withRobustId(77));
                String label = name + " " + v;
                System.out.printf("layer T with and without D, %s: without D %d of %d blocks fully protected "
                        + "(%dx%d), with D %d of %d (%dx%d)%n", label, a.fullyProtected(), a.blocks(), a.blockSize(),
                        a.blockSize(), b.fullyProtected(), b.blocks(), b.blockSize(), b.blockSize());
                assertTrue(b.blockSize() <= 32, label);
                assertTrue(1000L * b.fullyProtected() >= 999L * b.blocks(), label + ": with D only "
                        + b.fullyProtected() + " of " + b.blocks() + " blocks fully protected");
                Volume marked = b.volume();
                assertEquals(VerificationReport.Status.AUTHENTIC, wm.verify(marked).status(), label);
                localizes(wm, marked, b.blockSize(), trials, label);
            }
        }
    }

    /** {@code trials} single-sample changes (±1 and large, borders and the leading slice included): each one cell. */
    private static void localizes(Watermarker wm, Volume marked, int size, int trials, String label) {
        PixelFormat f = marked.format();
        SplittableRandom r = new SplittableRandom(SEED ^ marked.rows());
        for (int t = 0; t < trials; t++) {
            int slice = t % 6 == 0 ? 0 : r.nextInt(marked.slices());
            int row = t % 6 == 1 ? (r.nextBoolean() ? 0 : marked.rows() - 1) : r.nextInt(marked.rows());
            int col = t % 6 == 2 ? (r.nextBoolean() ? 0 : marked.columns() - 1) : r.nextInt(marked.columns());
            int old = marked.get(slice, row, col);
            int now = switch (t % 3) {
                case 0 -> old < f.max() ? old + 1 : old - 1;
                case 1 -> old > f.min() ? old - 1 : old + 1;
                default -> Math.max(f.min(), Math.min(f.max(), old + (r.nextBoolean() ? 1 : -1) * (2
                        + r.nextInt(400))));
            };
            if (now == old) {
                now = old > f.min() ? old - 1 : old + 1;
            }
            Volume tampered = marked.copy();
            tampered.set(slice, row, col, now);
            VerificationReport report = wm.verify(tampered);
            String what = label + " trial " + t + ": slice " + slice + " (" + row + "," + col + ") " + old + "->" + now;
            assertEquals(VerificationReport.Status.TAMPERED, report.status(), what + ": " + report.detail());
            List<TamperedCell> cells = report.tamperedCells();
            assertEquals(1, cells.size(), what + ": cells " + cells);
            TamperedCell c = cells.get(0);
            assertTrue(c.slice() == slice && c.blockRow() == row / size && c.blockColumn() == col / size,
                    what + ": cells " + cells);
        }
        System.out.println(label + ": with D, " + trials + " single-sample changes, every one localized to its cell");
    }
}
