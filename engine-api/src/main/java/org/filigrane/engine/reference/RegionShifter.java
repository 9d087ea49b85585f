package org.filigrane.engine.reference;

import org.filigrane.engine.PixelFormat;

/**
 * Histogram shifting of one checkerboard pass over one rectangular region, the scalar oracle shared by layer R
 * (a whole slice below its reserved rows) and layer T (one block). Pixels are visited in raster order; the k-th
 * pixel whose error is {@code peak} or {@code peak - 1} carries bit k; the others move one step away from the peak
 * bins. The pass stops at the first embeddable pixel that would take bit {@code limit}: so a region whose bits are
 * all used is still shifted to its end (its marked count equals its capacity, which the decoder relies on), and a
 * limit of 0 leaves the region untouched.
 */
final class RegionShifter {
    private RegionShifter() {
    }

    /**
     * Returns how many bits were embedded (less than {@code limit} only when the region ran out). With
     * {@code d = e - peak} and threshold t, errors with d in [-t, t) carry a bit (d becomes 2d + b for d >= 0,
     * 2d + 1 - b below), the others move t away; t = 1 is plain shifting with bins peak-1 and peak.
     */
    static int embed(short[] px, int cols, PixelFormat f, int r0, int r1, int c0, int c1, int parity, int peak,
            int threshold, long[] bits, long offset, int limit) {
        int k = 0;
        if (limit <= 0) {
            return 0;
        }
        int t = threshold;
        for (int r = r0; r < r1; r++) {
            for (int c = firstColumn(r, c0, parity); c < c1; c += 2) {
                int pred = Predictor.predict(px, cols, f, r, c, r0, r1, c0, c1);
                if (pred == Predictor.NONE) {
                    continue;
                }
                int i = r * cols + c;
                int x = f.value(px[i]);
                int d = x - pred - peak;
                boolean carrier = d >= -t && d < t;
                if (carrier && k == limit) {
                    return k;
                }
                if (carrier) {
                    int b = bit(bits, offset + k++);
                    x += d >= 0 ? d + b : d + 1 - b;
                } else {
                    x += d >= 0 ? t : -t;
                }
                px[i] = f.store(x);
            }
        }
        return k;
    }

    /** Undoes {@link #embed}, writing the bits from {@code outOffset}; returns how many it found. */
    static int extract(short[] px, int cols, PixelFormat f, int r0, int r1, int c0, int c1, int parity, int peak,
            int threshold, long[] out, long outOffset, int limit) {
        int k = 0;
        if (limit <= 0) {
            return 0;
        }
        int t = threshold;
        for (int r = r0; r < r1; r++) {
            for (int c = firstColumn(r, c0, parity); c < c1; c += 2) {
                int pred = Predictor.predict(px, cols, f, r, c, r0, r1, c0, c1);
                if (pred == Predictor.NONE) {
                    continue;
                }
                int i = r * cols + c;
                int x = f.value(px[i]);
                int d = x - pred - peak;
                boolean carrier = d >= -2 * t && d < 2 * t;
                if (carrier && k == limit) {
                    return k;
                }
                if (carrier) {
                    // Marked 2d + b (d >= 0) or 2d + 1 - b (d < 0): the floor of half is d either way.
                    int b = d >= 0 ? d & 1 : 1 - (d & 1);
                    setBit(out, outOffset + k++, b);
                    x += (d >> 1) - d;
                } else {
                    x -= d >= 0 ? t : -t;
                }
                px[i] = f.store(x);
            }
        }
        return k;
    }

    static void histogram(short[] px, int cols, PixelFormat f, int r0, int r1, int c0, int c1, int parity,
            long[] hist, int histMin) {
        for (int r = r0; r < r1; r++) {
            for (int c = firstColumn(r, c0, parity); c < c1; c += 2) {
                int pred = Predictor.predict(px, cols, f, r, c, r0, r1, c0, c1);
                if (pred == Predictor.NONE) {
                    continue;
                }
                int bin = f.value(px[r * cols + c]) - pred - histMin;
                if (bin >= 0 && bin < hist.length) {
                    hist[bin]++;
                }
            }
        }
    }

    /** First column at or after c0 in row r with (r + c) % 2 == parity. */
    static int firstColumn(int r, int c0, int parity) {
        return ((r + c0) & 1) == parity ? c0 : c0 + 1;
    }

    static int bit(long[] bits, long k) {
        return (int) (bits[(int) (k >>> 6)] >>> (k & 63)) & 1;
    }

    static void setBit(long[] bits, long k, int b) {
        int w = (int) (k >>> 6);
        long m = 1L << (k & 63);
        bits[w] = b != 0 ? bits[w] | m : bits[w] & ~m;
    }
}
