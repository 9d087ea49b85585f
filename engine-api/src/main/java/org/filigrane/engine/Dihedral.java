package org.filigrane.engine;

/**
 * The eight ways a slice can be flipped or turned by quarter turns, named after what was done to the marked
 * original: {@code rot90} is a quarter turn counterclockwise, {@code flipH} a left-right mirror. An original pixel
 * at (r, c) of an {@code H x W} slice lands at (r', c') of the transformed slice: first (a, b) = (c, r) if the
 * transform swaps the axes, else (r, c); then r' = a, or its mirror when rows are flipped, and c' = b, or its mirror
 * when columns are flipped (mirrors taken in the transformed slice's size).
 */
enum Dihedral {
    IDENTITY("identity", false, false, false),
    FLIP_H("flipH", false, false, true),
    FLIP_V("flipV", false, true, false),
    ROT180("rot180", false, true, true),
    ROT90("rot90", true, true, false),
    ROT270("rot270", true, false, true),
    TRANSPOSE("transpose", true, false, false),
    ANTI_TRANSPOSE("antiTranspose", true, true, true);

    private final String label;
    private final boolean swap;
    private final boolean flipRows;
    private final boolean flipColumns;

    Dihedral(String label, boolean swap, boolean flipRows, boolean flipColumns) {
        this.label = label;
        this.swap = swap;
        this.flipRows = flipRows;
        this.flipColumns = flipColumns;
    }

    String label() {
        return label;
    }

    /**
     * Undoes this transform on slice {@code slice} of {@code found}: the result is a one-slice volume in the
     * original's geometry, so the marked block grid is back at (0, 0) whatever the slice size.
     */
    Volume undo(Volume found, int slice) {
        int rows = swap ? found.columns() : found.rows();
        int columns = swap ? found.rows() : found.columns();
        Volume original = Volume.allocate(1, rows, columns, found.format());
        short[] in = found.slice(slice);
        short[] out = original.slice(0);
        int foundRows = found.rows();
        int foundColumns = found.columns();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int a = swap ? c : r;
                int b = swap ? r : c;
                if (flipRows) {
                    a = foundRows - 1 - a;
                }
                if (flipColumns) {
                    b = foundColumns - 1 - b;
                }
                out[r * columns + c] = in[a * foundColumns + b];
            }
        }
        return original;
    }

    /** Whether this transform swaps rows and columns (the upright slice of an H x W copy is W x H). */
    boolean swaps() {
        return swap;
    }

    /** Whether {@link #undo} reads the copy's rows bottom up (after the swap, if any). */
    boolean flipsRows() {
        return flipRows;
    }

    /** Whether {@link #undo} reads the copy's columns right to left (after the swap, if any). */
    boolean flipsColumns() {
        return flipColumns;
    }
}
