package org.filigrane.opencl;

import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/**
 * The kernels of layers R and T in OpenCL C on one device, byte-identical to the reference backend. Each SPI call
 * moves whole batches of slices: as many as fit in {@code chunkBytes} of pixels per launch (the whole volume when
 * it fits), so that volumes larger than device memory give the same bytes, batch after batch. Layer D's DCT goes
 * one slice per call, as the SPI has it.
 *
 * <p>Calls are serialized: device buffers are reused from call to call. {@link #close()} releases every OpenCL
 * object; a backend the engine selected lives as long as the JVM (the SPI has no close).
 */
public final class OpenClBackend implements Backend {
    private final ClSession session;
    private final ShiftKernels shift;
    private final BlockKernels blocks;
    private final DctKernels dct;
    private final long chunkBytes;

    OpenClBackend(ClSession session, long chunkBytes) {
        this.session = session;
        this.shift = new ShiftKernels(session);
        this.blocks = new BlockKernels(session);
        this.dct = new DctKernels(session);
        this.chunkBytes = chunkBytes;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        DeviceInfo d = session.device();
        return "opencl (" + d.deviceName() + ", " + d.platformName() + ", " + d.version() + ", " + d.computeUnits()
                + " compute units, work-group " + shift.group() + ", batches of " + chunkBytes / (1 << 20)
                + " MiB)";
    }

    DeviceInfo device() {
        return session.device();
    }

    /** Slices per launch. A slice larger than the chunk still goes alone (the buffer pool names the limit). */
    private int batch(Volume v) {
        long sliceBytes = 2L * v.rows() * v.columns();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chunkBytes / sliceBytes));
    }

    @Override
    public synchronized void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
        for (int a = 0, step = batch(v); a < v.slices(); a += step) {
            shift.histograms(v, a, Math.min(v.slices(), a + step), firstRow, parity, hist);
        }
    }

    @Override
    public synchronized void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        for (int a = 0, step = batch(v); a < v.slices(); a += step) {
            shift.embed(v, a, Math.min(v.slices(), a + step), firstRow, parity, peak, threshold, bits, bitOffset,
                    bitLimit);
        }
    }

    @Override
    public synchronized void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold,
            long[][] bitsOut, int[] bitLimit) {
        for (int a = 0, step = batch(v); a < v.slices(); a += step) {
            shift.extract(v, a, Math.min(v.slices(), a + step), firstRow, parity, peak, threshold, bitsOut,
                    bitLimit);
        }
    }

    @Override
    public synchronized void blockCodes(Volume v, int from, int to, BlockGrid grid, int[][] codes) {
        for (int a = from, step = batch(v); a < to; a += step) {
            blocks.codes(v, a, Math.min(to, a + step), from, grid, codes);
        }
    }

    @Override
    public synchronized void columnCodes(Volume v, int from, int to, BlockGrid grid, int[] state) {
        for (int a = from, step = batch(v); a < to; a += step) {
            blocks.columnCodes(v, a, Math.min(to, a + step), grid, state);
        }
    }

    @Override
    public synchronized void embedBlocks(Volume v, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        checkBitsPerBlock(bitsPerBlock);
        for (int a = from, step = batch(v); a < to; a += step) {
            blocks.embed(v, a, Math.min(to, a + step), from, grid, bitsPerBlock, bits, carried);
        }
    }

    @Override
    public synchronized void extractBlocks(Volume v, int from, int to, BlockGrid grid, int bitsPerBlock,
            long[][] bitsOut, int[][] carried) {
        checkBitsPerBlock(bitsPerBlock);
        for (int a = from, step = batch(v); a < to; a += step) {
            blocks.extract(v, a, Math.min(to, a + step), from, grid, bitsPerBlock, bitsOut, carried);
        }
    }

    /** A block's bits travel in one 64-bit word; the reference would index past its one-word array. */
    private static void checkBitsPerBlock(int bitsPerBlock) {
        if (bitsPerBlock < 0 || bitsPerBlock > 64) {
            throw new IllegalArgumentException("bits per block must be in 0..64, got " + bitsPerBlock);
        }
    }

    @Override
    public synchronized void dctForward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        dct.forward(v, slice, originRow, originColumn, coefficients);
    }

    @Override
    public synchronized void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        dct.addInverse(v, slice, deltaCoefficients);
    }

    @Override
    public synchronized void close() {
        session.close();
    }
}
