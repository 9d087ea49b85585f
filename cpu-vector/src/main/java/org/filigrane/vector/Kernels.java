package org.filigrane.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API's shared parts: species, row loading and bit helpers; the loops live in {@link ShiftKernels}
 * (layer R) and {@link BlockKernels} (layer T). Samples are widened to int lanes (a sum of four 16-bit neighbours needs 18 bits), a row at a
 * time, into per-thread row buffers; each pass keeps its serial dependency (the bit index) in scalar registers and
 * turns it into lane masks with {@link Long#expand}/{@link Long#compress} (PDEP/PEXT), so every conditional shift is
 * a masked add. Only the classes of this package touch {@code jdk.incubator.vector}; the provider loads them after
 * checking that the module is readable.
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

    static final VectorMask<Integer> ALL;

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

    // ---- input check ----

    /**
     * {min, max} of a slice's values. Unsigned samples are compared as signed after flipping the top bit (which
     * keeps their order), so one signed lane min/max serves both formats.
     */
    static int[] range(short[] px, boolean signed) {
        short flip = signed ? 0 : Short.MIN_VALUE;
        ShortVector lo = ShortVector.broadcast(S2, Short.MAX_VALUE);
        ShortVector hi = ShortVector.broadcast(S2, Short.MIN_VALUE);
        int bound = S2.loopBound(px.length);
        int i = 0;
        for (; i < bound; i += S2.length()) {
            ShortVector x = ShortVector.fromArray(S2, px, i).lanewise(VectorOperators.XOR, flip);
            lo = lo.min(x);
            hi = hi.max(x);
        }
        int min = lo.reduceLanes(VectorOperators.MIN);
        int max = hi.reduceLanes(VectorOperators.MAX);
        for (; i < px.length; i++) {
            int x = (short) (px[i] ^ flip);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        // Undo the flip: for unsigned samples the signed order value x stands for x + 32768.
        return signed ? new int[] {min, max} : new int[] {min + 32768, max + 32768};
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

    /**
     * Writes lanes [from, to) of the half-row {@code x} of column parity q back into row {@code off} of
     * {@code px}. Scalar on purpose: packing int lanes into shorts takes {@code reinterpretAsShorts}, which C2 did
     * not intrinsify inside the large layer-T kernels (it boxed every vector of their loops, measured with JFR).
     */
    static void storeLanes(short[] px, int off, int q, int[] x, int from, int to) {
        for (int j = from; j < to; j++) {
            px[off + 2 * j + q] = (short) x[j + 1];
        }
    }

    /** The deinterleaved row r, loaded into the 3-row ring of {@code sc} unless already there. */
    static int[][] row(Scratch sc, short[] px, int r, int cols, boolean signed) {
        int slot = r % 3;
        int[][] half = sc.ring[slot];
        if (sc.tag[slot] != r) {
            loadRow(px, r * cols, cols, signed, half[0], half[1]);
            sc.tag[slot] = r;
        }
        return half;
    }

    /** Pixels of column parity q in a row of {@code cols} columns. */
    static int count(int cols, int q) {
        return (cols + 1 - q) >>> 1;
    }


    /** Index, in the half-row of parity q, of a 1-wide region's column; -1 when there is none of that parity. */
    static int oneWideLane(Edges ed, int q) {
        int c = ed.oneWideColumn();
        return c >= 0 && (c & 1) == q ? c >>> 1 : -1;
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
