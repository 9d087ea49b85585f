package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * What layer D costs layer T: T's unprotected blocks on a 12-bit volume and on the real 13-bit head CT, with and
 * without D underneath (issue 10: "with D, layer T still meets part 2's targets").
 */
class RobustCostToTamperTest {

    @Test
    void unprotectedBlocksWithAndWithoutD() throws Exception {
        MasterKey key = MasterKey.of(RobustLayerTest.key(51));
        try (Watermarker wm = Watermarker.create(key, "reference")) {
            Volume phantom = Phantom.generate(0x5EED_DE00L, 10, 256, 256, PixelFormat.unsigned(16, 12));
            report(wm, "12-bit phantom 10x256x256", phantom, null);
            for (LeakPaths.Series s : LeakPaths.real()) {
                if (s.name().equals("ct-head-13bit")) {
                    report(wm, "real CT 13-bit 512x512", s.original(), s.window());
                }
            }
        }
    }

    private static void report(Watermarker wm, String name, Volume v, DisplayWindow window) throws Exception {
        WatermarkSpec plain = new WatermarkSpec("r", "m", EnumSet.of(Layer.REVERSIBLE, Layer.TAMPER),
                TamperProfile.DEFAULT, 0, window);
        WatermarkSpec withD = new WatermarkSpec("r", "m", EnumSet.of(Layer.REVERSIBLE, Layer.TAMPER, Layer.ROBUST),
                TamperProfile.DEFAULT, 77, window);
        EmbedResult a = wm.embed(v, plain);
        EmbedResult b = wm.embed(v, withD);
        System.out.printf("layer T unprotected blocks, %s: %d of %d without D, %d of %d with D%n", name,
                a.unprotected(), a.blocks(), b.unprotected(), b.blocks());
        assertTrue(b.blocks() == a.blocks() && b.unprotected() <= b.blocks());
    }
}
