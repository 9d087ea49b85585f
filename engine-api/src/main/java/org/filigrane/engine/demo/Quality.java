package org.filigrane.engine.demo;

import org.filigrane.engine.Volume;

/**
 * Image quality of a watermarked volume against its original. Floating point is fine here: these numbers are
 * reported, never used to decide a pixel or a bit.
 */
public final class Quality {
    private Quality() {
    }

    /** PSNR in dB with peak 2^bitsStored - 1, over one slice or, for {@code slice < 0}, the whole volume. */
    public static double psnr(Volume a, Volume b, int slice) {
        double peak = (1L << a.format().bitsStored()) - 1;
        long sq = 0;
        long n = 0;
        int from = slice < 0 ? 0 : slice;
        int to = slice < 0 ? a.slices() : slice + 1;
        for (int s = from; s < to; s++) {
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

    /** Mean SSIM over the volume, on non-overlapping 8x8 windows, constants of Wang et al. (K1 0.01, K2 0.03). */
    public static double ssim(Volume a, Volume b) {
        double peak = (1L << a.format().bitsStored()) - 1;
        double c1 = (0.01 * peak) * (0.01 * peak);
        double c2 = (0.03 * peak) * (0.03 * peak);
        double total = 0;
        long windows = 0;
        int cols = a.columns();
        for (int s = 0; s < a.slices(); s++) {
            for (int r0 = 0; r0 + 8 <= a.rows(); r0 += 8) {
                for (int c0 = 0; c0 + 8 <= cols; c0 += 8) {
                    double sx = 0;
                    double sy = 0;
                    double sxx = 0;
                    double syy = 0;
                    double sxy = 0;
                    for (int r = r0; r < r0 + 8; r++) {
                        for (int c = c0; c < c0 + 8; c++) {
                            double x = a.get(s, r, c);
                            double y = b.get(s, r, c);
                            sx += x;
                            sy += y;
                            sxx += x * x;
                            syy += y * y;
                            sxy += x * y;
                        }
                    }
                    double mx = sx / 64;
                    double my = sy / 64;
                    double vx = sxx / 64 - mx * mx;
                    double vy = syy / 64 - my * my;
                    double cov = sxy / 64 - mx * my;
                    total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    windows++;
                }
            }
        }
        return windows == 0 ? 1 : total / windows;
    }
}
