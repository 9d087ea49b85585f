package org.filigrane.vector;

/**
 * Region edges in the deinterleaved row layout of {@link Kernels}: for the pixels of column parity q (index j is
 * column 2j + q), whether the predictor mirrors at the left or the right ({@code left[q][j]}, {@code right[q][j]}),
 * padded with {@code false} for a whole vector past the end; the region of each ({@code region[q][j]}, so the loops
 * divide by no region width); and the column of a region one pixel wide, or -1.
 */
record Edges(boolean[][] left, boolean[][] right, int[][] region, int oneWideColumn) {

    /** One region spanning the row (layer R). */
    static Edges wholeRow(int cols, int lanes) {
        return of(cols, cols, lanes);
    }

    /** Blocks of {@code size} columns, the last one cut short by the row's end (layer T). */
    static Edges blocks(int cols, int size, int lanes) {
        return of(cols, size, lanes);
    }

    private static Edges of(int cols, int size, int lanes) {
        boolean[][] left = new boolean[2][cols / 2 + lanes + 2];
        boolean[][] right = new boolean[2][cols / 2 + lanes + 2];
        int[][] region = new int[2][cols / 2 + lanes + 2];
        for (int c = 0; c < cols; c++) {
            left[c & 1][c >>> 1] = c % size == 0;
            right[c & 1][c >>> 1] = c % size == size - 1 || c == cols - 1;
            region[c & 1][c >>> 1] = c / size;
        }
        return new Edges(left, right, region, (cols - 1) % size == 0 ? cols - 1 : -1);
    }
}
