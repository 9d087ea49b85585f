package org.filigrane.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite every backend extends (published in engine-api's test-jar, like Lucene's
 * BaseVectorizationTestCase): each kernel against the reference on randomized inputs of every pixel format and on
 * row widths that hit every vector tail, then whole pipelines across backends. Integer results are compared
 * exactly and the first difference is named. Each case prints its seed; rerun one with the same seed.
 */
public abstract class BackendConformanceTest {
    private static final long BASE_SEED = Long.getLong("filigrane.seed", 0x5EED_2026L);

    protected final Backend reference = new ReferenceBackend();

    /** The backend under test (a fresh or shared instance). */
    protected abstract Backend backend();

    /** Row widths: every width up to 70, the widths around 4096, and a few in between. */
    protected static Stream<Integer> widths() {
        List<Integer> w = new ArrayList<>();
        IntStream.rangeClosed(1, 70).forEach(w::add);
        IntStream.rangeClosed(4090, 4098).forEach(w::add);
        w.addAll(List.of(127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1025));
        return w.stream();
    }

    private static long seed(String kernel, int width) {
        long s = BASE_SEED ^ (kernel.hashCode() * 0x9E3779B97F4A7C15L) ^ (width * 0xC2B2AE3D27D4EB4FL);
        System.out.println(kernel + " width " + width + " seed " + s);
        return s;
    }

    /** A small volume of {@code width} columns: a random format and content, few rows so wide cases stay cheap. */
    private static Volume volume(SplittableRandom r, int width) {
        PixelFormat f = RandomVolumes.FORMATS.get(r.nextInt(RandomVolumes.FORMATS.size()));
        int rows = width > 512 ? 1 + r.nextInt(4) : 1 + r.nextInt(24);
        int slices = 1 + r.nextInt(3);
        RandomVolumes.Content c = RandomVolumes.Content.values()[r.nextInt(RandomVolumes.Content.values().length)];
        return RandomVolumes.of(r.nextLong(), f, slices, rows, width, c);
    }

    private static int[] firstRows(SplittableRandom r, Volume v) {
        int[] first = new int[v.slices()];
        for (int s = 0; s < first.length; s++) {
            first[s] = r.nextInt(4) == 0 ? r.nextInt(v.rows() + 1) : 0;
        }
        return first;
    }

    private static void assertSame(Volume expected, Volume actual, String what) {
        for (int s = 0; s < expected.slices(); s++) {
            short[] a = expected.slice(s);
            short[] b = actual.slice(s);
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    fail(what + ": first difference at slice " + s + ", row " + i / expected.columns() + ", column "
                            + i % expected.columns() + ": reference " + a[i] + ", backend " + b[i]);
                }
            }
        }
    }

    // ---- input check ----

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void valueRangesMatch(int width) {
        SplittableRandom r = new SplittableRandom(seed("valueRanges", width));
        Volume v = volume(r, width);
        int[][] expected = new int[v.slices()][];
        int[][] actual = new int[v.slices()][];
        reference.valueRanges(v, 0, v.slices(), expected);
        backend().valueRanges(v, 0, v.slices(), actual);
        for (int s = 0; s < v.slices(); s++) {
            assertArrayEquals(expected[s], actual[s], "range of slice " + s + " of " + v.format());
        }
    }

    // ---- layer R kernels ----

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void errorHistogramsMatch(int width) {
        SplittableRandom r = new SplittableRandom(seed("errorHistograms", width));
        Volume v = volume(r, width);
        int[] first = firstRows(r, v);
        for (int parity = 0; parity < 2; parity++) {
            long[][] expected = new long[v.slices()][Backend.HIST_BINS];
            long[][] actual = new long[v.slices()][Backend.HIST_BINS];
            reference.errorHistograms(v, first, parity, expected);
            backend().errorHistograms(v.copy(), first, parity, actual);
            for (int s = 0; s < v.slices(); s++) {
                assertArrayEquals(expected[s], actual[s], "histogram of slice " + s + " parity " + parity);
            }
        }
    }

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void embedAndExtractPassMatch(int width) {
        SplittableRandom r = new SplittableRandom(seed("pass", width));
        Volume v = volume(r, width);
        int[] first = firstRows(r, v);
        int threshold = 1 + r.nextInt(4);
        if (v.format().max() - v.format().min() < 2 * threshold + 1) {
            threshold = 1;
        }
        // Headroom of the threshold, as the engine guarantees before any pass.
        shrink(v, threshold);
        Volume original = v.copy();
        int parity = r.nextInt(2);
        int peak = r.nextInt(7) - 3;
        int pixels = v.rows() * v.columns();
        long[] bits = r.longs((long) v.slices() * pixels / 64 + 2).toArray();
        int[] limits = new int[v.slices()];
        long[] offsets = new long[v.slices()];
        long at = 0;
        for (int s = 0; s < limits.length; s++) {
            limits[s] = r.nextInt(4) == 0 ? 0 : r.nextInt(pixels / 2 + 2);
            offsets[s] = at;
            at += limits[s];
        }
        Volume expected = v.copy();
        Volume actual = v.copy();
        reference.embedPass(expected, first, parity, peak, threshold, bits, offsets, limits);
        backend().embedPass(actual, first, parity, peak, threshold, bits, offsets, limits);
        assertSame(expected, actual, "embedPass");

        long[][] refBits = new long[v.slices()][];
        long[][] outBits = new long[v.slices()][];
        for (int s = 0; s < limits.length; s++) {
            refBits[s] = new long[limits[s] / 64 + 1];
            outBits[s] = new long[limits[s] / 64 + 1];
        }
        reference.extractPass(expected, first, parity, peak, threshold, refBits, limits);
        backend().extractPass(actual, first, parity, peak, threshold, outBits, limits);
        assertSame(expected, actual, "extractPass pixels");
        for (int s = 0; s < limits.length; s++) {
            assertArrayEquals(refBits[s], outBits[s], "extractPass bits of slice " + s);
        }
        assertSame(original, actual, "extractPass did not restore the input");
    }

    // ---- layer T kernels ----

    /** Thresholds the block duel draws from: every one layer T may choose, and a few in between. */
    private static final int[] THRESHOLDS = {1, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, BlockGrid.MAX_THRESHOLD};

    private static BlockGrid grid(SplittableRandom r, Volume v) {
        int column = 1 + r.nextInt(10);
        int perBlock = 1 + r.nextInt(3);
        int block = Math.max(2, column * perBlock);
        if (block % column != 0) {
            column = block;
        }
        return new BlockGrid(v.rows(), v.columns(), block, column, 1 + r.nextInt(2));
    }

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void blockCodesAndColumnCodesMatch(int width) {
        SplittableRandom r = new SplittableRandom(seed("blockCodes", width));
        Volume v = volume(r, width);
        for (BlockGrid g : List.of(grid(r, v), TamperProfile.DEFAULT.grid(v.rows(), v.columns()),
                TamperProfile.DEFAULT.grid(v.rows(), v.columns(), 16, 1),
                TamperProfile.PAPER.grid(v.rows(), v.columns()))) {
            int[][] expected = new int[v.slices()][g.blockCount()];
            int[][] actual = new int[v.slices()][g.blockCount()];
            reference.blockCodes(v, 0, v.slices(), g, expected);
            backend().blockCodes(v, 0, v.slices(), g, actual);
            for (int s = 0; s < v.slices(); s++) {
                assertArrayEquals(expected[s], actual[s], "block codes of slice " + s + " grid " + g);
            }
            int[] stateExpected = r.ints(g.columnCount(), 0, 1 << 16).toArray();
            int[] stateActual = stateExpected.clone();
            int from = r.nextInt(v.slices());
            reference.columnCodes(v, from, v.slices(), g, stateExpected);
            backend().columnCodes(v, from, v.slices(), g, stateActual);
            assertArrayEquals(stateExpected, stateActual, "column codes from slice " + from + " grid " + g);
        }
    }

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void embedAndExtractBlocksMatch(int width) {
        SplittableRandom r = new SplittableRandom(seed("blocks", width));
        Volume v = volume(r, width);
        int threshold = THRESHOLDS[r.nextInt(THRESHOLDS.length)];
        BlockGrid g = (switch (r.nextInt(3)) {
            case 0 -> grid(r, v);
            case 1 -> TamperProfile.DEFAULT.grid(v.rows(), v.columns(), 32, 1);
            default -> TamperProfile.DEFAULT.grid(v.rows(), v.columns(), 16, 1);
        }).withThreshold(threshold);
        // Headroom of the threshold, as layer R makes before T; a smaller one when the format cannot give it.
        if (v.format().max() - v.format().min() < 2 * threshold + 1) {
            g = g.withThreshold(1);
            shrink(v, 1);
        } else {
            shrink(v, threshold);
        }
        System.out.println("blocks width " + width + ": " + g + " on " + v);
        Volume original = v.copy();
        int bitsPerBlock = r.nextInt(65);
        int from = r.nextInt(v.slices());
        int to = from + 1 + r.nextInt(v.slices() - from);
        long[][] bits = new long[to - from][g.blockCount()];
        for (long[] row : bits) {
            for (int b = 0; b < row.length; b++) {
                row[b] = r.nextLong();
            }
        }
        Volume expected = v.copy();
        Volume actual = v.copy();
        int[][] carriedExpected = new int[to - from][2 * g.blockCount()];
        int[][] carriedActual = new int[to - from][2 * g.blockCount()];
        reference.embedBlocks(expected, from, to, g, bitsPerBlock, bits, carriedExpected);
        backend().embedBlocks(actual, from, to, g, bitsPerBlock, bits, carriedActual);
        assertSame(expected, actual, "embedBlocks");
        for (int s = 0; s < to - from; s++) {
            assertArrayEquals(carriedExpected[s], carriedActual[s], "embedBlocks carried counts, slice " + (from + s));
        }
        long[][] outExpected = new long[to - from][g.blockCount()];
        long[][] outActual = new long[to - from][g.blockCount()];
        reference.extractBlocks(expected, from, to, g, bitsPerBlock, outExpected, carriedExpected);
        backend().extractBlocks(actual, from, to, g, bitsPerBlock, outActual, carriedActual);
        assertSame(expected, actual, "extractBlocks pixels");
        for (int s = 0; s < to - from; s++) {
            assertArrayEquals(outExpected[s], outActual[s], "extractBlocks bits, slice " + (from + s));
            assertArrayEquals(carriedExpected[s], carriedActual[s], "extractBlocks counts, slice " + (from + s));
        }
        assertSame(original, actual, "extractBlocks did not restore the input");
    }

    // ---- layer D kernels ----

    @ParameterizedTest(name = "width {0}")
    @MethodSource("widths")
    void dctMatches(int width) {
        SplittableRandom r = new SplittableRandom(seed("dct", width));
        Volume v = volume(r, width);
        int originRow = r.nextInt(8);
        int originColumn = r.nextInt(8);
        int slice = r.nextInt(v.slices());
        int blocks = Math.max(0, (v.rows() - originRow) / 8) * Math.max(0, (v.columns() - originColumn) / 8);
        int[] expected = new int[blocks * 64];
        int[] actual = new int[blocks * 64];
        reference.dctForward(v, slice, originRow, originColumn, expected);
        backend().dctForward(v.copy(), slice, originRow, originColumn, actual);
        assertArrayEquals(expected, actual, "dctForward at origin " + originRow + "," + originColumn);

        int whole = (v.rows() / 8) * (v.columns() / 8);
        int[] delta = new int[whole * 64];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = r.nextInt(8) == 0 ? r.nextInt(2001) - 1000 : 0;
        }
        Volume a = v.copy();
        Volume b = v.copy();
        reference.dctAddInverse(a, slice, delta);
        backend().dctAddInverse(b, slice, delta);
        assertSame(a, b, "dctAddInverse");
    }

    // ---- whole pipelines across backends ----

    private static final IssuerKey KEY = IssuerKey.of("conformance-suite-master-key-32b".getBytes());

    static Stream<Long> pipelineSeeds() {
        return LongStream.range(0, 12).boxed();
    }

    private static Volume pipelineVolume(long i) {
        PixelFormat f = RandomVolumes.FORMATS.get((int) (i % RandomVolumes.FORMATS.size()));
        // The phantom's air sits a few values above the range's end: at 7 bits its noise fills the shrink map.
        return i % 3 == 0 && f.bitsStored() >= 8 ? Phantom.generate(BASE_SEED + i, 3, 61, 67, f)
                : RandomVolumes.of(BASE_SEED + i, f, 2 + (int) (i % 4), 33 + (int) i, 47, RandomVolumes.Content.GRADIENT);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("pipelineSeeds")
    void embedHereRestoreOnReference(long i) throws Exception {
        System.out.println("pipeline case " + i + " seed " + (BASE_SEED + i));
        Volume v = pipelineVolume(i);
        WatermarkSpec spec = WatermarkSpec.reversible("recipient-" + i, "conformance " + i)
                .withProfile(i % 2 == 0 ? TamperProfile.DEFAULT : TamperProfile.PAPER);
        Watermarker here = Watermarker.create(KEY, backend());
        Watermarker oracle = Watermarker.create(KEY, reference);
        EmbedResult mine = here.embed(v, spec);
        EmbedResult theirs = oracle.embed(v, spec);
        assertSame(theirs.volume(), mine.volume(), "embedded volume");
        assertEquals(VerificationReport.Status.AUTHENTIC, oracle.verify(mine.volume()).status());
        assertEquals(VerificationReport.Status.AUTHENTIC, here.verify(theirs.volume()).status());
        assertSame(v, oracle.restore(mine.volume()), "restored on the reference");
        assertSame(v, here.restore(theirs.volume()), "restored on the backend");
    }

    /**
     * Layer D's embedding (per-block margins from the data, the budget cap, informed chips) on this backend's DCT
     * kernels gives the reference's bytes, with and without a display window, for every pixel format.
     */
    @ParameterizedTest(name = "case {0}")
    @MethodSource("pipelineSeeds")
    void robustLayerEmbedsTheSameBytes(long i) throws Exception {
        System.out.println("layer D case " + i + " seed " + (BASE_SEED + i));
        PixelFormat f = RandomVolumes.FORMATS.get((int) (i % RandomVolumes.FORMATS.size()));
        Volume v = i % 2 == 0 ? Phantom.generate(BASE_SEED + i, 2, 72 + (int) i, 83, f)
                : RandomVolumes.of(BASE_SEED + i, f, 2, 70 + (int) i, 91, RandomVolumes.Content.values()[
                        (int) (i % RandomVolumes.Content.values().length)]);
        WatermarkSpec spec = new WatermarkSpec("recipient-" + i, "", java.util.EnumSet.of(
                org.filigrane.engine.Layer.ROBUST), TamperProfile.DEFAULT, BASE_SEED * i, null);
        if (i % 3 == 1) {
            int[] range = v.valueRange();
            spec = spec.withDisplayWindow((range[0] + range[1]) / 2, Math.max(1, (range[1] - range[0]) / 4));
        }
        Watermarker here = Watermarker.create(KEY, backend());
        Watermarker oracle = Watermarker.create(KEY, reference);
        assertSame(oracle.embed(v, spec).volume(), here.embed(v, spec).volume(), "layer D embedded volume");
    }

    @Test
    void tamperedVolumeGivesTheSameCellsOnBothBackends() throws Exception {
        Volume v = Phantom.generate(BASE_SEED, 4, 96, 80, PixelFormat.unsigned(16, 12));
        Watermarker here = Watermarker.create(KEY, backend());
        Watermarker oracle = Watermarker.create(KEY, reference);
        Volume marked = here.embed(v, WatermarkSpec.reversible("r", "m")).volume();
        marked.set(2, 40, 50, marked.get(2, 40, 50) ^ 1);
        VerificationReport a = here.verify(marked);
        VerificationReport b = oracle.verify(marked);
        assertEquals(VerificationReport.Status.TAMPERED, a.status());
        assertEquals(b.tamperedCells(), a.tamperedCells());
        assertTrue(a.tamperedCells().stream().anyMatch(c -> c.slice() == 2 && c.top() <= 40
                && 40 < c.top() + c.height() && c.left() <= 50 && 50 < c.left() + c.width()), a.toString());
    }

    /** Moves samples within {@code s} of either end of the range inward, as layer R does before embedding. */
    static void shrink(Volume v, int s) {
        PixelFormat f = v.format();
        for (int sl = 0; sl < v.slices(); sl++) {
            short[] px = v.slice(sl);
            for (int i = 0; i < px.length; i++) {
                int x = Math.max(f.min() + s, Math.min(f.max() - s, f.value(px[i])));
                px[i] = f.store(x);
            }
        }
    }
}
