package org.filigrane.engine;

import java.util.ArrayList;
import java.util.List;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.filigrane.engine.spi.Checksums;

/**
 * Layer T (after Tan et al.): each block carries the CRC-16 of its own content, embedded inside the block with the
 * block-local predictor, so it verifies alone; the leading slice's blocks also carry the CRC-8 of the column sums of
 * slices 1..n-1 under them, which catches missing, inserted and reordered slices. A block whose pass runs out of
 * embeddable pixels carries a prefix of its bits; the verifier checks the bits that are there.
 */
final class TamperLayer {
    static final int HORIZONTAL_BITS = 16;
    static final int VERTICAL_BITS = 8;

    private final Backend backend;

    TamperLayer(Backend backend) {
        this.backend = backend;
    }

    /** How well the blocks are protected. */
    record Coverage(int blocks, int fullyProtected, int partlyProtected, int unprotected) {
    }

    /** Verification of T; the volume is left restored to T's input. */
    record Check(List<TamperedCell> cells, int failedColumns, int uncheckedColumns, int unprotectedBlocks,
            int validBlocks, int totalBlocks) {
    }

    static int leadingBits(BlockGrid g, int slices) {
        int k = g.columnsPerBlockSide();
        return slices > 1 ? HORIZONTAL_BITS + VERTICAL_BITS * k * k : HORIZONTAL_BITS;
    }

    Coverage embed(Volume w, TamperProfile profile) {
        int n = w.slices();
        BlockGrid g = profile.grid(w.rows(), w.columns());
        int blocks = g.blockCount();
        int[][] codes = new int[n][blocks];
        backend.blockCodes(w, 0, n, g, codes);
        int[][] carried = new int[n][2 * blocks];
        if (n > 1) {
            long[][] bits = new long[n - 1][blocks];
            for (int s = 1; s < n; s++) {
                for (int b = 0; b < blocks; b++) {
                    bits[s - 1][b] = codes[s][b];
                }
            }
            int[][] rest = new int[n - 1][];
            for (int s = 1; s < n; s++) {
                rest[s - 1] = carried[s];
            }
            backend.embedBlocks(w, 1, n, g, HORIZONTAL_BITS, bits, rest);
        }
        int[] vertical = n > 1 ? verticalCodes(w, g) : null;
        long[][] lead = new long[1][blocks];
        for (int b = 0; b < blocks; b++) {
            lead[0][b] = codes[0][b] | (vertical != null ? verticalBitsOfBlock(g, b, vertical) : 0L);
        }
        backend.embedBlocks(w, 0, 1, g, leadingBits(g, n), lead, new int[][] {carried[0]});
        int full = 0;
        int part = 0;
        int none = 0;
        for (int s = 0; s < n; s++) {
            int perBlock = s == 0 ? leadingBits(g, n) : HORIZONTAL_BITS;
            for (int b = 0; b < blocks; b++) {
                int got = carried[s][2 * b] + carried[s][2 * b + 1];
                if (got == perBlock) {
                    full++;
                } else if (got == 0) {
                    none++;
                } else {
                    part++;
                }
            }
        }
        return new Coverage(n * blocks, full, part, none);
    }

    /**
     * The fast path for an untouched volume (after Tan et al.): decodes only the leading slice, checks its blocks,
     * then checks every column code against the column sums of slices 1..n-1 (one read-only pass). Null when the
     * leading slice does not carry T with this profile. When a column fails or cannot be checked, the caller falls
     * back to {@link #verifyAndRestore} to name the blocks.
     */
    Check screen(Volume received, TamperProfile profile) {
        int n = received.slices();
        BlockGrid g = profile.grid(received.rows(), received.columns());
        int blocks = g.blockCount();
        int leading = leadingBits(g, n);
        Volume lead = received.withSlices(0).copy();
        long[][] bits = new long[1][blocks];
        int[][] carried = new int[1][2 * blocks];
        backend.extractBlocks(lead, 0, 1, g, leading, bits, carried);
        int[][] codes = new int[1][blocks];
        backend.blockCodes(lead, 0, 1, g, codes);
        List<TamperedCell> cells = new ArrayList<>();
        int[] blockTally = checkBlocks(g, leading, bits, codes, carried, cells);
        if (2L * blockTally[0] <= blocks - blockTally[1]) {
            return null;
        }
        int[] columnTally = n > 1 ? checkColumns(g, leading, bits[0], carried[0], verticalCodes(received, g),
                new boolean[blocks]) : new int[2];
        return new Check(cells, columnTally[0], columnTally[1], blockTally[1], blockTally[0], blocks);
    }

    /** Checks every block and column, and restores {@code w} in place to T's input. */
    Check verifyAndRestore(Volume w, TamperProfile profile) {
        int n = w.slices();
        BlockGrid g = profile.grid(w.rows(), w.columns());
        int blocks = g.blockCount();
        int[] received = n > 1 ? verticalCodes(w, g) : null;
        int leading = leadingBits(g, n);
        long[][] bits = new long[n][blocks];
        int[][] carried = new int[n][2 * blocks];
        backend.extractBlocks(w, 0, 1, g, leading, new long[][] {bits[0]}, new int[][] {carried[0]});
        if (n > 1) {
            long[][] rest = new long[n - 1][];
            int[][] restCarried = new int[n - 1][];
            for (int s = 1; s < n; s++) {
                rest[s - 1] = bits[s];
                restCarried[s - 1] = carried[s];
            }
            backend.extractBlocks(w, 1, n, g, HORIZONTAL_BITS, rest, restCarried);
        }
        int[][] codes = new int[n][blocks];
        backend.blockCodes(w, 0, n, g, codes);
        List<TamperedCell> cells = new ArrayList<>();
        int[] blockTally = checkBlocks(g, leading, bits, codes, carried, cells);
        int failedColumns = 0;
        int unchecked = 0;
        boolean[] leadingColumnFailed = new boolean[blocks];
        if (n > 1) {
            int[] columnTally = checkColumns(g, leading, bits[0], carried[0], received, leadingColumnFailed);
            failedColumns = columnTally[0];
            unchecked = columnTally[1];
            // A column code can fail because a slice under it changed, because slices moved, or because the
            // leading block that carries it was altered (its code bits, not its content). When every block under
            // it verified and the failure is local (slices moving fail nearly every column), blame the carrier.
            if (2 * failedColumns < g.columnCount()) {
                for (int b = 0; b < blocks; b++) {
                    if (leadingColumnFailed[b] && verifiedBelow(bits, codes, carried, b, n)) {
                        TamperedCell c = cell(g, 0, b);
                        if (!cells.contains(c)) {
                            cells.add(c);
                        }
                    }
                }
            }
        }
        return new Check(cells, failedColumns, unchecked, blockTally[1], blockTally[0], n * blocks);
    }

    /**
     * Compares the carried horizontal bits of slices 0.. (row s of the arrays is slice s; slice 0 carries
     * {@code leading} bits per block) with the recomputed codes, adding failed blocks to {@code cells}.
     * Returns {valid blocks, unprotected blocks}.
     */
    private static int[] checkBlocks(BlockGrid g, int leading, long[][] bits, int[][] codes, int[][] carried,
            List<TamperedCell> cells) {
        int valid = 0;
        int unprotected = 0;
        for (int s = 0; s < bits.length; s++) {
            int perBlock = s == 0 ? leading : HORIZONTAL_BITS;
            for (int b = 0; b < bits[s].length; b++) {
                long known = knownMask(perBlock, carried[s][2 * b], carried[s][2 * b + 1]) & 0xFFFFL;
                if (known == 0) {
                    unprotected++;
                } else if (((bits[s][b] ^ codes[s][b]) & known) != 0) {
                    cells.add(cell(g, s, b));
                } else {
                    valid++;
                }
            }
        }
        return new int[] {valid, unprotected};
    }

    /**
     * Compares the column codes the leading slice's blocks carried with {@code expected}, marking in
     * {@code failedCarrier} the blocks whose codes failed. Returns {failed columns, unchecked columns}.
     */
    private static int[] checkColumns(BlockGrid g, int leading, long[] leadBits, int[] leadCarried, int[] expected,
            boolean[] failedCarrier) {
        int failed = 0;
        int unchecked = 0;
        int k = g.columnsPerBlockSide();
        for (int b = 0; b < leadBits.length; b++) {
            long known = knownMask(leading, leadCarried[2 * b], leadCarried[2 * b + 1]);
            long want = verticalBitsOfBlock(g, b, expected);
            for (int i = 0; i < k * k; i++) {
                if (columnOfBlock(g, b, i) < 0) {
                    continue;
                }
                long mask = known & (0xFFL << (HORIZONTAL_BITS + VERTICAL_BITS * i));
                if (mask == 0) {
                    unchecked++;
                } else if (((leadBits[b] ^ want) & mask) != 0) {
                    failed++;
                    failedCarrier[b] = true;
                }
            }
        }
        return new int[] {failed, unchecked};
    }

    /** Whether block {@code b} of every slice after the leading one carried code bits and they matched. */
    private static boolean verifiedBelow(long[][] bits, int[][] codes, int[][] carried, int b, int n) {
        for (int s = 1; s < n; s++) {
            long known = knownMask(HORIZONTAL_BITS, carried[s][2 * b], carried[s][2 * b + 1]);
            if (known == 0 || ((bits[s][b] ^ codes[s][b]) & known) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bits present when pass 0 carried {@code c0} of the first half and pass 1 {@code c1} of the rest. */
    static long knownMask(int bitsPerBlock, int c0, int c1) {
        int first = (bitsPerBlock + 1) / 2;
        return low(c0) | (low(c1) << first);
    }

    private static long low(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    /** CRC-8 per column over its index and the column sums of slices 1..n-1, in order. */
    private int[] verticalCodes(Volume w, BlockGrid g) {
        int n = w.slices();
        long[][] sums = new long[n - 1][g.columnCount()];
        backend.columnSums(w, 1, n, g, sums);
        int[] codes = new int[g.columnCount()];
        for (int c = 0; c < codes.length; c++) {
            int crc = Checksums.crc8Long(Checksums.CRC8_INIT, c);
            for (int s = 0; s < n - 1; s++) {
                crc = Checksums.crc8Long(crc, sums[s][c]);
            }
            codes[c] = crc;
        }
        return codes;
    }

    /** The column codes a leading-slice block carries, placed after its 16 horizontal bits. */
    private static long verticalBitsOfBlock(BlockGrid g, int block, int[] codes) {
        int k = g.columnsPerBlockSide();
        long out = 0;
        for (int i = 0; i < k * k; i++) {
            int column = columnOfBlock(g, block, i);
            if (column >= 0) {
                out |= (long) codes[column] << (HORIZONTAL_BITS + VERTICAL_BITS * i);
            }
        }
        return out;
    }

    /** Index of the i-th column (raster order inside the block) under {@code block}, or -1 past the slice edge. */
    static int columnOfBlock(BlockGrid g, int block, int i) {
        int k = g.columnsPerBlockSide();
        int row = block / g.blocksAcross() * k + i / k;
        int col = block % g.blocksAcross() * k + i % k;
        if (row >= g.columnsDown() || col >= g.columnsAcross()) {
            return -1;
        }
        return row * g.columnsAcross() + col;
    }

    static TamperedCell cell(BlockGrid g, int slice, int block) {
        int br = block / g.blocksAcross();
        int bc = block % g.blocksAcross();
        int top = br * g.blockSize();
        int left = bc * g.blockSize();
        return new TamperedCell(slice, br, bc, top, left, Math.min(g.blockSize(), g.rows() - top),
                Math.min(g.blockSize(), g.columns() - left));
    }
}
