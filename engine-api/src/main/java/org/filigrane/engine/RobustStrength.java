package org.filigrane.engine;

/**
 * How hard layer D may push each block, in sample values, from the data rather than from Bits Stored: the
 * volume's actual value range, the window it is read in, and the block's own texture. Integer arithmetic only,
 * because the result decides pixels (docs/FORMAT-D.md, "Strength").
 *
 * <ul>
 *   <li>Range cap: {@code (range * K_RANGE + 2^15) >> 16}, 3 % of max - min, keeps the PSNR against the actual
 *       range above 42 dB even if every block were pushed that hard (a chip on a flat block costs about margin^2,
 *       three per 64 pixels).</li>
 *   <li>Inside the window: {@code isqrt((K_TEXTURE * E + K_WINDOW * W^2) >> 16)} with E the block's AC energy (sum of
 *       its squared AC coefficients) and W the window width: the largest change that keeps the block's SSIM in the
 *       window near 0.98 (flat blocks get 1.8 % of W; texture masks more).</li>
 *   <li>Outside the window (the whole block below its low end or above its high end, so it shows as black or
 *       white): up to 2/3 of the distance to the window, which keeps every changed pixel outside it, since three
 *       chips pushed by at most two margins move a pixel by less than 1.45 margins.</li>
 * </ul>
 */
final class RobustStrength {
    static final long K_RANGE = 1966;
    static final long K_TEXTURE = 722;
    static final long K_WINDOW = 21;
    /** Percentile window when the caller gives none: values from the 1st to the 99th percentile. */
    static final int LOW_PERCENT = 1;
    static final int HIGH_PERCENT = 99;

    private final long rangeCap;
    private final long low;
    private final long high;
    private final long windowTerm;

    private RobustStrength(long range, long low, long high) {
        this.rangeCap = Math.max(1, (range * K_RANGE + (1 << 15)) >> 16);
        this.low = low;
        this.high = high;
        long width = Math.max(1, high - low);
        this.windowTerm = K_WINDOW * width * width;
    }

    /** For {@code v}, read in {@code window} (null: the percentile window of its values). */
    static RobustStrength of(Volume v, DisplayWindow window) {
        int[] range = v.valueRange();
        if (window != null) {
            return new RobustStrength((long) range[1] - range[0], window.low(), window.high());
        }
        long[] percentiles = percentiles(v);
        return new RobustStrength((long) range[1] - range[0], percentiles[0], percentiles[1]);
    }

    /**
     * The 1st and 99th percentiles of the volume's values: the smallest value whose cumulative count reaches
     * 1 % (resp. 99 %) of all samples, by an exact histogram.
     */
    static long[] percentiles(Volume v) {
        PixelFormat f = v.format();
        long[] histogram = new long[f.max() - f.min() + 1];
        for (int s = 0; s < v.slices(); s++) {
            for (short x : v.slice(s)) {
                histogram[f.value(x) - f.min()]++;
            }
        }
        long n = v.pixelCount();
        long low = -1;
        long high = -1;
        long cumulative = 0;
        for (int i = 0; i < histogram.length; i++) {
            cumulative += histogram[i];
            if (low < 0 && cumulative * 100 >= n * LOW_PERCENT) {
                low = i + f.min();
            }
            if (high < 0 && cumulative * 100 >= n * HIGH_PERCENT) {
                high = i + f.min();
                break;
            }
        }
        return new long[] {low, Math.max(high, low + 1)};
    }

    long rangeCap() {
        return rangeCap;
    }

    /** The margin for a block of AC energy {@code acEnergy} whose samples lie in {@code blockMin..blockMax}. */
    long margin(long acEnergy, long blockMin, long blockMax) {
        long masked = isqrt((K_TEXTURE * acEnergy + windowTerm) >> 16);
        long outside = blockMax < low ? low - blockMax : blockMin > high ? blockMin - high : 0;
        long clipped = outside > 1 ? 2 * (outside - 1) / 3 : 0;
        return Math.max(1, Math.min(rangeCap, Math.max(masked, clipped)));
    }

    /** Floor of the square root of {@code x >= 0}, in integers. */
    static long isqrt(long x) {
        if (x < 2) {
            return Math.max(0, x);
        }
        long r = 1L << ((64 - Long.numberOfLeadingZeros(x) + 1) / 2);
        while (true) {
            long next = (r + x / r) >> 1;
            if (next >= r) {
                break;
            }
            r = next;
        }
        while (r * r > x) {
            r--;
        }
        while ((r + 1) * (r + 1) <= x) {
            r++;
        }
        return r;
    }
}
