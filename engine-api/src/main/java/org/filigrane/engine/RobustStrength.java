package org.filigrane.engine;

/**
 * How hard layer D may push each block, in sample values, from the data rather than from Bits Stored: the
 * volume's actual value range, the window it is read in, and the block's own texture. Integer arithmetic only,
 * because the result decides pixels (docs/FORMAT-D.md, "Strength").
 *
 * <ul>
 *   <li>Inside the window: {@code isqrt((K_TEXTURE * E + K_WINDOW * W^2) >> 16)} with W the window width and E the
 *       AC energy of the block's visible texture, {@code 64 * (n * sum x^2 - (sum x)^2) / n^2} over the n samples
 *       inside the window (64 times their variance; Parseval makes it the AC energy of a block of that variance):
 *       about the largest change that keeps the block's SSIM in the window at 0.98 (flat blocks get K_WINDOW's share
 *       of W; texture masks more).</li>
 *   <li>Outside the window (the whole block below its low end or above its high end, so it shows as black or
 *       white): up to 2/3 of the distance to the window, which keeps every changed pixel outside it, since three
 *       chips pushed by at most two margins move a pixel by less than 1.45 margins.</li>
 *   <li>Never more than {@code (range * K_CEILING) >> 16} (8 % of max - min), never less than 1.</li>
 *   <li>Budget: then every margin is capped by the largest {@code cap} with
 *       {@code sum over blocks of min(margin, cap)^2 <= 64 * blocks * range^2 / BUDGET}: a chip on a flat block costs
 *       about margin^2, three per 64 pixels, so this keeps the PSNR against the actual range near 43.5 dB
 *       ({@code BUDGET = 3 * 10^4.35}), above the 42 dB required.</li>
 * </ul>
 */
final class RobustStrength {
    static final long K_TEXTURE = 2000;
    static final long K_WINDOW = 24;
    static final long K_CEILING = 6554;
    static final long BUDGET = 57165;
    /** Percentile window when the caller gives none: values from the 1st to the 99th percentile. */
    static final int LOW_PERCENT = 1;
    static final int HIGH_PERCENT = 99;

    private final long range;
    private final long ceiling;
    private final long low;
    private final long high;
    private final long windowTerm;

    private RobustStrength(long range, long low, long high) {
        this.range = range;
        this.ceiling = Math.max(1, (range * K_CEILING) >> 16);
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
        long low = Long.MIN_VALUE;
        long high = Long.MIN_VALUE;
        long cumulative = 0;
        for (int i = 0; i < histogram.length; i++) {
            cumulative += histogram[i];
            if (low == Long.MIN_VALUE && cumulative * 100 >= n * LOW_PERCENT) {
                low = i + f.min();
            }
            if (cumulative * 100 >= n * HIGH_PERCENT) {
                high = i + f.min();
                break;
            }
        }
        return new long[] {low, Math.max(high, low + 1)};
    }

    /**
     * The margin for a block whose samples are {@code x} (64 values, row-major): masked by the texture of the samples
     * inside the window only (an edge into a clipped region hides nothing on the visible side), or, for a block
     * entirely on one side of the window, by its distance to it.
     */
    long margin(int[] x) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long n = 0;
        long sum = 0;
        long squares = 0;
        for (int value : x) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (value >= low && value <= high) {
                n++;
                sum += value;
                squares += (long) value * value;
            }
        }
        // AC energy of a block with the variance of the in-window samples: 64 * variance.
        long energy = n > 0 ? 64 * (n * squares - sum * sum) / (n * n) : 0;
        long masked = isqrt((K_TEXTURE * energy + windowTerm) >> 16);
        long outside = max < low ? low - max : min > high ? min - high : 0;
        long clipped = outside > 1 ? 2 * (outside - 1) / 3 : 0;
        return Math.max(1, Math.min(ceiling, Math.max(masked, clipped)));
    }

    /** The budget cap over the margins of every whole block of the volume (see the class comment). */
    long cap(int[][] margins) {
        long blocks = 0;
        long top = 1;
        for (int[] slice : margins) {
            blocks += slice.length;
            for (int m : slice) {
                top = Math.max(top, m);
            }
        }
        long allowed = 64 * blocks * range / BUDGET * range;
        long lo = 1;
        long hi = top;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (cost(margins, mid) <= allowed) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static long cost(int[][] margins, long cap) {
        long sum = 0;
        for (int[] slice : margins) {
            for (int m : slice) {
                long c = Math.min(m, cap);
                sum += c * c;
            }
        }
        return sum;
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
