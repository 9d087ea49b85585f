package org.filigrane.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.filigrane.engine.spi.Backend;

/**
 * The Vector API loops. Samples are widened to int lanes (a sum of four 16-bit neighbours needs 18 bits), a row at a
 * time, into per-thread row buffers; each pass keeps its serial dependency (the bit index) in scalar registers and
 * turns it into lane masks with {@link Long#expand}/{@link Long#compress} (PDEP/PEXT), so every conditional shift is
 * a masked add. Only this class and {@link VectorBackend} touch {@code jdk.incubator.vector}; the provider loads
 * them after checking that the module is readable.
 *
 * <p>The species are static finals, read once from {@code filigrane.vector.bits} (128, 256 or 512: the width of the
 * int lanes): C2 only intrinsifies vector code whose species is a constant, so the width is fixed per JVM and the
 * build runs the conformance suite in one JVM per width.
 */
final class Kernels {
    static final VectorSpecies<Integer> I;
    /** Short lanes of half the width, so that one short load widens to exactly one int vector. */
    static final VectorSpecies<Short> S;
    /** Short lanes of the full width: two shorts per int lane (the deinterleaving load). */
    static final VectorSpecies<Short> S2;
    static final int L;
    /** The width asked for by {@code filigrane.vector.bits}, or 0; differs from I's when the CPU lacks it. */
    static final int REQUESTED_BITS;
    static final int PREFERRED_BITS = IntVector.SPECIES_PREFERRED.vectorBitSize();

    private static final VectorMask<Integer> ALL;
    private static final int TRASH = Backend.HIST_BINS;

    static {
        String wanted = System.getProperty("filigrane.vector.bits", "").strip();
        int requested = 0;
        try {
            requested = wanted.isEmpty() ? 0 : Integer.parseInt(wanted);
        } catch (NumberFormatException e) {
            requested = -1;
        }
        REQUESTED_BITS = requested;
        int bits = PREFERRED_BITS;
        if ((requested == 128 || requested == 256 || requested == 512)
                && requested <= IntVector.SPECIES_MAX.vectorBitSize()) {
            bits = requested;
        }
        I = VectorSpecies.of(int.class, VectorShape.forBitSize(bits));
        S = VectorSpecies.of(short.class, VectorShape.forBitSize(bits / 2));
        S2 = VectorSpecies.of(short.class, VectorShape.forBitSize(bits));
        L = I.length();
        ALL = I.maskAll(true);
    }

    private Kernels() {
    }

    // ---- rows ----

    /**
     * Deinterleaves one row into sample values (sign- or zero-extended): column 2j + q goes to {@code half[q][j + 1]}.
     * A pass only changes pixels of one column parity per row and predicts them from the other, so this layout
     * makes every lane a pixel of the pass. On a little-endian int view of the shorts, the even column is the low
     * half of each int and the odd one the high half.
     */
    static void loadRow(short[] px, int off, int cols, boolean signed, int[] even, int[] odd) {
        int c = 0;
        int bound = S2.loopBound(cols);
        if (signed) {
            for (; c < bound; c += 2 * L) {
                IntVector pair = ShortVector.fromArray(S2, px, off + c).reinterpretAsInts();
                pair.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .intoArray(even, (c >>> 1) + 1);
                pair.lanewise(VectorOperators.ASHR, 16).intoArray(odd, (c >>> 1) + 1);
            }
        } else {
            for (; c < bound; c += 2 * L) {
                IntVector pair = ShortVector.fromArray(S2, px, off + c).reinterpretAsInts();
                pair.and(0xFFFF).intoArray(even, (c >>> 1) + 1);
                pair.lanewise(VectorOperators.LSHR, 16).intoArray(odd, (c >>> 1) + 1);
            }
        }
        for (; c < cols; c++) {
            int v = signed ? px[off + c] : px[off + c] & 0xFFFF;
            if ((c & 1) == 0) {
                even[(c >>> 1) + 1] = v;
            } else {
                odd[(c >>> 1) + 1] = v;
            }
        }
    }

    /** Widens one row in column order into {@code buf[c]} (column sums). */
    static void loadRowInOrder(short[] px, int off, int cols, boolean signed, int[] buf) {
        int c = 0;
        int bound = S.loopBound(cols);
        if (signed) {
            for (; c < bound; c += L) {
                ((IntVector) ShortVector.fromArray(S, px, off + c).convertShape(VectorOperators.S2I, I, 0))
                        .intoArray(buf, c);
            }
            for (; c < cols; c++) {
                buf[c] = px[off + c];
            }
        } else {
            for (; c < bound; c += L) {
                ((IntVector) ShortVector.fromArray(S, px, off + c).convertShape(VectorOperators.ZERO_EXTEND_S2I, I,
                        0)).intoArray(buf, c);
            }
            for (; c < cols; c++) {
                buf[c] = px[off + c] & 0xFFFF;
            }
        }
    }


    /** The deinterleaved row r, loaded into the 3-row ring of {@code sc} unless already there. */
    private static int[][] row(Scratch sc, short[] px, int r, int cols, boolean signed) {
        int slot = r % 3;
        int[][] half = sc.ring[slot];
        if (sc.tag[slot] != r) {
            loadRow(px, r * cols, cols, signed, half[0], half[1]);
            sc.tag[slot] = r;
        }
        return half;
    }

    /** Pixels of column parity q in a row of {@code cols} columns. */
    private static int count(int cols, int q) {
        return (cols + 1 - q) >>> 1;
    }


    /** Index, in the half-row of parity q, of a 1-wide region's column; -1 when there is none of that parity. */
    private static int oneWideLane(Edges ed, int q) {
        int c = ed.oneWideColumn();
        return c >= 0 && (c & 1) == q ? c >>> 1 : -1;
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

    /** Pixels of pass {@code parity} in rows [ra, rb) that carry a bit (marked: errors P-2..P+1, else P-1..P). */
    static int countRows(short[] px, int cols, boolean signed, int r0, int r1, int ra, int rb, int parity, int peak,
            boolean marked, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
        sc.resetRing();
        int lo = marked ? peak - 2 : peak - 1;
        int hi = marked ? peak + 1 : peak;
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
            long[] bits, long off, int k, int limit, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
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
                VectorMask<Integer> atPeak = err.eq(peak);
                VectorMask<Integer> belowPeak = err.eq(peak - 1);
                long emb = atPeak.or(belowPeak).and(base).toLong();
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
                VectorMask<Integer> up = err.compare(VectorOperators.GT, peak);
                VectorMask<Integer> down = err.compare(VectorOperators.LT, peak - 1);
                if (laneBits != 0) {
                    VectorMask<Integer> one = VectorMask.fromLong(I, laneBits);
                    up = up.or(atPeak.and(one));
                    down = down.or(belowPeak.and(one));
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                // Blends, not x.add(1, mask): that form is not intrinsified here and allocates.
                IntVector nx = x.blend(x.add(1), up.and(act)).blend(x.sub(1), down.and(act));
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
            int peak, long[] out, long outOff, int k, int limit, Edges ed, Scratch sc) {
        boolean oneHigh = r1 - r0 == 1;
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
                long emb = err.compare(VectorOperators.GE, peak - 2).and(err.compare(VectorOperators.LE, peak + 1))
                        .and(base).toLong();
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
                    long ones = err.eq(peak + 1).or(err.eq(peak - 2)).toLong() & emb;
                    writeBits(out, outOff + k, found, Long.compress(ones, emb));
                    k += found;
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                IntVector nx = x.blend(x.sub(1), err.compare(VectorOperators.GE, peak + 1).and(act))
                        .blend(x.add(1), err.compare(VectorOperators.LE, peak - 2).and(act));
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

    // ---- layer T: one band of blocks (block row br), every block its own region ----

    /** First index j, in the half-row of parity q, of a pixel at or right of column c. */
    private static int firstLane(int c, int q) {
        return (c - q + 1) >> 1;
    }

    /**
     * Embeds one pass of every block of block row {@code br} (peak {@link Backend#BLOCK_PEAK}): block b takes up to
     * {@code limit} bits of {@code words[b]} from bit {@code bitStart}; its count goes to
     * {@code carried[2 * b + parity]}. Blocks stop one by one; each keeps its own bit index.
     */
    static void embedBlockRow(short[] px, int rows, int cols, boolean signed, int bs, int blocksAcross, int br,
            int parity, int limit, int bitStart, long[] words, int[] carried, Edges ed, Scratch sc) {
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
        int running = blocksAcross;
        boolean oneHigh = r1 - r0 == 1;
        int peak = Backend.BLOCK_PEAK;
        sc.resetRing();
        for (int r = r0; r < r1 && running > 0; r++) {
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
                VectorMask<Integer> atPeak = err.eq(peak);
                VectorMask<Integer> belowPeak = err.eq(peak - 1);
                long emb = atPeak.or(belowPeak).and(base).toLong();
                long baseBits = base.toLong();
                long active = baseBits;
                long laneBits = 0;
                int end = Math.min(j + L, n);
                // Common case: nothing to carry here and no block stopped yet, so every lane shifts.
                int b = emb == 0 && running == blocksAcross ? blocksAcross : (2 * j + q) / bs;
                for (; b < blocksAcross; b++) {
                    int lo = firstLane(b * bs, q);
                    if (lo >= end) {
                        break;
                    }
                    long seg = laneRange(Math.max(lo - j, 0), Math.min(firstLane((b + 1) * bs, q) - j, L));
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
                        running--;
                    }
                    if (found > 0) {
                        laneBits |= Long.expand(words[first + b] >>> (bitStart + kb), e);
                        k[b] = kb + found;
                    }
                }
                VectorMask<Integer> up = err.compare(VectorOperators.GT, peak);
                VectorMask<Integer> down = err.compare(VectorOperators.LT, peak - 1);
                if (laneBits != 0) {
                    VectorMask<Integer> one = VectorMask.fromLong(I, laneBits);
                    up = up.or(atPeak.and(one));
                    down = down.or(belowPeak.and(one));
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                // Blends, not x.add(1, mask): that form is not intrinsified here and allocates.
                IntVector nx = x.blend(x.add(1), up.and(act)).blend(x.sub(1), down.and(act));
                IntVector y = IntVector.fromArray(I, ya, j + 1);
                ShortVector pair = (q == 0 ? nx.and(0xFFFF).or(y.lanewise(VectorOperators.LSHL, 16))
                        : y.and(0xFFFF).or(nx.lanewise(VectorOperators.LSHL, 16))).reinterpretAsShorts();
                if (2 * j + 2 * L <= cols) {
                    pair.intoArray(px, rowOff + 2 * j);
                } else {
                    pair.intoArray(px, rowOff + 2 * j, S2.indexInRange(2 * j, cols));
                }
            }
        }
        for (int b = 0; b < blocksAcross; b++) {
            carried[2 * (first + b) + parity] = k[b];
        }
    }

    /** Undoes one pass of {@link #embedBlockRow}, OR-ing the bits found into {@code words[b]} from bitStart. */
    static void extractBlockRow(short[] px, int rows, int cols, boolean signed, int bs, int blocksAcross, int br,
            int parity, int limit, int bitStart, long[] words, int[] carried, Edges ed, Scratch sc) {
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
        int running = blocksAcross;
        boolean oneHigh = r1 - r0 == 1;
        int peak = Backend.BLOCK_PEAK;
        sc.resetRing();
        for (int r = r0; r < r1 && running > 0; r++) {
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
                long emb = err.compare(VectorOperators.GE, peak - 2).and(err.compare(VectorOperators.LE, peak + 1))
                        .and(base).toLong();
                long ones = err.eq(peak + 1).or(err.eq(peak - 2)).toLong();
                long baseBits = base.toLong();
                long active = baseBits;
                int end = Math.min(j + L, n);
                // Common case: nothing to carry here and no block stopped yet, so every lane shifts.
                int b = emb == 0 && running == blocksAcross ? blocksAcross : (2 * j + q) / bs;
                for (; b < blocksAcross; b++) {
                    int lo = firstLane(b * bs, q);
                    if (lo >= end) {
                        break;
                    }
                    long seg = laneRange(Math.max(lo - j, 0), Math.min(firstLane((b + 1) * bs, q) - j, L));
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
                        running--;
                    }
                    if (found > 0) {
                        words[first + b] |= Long.compress(ones & e, e) << (bitStart + kb);
                        k[b] = kb + found;
                    }
                }
                VectorMask<Integer> act = active == baseBits ? base : VectorMask.fromLong(I, active);
                IntVector nx = x.blend(x.sub(1), err.compare(VectorOperators.GE, peak + 1).and(act))
                        .blend(x.add(1), err.compare(VectorOperators.LE, peak - 2).and(act));
                IntVector y = IntVector.fromArray(I, ya, j + 1);
                ShortVector pair = (q == 0 ? nx.and(0xFFFF).or(y.lanewise(VectorOperators.LSHL, 16))
                        : y.and(0xFFFF).or(nx.lanewise(VectorOperators.LSHL, 16))).reinterpretAsShorts();
                if (2 * j + 2 * L <= cols) {
                    pair.intoArray(px, rowOff + 2 * j);
                } else {
                    pair.intoArray(px, rowOff + 2 * j, S2.indexInRange(2 * j, cols));
                }
            }
        }
        for (int b = 0; b < blocksAcross; b++) {
            carried[2 * (first + b) + parity] = k[b];
        }
    }

    /**
     * Sums of the sample values of the column cells of cell row {@code cr}: lane-wise adds of the rows into an int
     * accumulator (cs rows of 16-bit values stay below 2^31 for cs up to 32767), then one pass across the cells.
     */
    static void columnSumRow(short[] px, int rows, int cols, boolean signed, int cs, int cellsAcross, int cr,
            long[] out, Scratch sc) {
        int r0 = cr * cs;
        int r1 = Math.min(r0 + cs, rows);
        int[] acc = sc.acc;
        int[] buf = sc.row;
        java.util.Arrays.fill(acc, 0, cols + L, 0);
        for (int r = r0; r < r1; r++) {
            loadRowInOrder(px, r * cols, cols, signed, buf);
            for (int c = 0; c < cols; c += L) {
                IntVector.fromArray(I, acc, c).add(IntVector.fromArray(I, buf, c)).intoArray(acc, c);
            }
        }
        int base = cr * cellsAcross;
        for (int ca = 0; ca < cellsAcross; ca++) {
            int c0 = ca * cs;
            int c1 = Math.min(c0 + cs, cols);
            long sum = 0;
            int c = c0;
            // A lane adds up (c1 - c0) / L accumulators of (r1 - r0) values each: only when that fits an int.
            if (c1 - c0 >= L && (long) (r1 - r0) * ((c1 - c0) / L) < (1L << 15)) {
                IntVector v = IntVector.zero(I);
                int bound = c0 + (c1 - c0) / L * L;
                for (; c < bound; c += L) {
                    v = v.add(IntVector.fromArray(I, acc, c));
                }
                sum = v.reduceLanes(VectorOperators.ADD);
            }
            for (; c < c1; c++) {
                sum += acc[c];
            }
            out[base + ca] = sum;
        }
    }

    // ---- bits ----

    static long laneRange(int from, int to) {
        long below = to >= 64 ? -1L : (1L << to) - 1;
        return below & (-1L << from);
    }

    /** 64 stream bits from bit {@code pos} (missing high bits past the array's end read as 0). */
    static long window(long[] bits, long pos) {
        int w = (int) (pos >>> 6);
        int sh = (int) (pos & 63);
        long v = bits[w] >>> sh;
        if (sh != 0 && w + 1 < bits.length) {
            v |= bits[w + 1] << (64 - sh);
        }
        return v;
    }

    /** Sets bits [pos, pos + n) of {@code out} (1 <= n <= 64) to the low n bits of v. */
    static void writeBits(long[] out, long pos, int n, long v) {
        long mask = n == 64 ? -1L : (1L << n) - 1;
        v &= mask;
        int w = (int) (pos >>> 6);
        int sh = (int) (pos & 63);
        out[w] = (out[w] & ~(mask << sh)) | (v << sh);
        if (sh + n > 64) {
            int done = 64 - sh;
            out[w + 1] = (out[w + 1] & ~(mask >>> done)) | (v >>> done);
        }
    }
}
