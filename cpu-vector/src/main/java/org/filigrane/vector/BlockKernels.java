package org.filigrane.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.filigrane.engine.spi.Backend;

import static org.filigrane.vector.Kernels.count;
import static org.filigrane.vector.Kernels.laneRange;
import static org.filigrane.vector.Kernels.oneWideLane;
import static org.filigrane.vector.Kernels.row;
import static org.filigrane.vector.Kernels.storeLanes;
import static org.filigrane.vector.Kernels.window;
import static org.filigrane.vector.Kernels.writeBits;

/** Layer T's loops on the Vector API: one band of blocks (block row br), every block its own region. */
final class BlockKernels {
    private static final VectorMask<Integer> ALL = Kernels.ALL;
    private static final jdk.incubator.vector.VectorSpecies<Integer> I = Kernels.I;
    private static final int L = Kernels.L;

    private BlockKernels() {
    }

    // ---- layer T: one band of blocks (block row br), every block its own region ----

    /** First index j, in the half-row of parity q, of a pixel at or right of column c. */
    private static int firstLane(int c, int q) {
        return (c - q + 1) >> 1;
    }

    /**
     * The first lane of parity q, rounded down to a whole vector, of the first block still carrying (the loops
     * visit only the lanes from the first to the last running block; one runs, so both exist).
     */
    private static int runningFrom(boolean[] stopped, int bs, int q) {
        int b = 0;
        while (stopped[b]) {
            b++;
        }
        return firstLane(b * bs, q) / L * L;
    }

    /** The end (at most n) of the lanes of parity q of the last block still carrying. */
    private static int runningTo(boolean[] stopped, int blocksAcross, int bs, int q, int n) {
        int b = blocksAcross - 1;
        while (stopped[b]) {
            b--;
        }
        return Math.min(n, firstLane((b + 1) * bs, q));
    }

    /** Whether blocks b0 .. b1 have all stopped. */
    private static boolean allStopped(boolean[] stopped, int b0, int b1) {
        for (int b = b0; b <= b1; b++) {
            if (!stopped[b]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The scalar part of one vector (lanes [j, j + L) of parity q over blocks b0 .. b1), kept out of the vector
     * loops so that C2 compiles them whole (a kernel grown past its inlining budget boxes its vectors): each
     * running block takes its carriers in lane order until its {@code limit}-th bit, and stops at the next one.
     * Embedding leaves the lanes' bits in {@code sc.laneBits}; extracting ({@code ones}: the bit each lane holds)
     * ORs them into {@code words}. Returns the lanes that still move; stops are counted down in {@code sc.running}.
     */
    private static long carry(boolean extract, long emb, long ones, long active, int j, int q, int b0, int b1,
            int bs, int limit, int bitStart, long[] words, int first, Scratch sc) {
        int[] k = sc.k;
        boolean[] stopped = sc.stopped;
        long laneBits = 0;
        for (int b = b0; b <= b1; b++) {
            // A block has bs/2 lanes of each parity, so usually b0 == b1 and the segment is every lane.
            long seg = b0 == b1 ? -1L : laneRange(Math.max(firstLane(b * bs, q) - j, 0),
                    Math.min(firstLane((b + 1) * bs, q) - j, L));
            if (stopped[b]) {
                active &= ~seg;
                continue;
            }
            long e = emb & seg;
            int kb = k[b];
            int found = Long.bitCount(e);
            if (kb + found > limit) {
                long before = Long.expand(1L << (limit - kb), e) - 1;
                active &= ~seg | before;
                e &= before;
                found = limit - kb;
                stopped[b] = true;
                sc.running--;
            }
            if (found > 0) {
                if (extract) {
                    words[first + b] |= Long.compress(ones & e, e) << (bitStart + kb);
                } else {
                    laneBits |= Long.expand(words[first + b] >>> (bitStart + kb), e);
                }
                k[b] = kb + found;
            }
        }
        sc.laneBits = laneBits;
        return active;
    }

    /**
     * Embeds one pass of every block of block row {@code br} (centre {@link Backend#BLOCK_PEAK}, threshold t:
     * errors d = e - peak in [-t, t) carry, the others move t away): block b takes up to
     * {@code limit} bits of {@code words[b]} from bit {@code bitStart}; its count goes to
     * {@code carried[2 * b + parity]}. Blocks stop one by one; each keeps its own bit index.
     */
    static void embedBlockRow(short[] px, int rows, int cols, boolean signed, int bs, int blocksAcross, int br,
            int parity, int threshold, int limit, int bitStart, long[] words, int[] carried, Edges ed, Scratch sc) {
        int r0 = br * bs;
        int r1 = Math.min(r0 + bs, rows);
        int first = br * blocksAcross;
        if (limit <= 0) {
            for (int b = 0; b < blocksAcross; b++) {
                carried[2 * (first + b) + parity] = 0;
            }
            return;
        }
        int[] k = sc.k;
        boolean[] stopped = sc.stopped;
        java.util.Arrays.fill(k, 0, blocksAcross, 0);
        java.util.Arrays.fill(stopped, 0, blocksAcross, false);
        sc.running = blocksAcross;
        boolean oneHigh = r1 - r0 == 1;
        int peak = Backend.BLOCK_PEAK;
        IntVector zero = IntVector.zero(I);
        IntVector one = IntVector.broadcast(I, 1);
        IntVector tUp = IntVector.broadcast(I, threshold);
        IntVector tDown = IntVector.broadcast(I, -threshold);
        sc.resetRing();
        for (int r = r0; r < r1 && sc.running > 0; r++) {
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
            int[] laneBlock = ed.region()[q];
            int jFrom = runningFrom(stopped, bs, q);
            int jTo = runningTo(stopped, blocksAcross, bs, q, n);
            for (int j = jFrom; j < jTo; j += L) {
                int end = Math.min(j + L, n);
                int b0 = laneBlock[j];
                int b1 = laneBlock[end - 1];
                if (sc.running < blocksAcross && allStopped(stopped, b0, b1)) {
                    // A stopped block's pixels stay as they are: skipping its lanes writes what they hold.
                    continue;
                }
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
                long laneBits = 0;
                if (emb != 0 || b1 > b0) {
                    active = carry(false, emb, 0, active, j, q, b0, b1, bs, limit, bitStart, words, first, sc);
                    laneBits = sc.laneBits;
                }
                // A carrier moves by d + b (d >= 0) or d + 1 - b (d < 0); the others by t away from the centre.
                IntVector b01 = laneBits == 0 ? zero : zero.blend(one, VectorMask.fromLong(I, laneBits));
                IntVector delta = tUp.blend(tDown, neg).blend(d.add(b01.blend(one.sub(b01), neg)), carrier);
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                // Blends, not x.add(v, mask): that form is not intrinsified here and allocates.
                // Back into the ring's row (this pass never reads its own parity again), stored below.
                x.blend(x.add(delta), act).intoArray(xa, j + 1);
            }
            storeLanes(px, rowOff, q, xa, jFrom, jTo);
        }
        for (int b = 0; b < blocksAcross; b++) {
            carried[2 * (first + b) + parity] = k[b];
        }
    }

    /** Undoes one pass of {@link #embedBlockRow}, OR-ing the bits found into {@code words[b]} from bitStart. */
    static void extractBlockRow(short[] px, int rows, int cols, boolean signed, int bs, int blocksAcross, int br,
            int parity, int threshold, int limit, int bitStart, long[] words, int[] carried, Edges ed, Scratch sc) {
        int r0 = br * bs;
        int r1 = Math.min(r0 + bs, rows);
        int first = br * blocksAcross;
        if (limit <= 0) {
            for (int b = 0; b < blocksAcross; b++) {
                carried[2 * (first + b) + parity] = 0;
            }
            return;
        }
        int[] k = sc.k;
        boolean[] stopped = sc.stopped;
        java.util.Arrays.fill(k, 0, blocksAcross, 0);
        java.util.Arrays.fill(stopped, 0, blocksAcross, false);
        sc.running = blocksAcross;
        boolean oneHigh = r1 - r0 == 1;
        int peak = Backend.BLOCK_PEAK;
        IntVector zero = IntVector.zero(I);
        IntVector one = IntVector.broadcast(I, 1);
        IntVector tUp = IntVector.broadcast(I, threshold);
        IntVector tDown = IntVector.broadcast(I, -threshold);
        sc.resetRing();
        for (int r = r0; r < r1 && sc.running > 0; r++) {
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
            int[] laneBlock = ed.region()[q];
            int jFrom = runningFrom(stopped, bs, q);
            int jTo = runningTo(stopped, blocksAcross, bs, q, n);
            for (int j = jFrom; j < jTo; j += L) {
                int end = Math.min(j + L, n);
                int b0 = laneBlock[j];
                int b1 = laneBlock[end - 1];
                if (sc.running < blocksAcross && allStopped(stopped, b0, b1)) {
                    // A stopped block's pixels stay as they are: skipping its lanes writes what they hold.
                    continue;
                }
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
                // Marked 2d + b (d >= 0) or 2d + 1 - b (d < 0): b is the low bit, flipped below the centre.
                long ones = d.and(1).eq(1).toLong() ^ neg.toLong();
                long baseBits = base.toLong();
                long active = baseBits;
                if (emb != 0 || b1 > b0) {
                    active = carry(true, emb, ones, active, j, q, b0, b1, bs, limit, bitStart, words, first, sc);
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                IntVector delta = tDown.blend(tUp, neg).blend(d.lanewise(VectorOperators.ASHR, 1).sub(d), carrier);
                // Back into the ring's row (this pass never reads its own parity again), stored below.
                x.blend(x.add(delta), act).intoArray(xa, j + 1);
            }
            storeLanes(px, rowOff, q, xa, jFrom, jTo);
        }
        for (int b = 0; b < blocksAcross; b++) {
            carried[2 * (first + b) + parity] = k[b];
        }
    }
}
