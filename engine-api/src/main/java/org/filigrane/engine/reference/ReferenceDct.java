package org.filigrane.engine.reference;

import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/**
 * The integer 8x8 DCT of layer D, written as plain scalar Java so that it can serve as the oracle that every other
 * backend (SIMD, OpenCL) reproduces bit for bit. docs/FORMAT-D.md, "DCT arithmetic", is the normative text.
 *
 * <p>Arithmetic, exactly: {@code C[u][x]} is the Q14 cosine table below,
 * {@code round(16384 * a(u) * cos((2x + 1) * u * pi / 16))} with {@code a(0) = sqrt(1/8)} and {@code a(u) = 1/2}
 * otherwise, written out as integer literals so that no floating point is involved at run time. For a block
 * {@code X[x][y]} (x = row, y = column inside the block) of sample values,
 * <pre>
 *   forward  F[u][v] = (sum_x sum_y C[u][x] * C[v][y] * X[x][y] + 2^27) >> 28
 *   inverse  d[x][y] = (sum_u sum_v C[u][x] * C[v][y] * D[u][v] + 2^27) >> 28
 * </pre>
 * with 64-bit accumulators and an arithmetic shift, that is rounding half up. Both products carry two Q14 factors,
 * so the one rounding at the end is by 2^28. Computing the double sum separably (rows, then columns) gives the same
 * value because the intermediate sums are kept exactly in {@code long}; there is no rounding in between, so any
 * summation order, vector width or thread split gives the same integers.
 *
 * <p>Bounds: samples lie in [-32768, 65535] and each row of {@code |C|} sums to less than 2^16, so a forward sum
 * stays below 2^48 and a coefficient below 2^20; for the inverse any {@code int} delta keeps the sum below
 * 65535^2 * 2^31 < 2^63. The inverse result is added to the sample in {@code long} before clamping, so no
 * intermediate value wraps.
 */
public final class ReferenceDct {

    /** Side of a DCT block. */
    public static final int N = 8;
    /** Coefficients per block; index {@code u * 8 + v}, u the vertical frequency. */
    public static final int BLOCK = N * N;

    private static final int SHIFT = 28;
    private static final long HALF = 1L << (SHIFT - 1);

    /** {@code C[u][x]}: round(2^14 * a(u) * cos((2x+1) u pi / 16)). */
    private static final int[][] C = {
        {5793, 5793, 5793, 5793, 5793, 5793, 5793, 5793},
        {8035, 6811, 4551, 1598, -1598, -4551, -6811, -8035},
        {7568, 3135, -3135, -7568, -7568, -3135, 3135, 7568},
        {6811, -1598, -8035, -4551, 4551, 8035, 1598, -6811},
        {5793, -5793, -5793, 5793, 5793, -5793, -5793, 5793},
        {4551, -8035, 1598, 6811, -6811, -1598, 8035, -4551},
        {3135, -7568, 7568, -3135, -3135, 7568, -7568, 3135},
        {1598, -4551, 6811, -8035, 8035, -6811, 4551, -1598},
    };

    private ReferenceDct() {
    }

    /** {@code C[u][x]}, the integer basis (2^14 scale) the contract fixes; the tracer's floating-point DCT uses it too. */
    public static int basis(int u, int x) {
        return C[u][x];
    }

    /**
     * Number of whole 8x8 blocks of a {@code rows x columns} slice on the grid that starts at
     * ({@code originRow}, {@code originColumn}); the coefficient arrays hold 64 ints per block.
     */
    public static int blocks(int rows, int columns, int originRow, int originColumn) {
        return blocksDown(rows, originRow) * blocksDown(columns, originColumn);
    }

    private static int blocksDown(int length, int origin) {
        return length > origin ? (length - origin) / N : 0;
    }

    /**
     * Forward DCT of every whole block of slice {@code slice} on the grid at ({@code originRow},
     * {@code originColumn}), blocks in raster order, into {@code coefficients[64 * block + 8 * u + v]}. Pixels outside
     * whole blocks are not read.
     */
    public static void forward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        checkOrigin(originRow, originColumn);
        int down = blocksDown(v.rows(), originRow);
        int across = blocksDown(v.columns(), originColumn);
        checkLength(coefficients, down * across);
        PixelFormat format = v.format();
        short[] pixels = v.slice(slice);
        int columns = v.columns();
        long[] rowPass = new long[BLOCK];
        for (int by = 0; by < down; by++) {
            for (int bx = 0; bx < across; bx++) {
                int corner = (originRow + by * N) * columns + originColumn + bx * N;
                // Rows first: rowPass[x][v] = sum_y C[v][y] X[x][y], kept exact.
                for (int x = 0; x < N; x++) {
                    int row = corner + x * columns;
                    for (int f = 0; f < N; f++) {
                        long sum = 0;
                        for (int y = 0; y < N; y++) {
                            sum += (long) C[f][y] * format.value(pixels[row + y]);
                        }
                        rowPass[x * N + f] = sum;
                    }
                }
                int out = (by * across + bx) * BLOCK;
                for (int u = 0; u < N; u++) {
                    for (int f = 0; f < N; f++) {
                        long sum = 0;
                        for (int x = 0; x < N; x++) {
                            sum += C[u][x] * rowPass[x * N + f];
                        }
                        coefficients[out + u * N + f] = (int) ((sum + HALF) >> SHIFT);
                    }
                }
            }
        }
    }

    /**
     * Adds the inverse DCT of {@code deltaCoefficients} (layout of {@link #forward} on the grid at 0, 0) to slice
     * {@code slice}: each pixel of a whole block becomes {@code clamp(pixel + d[x][y], min, max)} of the format's
     * stored range. Pixels outside whole blocks are left untouched.
     */
    public static void addInverse(Volume v, int slice, int[] deltaCoefficients) {
        int down = blocksDown(v.rows(), 0);
        int across = blocksDown(v.columns(), 0);
        checkLength(deltaCoefficients, down * across);
        PixelFormat format = v.format();
        short[] pixels = v.slice(slice);
        int columns = v.columns();
        long min = format.min();
        long max = format.max();
        long[] columnPass = new long[BLOCK];
        for (int by = 0; by < down; by++) {
            for (int bx = 0; bx < across; bx++) {
                int in = (by * across + bx) * BLOCK;
                // Vertical frequencies first: columnPass[x][v] = sum_u C[u][x] D[u][v], kept exact.
                for (int x = 0; x < N; x++) {
                    for (int f = 0; f < N; f++) {
                        long sum = 0;
                        for (int u = 0; u < N; u++) {
                            sum += (long) C[u][x] * deltaCoefficients[in + u * N + f];
                        }
                        columnPass[x * N + f] = sum;
                    }
                }
                int corner = by * N * columns + bx * N;
                for (int x = 0; x < N; x++) {
                    int row = corner + x * columns;
                    for (int y = 0; y < N; y++) {
                        long sum = 0;
                        for (int f = 0; f < N; f++) {
                            sum += C[f][y] * columnPass[x * N + f];
                        }
                        long value = format.value(pixels[row + y]) + ((sum + HALF) >> SHIFT);
                        pixels[row + y] = format.store((int) Math.max(min, Math.min(max, value)));
                    }
                }
            }
        }
    }

    private static void checkOrigin(int originRow, int originColumn) {
        if (originRow < 0 || originColumn < 0) {
            throw new IllegalArgumentException("grid origin must not be negative: " + originRow + ", " + originColumn);
        }
    }

    private static void checkLength(int[] coefficients, int blocks) {
        if (coefficients.length < blocks * BLOCK) {
            throw new IllegalArgumentException("coefficient array holds " + coefficients.length + " ints, "
                    + blocks + " blocks need " + blocks * BLOCK);
        }
    }
}
