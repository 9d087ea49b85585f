package org.filigrane.engine.conformance;

import org.filigrane.engine.Volume;

/** Image quality measures for tests and the demo (floating point is fine here: nothing depends on it). */
public final class Quality {
    private Quality() {
    }

    /** PSNR in dB with peak 2^bitsStored - 1, over one slice or, for {@code slice < 0}, the whole volume. */
    public static double psnr(Volume a, Volume b, int slice) {
        double peak = (1L << a.format().bitsStored()) - 1;
        long sq = 0;
        long n = 0;
        for (int s = slice < 0 ? 0 : slice; s < (slice < 0 ? a.slices() : slice + 1); s++) {
            short[] x = a.slice(s);
            short[] y = b.slice(s);
            for (int i = 0; i < x.length; i++) {
                long d = a.format().value(x[i]) - a.format().value(y[i]);
                sq += d * d;
            }
            n += x.length;
        }
        return sq == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(peak * peak * n / sq);
    }
}
