package org.filigrane.engine;

import java.util.List;
import org.filigrane.engine.spi.BlockGrid;

/**
 * Block and column geometry of layer T. {@code DEFAULT} localizes to 32x32 blocks with one column code per block:
 * a block's 16-bit code costs the same pixel changes whatever its size, so 32x32 cells change a quarter of what
 * 16x16 cells did (FORMAT.md, "Profiles"); {@code PAPER} reproduces Tan et al.: 18x18
 * blocks whose code reads 2x2 sums (9x9 values) and 9x9 columns. Either way the embedding threshold (how many
 * error bins carry bits) is chosen per volume; FORMAT.md has the rule.
 */
public enum TamperProfile {
    DEFAULT(1, List.of(32), 0, 1, 16),
    PAPER(2, List.of(18), 9, 2, 8);

    private final int id;
    private final List<Integer> blockSizes;
    private final int columnSize;
    private final int sumFactor;
    private final int columnCodeBits;

    TamperProfile(int id, List<Integer> blockSizes, int columnSize, int sumFactor, int columnCodeBits) {
        this.id = id;
        this.blockSizes = blockSizes;
        this.columnSize = columnSize;
        this.sumFactor = sumFactor;
        this.columnCodeBits = columnCodeBits;
    }

    /** Code written in layer R's header flags. */
    int id() {
        return id;
    }

    /** The finest block size (the one used when a volume has room for it). */
    public int blockSize() {
        return blockSizes.get(0);
    }

    /** The block sizes a volume may get, finest first. */
    public List<Integer> blockSizes() {
        return blockSizes;
    }

    /** Column size with the finest block. */
    public int columnSize() {
        return columnSize(blockSize());
    }

    int columnSize(int block) {
        return columnSize == 0 ? block : columnSize;
    }

    /** Bits of each column code carried by the leading slice (16: the whole code; 8: its low byte, the paper's). */
    int columnCodeBits() {
        return columnCodeBits;
    }

    /** The grid with the finest block and threshold 1 (format 1's grid). */
    public BlockGrid grid(int rows, int columns) {
        return grid(rows, columns, blockSize(), 1);
    }

    /** The grid with block size {@code block} and threshold {@code threshold}. */
    public BlockGrid grid(int rows, int columns, int block, int threshold) {
        return new BlockGrid(rows, columns, block, columnSize(block), sumFactor, threshold);
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
