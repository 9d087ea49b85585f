package org.filigrane.engine;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;

/** A small end-to-end comparison with the reference, run before {@code auto} trusts a backend. */
final class SelfCheck {
    private SelfCheck() {
    }

    /** Null when the backend matches the reference on a small random volume, else what differed. */
    static String compareWithReference(Backend candidate) {
        Backend reference = new ReferenceBackend();
        SplittableRandom random = new SplittableRandom(20261121L);
        PixelFormat f = PixelFormat.unsigned(16, 12);
        Volume a = Volume.allocate(3, 37, 41, f);
        for (int s = 0; s < a.slices(); s++) {
            short[] px = a.slice(s);
            for (int i = 0; i < px.length; i++) {
                px[i] = (short) (2000 + (i % 41) * 3 + random.nextInt(5));
            }
        }
        Volume b = a.copy();
        int[] first = {2, 0, 0};
        long[][] ha = new long[3][Backend.HIST_BINS];
        long[][] hb = new long[3][Backend.HIST_BINS];
        reference.errorHistograms(a, first, 0, ha);
        candidate.errorHistograms(b, first, 0, hb);
        if (!Arrays.deepEquals(ha, hb)) {
            return "errorHistograms";
        }
        long[] bits = random.longs(64).toArray();
        int[] limits = {300, 200, 100};
        long[] offsets = {0, 300, 500};
        reference.embedPass(a, first, 0, 0, 1, bits, offsets, limits);
        candidate.embedPass(b, first, 0, 0, 1, bits, offsets, limits);
        if (!a.sameContent(b)) {
            return "embedPass";
        }
        return null;
    }
}
