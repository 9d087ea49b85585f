package org.filigrane.engine.reference;

import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.filigrane.engine.spi.CellCode;

/**
 * The oracle: plain scalar loops, one thread, written to be read against FORMAT.md. Every other backend is tested
 * byte for byte against this one.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (scalar Java, 1 thread)";
    }

    @Override
    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
        for (int s = from; s < to; s++) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            for (short x : v.slice(s)) {
                min = Math.min(min, v.format().value(x));
                max = Math.max(max, v.format().value(x));
            }
            ranges[s - from] = new int[] {min, max};
        }
    }

    @Override
    public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
        for (int s = 0; s < v.slices(); s++) {
            RegionShifter.histogram(v.slice(s), v.columns(), v.format(), firstRow[s], v.rows(), 0, v.columns(),
                    parity, hist[s], HIST_MIN);
        }
    }

    @Override
    public void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        for (int s = 0; s < v.slices(); s++) {
            RegionShifter.embed(v.slice(s), v.columns(), v.format(), firstRow[s], v.rows(), 0, v.columns(), parity,
                    peak, threshold, bits, bitOffset[s], bitLimit[s]);
        }
    }

    @Override
    public void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] bitLimit) {
        for (int s = 0; s < v.slices(); s++) {
            RegionShifter.extract(v.slice(s), v.columns(), v.format(), firstRow[s], v.rows(), 0, v.columns(),
                    parity, peak, threshold, bitsOut[s], 0, bitLimit[s]);
        }
    }

    @Override
    public void blockCodes(Volume v, int from, int to, BlockGrid g, int[][] codes) {
        for (int s = from; s < to; s++) {
            short[] px = v.slice(s);
            for (int b = 0; b < g.blockCount(); b++) {
                codes[s - from][b] = blockCode(px, v.format(), g, b);
            }
        }
    }

    /** The cell code of one block (FORMAT.md, "Cell codes"): its seed xor the body of its samples or 2x2 sums. */
    static int blockCode(short[] px, PixelFormat f, BlockGrid g, int block) {
        int r0 = block / g.blocksAcross() * g.blockSize();
        int c0 = block % g.blocksAcross() * g.blockSize();
        int r1 = Math.min(r0 + g.blockSize(), g.rows());
        int c1 = Math.min(c0 + g.blockSize(), g.columns());
        int body = g.sumFactor() == 1 ? body(px, g.columns(), r0, r1, c0, c1, g.blockSize())
                : CellCode.sumBody(px, g.columns(), f.signed(), r0, r1, c0, c1, g.blockSize());
        return CellCode.seed(block) ^ body;
    }

    /** The body of a cell of raw samples: a Horner scheme down each column, the columns combined. */
    static int body(short[] px, int cols, int r0, int r1, int c0, int c1, int size) {
        int body = 0;
        for (int c = c0; c < c1; c++) {
            int lane = 0;
            for (int r = r0; r < r1; r++) {
                lane = CellCode.timesA(lane) ^ (px[r * cols + c] & 0xFFFF);
            }
            body ^= CellCode.timesPowerOfA(lane, (c - c0) * size);
        }
        return body;
    }

    @Override
    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        int cs = g.columnSize();
        for (int s = from; s < to; s++) {
            short[] px = v.slice(s);
            for (int cell = 0; cell < g.columnCount(); cell++) {
                int r0 = cell / g.columnsAcross() * cs;
                int c0 = cell % g.columnsAcross() * cs;
                int body = body(px, v.columns(), r0, Math.min(r0 + cs, v.rows()), c0, Math.min(c0 + cs, v.columns()),
                        cs);
                state[cell] = CellCode.advance(state[cell], body, cs);
            }
        }
    }

    @Override
    public void embedBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        int first = (bitsPerBlock + 1) / 2;
        long[] word = new long[1];
        for (int s = from; s < to; s++) {
            short[] px = v.slice(s);
            for (int b = 0; b < g.blockCount(); b++) {
                word[0] = bits[s - from][b];
                int[] rect = rect(g, b);
                carried[s - from][2 * b] = RegionShifter.embed(px, g.columns(), v.format(), rect[0], rect[1],
                        rect[2], rect[3], 0, BLOCK_PEAK, g.threshold(), word, 0, first);
                carried[s - from][2 * b + 1] = RegionShifter.embed(px, g.columns(), v.format(), rect[0], rect[1],
                        rect[2], rect[3], 1, BLOCK_PEAK, g.threshold(), word, first, bitsPerBlock - first);
            }
        }
    }

    @Override
    public void extractBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bitsOut,
            int[][] carried) {
        int first = (bitsPerBlock + 1) / 2;
        long[] word = new long[1];
        for (int s = from; s < to; s++) {
            short[] px = v.slice(s);
            for (int b = 0; b < g.blockCount(); b++) {
                word[0] = 0;
                int[] rect = rect(g, b);
                // Pass 1 was embedded last, so it comes off first.
                carried[s - from][2 * b + 1] = RegionShifter.extract(px, g.columns(), v.format(), rect[0], rect[1],
                        rect[2], rect[3], 1, BLOCK_PEAK, g.threshold(), word, first, bitsPerBlock - first);
                carried[s - from][2 * b] = RegionShifter.extract(px, g.columns(), v.format(), rect[0], rect[1],
                        rect[2], rect[3], 0, BLOCK_PEAK, g.threshold(), word, 0, first);
                bitsOut[s - from][b] = word[0];
            }
        }
    }

    private static int[] rect(BlockGrid g, int block) {
        int r0 = block / g.blocksAcross() * g.blockSize();
        int c0 = block % g.blocksAcross() * g.blockSize();
        return new int[] {r0, Math.min(r0 + g.blockSize(), g.rows()), c0, Math.min(c0 + g.blockSize(), g.columns())};
    }

    @Override
    public void dctForward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        ReferenceDct.forward(v, slice, originRow, originColumn, coefficients);
    }

    @Override
    public void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        ReferenceDct.addInverse(v, slice, deltaCoefficients);
    }
}
