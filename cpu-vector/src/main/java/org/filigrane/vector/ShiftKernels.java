package org.filigrane.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.filigrane.engine.spi.Backend;

import static org.filigrane.vector.Kernels.count;
import static org.filigrane.vector.Kernels.laneRange;
import static org.filigrane.vector.Kernels.oneWideLane;
import static org.filigrane.vector.Kernels.row;
import static org.filigrane.vector.Kernels.window;
import static org.filigrane.vector.Kernels.writeBits;

/** Layer R's loops on the Vector API: one region [r0, r1) x [0, cols) of a slice, rows [ra, rb) of it. */
final class ShiftKernels {
    private static final int TRASH = Backend.HIST_BINS;
    private static final VectorMask<Integer> ALL = Kernels.ALL;
    private static final jdk.incubator.vector.VectorSpecies<Integer> I = Kernels.I;
    private static final jdk.incubator.vector.VectorSpecies<Short> S2 = Kernels.S2;
    private static final int L = Kernels.L;

    private ShiftKernels() {
    }

    // ---- layer R: one region [r0, r1) x [0, cols), rows [ra, rb) of it ----

    /** Adds the errors of pass {@code parity} in rows [ra, rb) to {@code h} (HIST_BINS + 1 bins, the last one spare). */
    static void histogramRows(short[] px, int cols, boolean signed, int r0, int r1, int ra, int rb, int parity,
            Edges ed, Scratch sc, int[] h) {
        boolean oneHigh = r1 - r0 == 1;
        sc.resetRing();
        int[] bins = sc.bins;
        int[] h2 = sc.hist2;
        int[] h3 = sc.hist3;
        int[] h4 = sc.hist4;
        IntVector trash = IntVector.broadcast(I, TRASH);
        for (int r = ra; r < rb; r++) {
            int q = (r + parity) & 1;
            int[][] xr = row(sc, px, r, cols, signed);
            int[] na = oneHigh ? null : row(sc, px, r > r0 ? r - 1 : r + 1, cols, signed)[q];
            int[] sa = oneHigh ? null : row(sc, px, r + 1 < r1 ? r + 1 : r - 1, cols, signed)[q];
            int[] xa = xr[q];
            int[] ya = xr[1 - q];
            int n = count(cols, q);
            boolean[] left = ed.left()[q];
            boolean[] right = ed.right()[q];
            int ow = oneWideLane(ed, q);
            for (int j = 0; j < n; j += L) {
                IntVector x = IntVector.fromArray(I, xa, j + 1);
                // Prediction error (inlined by hand: a helper taking or returning vectors would box them when
                // C2 declines to inline it).
                IntVector wv = IntVector.fromArray(I, ya, j + q);
                IntVector ev = IntVector.fromArray(I, ya, j + 1 + q);
                IntVector w2 = wv.blend(ev, VectorMask.fromArray(I, left, j));
                IntVector e2 = ev.blend(wv, VectorMask.fromArray(I, right, j));
                IntVector nv;
                IntVector sv;
                if (oneHigh) {
                    nv = w2;
                    sv = e2;
                } else {
                    nv = IntVector.fromArray(I, na, j + 1);
                    sv = IntVector.fromArray(I, sa, j + 1);
                    if (ow - j >= 0 && ow - j < L) {
                        VectorMask<Integer> m = VectorMask.fromLong(I, 1L << (ow - j));
                        w2 = w2.blend(nv, m);
                        e2 = e2.blend(sv, m);
                    }
                }
                IntVector err = x.sub(nv.add(sv).add(w2).add(e2).lanewise(VectorOperators.ASHR, 2));
                VectorMask<Integer> base = j + L > n ? I.indexInRange(j, n) : ALL;
                if (oneHigh && ow - j >= 0 && ow - j < L) {
                    base = base.andNot(VectorMask.fromLong(I, 1L << (ow - j)));
                }
                IntVector bin = err.sub(Backend.HIST_MIN);
                VectorMask<Integer> counted = bin.compare(VectorOperators.ULT, Backend.HIST_BINS).and(base);
                trash.blend(bin, counted).intoArray(bins, j);
            }
            // Scatter-adds do not vectorize; four sub-histograms break the store-to-load chains on repeated bins
            // (errors cluster in a few bins, so neighbours often hit the same counter).
            int j = 0;
            for (; j + 3 < n; j += 4) {
                h[bins[j]]++;
                h2[bins[j + 1]]++;
                h3[bins[j + 2]]++;
                h4[bins[j + 3]]++;
            }
            for (; j < n; j++) {
                h[bins[j]]++;
            }
        }
    }

    /**
     * Pixels of pass {@code parity} in rows [ra, rb) that carry a bit (threshold t; marked: errors P-2t..P+2t-1,
     * else P-t..P+t-1).
     */
    static int countRows(short[] px, int cols, boolean signed, int r0, int r1, int ra, int rb, int parity, int peak,
            int threshold, boolean marked, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
        sc.resetRing();
        int lo = marked ? peak - 2 * threshold : peak - threshold;
        int hi = marked ? peak + 2 * threshold - 1 : peak + threshold - 1;
        int total = 0;
        for (int r = ra; r < rb; r++) {
            int q = (r + parity) & 1;
            int[][] xr = row(sc, px, r, cols, signed);
            int[] na = oneHigh ? null : row(sc, px, r > r0 ? r - 1 : r + 1, cols, signed)[q];
            int[] sa = oneHigh ? null : row(sc, px, r + 1 < r1 ? r + 1 : r - 1, cols, signed)[q];
            int[] xa = xr[q];
            int[] ya = xr[1 - q];
            int n = count(cols, q);
            boolean[] left = ed.left()[q];
            boolean[] right = ed.right()[q];
            int ow = oneWideLane(ed, q);
            for (int j = 0; j < n; j += L) {
                IntVector x = IntVector.fromArray(I, xa, j + 1);
                // Prediction error (inlined by hand: a helper taking or returning vectors would box them when
                // C2 declines to inline it).
                IntVector wv = IntVector.fromArray(I, ya, j + q);
                IntVector ev = IntVector.fromArray(I, ya, j + 1 + q);
                IntVector w2 = wv.blend(ev, VectorMask.fromArray(I, left, j));
                IntVector e2 = ev.blend(wv, VectorMask.fromArray(I, right, j));
                IntVector nv;
                IntVector sv;
                if (oneHigh) {
                    nv = w2;
                    sv = e2;
                } else {
                    nv = IntVector.fromArray(I, na, j + 1);
                    sv = IntVector.fromArray(I, sa, j + 1);
                    if (ow - j >= 0 && ow - j < L) {
                        VectorMask<Integer> m = VectorMask.fromLong(I, 1L << (ow - j));
                        w2 = w2.blend(nv, m);
                        e2 = e2.blend(sv, m);
                    }
                }
                IntVector err = x.sub(nv.add(sv).add(w2).add(e2).lanewise(VectorOperators.ASHR, 2));
                VectorMask<Integer> base = j + L > n ? I.indexInRange(j, n) : ALL;
                if (oneHigh && ow - j >= 0 && ow - j < L) {
                    base = base.andNot(VectorMask.fromLong(I, 1L << (ow - j)));
                }
                total += err.compare(VectorOperators.GE, lo).and(err.compare(VectorOperators.LE, hi)).and(base)
                        .trueCount();
            }
        }
        return total;
    }

    /**
     * Embeds pass {@code parity} in rows [ra, rb), the next embeddable pixel taking stream bit {@code off + k}.
     * Returns the new k, or {@code ~k} when the pass stopped (at the embeddable pixel that would take bit limit).
     */
    static int embedRows(short[] px, int cols, boolean signed, int r0, int r1, int ra, int rb, int parity, int peak,
            int threshold, long[] bits, long off, int k, int limit, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
        IntVector zero = IntVector.zero(I);
        IntVector one = IntVector.broadcast(I, 1);
        IntVector tUp = IntVector.broadcast(I, threshold);
        IntVector tDown = IntVector.broadcast(I, -threshold);
        sc.resetRing();
        for (int r = ra; r < rb; r++) {
            int q = (r + parity) & 1;
            int[][] xr = row(sc, px, r, cols, signed);
            int[] na = oneHigh ? null : row(sc, px, r > r0 ? r - 1 : r + 1, cols, signed)[q];
            int[] sa = oneHigh ? null : row(sc, px, r + 1 < r1 ? r + 1 : r - 1, cols, signed)[q];
            int[] xa = xr[q];
            int[] ya = xr[1 - q];
            int n = count(cols, q);
            boolean[] left = ed.left()[q];
            boolean[] right = ed.right()[q];
            int ow = oneWideLane(ed, q);
            int rowOff = r * cols;
            for (int j = 0; j < n; j += L) {
                IntVector x = IntVector.fromArray(I, xa, j + 1);
                // Prediction error (inlined by hand: a helper taking or returning vectors would box them when
                // C2 declines to inline it).
                IntVector wv = IntVector.fromArray(I, ya, j + q);
                IntVector ev = IntVector.fromArray(I, ya, j + 1 + q);
                IntVector w2 = wv.blend(ev, VectorMask.fromArray(I, left, j));
                IntVector e2 = ev.blend(wv, VectorMask.fromArray(I, right, j));
                IntVector nv;
                IntVector sv;
                if (oneHigh) {
                    nv = w2;
                    sv = e2;
                } else {
                    nv = IntVector.fromArray(I, na, j + 1);
                    sv = IntVector.fromArray(I, sa, j + 1);
                    if (ow - j >= 0 && ow - j < L) {
                        VectorMask<Integer> m = VectorMask.fromLong(I, 1L << (ow - j));
                        w2 = w2.blend(nv, m);
                        e2 = e2.blend(sv, m);
                    }
                }
                IntVector err = x.sub(nv.add(sv).add(w2).add(e2).lanewise(VectorOperators.ASHR, 2));
                VectorMask<Integer> base = j + L > n ? I.indexInRange(j, n) : ALL;
                if (oneHigh && ow - j >= 0 && ow - j < L) {
                    base = base.andNot(VectorMask.fromLong(I, 1L << (ow - j)));
                }
                IntVector d = err.sub(peak);
                VectorMask<Integer> neg = d.compare(VectorOperators.LT, 0);
                VectorMask<Integer> carrier = d.compare(VectorOperators.GE, -threshold)
                        .and(d.compare(VectorOperators.LT, threshold));
                long emb = carrier.and(base).toLong();
                long baseBits = base.toLong();
                long active = baseBits;
                int found = Long.bitCount(emb);
                boolean stop = false;
                if (k + found > limit) {
                    long before = Long.expand(1L << (limit - k), emb) - 1;
                    active &= before;
                    emb &= before;
                    found = limit - k;
                    stop = true;
                }
                long laneBits = found == 0 ? 0 : Long.expand(window(bits, off + k), emb);
                k += found;
                // A carrier moves by d + b (d >= 0) or d + 1 - b (d < 0); the others by t away from the peak.
                IntVector b01 = laneBits == 0 ? zero : zero.blend(one, VectorMask.fromLong(I, laneBits));
                IntVector delta = tUp.blend(tDown, neg).blend(d.add(b01.blend(one.sub(b01), neg)), carrier);
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                // Blends, not x.add(v, mask): that form is not intrinsified here and allocates.
                IntVector nx = x.blend(x.add(delta), act);
                IntVector y = IntVector.fromArray(I, ya, j + 1);
                ShortVector pair = (q == 0 ? nx.and(0xFFFF).or(y.lanewise(VectorOperators.LSHL, 16))
                        : y.and(0xFFFF).or(nx.lanewise(VectorOperators.LSHL, 16))).reinterpretAsShorts();
                if (2 * j + 2 * L <= cols) {
                    pair.intoArray(px, rowOff + 2 * j);
                } else {
                    pair.intoArray(px, rowOff + 2 * j, S2.indexInRange(2 * j, cols));
                }
                if (stop) {
                    return ~k;
                }
            }
        }
        return k;
    }

    /** Undoes {@link #embedRows}, writing the bits it finds from bit {@code outOff + k} of {@code out}. */
    static int extractRows(short[] px, int cols, boolean signed, int r0, int r1, int ra, int rb, int parity,
            int peak, int threshold, long[] out, long outOff, int k, int limit, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
        IntVector tUp = IntVector.broadcast(I, threshold);
        IntVector tDown = IntVector.broadcast(I, -threshold);
        sc.resetRing();
        for (int r = ra; r < rb; r++) {
            int q = (r + parity) & 1;
            int[][] xr = row(sc, px, r, cols, signed);
            int[] na = oneHigh ? null : row(sc, px, r > r0 ? r - 1 : r + 1, cols, signed)[q];
            int[] sa = oneHigh ? null : row(sc, px, r + 1 < r1 ? r + 1 : r - 1, cols, signed)[q];
            int[] xa = xr[q];
            int[] ya = xr[1 - q];
            int n = count(cols, q);
            boolean[] left = ed.left()[q];
            boolean[] right = ed.right()[q];
            int ow = oneWideLane(ed, q);
            int rowOff = r * cols;
            for (int j = 0; j < n; j += L) {
                IntVector x = IntVector.fromArray(I, xa, j + 1);
                // Prediction error (inlined by hand: a helper taking or returning vectors would box them when
                // C2 declines to inline it).
                IntVector wv = IntVector.fromArray(I, ya, j + q);
                IntVector ev = IntVector.fromArray(I, ya, j + 1 + q);
                IntVector w2 = wv.blend(ev, VectorMask.fromArray(I, left, j));
                IntVector e2 = ev.blend(wv, VectorMask.fromArray(I, right, j));
                IntVector nv;
                IntVector sv;
                if (oneHigh) {
                    nv = w2;
                    sv = e2;
                } else {
                    nv = IntVector.fromArray(I, na, j + 1);
                    sv = IntVector.fromArray(I, sa, j + 1);
                    if (ow - j >= 0 && ow - j < L) {
                        VectorMask<Integer> m = VectorMask.fromLong(I, 1L << (ow - j));
                        w2 = w2.blend(nv, m);
                        e2 = e2.blend(sv, m);
                    }
                }
                IntVector err = x.sub(nv.add(sv).add(w2).add(e2).lanewise(VectorOperators.ASHR, 2));
                VectorMask<Integer> base = j + L > n ? I.indexInRange(j, n) : ALL;
                if (oneHigh && ow - j >= 0 && ow - j < L) {
                    base = base.andNot(VectorMask.fromLong(I, 1L << (ow - j)));
                }
                IntVector d = err.sub(peak);
                VectorMask<Integer> neg = d.compare(VectorOperators.LT, 0);
                VectorMask<Integer> carrier = d.compare(VectorOperators.GE, -2 * threshold)
                        .and(d.compare(VectorOperators.LT, 2 * threshold));
                long emb = carrier.and(base).toLong();
                long baseBits = base.toLong();
                long active = baseBits;
                int found = Long.bitCount(emb);
                boolean stop = false;
                if (k + found > limit) {
                    long before = Long.expand(1L << (limit - k), emb) - 1;
                    active &= before;
                    emb &= before;
                    found = limit - k;
                    stop = true;
                }
                if (found > 0) {
                    // Marked 2d + b (d >= 0) or 2d + 1 - b (d < 0): b is the low bit, flipped below the peak.
                    long ones = (d.and(1).eq(1).toLong() ^ neg.toLong()) & emb;
                    writeBits(out, outOff + k, found, Long.compress(ones, emb));
                    k += found;
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                IntVector delta = tDown.blend(tUp, neg).blend(d.lanewise(VectorOperators.ASHR, 1).sub(d), carrier);
                IntVector nx = x.blend(x.add(delta), act);
                IntVector y = IntVector.fromArray(I, ya, j + 1);
                ShortVector pair = (q == 0 ? nx.and(0xFFFF).or(y.lanewise(VectorOperators.LSHL, 16))
                        : y.and(0xFFFF).or(nx.lanewise(VectorOperators.LSHL, 16))).reinterpretAsShorts();
                if (2 * j + 2 * L <= cols) {
                    pair.intoArray(px, rowOff + 2 * j);
                } else {
                    pair.intoArray(px, rowOff + 2 * j, S2.indexInRange(2 * j, cols));
                }
                if (stop) {
                    return ~k;
                }
            }
        }
        return k;
    }
}
