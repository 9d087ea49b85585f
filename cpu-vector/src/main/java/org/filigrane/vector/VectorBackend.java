package org.filigrane.vector;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.IntStream;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/**
 * The kernels of {@link Backend} on the Vector API ({@link Kernels}), split across a private ForkJoin pool: over
 * slices when there are enough of them, else over bands of rows (layer R: a count pass over each band, a prefix sum
 * giving each band its first bit index, then every band embeds in parallel) or of blocks (layer T). Same bytes as the
 * reference for every thread count and vector width.
 */
final class VectorBackend implements Backend {
    /** Tasks per thread: enough to even out slices of unequal cost, few enough to keep the overhead small. */
    private static final int TASKS_PER_THREAD = 4;

    /** One pool per thread count, shared by every instance (auto creates one per Watermarker and self-check). */
    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int threads;
    private final ForkJoinPool pool;

    VectorBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? POOLS.computeIfAbsent(threads, VectorBackend::newPool) : null;
    }

    private static ForkJoinPool newPool(int threads) {
        ForkJoinPool.ForkJoinWorkerThreadFactory base = ForkJoinPool.defaultForkJoinWorkerThreadFactory;
        return new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = base.newThread(p);
            t.setName("filigrane-vector-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    int threads() {
        return threads;
    }

    static int vectorBits() {
        return Kernels.I.vectorBitSize();
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String description() {
        String width = Kernels.I.vectorBitSize() + "-bit vectors (" + Kernels.L + " int lanes)";
        if (Kernels.REQUESTED_BITS != 0 && Kernels.REQUESTED_BITS != Kernels.I.vectorBitSize()) {
            width += ", filigrane.vector.bits=" + Kernels.REQUESTED_BITS + " unavailable here, using the preferred "
                    + Kernels.PREFERRED_BITS;
        }
        return "vector (jdk.incubator.vector, " + width + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
    }

    // ---- work splitting ----

    @FunctionalInterface
    private interface Unit {
        void run(int slice, int unit, Scratch sc);
    }

    /** Bands per slice: 1 when the slices alone keep every thread busy, else up to {@code natural}. */
    private int bands(int slices, int natural) {
        if (pool == null || slices >= TASKS_PER_THREAD * threads) {
            return 1;
        }
        int wanted = (TASKS_PER_THREAD * threads + slices - 1) / slices;
        return Math.max(1, Math.min(natural, wanted));
    }

    /** Runs {@code body} for every unit 0..units-1 of every slice in [from, to), in contiguous runs per task. */
    private void forEach(Volume v, int from, int to, int units, Unit body) {
        int cols = v.columns();
        long total = (long) (to - from) * units;
        if (total <= 0) {
            return;
        }
        if (pool == null || total == 1) {
            Scratch sc = SCRATCH.get().fit(cols, Kernels.L);
            for (int s = from; s < to; s++) {
                for (int u = 0; u < units; u++) {
                    body.run(s, u, sc);
                }
            }
            return;
        }
        int tasks = (int) Math.min(total, (long) TASKS_PER_THREAD * threads);
        pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(t -> {
            Scratch sc = SCRATCH.get().fit(cols, Kernels.L);
            long end = total * (t + 1) / tasks;
            for (long i = total * t / tasks; i < end; i++) {
                body.run(from + (int) (i / units), (int) (i % units), sc);
            }
        })).join();
    }

    private static int bandStart(int r0, int r1, int u, int units) {
        return r0 + (int) ((long) (r1 - r0) * u / units);
    }

    // ---- layer R ----

    @Override
    public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        Edges ed = Edges.wholeRow(cols, Kernels.L);
        int units = bands(v.slices(), Math.max(1, rows / 16));
        forEach(v, 0, v.slices(), units, (s, u, sc) -> {
            int r0 = firstRow[s];
            int ra = bandStart(r0, rows, u, units);
            int rb = bandStart(r0, rows, u + 1, units);
            if (ra >= rb) {
                return;
            }
            ShiftKernels.histogramRows(v.slice(s), cols, signed, r0, rows, ra, rb, parity, ed, sc, sc.hist);
            if (units == 1) {
                sc.drainHistogram(hist[s]);
            } else {
                synchronized (hist[s]) {
                    sc.drainHistogram(hist[s]);
                }
            }
        });
    }

    @Override
    public void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        Edges ed = Edges.wholeRow(cols, Kernels.L);
        int units = bands(v.slices(), Math.max(1, rows / 16));
        if (units == 1) {
            forEach(v, 0, v.slices(), 1, (s, u, sc) -> {
                if (bitLimit[s] > 0 && firstRow[s] < rows) {
                    ShiftKernels.embedRows(v.slice(s), cols, signed, firstRow[s], rows, firstRow[s], rows, parity,
                            peak, threshold, bits, bitOffset[s], 0, bitLimit[s], ed, sc);
                }
            });
            return;
        }
        int[][] start = bandStarts(v, firstRow, parity, peak, threshold, false, bitLimit, units, ed);
        forEach(v, 0, v.slices(), units, (s, u, sc) -> {
            int r0 = firstRow[s];
            int ra = bandStart(r0, rows, u, units);
            int rb = bandStart(r0, rows, u + 1, units);
            if (bitLimit[s] > 0 && ra < rb && start[s][u] <= bitLimit[s]) {
                ShiftKernels.embedRows(v.slice(s), cols, signed, r0, rows, ra, rb, parity, peak, threshold, bits,
                        bitOffset[s], start[s][u], bitLimit[s], ed, sc);
            }
        });
    }

    /**
     * The bit index each band starts at: a parallel count of every band's embeddable pixels, then a prefix sum per
     * slice ({@code [s][units]} holds the slice's total). A band starting past the limit has nothing to do; one
     * starting at it still shifts pixels up to its first embeddable one.
     */
    private int[][] bandStarts(Volume v, int[] firstRow, int parity, int peak, int threshold, boolean marked,
            int[] bitLimit, int units, Edges ed) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        int[][] counts = new int[v.slices()][units + 1];
        forEach(v, 0, v.slices(), units, (s, u, sc) -> {
            int r0 = firstRow[s];
            int ra = bandStart(r0, rows, u, units);
            int rb = bandStart(r0, rows, u + 1, units);
            if (bitLimit[s] > 0 && ra < rb) {
                counts[s][u] = ShiftKernels.countRows(v.slice(s), cols, signed, r0, rows, ra, rb, parity, peak,
                        threshold, marked, ed, sc);
            }
        });
        for (int[] c : counts) {
            long at = 0;
            for (int u = 0; u <= units; u++) {
                long n = c[u];
                c[u] = (int) Math.min(at, Integer.MAX_VALUE);
                at += n;
            }
        }
        return counts;
    }

    @Override
    public void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] bitLimit) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        Edges ed = Edges.wholeRow(cols, Kernels.L);
        int units = bands(v.slices(), Math.max(1, rows / 16));
        if (units == 1) {
            forEach(v, 0, v.slices(), 1, (s, u, sc) -> {
                if (bitLimit[s] > 0 && firstRow[s] < rows) {
                    ShiftKernels.extractRows(v.slice(s), cols, signed, firstRow[s], rows, firstRow[s], rows, parity,
                            peak, threshold, bitsOut[s], 0, 0, bitLimit[s], ed, sc);
                }
            });
            return;
        }
        int[][] start = bandStarts(v, firstRow, parity, peak, threshold, true, bitLimit, units, ed);
        // Bands end on arbitrary bits: each writes its own words, joined below, so no two threads share a word.
        long[][][] parts = new long[v.slices()][units][];
        forEach(v, 0, v.slices(), units, (s, u, sc) -> {
            int r0 = firstRow[s];
            int ra = bandStart(r0, rows, u, units);
            int rb = bandStart(r0, rows, u + 1, units);
            int k0 = start[s][u];
            if (bitLimit[s] > 0 && ra < rb && k0 <= bitLimit[s]) {
                int n = Math.min(start[s][u + 1], bitLimit[s]) - k0;
                long[] part = new long[(n >>> 6) + 1];
                ShiftKernels.extractRows(v.slice(s), cols, signed, r0, rows, ra, rb, parity, peak, threshold, part,
                        -(long) k0, k0, bitLimit[s], ed, sc);
                parts[s][u] = part;
            }
        });
        for (int s = 0; s < v.slices(); s++) {
            for (int u = 0; u < units; u++) {
                long[] part = parts[s][u];
                if (part == null) {
                    continue;
                }
                int k0 = start[s][u];
                int n = Math.min(start[s][u + 1], bitLimit[s]) - k0;
                for (int i = 0; i < n; i += 64) {
                    Kernels.writeBits(bitsOut[s], (long) k0 + i, Math.min(64, n - i), part[i >>> 6]);
                }
            }
        }
    }

    // ---- input check ----

    @Override
    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
        boolean signed = v.format().signed();
        forEach(v, from, to, 1, (s, u, sc) -> ranges[s - from] = Kernels.range(v.slice(s), signed));
    }

    // ---- layer T ----

    @Override
    public void blockCodes(Volume v, int from, int to, BlockGrid g, int[][] codes) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        int down = g.blocksDown();
        int units = bands(to - from, down);
        forEach(v, from, to, units, (s, u, sc) -> {
            for (int br = down * u / units; br < down * (u + 1) / units; br++) {
                CellCodes.blockRow(v.slice(s), rows, cols, signed, g.blockSize(), g.blocksAcross(), br,
                        g.sumFactor(), codes[s - from], sc.codeLanes);
            }
        });
    }

    @Override
    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        int rows = v.rows();
        int cols = v.columns();
        int down = g.columnsDown();
        // Each cell's code runs through the slices in order, so the work splits over cell rows, never over slices.
        int units = pool == null ? 1 : Math.min(down, TASKS_PER_THREAD * threads);
        forEach(v, 0, 1, units, (unused, u, sc) -> {
            for (int cr = down * u / units; cr < down * (u + 1) / units; cr++) {
                for (int s = from; s < to; s++) {
                    CellCodes.columnRow(v.slice(s), rows, cols, g.columnSize(), g.columnsAcross(), cr, state,
                            sc.codeLanes);
                }
            }
        });
    }

    @Override
    public void embedBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        int first = (bitsPerBlock + 1) / 2;
        Edges ed = Edges.blocks(cols, g.blockSize(), Kernels.L);
        int down = g.blocksDown();
        int units = bands(to - from, down);
        forEach(v, from, to, units, (s, u, sc) -> {
            for (int br = down * u / units; br < down * (u + 1) / units; br++) {
                // Pass 1 of a block predicts from its own pass-0 result; blocks never read each other.
                BlockKernels.embedBlockRow(v.slice(s), rows, cols, signed, g.blockSize(), g.blocksAcross(), br, 0,
                        g.threshold(), first, 0, bits[s - from], carried[s - from], ed, sc);
                BlockKernels.embedBlockRow(v.slice(s), rows, cols, signed, g.blockSize(), g.blocksAcross(), br, 1,
                        g.threshold(), bitsPerBlock - first, first, bits[s - from], carried[s - from], ed, sc);
            }
        });
    }

    @Override
    public void extractBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bitsOut,
            int[][] carried) {
        int rows = v.rows();
        int cols = v.columns();
        boolean signed = v.format().signed();
        int first = (bitsPerBlock + 1) / 2;
        Edges ed = Edges.blocks(cols, g.blockSize(), Kernels.L);
        int down = g.blocksDown();
        int across = g.blocksAcross();
        int units = bands(to - from, down);
        forEach(v, from, to, units, (s, u, sc) -> {
            for (int br = down * u / units; br < down * (u + 1) / units; br++) {
                java.util.Arrays.fill(bitsOut[s - from], br * across, (br + 1) * across, 0L);
                BlockKernels.extractBlockRow(v.slice(s), rows, cols, signed, g.blockSize(), across, br, 1,
                        g.threshold(), bitsPerBlock - first, first, bitsOut[s - from], carried[s - from], ed, sc);
                BlockKernels.extractBlockRow(v.slice(s), rows, cols, signed, g.blockSize(), across, br, 0,
                        g.threshold(), first, 0, bitsOut[s - from], carried[s - from], ed, sc);
            }
        });
    }

    // ---- layer D ----

    @Override
    public void dctForward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        if (originRow < 0 || originColumn < 0) {
            throw new IllegalArgumentException("grid origin must not be negative: " + originRow + ", " + originColumn);
        }
        int down = v.rows() > originRow ? (v.rows() - originRow) / 8 : 0;
        int across = v.columns() > originColumn ? (v.columns() - originColumn) / 8 : 0;
        checkCoefficients(coefficients, down * across);
        boolean signed = v.format().signed();
        int units = bands(1, Math.max(1, down));
        forEach(v, slice, slice + 1, units, (s, u, sc) -> Dct.forwardRows(v.slice(s), v.columns(), signed, originRow,
                originColumn, across, down * u / units, down * (u + 1) / units, coefficients, sc.dct));
    }

    @Override
    public void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        int down = v.rows() / 8;
        int across = v.columns() / 8;
        checkCoefficients(deltaCoefficients, down * across);
        boolean signed = v.format().signed();
        int min = v.format().min();
        int max = v.format().max();
        int units = bands(1, Math.max(1, down));
        forEach(v, slice, slice + 1, units, (s, u, sc) -> Dct.addInverseRows(v.slice(s), v.columns(), signed, min, max,
                across, down * u / units, down * (u + 1) / units, deltaCoefficients, sc.dct));
    }

    private static void checkCoefficients(int[] coefficients, int blocks) {
        if (coefficients.length < blocks * 64) {
            throw new IllegalArgumentException("coefficient array holds " + coefficients.length + " ints, " + blocks
                    + " blocks need " + blocks * 64);
        }
    }
}
