package org.filigrane.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer 8x8 DCT of layer D (docs/FORMAT-D.md, the reference's {@code ReferenceDct}) on long lanes: one
 * block at a time, each pass a sum of eight broadcast-times-row products with the 8 frequencies (or columns) across
 * the lanes. Sums are exact in 64 bits, so the result does not depend on the order: the same integers as the
 * reference for any width.
 */
final class Dct {
    /** Long lanes of the configured width (at most 8: one block row). */
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class,
            VectorShape.forBitSize(Math.min(512, Kernels.I.vectorBitSize())));
    /** Int lanes matching LS (coefficients in and out). */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class,
            VectorShape.forBitSize(Math.min(512, Kernels.I.vectorBitSize()) / 2));
    private static final int LL = LS.length();
    private static final int N = 8;
    private static final int SHIFT = 28;
    private static final long HALF = 1L << (SHIFT - 1);
    /** Where in the pass array the inverse parks one row of deltas before clamping. */
    static final int SPARE = N * N;
    /** Length of the per-thread pass array. */
    static final int PASS_LENGTH = N * N + N;

    /** {@code C[u][x]} as in the reference: round(2^14 * a(u) * cos((2x+1) u pi / 16)). */
    private static final long[] C = {
        5793, 5793, 5793, 5793, 5793, 5793, 5793, 5793,
        8035, 6811, 4551, 1598, -1598, -4551, -6811, -8035,
        7568, 3135, -3135, -7568, -7568, -3135, 3135, 7568,
        6811, -1598, -8035, -4551, 4551, 8035, 1598, -6811,
        5793, -5793, -5793, 5793, 5793, -5793, -5793, 5793,
        4551, -8035, 1598, 6811, -6811, -1598, 8035, -4551,
        3135, -7568, 7568, -3135, -3135, 7568, -7568, 3135,
        1598, -4551, 6811, -8035, 8035, -6811, 4551, -1598,
    };
    /** Transposed: {@code CT[y * 8 + f] = C[f][y]}. */
    private static final long[] CT = new long[64];

    static {
        for (int f = 0; f < N; f++) {
            for (int y = 0; y < N; y++) {
                CT[y * N + f] = C[f * N + y];
            }
        }
    }

    private Dct() {
    }

    /** Forward DCT of the whole blocks in block rows [by0, by1) of the grid at (originRow, originColumn). */
    static void forwardRows(short[] px, int cols, boolean signed, int originRow, int originColumn, int across,
            int by0, int by1, int[] coefficients, long[] pass) {
        for (int by = by0; by < by1; by++) {
            for (int bx = 0; bx < across; bx++) {
                int corner = (originRow + by * N) * cols + originColumn + bx * N;
                // Rows first: pass[x][f] = sum_y C[f][y] X[x][y].
                for (int x = 0; x < N; x++) {
                    int row = corner + x * cols;
                    for (int f = 0; f < N; f += LL) {
                        LongVector acc = LongVector.zero(LS);
                        for (int y = 0; y < N; y++) {
                            long value = signed ? px[row + y] : px[row + y] & 0xFFFF;
                            acc = LongVector.fromArray(LS, CT, y * N + f).mul(value).add(acc);
                        }
                        acc.intoArray(pass, x * N + f);
                    }
                }
                int out = (by * across + bx) * N * N;
                for (int u = 0; u < N; u++) {
                    for (int f = 0; f < N; f += LL) {
                        LongVector acc = LongVector.zero(LS);
                        for (int x = 0; x < N; x++) {
                            acc = LongVector.fromArray(LS, pass, x * N + f).mul(C[u * N + x]).add(acc);
                        }
                        ((IntVector) acc.add(HALF).lanewise(VectorOperators.ASHR, SHIFT)
                                .convertShape(VectorOperators.L2I, IS, 0)).intoArray(coefficients, out + u * N + f);
                    }
                }
            }
        }
    }

    /** Adds the inverse DCT of the deltas of block rows [by0, by1) (grid at 0, 0), clamping to [min, max]. */
    static void addInverseRows(short[] px, int cols, boolean signed, int min, int max, int across, int by0, int by1,
            int[] delta, long[] pass) {
        for (int by = by0; by < by1; by++) {
            for (int bx = 0; bx < across; bx++) {
                int in = (by * across + bx) * N * N;
                // Vertical frequencies first: pass[x][f] = sum_u C[u][x] D[u][f].
                for (int x = 0; x < N; x++) {
                    for (int f = 0; f < N; f += LL) {
                        LongVector acc = LongVector.zero(LS);
                        for (int u = 0; u < N; u++) {
                            LongVector d = (LongVector) IntVector.fromArray(IS, delta, in + u * N + f)
                                    .convertShape(VectorOperators.I2L, LS, 0);
                            acc = d.mul(C[u * N + x]).add(acc);
                        }
                        acc.intoArray(pass, x * N + f);
                    }
                }
                int corner = by * N * cols + bx * N;
                for (int x = 0; x < N; x++) {
                    int r = corner + x * cols;
                    for (int y = 0; y < N; y += LL) {
                        LongVector acc = LongVector.zero(LS);
                        for (int f = 0; f < N; f++) {
                            acc = LongVector.fromArray(LS, C, f * N + y).mul(pass[x * N + f]).add(acc);
                        }
                        acc.add(HALF).lanewise(VectorOperators.ASHR, SHIFT).intoArray(pass, SPARE);
                        for (int i = 0; i < LL; i++) {
                            long value = (signed ? px[r + y + i] : px[r + y + i] & 0xFFFF) + pass[SPARE + i];
                            px[r + y + i] = (short) Math.max(min, Math.min(max, value));
                        }
                    }
                }
            }
        }
    }
}
