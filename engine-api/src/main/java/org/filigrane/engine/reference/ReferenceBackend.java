package org.filigrane.engine.reference;

import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.filigrane.engine.spi.Checksums;

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

    /** CRC-16 of the block index (32 bits) then the block's samples or 2x2 sums, raster order. */
    static int blockCode(short[] px, PixelFormat f, BlockGrid g, int block) {
        int r0 = block / g.blocksAcross() * g.blockSize();
        int c0 = block % g.blocksAcross() * g.blockSize();
        int r1 = Math.min(r0 + g.blockSize(), g.rows());
        int c1 = Math.min(c0 + g.blockSize(), g.columns());
        int cols = g.columns();
        int crc = Checksums.crc16Int(Checksums.CRC16_INIT, block);
        if (g.sumFactor() == 1) {
            for (int r = r0; r < r1; r++) {
                for (int c = c0; c < c1; c++) {
                    crc = Checksums.crc16Short(crc, px[r * cols + c]);
                }
            }
        } else {
            for (int r = r0; r < r1; r += 2) {
                for (int c = c0; c < c1; c += 2) {
                    int sum = 0;
                    for (int y = r; y < Math.min(r + 2, r1); y++) {
                        for (int x = c; x < Math.min(c + 2, c1); x++) {
                            sum += f.value(px[y * cols + x]);
                        }
                    }
                    crc = Checksums.crc16Int(crc, sum);
                }
            }
        }
        return crc;
    }

    @Override
    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        int cs = g.columnSize();
        int cols = v.columns();
        for (int s = from; s < to; s++) {
            short[] px = v.slice(s);
            for (int cell = 0; cell < g.columnCount(); cell++) {
                int r0 = cell / g.columnsAcross() * cs;
                int c0 = cell % g.columnsAcross() * cs;
                int crc = state[cell];
                for (int r = r0; r < Math.min(r0 + cs, v.rows()); r++) {
                    for (int c = c0; c < Math.min(c0 + cs, cols); c++) {
                        crc = Checksums.crc16Short(crc, px[r * cols + c]);
                    }
                }
                state[cell] = crc;
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
