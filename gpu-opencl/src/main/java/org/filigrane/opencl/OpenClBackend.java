package org.filigrane.opencl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.BlockGrid;

/**
 * The kernels of layers R and T in OpenCL C on one device, byte-identical to the reference backend. Each SPI call
 * moves whole batches of slices: as many as fit in {@code chunkBytes} of pixels per launch (the whole volume when
 * it fits), so that volumes larger than device memory give the same bytes, batch after batch. Layer D's DCT goes
 * one slice per call, as the SPI has it.
 *
 * <p>Calls are serialized: device buffers are reused from call to call. {@link #close()} releases every OpenCL
 * object; a shutdown hook closes the backends still open when the JVM exits, so that contexts are released
 * before the drivers tear down. After every call the JVM's signal handlers are put back if a driver replaced them
 * ({@link JvmSignals}: PoCL compiles kernels with LLVM lazily, at their first launch).
 */
public final class OpenClBackend implements Backend {
    /** Scans that read every sample once and gain nothing on the device. */
    private static final Backend HOST = new ReferenceBackend();
    private final ClSession session;
    private final ShiftKernels shift;
    private final BlockKernels blocks;
    private final DctKernels dct;
    private final long chunkBytes;
    private boolean closed;
    /** Backends not closed yet, for the shutdown hook. */
    private static final Set<OpenClBackend> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OpenClBackend::closeAllAtExit, "filigrane-opencl-close"));
    }

    OpenClBackend(ClSession session, long chunkBytes) {
        this.session = session;
        this.shift = new ShiftKernels(session);
        this.blocks = new BlockKernels(session);
        this.dct = new DctKernels(session);
        this.chunkBytes = chunkBytes;
        OPEN.add(this);
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
        open();
        try {
            for (int a = 0, step = batch(v); a < v.slices(); a += step) {
                shift.histograms(v, a, Math.min(v.slices(), a + step), firstRow, parity, hist);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        open();
        try {
            for (int a = 0, step = batch(v); a < v.slices(); a += step) {
                shift.embed(v, a, Math.min(v.slices(), a + step), firstRow, parity, peak, threshold, bits, bitOffset,
                        bitLimit);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold,
            long[][] bitsOut, int[] bitLimit) {
        open();
        try {
            for (int a = 0, step = batch(v); a < v.slices(); a += step) {
                shift.extract(v, a, Math.min(v.slices(), a + step), firstRow, parity, peak, threshold, bitsOut,
                        bitLimit);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    /** On the host: one read of every sample costs less than sending them to the device. */
    @Override
    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
        HOST.valueRanges(v, from, to, ranges);
    }

    @Override
    public synchronized void blockCodes(Volume v, int from, int to, BlockGrid grid, int[][] codes) {
        open();
        try {
            for (int a = from, step = batch(v); a < to; a += step) {
                blocks.codes(v, a, Math.min(to, a + step), from, grid, codes);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void columnCodes(Volume v, int from, int to, BlockGrid grid, int[] state) {
        open();
        try {
            for (int a = from, step = batch(v); a < to; a += step) {
                blocks.columnCodes(v, a, Math.min(to, a + step), grid, state);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void embedBlocks(Volume v, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        open();
        try {
            checkBitsPerBlock(bitsPerBlock);
            for (int a = from, step = batch(v); a < to; a += step) {
                blocks.embed(v, a, Math.min(to, a + step), from, grid, bitsPerBlock, bits, carried);
            }
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void extractBlocks(Volume v, int from, int to, BlockGrid grid, int bitsPerBlock,
            long[][] bitsOut, int[][] carried) {
        open();
        try {
            checkBitsPerBlock(bitsPerBlock);
            for (int a = from, step = batch(v); a < to; a += step) {
                blocks.extract(v, a, Math.min(to, a + step), from, grid, bitsPerBlock, bitsOut, carried);
            }
        } finally {
            JvmSignals.restore();
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
        open();
        try {
            dct.forward(v, slice, originRow, originColumn, coefficients);
        } finally {
            JvmSignals.restore();
        }
    }

    @Override
    public synchronized void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        open();
        try {
            dct.addInverse(v, slice, deltaCoefficients);
        } finally {
            JvmSignals.restore();
        }
    }

    /** Refuses calls after {@link #close()} (also after the shutdown hook closed it): its objects are released. */
    private void open() {
        if (closed) {
            throw new IllegalStateException("this OpenCL backend is closed (or the JVM is shutting down)");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            OPEN.remove(this);
            session.close();
        }
    }

    /**
     * Closes the backends still open when the JVM exits, before the drivers' own teardown runs: each waits for its
     * call in flight (calls are synchronized), then releases its programs, buffers, queue and context in that order.
     */
    private static void closeAllAtExit() {
        for (OpenClBackend b : OPEN.toArray(new OpenClBackend[0])) {
            b.close();
        }
    }
}
