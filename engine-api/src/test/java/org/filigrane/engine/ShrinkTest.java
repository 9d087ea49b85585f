package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Range headroom: a noisy background at the range's end costs a gap (16 bits), not a map symbol per pixel. */
class ShrinkTest {

    private static Volume background(long seed, PixelFormat f, int top) {
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = Volume.allocate(2, 64, 64, f);
        for (int s = 0; s < 2; s++) {
            short[] px = v.slice(s);
            for (int i = 0; i < px.length; i++) {
                // Half noisy background at the bottom of the range, half tissue well above it.
                int x = i % 64 < 32 ? f.min() + r.nextInt(6) : f.min() + 200 + r.nextInt(top);
                px[i] = f.store(Math.min(f.max(), x));
            }
        }
        return v;
    }

    private static void roundTrip(Volume v, int s, Boolean expectMap) {
        Volume w = v.copy();
        Shrink.Prepared p = Shrink.apply(w, s, null);
        int[] range = w.valueRange();
        assertTrue(range[0] >= v.format().min() + s && range[1] <= v.format().max() - s, "headroom made");
        if (expectMap == null) {
            assertTrue(p.changed());
        } else if (expectMap) {
            assertNotNull(p.map());
        } else {
            assertNull(p.map(), "a gap, not a map");
            assertEquals(p.lowGapUsed() ? 16 : 0, p.sideBits() - (p.highGapUsed() ? 16 : 0));
        }
        byte[] symbols = null;
        if (p.map() != null) {
            symbols = Shrink.readMap(new BitReader(p.map().words(), p.map().length()), w.pixelCount(), s);
        }
        Shrink.undo(w, s, p.lowGap(), p.highGap(), symbols);
        assertTrue(v.sameContent(w), "undo gives the input back");
    }

    @Test
    void noisyBackgroundAtZeroCostsOneGap() {
        for (int s : new int[] {1, 2, 3, 9, 33}) {
            Volume v = background(s, PixelFormat.unsigned(16, 12), 1000);
            Volume w = v.copy();
            Shrink.Prepared p = Shrink.apply(w, s, null);
            assertTrue(p.lowGapUsed() && !p.highGapUsed() && p.map() == null, "s " + s + ": " + p);
            assertEquals(16, p.sideBits());
            roundTrip(v, s, false);
        }
    }

    @Test
    void bothEndsAndAFullRangeStillRoundTrip() {
        PixelFormat f = PixelFormat.signed(16, 12);
        Volume v = background(7, f, 4095);
        // The tissue reaches the top: a gap somewhere below it or a clamp map, whichever the histogram allows.
        roundTrip(v, 3, null);
        // Every value present many times: no gap anywhere, so both ends are clamped and mapped.
        SplittableRandom r = new SplittableRandom(3);
        Volume full = Volume.allocate(1, 64, 64, PixelFormat.unsigned(8, 8));
        for (int i = 0; i < 4096; i++) {
            full.slice(0)[i] = (short) (i % 256 == 0 ? r.nextInt(256) : i % 256);
        }
        roundTrip(full, 2, true);
    }
}
