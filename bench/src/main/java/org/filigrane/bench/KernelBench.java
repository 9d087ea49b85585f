package org.filigrane.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.Volume;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Each SPI kernel over the whole volume, reference and vector side by side. In-place kernels get a fresh copy of
 * their input before every invocation (outside the timing: each call takes milliseconds, so Level.Invocation is
 * sound); the R passes run at full capacity (every slice embeds all it can), layer T with the engine's 16 bits per
 * block. After every iteration the last result is compared with the reference's and a difference fails the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBench {
    @Param({"256x256x48/12", "512x512x200/16"})
    public String volume;

    @Param({"reference", "vector", "opencl"})
    public String backend;

    private static final int BLOCK_BITS = 16;

    private Backend b;
    private final Backend reference = new ReferenceBackend();
    private String op;
    private Volume original;
    private Volume input;
    private Volume work;
    private Volume expected;
    private int[] first;
    private int peak;
    private long[] bits;
    private long[] offsets;
    private int[] limits;
    private long[][] hist;
    private long[][] expectedHist;
    private long[][] passBits;
    private long[][] expectedPassBits;
    private BlockGrid grid;
    private long[][] blockBits;
    private int[][] carried;
    private int[][] expectedCarried;
    private int[][] codes;
    private int[][] expectedCodes;
    private int[] columnState;
    private int[] expectedColumns;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        String name = params.getBenchmark();
        op = name.substring(name.lastIndexOf('.') + 1);
        b = Volumes.backend(backend);
        original = Volumes.phantom(volume);
        int n = original.slices();
        first = new int[n];
        first[0] = (144 + original.columns() - 1) / original.columns();
        grid = TamperProfile.DEFAULT.grid(original.rows(), original.columns());
        hist = new long[n][Backend.HIST_BINS];
        long[][] h = new long[n][Backend.HIST_BINS];
        reference.errorHistograms(original, first, 0, h);
        long[] total = new long[Backend.HIST_BINS];
        for (long[] s : h) {
            for (int i = 0; i < total.length; i++) {
                total[i] += s[i];
            }
        }
        for (int p = Backend.HIST_MIN + 2; p < Backend.HIST_MIN + Backend.HIST_BINS - 1; p++) {
            int i = p - Backend.HIST_MIN;
            int best = peak - Backend.HIST_MIN;
            if (total[i] + total[i - 1] > total[best] + total[best - 1]) {
                peak = p;
            }
        }
        limits = new int[n];
        offsets = new long[n];
        long at = 0;
        for (int s = 0; s < n; s++) {
            limits[s] = (int) (h[s][peak - Backend.HIST_MIN] + h[s][peak - 1 - Backend.HIST_MIN]);
            offsets[s] = at;
            at += limits[s];
        }
        SplittableRandom r = new SplittableRandom(Volumes.SEED);
        bits = r.longs(at / 64 + 2).toArray();
        blockBits = new long[n][grid.blockCount()];
        for (long[] row : blockBits) {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextLong() & 0xFFFF;
            }
        }
        carried = new int[n][2 * grid.blockCount()];
        switch (op) {
            case "errorHistograms" -> expectedHist = h;
            case "embedPass" -> {
                input = original;
                expected = original.copy();
                reference.embedPass(expected, first, 0, peak, 1, bits, offsets, limits);
            }
            case "extractPass" -> {
                input = original.copy();
                reference.embedPass(input, first, 0, peak, 1, bits, offsets, limits);
                expected = original;
                passBits = new long[n][];
                expectedPassBits = new long[n][];
                for (int s = 0; s < n; s++) {
                    passBits[s] = new long[limits[s] / 64 + 1];
                    expectedPassBits[s] = new long[limits[s] / 64 + 1];
                }
                reference.extractPass(input.copy(), first, 0, peak, 1, expectedPassBits, limits);
            }
            case "blockCodes" -> {
                codes = new int[n][grid.blockCount()];
                expectedCodes = new int[n][grid.blockCount()];
                reference.blockCodes(original, 0, n, grid, expectedCodes);
            }
            case "columnCodes" -> {
                columnState = new int[grid.columnCount()];
                expectedColumns = new int[grid.columnCount()];
                reference.columnCodes(original, 0, n, grid, expectedColumns);
            }
            case "embedBlocks" -> {
                input = original;
                expected = original.copy();
                expectedCarried = new int[n][2 * grid.blockCount()];
                reference.embedBlocks(expected, 0, n, grid, BLOCK_BITS, blockBits, expectedCarried);
            }
            case "extractBlocks" -> {
                input = original.copy();
                expectedCarried = new int[n][2 * grid.blockCount()];
                reference.embedBlocks(input, 0, n, grid, BLOCK_BITS, blockBits, expectedCarried);
                expected = original;
                passBits = new long[n][grid.blockCount()];
                expectedPassBits = blockBits;
            }
            default -> throw new IllegalStateException("unknown benchmark " + op);
        }
        work = input != null ? input.copy() : original;
    }

    @Setup(Level.Invocation)
    public void reset() {
        if (input != null) {
            Volumes.copyInto(input, work);
        }
        for (long[] row : hist) {
            Arrays.fill(row, 0L);
        }
    }

    @Benchmark
    public long[][] errorHistograms() {
        b.errorHistograms(work, first, 0, hist);
        return hist;
    }

    @Benchmark
    public Volume embedPass() {
        b.embedPass(work, first, 0, peak, 1, bits, offsets, limits);
        return work;
    }

    @Benchmark
    public long[][] extractPass() {
        b.extractPass(work, first, 0, peak, 1, passBits, limits);
        return passBits;
    }

    @Benchmark
    public int[][] blockCodes() {
        b.blockCodes(work, 0, work.slices(), grid, codes);
        return codes;
    }

    @Benchmark
    public int[] columnCodes() {
        Arrays.fill(columnState, 0);
        b.columnCodes(work, 0, work.slices(), grid, columnState);
        return columnState;
    }

    @Benchmark
    public int[][] embedBlocks() {
        b.embedBlocks(work, 0, work.slices(), grid, BLOCK_BITS, blockBits, carried);
        return carried;
    }

    @Benchmark
    public long[][] extractBlocks() {
        b.extractBlocks(work, 0, work.slices(), grid, BLOCK_BITS, passBits, carried);
        return passBits;
    }

    @TearDown(Level.Iteration)
    public void check() {
        switch (op) {
            case "errorHistograms" -> require(Arrays.deepEquals(expectedHist, hist));
            case "embedPass" -> Volumes.requireSame(expected, work, op);
            case "extractPass" -> {
                Volumes.requireSame(expected, work, op);
                require(Arrays.deepEquals(expectedPassBits, passBits));
            }
            case "blockCodes" -> require(Arrays.deepEquals(expectedCodes, codes));
            case "columnCodes" -> require(Arrays.equals(expectedColumns, columnState));
            case "embedBlocks" -> {
                Volumes.requireSame(expected, work, op);
                require(Arrays.deepEquals(expectedCarried, carried));
            }
            case "extractBlocks" -> {
                Volumes.requireSame(expected, work, op);
                require(Arrays.deepEquals(expectedCarried, carried));
                for (int s = 0; s < passBits.length; s++) {
                    for (int i = 0; i < passBits[s].length; i++) {
                        long known = (1L << carried[s][2 * i]) - 1 | ((1L << carried[s][2 * i + 1]) - 1) << 8;
                        require((passBits[s][i] & known) == (expectedPassBits[s][i] & known));
                    }
                }
            }
            default -> throw new IllegalStateException(op);
        }
    }

    private void require(boolean ok) {
        if (!ok) {
            throw new IllegalStateException(op + " on " + backend + ": result differs from the reference");
        }
    }
}
