package org.filigrane.engine.spi;

/**
 * How layer T cuts a slice: square blocks of {@code blockSize} (edge blocks are cut short by the slice border),
 * each protected by a horizontal code, and square columns of {@code columnSize} through the stack, each protected
 * by a vertical code. {@code sumFactor} 2 feeds the block code with 2x2 sums instead of single samples.
 * {@code threshold} t sets the embedding bins: prediction errors {@code e} with {@code e - BLOCK_PEAK} in
 * {@code [-t, t)} carry a bit (FORMAT.md, "expansion of one block"); t = 1 is plain histogram shifting.
 */
public record BlockGrid(int rows, int columns, int blockSize, int columnSize, int sumFactor, int threshold) {

    /** Largest threshold: a block's change stays within the range headroom layer R can make. */
    public static final int MAX_THRESHOLD = 64;

    /** A grid with threshold 1 (two bins, as in format 1). */
    public BlockGrid(int rows, int columns, int blockSize, int columnSize, int sumFactor) {
        this(rows, columns, blockSize, columnSize, sumFactor, 1);
    }

    public BlockGrid {
        if (threshold < 1 || threshold > MAX_THRESHOLD) {
            throw new IllegalArgumentException("threshold must be 1.." + MAX_THRESHOLD);
        }
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("empty slice");
        }
        if (blockSize < 2 || columnSize < 1 || blockSize % columnSize != 0) {
            throw new IllegalArgumentException("block size must be >= 2 and a multiple of the column size");
        }
        if (sumFactor != 1 && sumFactor != 2) {
            throw new IllegalArgumentException("sum factor must be 1 or 2");
        }
    }

    public int blocksDown() {
        return (rows + blockSize - 1) / blockSize;
    }

    public int blocksAcross() {
        return (columns + blockSize - 1) / blockSize;
    }

    public int blockCount() {
        return blocksDown() * blocksAcross();
    }

    public int columnsDown() {
        return (rows + columnSize - 1) / columnSize;
    }

    public int columnsAcross() {
        return (columns + columnSize - 1) / columnSize;
    }

    public int columnCount() {
        return columnsDown() * columnsAcross();
    }

    /** The same grid with another threshold. */
    public BlockGrid withThreshold(int t) {
        return new BlockGrid(rows, columns, blockSize, columnSize, sumFactor, t);
    }

    /** Columns per block side. */
    public int columnsPerBlockSide() {
        return blockSize / columnSize;
    }
}
