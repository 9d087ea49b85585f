package org.filigrane.engine;

/**
 * A block whose code failed: slice index, and the block's pixel rectangle (top row, left column, size cut to the
 * slice). {@code blockRow}/{@code blockColumn} index the block grid.
 */
public record TamperedCell(int slice, int blockRow, int blockColumn, int top, int left, int height, int width) {
    @Override
    public String toString() {
        return "slice " + slice + " block (" + blockRow + "," + blockColumn + ") rows " + top + ".." + (top + height - 1)
                + " cols " + left + ".." + (left + width - 1);
    }
}
