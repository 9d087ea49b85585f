package org.filigrane.vector;

import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.filigrane.engine.spi.CellCode;

/**
 * Layer T's cell codes ({@link CellCode}) on the Vector API: the Horner scheme of every column of a band of rows
 * runs in the lanes of a short vector (a times c is a shift, the sign broadcast masked to the polynomial, an xor),
 * one row after another, the lanes staying in L1; each cell then combines its columns once.
 */
final class CellCodes {
    private static final VectorSpecies<Short> S = Kernels.S2;

    private CellCodes() {
    }

    /** The Horner lanes of rows [r0, r1) of every column: {@code lanes[c] = a * lanes[c] + x[r][c]}, from 0. */
    static void lanes(short[] px, int cols, int r0, int r1, short[] lanes) {
        java.util.Arrays.fill(lanes, 0, cols, (short) 0);
        ShortVector poly = ShortVector.broadcast(S, (short) CellCode.POLY);
        int bound = S.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            int j = 0;
            for (; j < bound; j += S.length()) {
                ShortVector c = ShortVector.fromArray(S, lanes, j);
                ShortVector x = ShortVector.fromArray(S, px, off + j);
                c.lanewise(VectorOperators.LSHL, 1)
                        .lanewise(VectorOperators.XOR, c.lanewise(VectorOperators.ASHR, 15).and(poly))
                        .lanewise(VectorOperators.XOR, x)
                        .intoArray(lanes, j);
            }
            for (; j < cols; j++) {
                lanes[j] = (short) (CellCode.timesA(lanes[j] & 0xFFFF) ^ (px[off + j] & 0xFFFF));
            }
        }
    }

    /** Codes of the blocks of block row {@code br} into {@code codes[br * across ..]}. */
    static void blockRow(short[] px, int rows, int cols, boolean signed, int bs, int across, int br, int sumFactor,
            int[] codes, short[] lanes) {
        int r0 = br * bs;
        int r1 = Math.min(r0 + bs, rows);
        int first = br * across;
        if (sumFactor == 1) {
            lanes(px, cols, r0, r1, lanes);
            for (int b = 0; b < across; b++) {
                int c0 = b * bs;
                codes[first + b] = CellCode.seed(first + b) ^ CellCode.combine(lanes, c0, Math.min(bs, cols - c0), bs);
            }
        } else {
            // Profile PAPER's 2x2 sums: the shared scalar loop (not a default profile, not worth a kernel).
            for (int b = 0; b < across; b++) {
                int c0 = b * bs;
                codes[first + b] = CellCode.seed(first + b)
                        ^ CellCode.sumBody(px, cols, signed, r0, r1, c0, Math.min(c0 + bs, cols), bs);
            }
        }
    }

    /** Advances the column codes of cell row {@code cr} over one slice. */
    static void columnRow(short[] px, int rows, int cols, int cs, int across, int cr, int[] state, short[] lanes) {
        int r0 = cr * cs;
        lanes(px, cols, r0, Math.min(r0 + cs, rows), lanes);
        for (int c = 0; c < across; c++) {
            int i = cr * across + c;
            int c0 = c * cs;
            state[i] = CellCode.advance(state[i], CellCode.combine(lanes, c0, Math.min(cs, cols - c0), cs), cs);
        }
    }
}
