package org.filigrane.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.Volume;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Duels on volumes tall enough that slices split into many bands of rows and blocks (the conformance suite's volumes
 * are at most 24 rows): R passes at their exact capacity, just below and above it, and far below it, so the
 * two-phase count / prefix / embed path meets every band boundary; T blocks at the engine's bit counts. 1 thread and
 * several; every pixel format; printed seeds.
 */
class VectorKernelDuelTest {
    private static final long SEED = Long.getLong("filigrane.seed", 0x7EC7_0BADL);
    private static final List<PixelFormat> FORMATS = List.of(PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 10),
            PixelFormat.unsigned(16, 12), PixelFormat.unsigned(16, 16), PixelFormat.signed(16, 16),
            PixelFormat.signed(16, 12), PixelFormat.signed(8, 8), PixelFormat.unsigned(8, 7));
    private static final Backend REFERENCE = new ReferenceBackend();
    private static final Backend ONE = VectorTesting.backend(1);
    private static final Backend MANY = VectorTesting.backend(VectorTesting.MANY_THREADS);

    static Stream<Integer> cases() {
        return Stream.iterate(0, i -> i + 1).limit(16);
    }

    private static Volume volume(int i, SplittableRandom r) {
        PixelFormat f = FORMATS.get(i % FORMATS.size());
        int slices = 1 + r.nextInt(2);
        int rows = 40 + r.nextInt(140);
        int cols = i % 4 == 3 ? 4090 + r.nextInt(9) : 1 + r.nextInt(300);
        if (cols > 4000) {
            rows = 33 + r.nextInt(10);
        }
        Volume v = Phantom.generate(r.nextLong(), slices, rows, cols, f);
        // Headroom of one step, as the engine guarantees.
        for (int s = 0; s < v.slices(); s++) {
            short[] px = v.slice(s);
            for (int p = 0; p < px.length; p++) {
                px[p] = f.store(Math.max(f.min() + 1, Math.min(f.max() - 1, f.value(px[p]))));
            }
        }
        return v;
    }

    private static void same(Volume expected, Volume actual, String what) {
        for (int s = 0; s < expected.slices(); s++) {
            short[] a = expected.slice(s);
            short[] b = actual.slice(s);
            for (int p = 0; p < a.length; p++) {
                if (a[p] != b[p]) {
                    fail(what + ": first difference at slice " + s + ", row " + p / expected.columns() + ", column "
                            + p % expected.columns() + ": reference " + a[p] + ", vector " + b[p]);
                }
            }
        }
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void passesAroundCapacity(int i) {
        long seed = SEED + i;
        System.out.println("passesAroundCapacity case " + i + " seed " + seed);
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = volume(i, r);
        int[] first = new int[v.slices()];
        first[0] = r.nextInt(3);
        int parity = r.nextInt(2);
        long[][] hist = new long[v.slices()][Backend.HIST_BINS];
        REFERENCE.errorHistograms(v, first, parity, hist);
        for (Backend b : List.of(ONE, MANY)) {
            long[][] h = new long[v.slices()][Backend.HIST_BINS];
            b.errorHistograms(v, first, parity, h);
            for (int s = 0; s < v.slices(); s++) {
                assertArrayEquals(hist[s], h[s], "histogram, slice " + s + ", " + b.description());
            }
        }
        int peak = 0;
        for (int p = Backend.HIST_MIN + 2; p < Backend.HIST_MIN + Backend.HIST_BINS - 1; p++) {
            int bin = p - Backend.HIST_MIN;
            int best = peak - Backend.HIST_MIN;
            if (hist[0][bin] + hist[0][bin - 1] > hist[0][best] + hist[0][best - 1]) {
                peak = p;
            }
        }
        int[] capacity = new int[v.slices()];
        for (int s = 0; s < v.slices(); s++) {
            capacity[s] = (int) (hist[s][peak - Backend.HIST_MIN] + hist[s][peak - 1 - Backend.HIST_MIN]);
        }
        long[] bits = r.longs(v.pixelCount() / 64 + 2).toArray();
        for (int variant = 0; variant < 5; variant++) {
            int[] limits = new int[v.slices()];
            long[] offsets = new long[v.slices()];
            long at = 0;
            for (int s = 0; s < limits.length; s++) {
                int c = capacity[s];
                limits[s] = Math.max(0, switch (variant) {
                    case 0 -> c;
                    case 1 -> c - 1;
                    case 2 -> c + 1;
                    case 3 -> r.nextInt(c + 1);
                    default -> Math.min(c, 1 + r.nextInt(40));
                });
                offsets[s] = at;
                at += limits[s];
            }
            String what = "variant " + variant + " peak " + peak + " limits " + java.util.Arrays.toString(limits) + " "
                    + v;
            Volume expected = v.copy();
            REFERENCE.embedPass(expected, first, parity, peak, 1, bits, offsets, limits);
            long[][] refOut = new long[v.slices()][];
            Volume restored = expected.copy();
            for (int s = 0; s < limits.length; s++) {
                refOut[s] = new long[limits[s] / 64 + 1];
            }
            REFERENCE.extractPass(restored, first, parity, peak, 1, refOut, limits);
            for (Backend b : List.of(ONE, MANY)) {
                Volume actual = v.copy();
                b.embedPass(actual, first, parity, peak, 1, bits, offsets, limits);
                same(expected, actual, "embedPass " + what + " on " + b.description());
                long[][] out = new long[v.slices()][];
                for (int s = 0; s < limits.length; s++) {
                    out[s] = new long[limits[s] / 64 + 1];
                    java.util.Arrays.fill(out[s], 0x5A5A5A5A5A5A5A5AL);
                }
                long[][] refOutDirty = new long[v.slices()][];
                Volume again = expected.copy();
                for (int s = 0; s < limits.length; s++) {
                    refOutDirty[s] = new long[limits[s] / 64 + 1];
                    java.util.Arrays.fill(refOutDirty[s], 0x5A5A5A5A5A5A5A5AL);
                }
                REFERENCE.extractPass(again, first, parity, peak, 1, refOutDirty, limits);
                b.extractPass(actual, first, parity, peak, 1, out, limits);
                same(restored, actual, "extractPass pixels " + what + " on " + b.description());
                for (int s = 0; s < limits.length; s++) {
                    assertArrayEquals(refOutDirty[s], out[s], "extractPass bits, slice " + s + ", " + what);
                }
                same(v, actual, "round trip " + what);
            }
        }
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void blocksAtEngineBitCounts(int i) {
        long seed = SEED * 31 + i;
        System.out.println("blocksAtEngineBitCounts case " + i + " seed " + seed);
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = volume(i, r);
        TamperProfile profile = i % 2 == 0 ? TamperProfile.DEFAULT : TamperProfile.PAPER;
        int threshold = List.of(1, 2, 3, 4, 8, 16, 32).get(r.nextInt(7));
        PixelFormat f = v.format();
        if (f.max() - f.min() < 2 * threshold + 1) {
            threshold = 1;
        }
        // Headroom of the threshold, as layer R makes before T.
        for (int s = 0; s < v.slices(); s++) {
            short[] px = v.slice(s);
            for (int p = 0; p < px.length; p++) {
                px[p] = f.store(Math.max(f.min() + threshold, Math.min(f.max() - threshold, f.value(px[p]))));
            }
        }
        int block = profile.blockSizes().get(r.nextInt(profile.blockSizes().size()));
        BlockGrid g = profile.grid(v.rows(), v.columns(), block, threshold);
        int bitsPerBlock = List.of(16, 24, 48, 1, 2, 63, 64).get(r.nextInt(7));
        long[][] bits = new long[v.slices()][g.blockCount()];
        for (long[] row : bits) {
            for (int b = 0; b < row.length; b++) {
                row[b] = r.nextLong();
            }
        }
        Volume expected = v.copy();
        int[][] carriedRef = new int[v.slices()][2 * g.blockCount()];
        REFERENCE.embedBlocks(expected, 0, v.slices(), g, bitsPerBlock, bits, carriedRef);
        int[][] codesRef = new int[v.slices()][g.blockCount()];
        REFERENCE.blockCodes(expected, 0, v.slices(), g, codesRef);
        int[] columnsRef = r.ints(g.columnCount(), 0, 1 << 16).toArray();
        int[] columnsStart = columnsRef.clone();
        REFERENCE.columnCodes(expected, 0, v.slices(), g, columnsRef);
        for (Backend b : List.of(ONE, MANY)) {
            String what = g + " " + bitsPerBlock + " bits " + v + " on " + b.description();
            Volume actual = v.copy();
            int[][] carried = new int[v.slices()][2 * g.blockCount()];
            b.embedBlocks(actual, 0, v.slices(), g, bitsPerBlock, bits, carried);
            same(expected, actual, "embedBlocks " + what);
            int[][] codes = new int[v.slices()][g.blockCount()];
            b.blockCodes(actual, 0, v.slices(), g, codes);
            int[] columns = columnsStart.clone();
            b.columnCodes(actual, 0, v.slices(), g, columns);
            assertArrayEquals(columnsRef, columns, "column codes, " + what);
            for (int s = 0; s < v.slices(); s++) {
                assertArrayEquals(carriedRef[s], carried[s], "carried, slice " + s + ", " + what);
                assertArrayEquals(codesRef[s], codes[s], "codes, slice " + s + ", " + what);
            }
            long[][] out = new long[v.slices()][g.blockCount()];
            long[][] outRef = new long[v.slices()][g.blockCount()];
            int[][] c2 = new int[v.slices()][2 * g.blockCount()];
            int[][] c2Ref = new int[v.slices()][2 * g.blockCount()];
            Volume restoredRef = expected.copy();
            REFERENCE.extractBlocks(restoredRef, 0, v.slices(), g, bitsPerBlock, outRef, c2Ref);
            b.extractBlocks(actual, 0, v.slices(), g, bitsPerBlock, out, c2);
            same(restoredRef, actual, "extractBlocks " + what);
            same(v, actual, "block round trip " + what);
            for (int s = 0; s < v.slices(); s++) {
                assertArrayEquals(outRef[s], out[s], "extracted bits, slice " + s + ", " + what);
                assertArrayEquals(c2Ref[s], c2[s], "extracted counts, slice " + s + ", " + what);
            }
        }
        assertEquals(v.slices(), expected.slices());
    }
}
