package org.filigrane.engine;

import org.filigrane.engine.spi.BlockGrid;

/**
 * Block and column geometry of layer T. {@code DEFAULT} localizes to 16x16 blocks with one column code per block;
 * {@code PAPER} reproduces Tan et al.: 18x18 blocks whose CRC reads 2x2 sums (9x9 values) and 9x9 columns.
 */
public enum TamperProfile {
    DEFAULT(1, 16, 16, 1),
    PAPER(2, 18, 9, 2);

    private final int id;
    private final int blockSize;
    private final int columnSize;
    private final int sumFactor;

    TamperProfile(int id, int blockSize, int columnSize, int sumFactor) {
        this.id = id;
        this.blockSize = blockSize;
        this.columnSize = columnSize;
        this.sumFactor = sumFactor;
    }

    /** Code written in layer R's header flags. */
    int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int columnSize() {
        return columnSize;
    }

    /** The grid this profile lays over a slice of {@code rows x columns}. */
    public BlockGrid grid(int rows, int columns) {
        return new BlockGrid(rows, columns, blockSize, columnSize, sumFactor);
    }

    static TamperProfile byId(int id) {
        for (TamperProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
