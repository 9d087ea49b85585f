package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/**
 * Runs every kernel of the SPI on a small volume of each pixel format and compares the results with the reference,
 * before {@link Backends} hands a backend out. A few milliseconds of work; what it catches is a backend that builds
 * and starts but computes something else here (a driver's miscompile, a vector width never tested, a 16-bit sign
 * slip), which would otherwise write wrong watermarks.
 *
 * <p>Each kernel is one entry of {@link #KERNELS}: a probe that runs it on a fixture and returns everything it
 * produced. Adding a kernel to {@link Backend} means adding its entry here ({@code SelfCheckTest} fails until then).
 */
final class SelfCheck {
    /** 8-bit, 10- and 12-bit unsigned, 16-bit unsigned and signed: the formats whose arithmetic differs. */
    static final List<PixelFormat> FORMATS = List.of(PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 10),
            PixelFormat.unsigned(16, 12), PixelFormat.unsigned(16, 16), PixelFormat.signed(16, 16));
    /**
     * 3 slices (a leading slice and two more; the vector backend splits so few slices into bands) of 21 x 45: 45
     * columns leave a tail at every vector width (22 and 23 pixels per pass and row), cut the 16- and 18-pixel
     * blocks short at the edges, and hold five whole 8x8 DCT blocks across.
     */
    private static final int SLICES = 3;
    private static final int ROWS = 21;
    private static final int COLUMNS = 45;
    private static final long SEED = 20261130L;
    private static final int[] FIRST_ROW = {2, 0, 0};
    private static final Backend REFERENCE = new ReferenceBackend();
    /** Layer R's bin thresholds probed: two bins, and four (the narrow fixture keeps two values of headroom). */
    private static final int[] THRESHOLDS = {1, 2};

    /** Every SPI kernel, by name. */
    static final Map<String, Probe> KERNELS = kernels();

    private SelfCheck() {
    }

    /** One kernel run on a fixture; returns every output (arrays, the volume's samples) for comparison. */
    @FunctionalInterface
    interface Probe {
        Object[] run(Backend backend, Fixture fixture);
    }

    /**
     * Null when the candidate gives the reference's bytes for every kernel on every format, else one line naming
     * each kernel and format that differed (or threw).
     */
    static String compareWithReference(Backend candidate) {
        Map<String, List<String>> failed = new LinkedHashMap<>();
        for (PixelFormat f : FORMATS) {
            Fixture fixture = Fixtures.BY_FORMAT.get(f);
            for (Map.Entry<String, Probe> k : KERNELS.entrySet()) {
                Object[] expected = fixture.expected.get(k.getKey());
                String outcome;
                try {
                    outcome = Arrays.deepEquals(expected, k.getValue().run(candidate, fixture)) ? null : f.toString();
                } catch (RuntimeException | LinkageError e) {
                    outcome = f + " (threw " + e + ")";
                }
                if (outcome != null) {
                    failed.computeIfAbsent(k.getKey(), x -> new ArrayList<>()).add(outcome);
                }
            }
        }
        if (failed.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        failed.forEach((kernel, formats) -> parts.add(kernel + " on " + String.join(", ", formats)));
        return String.join("; ", parts) + " (not the reference's result on " + SLICES + "x" + ROWS + "x" + COLUMNS
                + " volumes, seed " + SEED + ")";
    }

    /** The fixtures and the reference's results, made once per JVM on first use. */
    private static final class Fixtures {
        static final Map<PixelFormat, Fixture> BY_FORMAT = new LinkedHashMap<>();

        static {
            for (PixelFormat f : FORMATS) {
                Fixture x = new Fixture(f);
                KERNELS.forEach((name, probe) -> x.expected.put(name, probe.run(REFERENCE, x)));
                BY_FORMAT.put(f, x);
            }
        }
    }

    private static Map<String, Probe> kernels() {
        Map<String, Probe> k = new LinkedHashMap<>();
        k.put("errorHistograms", (b, x) -> {
            long[][][] h = new long[2][SLICES][Backend.HIST_BINS];
            for (int parity = 0; parity < 2; parity++) {
                b.errorHistograms(x.wide(), FIRST_ROW, parity, h[parity]);
            }
            return new Object[] {h};
        });
        k.put("embedPass", (b, x) -> {
            Object[] out = new Object[THRESHOLDS.length];
            for (int t = 0; t < THRESHOLDS.length; t++) {
                Volume v = x.narrow();
                for (int parity = 0; parity < 2; parity++) {
                    b.embedPass(v, FIRST_ROW, parity, x.peak[parity], THRESHOLDS[t], x.bits, x.offsets[parity],
                            x.limits[parity]);
                }
                out[t] = samples(v);
            }
            return out;
        });
        k.put("extractPass", (b, x) -> {
            Object[] result = new Object[THRESHOLDS.length];
            for (int t = 0; t < THRESHOLDS.length; t++) {
                Volume v = x.passMarked(t);
                long[][][] out = new long[2][SLICES][x.bits.length];
                for (int parity = 1; parity >= 0; parity--) {
                    b.extractPass(v, FIRST_ROW, parity, x.peak[parity], THRESHOLDS[t], out[parity],
                            x.limits[parity]);
                }
                result[t] = new Object[] {out, samples(v)};
            }
            return result;
        });
        k.put("valueRanges", (b, x) -> {
            int[][] ranges = new int[SLICES][];
            b.valueRanges(x.wide(), 0, SLICES, ranges);
            return new Object[] {ranges};
        });
        k.put("blockCodes", (b, x) -> {
            int[][][] codes = new int[x.grids.size()][SLICES][];
            for (int g = 0; g < codes.length; g++) {
                BlockGrid grid = x.grids.get(g);
                codes[g] = new int[SLICES][grid.blockCount()];
                b.blockCodes(x.wide(), 0, SLICES, grid, codes[g]);
            }
            return new Object[] {codes};
        });
        k.put("columnCodes", (b, x) -> {
            int[][] state = new int[x.grids.size()][];
            for (int g = 0; g < state.length; g++) {
                BlockGrid grid = x.grids.get(g);
                state[g] = new int[grid.columnCount()];
                Arrays.fill(state[g], 0xFFFF);
                // Two calls: the register must carry over from one call to the next.
                b.columnCodes(x.wide(), 1, 2, grid, state[g]);
                b.columnCodes(x.wide(), 2, SLICES, grid, state[g]);
            }
            return new Object[] {state};
        });
        k.put("embedBlocks", (b, x) -> {
            Object[] out = new Object[2 * x.grids.size()];
            for (int g = 0; g < x.grids.size(); g++) {
                Volume v = x.narrow();
                out[2 * g] = x.embedBlocks(b, v, g);
                out[2 * g + 1] = samples(v);
            }
            return out;
        });
        k.put("extractBlocks", (b, x) -> {
            Object[] out = new Object[2 * x.grids.size()];
            for (int g = 0; g < x.grids.size(); g++) {
                Volume v = x.blockMarked(g);
                BlockGrid grid = x.grids.get(g);
                long[][] lead = new long[1][grid.blockCount()];
                long[][] rest = new long[SLICES - 1][grid.blockCount()];
                int[][] carried = new int[SLICES][2 * grid.blockCount()];
                b.extractBlocks(v, 0, 1, grid, TamperLayer.leadingBits(x.params.get(g), grid, SLICES), lead,
                        new int[][] {carried[0]});
                b.extractBlocks(v, 1, SLICES, grid, 16, rest, Arrays.copyOfRange(carried, 1, SLICES));
                out[2 * g] = new Object[] {lead, rest, carried};
                out[2 * g + 1] = samples(v);
            }
            return out;
        });
        k.put("dctForward", (b, x) -> {
            int[] whole = new int[(ROWS / 8) * (COLUMNS / 8) * 64];
            int[] shifted = new int[((ROWS - 3) / 8) * ((COLUMNS - 5) / 8) * 64];
            b.dctForward(x.wide(), 1, 0, 0, whole);
            b.dctForward(x.wide(), 2, 3, 5, shifted);
            return new Object[] {whole, shifted};
        });
        k.put("dctAddInverse", (b, x) -> {
            // Onto the full-range volume with large deltas: the clamp to the stored range is part of the kernel.
            Volume v = x.wide();
            b.dctAddInverse(v, 0, x.delta);
            b.dctAddInverse(v, 2, x.delta);
            return new Object[] {samples(v)};
        });
        return k;
    }

    private static short[][] samples(Volume v) {
        short[][] s = new short[v.slices()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = v.slice(i).clone();
        }
        return s;
    }

    /**
     * The inputs of one pixel format, all derived from a fixed seed: a full-range volume for the kernels that only
     * read or clamp, a volume with headroom for the ones that embed, and the reference's marked volumes for the
     * ones that extract (so that both backends start from the same bytes). Each probe gets fresh copies.
     */
    static final class Fixture {
        private final Volume wide;
        private final Volume narrow;
        private final long[] bits;
        private final int[] peak = new int[2];
        private final long[][] offsets = new long[2][SLICES];
        private final int[][] limits = new int[2][SLICES];
        /** T's parameters probed: format 1's grids, and a large block with several bins. */
        private final List<TamperLayer.Params> params = List.of(new TamperLayer.Params(TamperProfile.DEFAULT, 16, 1),
                new TamperLayer.Params(TamperProfile.PAPER, 18, 1), new TamperLayer.Params(TamperProfile.DEFAULT, 32, 2));
        private final List<BlockGrid> grids = params.stream().map(p -> p.grid(ROWS, COLUMNS)).toList();
        private final long[][][] blockBits;
        private final int[] delta;
        private final List<Volume> passMarked = new ArrayList<>();
        private final List<Volume> blockMarked = new ArrayList<>();
        /** The reference's outputs, by kernel. */
        private final Map<String, Object[]> expected = new LinkedHashMap<>();

        Fixture(PixelFormat f) {
            SplittableRandom r = new SplittableRandom(SEED ^ f.hashCode());
            wide = Volume.allocate(SLICES, ROWS, COLUMNS, f);
            narrow = Volume.allocate(SLICES, ROWS, COLUMNS, f);
            int lo = f.min();
            int hi = f.max();
            int base = lo + (hi - lo) / 3;
            for (int s = 0; s < SLICES; s++) {
                short[] w = wide.slice(s);
                short[] n = narrow.slice(s);
                for (int i = 0; i < w.length; i++) {
                    int row = i / COLUMNS;
                    int col = i % COLUMNS;
                    // Smooth anatomy with noise, so that errors sit near the peak and embedding has bits to carry.
                    int smooth = base + 3 * row + 2 * col + s + r.nextInt(5) - 2;
                    n[i] = f.store(Math.max(lo + 2, Math.min(hi - 2, smooth)));
                    // The wide one adds both ends of the range and noise over all of it (sign and zero extension).
                    int any = switch (r.nextInt(8)) {
                        case 0 -> lo;
                        case 1 -> hi;
                        case 2 -> lo + r.nextInt(hi - lo + 1);
                        default -> Math.max(lo, Math.min(hi, smooth));
                    };
                    w[i] = f.store(any);
                }
            }
            bits = r.longs(SLICES * ROWS * COLUMNS / 64 + 2).toArray();
            // Layer R as the engine runs it: pass 0, then pass 1 on pass 0's output, each at the peak the reference
            // finds, with slice limits at, below and far below capacity.
            Volume marked = narrow();
            for (int parity = 0; parity < 2; parity++) {
                long[][] h = new long[SLICES][Backend.HIST_BINS];
                REFERENCE.errorHistograms(marked, FIRST_ROW, parity, h);
                int best = 0;
                for (int p = -126; p <= 126; p++) {
                    if (pair(h[0], p) > pair(h[0], best)) {
                        best = p;
                    }
                }
                peak[parity] = best;
                long at = parity == 0 ? 0 : 17;
                for (int s = 0; s < SLICES; s++) {
                    int capacity = (int) pair(h[s], best);
                    limits[parity][s] = switch (s) {
                        case 0 -> capacity;
                        case 1 -> capacity / 2;
                        default -> Math.min(capacity, 3);
                    };
                    offsets[parity][s] = at;
                    at += limits[parity][s];
                }
                REFERENCE.embedPass(marked, FIRST_ROW, parity, peak[parity], THRESHOLDS[0], bits, offsets[parity],
                        limits[parity]);
            }
            passMarked.add(marked);
            for (int t = 1; t < THRESHOLDS.length; t++) {
                Volume v = narrow();
                for (int parity = 0; parity < 2; parity++) {
                    REFERENCE.embedPass(v, FIRST_ROW, parity, peak[parity], THRESHOLDS[t], bits, offsets[parity],
                            limits[parity]);
                }
                passMarked.add(v);
            }
            blockBits = new long[grids.size()][SLICES][];
            for (int g = 0; g < grids.size(); g++) {
                // Only the bits each block carries: 16 on slices 1.., the leading code on slice 0.
                int leading = TamperLayer.leadingBits(params.get(g), grids.get(g), SLICES);
                for (int s = 0; s < SLICES; s++) {
                    long mask = -1L >>> (64 - (s == 0 ? leading : 16));
                    blockBits[g][s] = r.longs(grids.get(g).blockCount()).map(w -> w & mask).toArray();
                }
            }
            delta = new int[(ROWS / 8) * (COLUMNS / 8) * 64];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = r.nextInt(8) == 0 ? r.nextInt(2 * 64 * (hi - lo) + 1) - 64 * (hi - lo)
                        : r.nextInt(41) - 20;
            }
            for (int g = 0; g < grids.size(); g++) {
                Volume v = narrow();
                embedBlocks(REFERENCE, v, g);
                blockMarked.add(v);
            }
        }

        private static long pair(long[] h, int p) {
            int i = p - Backend.HIST_MIN;
            return h[i] + (i > 0 ? h[i - 1] : 0);
        }

        Volume wide() {
            return wide.copy();
        }

        Volume narrow() {
            return narrow.copy();
        }

        Volume passMarked(int threshold) {
            return passMarked.get(threshold).copy();
        }

        Volume blockMarked(int grid) {
            return blockMarked.get(grid).copy();
        }

        /** Layer T's two calls: 16 bits per block on slices 1.., the longer leading code on slice 0. */
        int[][] embedBlocks(Backend b, Volume v, int g) {
            BlockGrid grid = grids.get(g);
            int[][] carried = new int[SLICES][2 * grid.blockCount()];
            long[][] rest = new long[SLICES - 1][];
            for (int s = 1; s < SLICES; s++) {
                rest[s - 1] = blockBits[g][s].clone();
            }
            b.embedBlocks(v, 1, SLICES, grid, 16, rest, Arrays.copyOfRange(carried, 1, SLICES));
            b.embedBlocks(v, 0, 1, grid, TamperLayer.leadingBits(params.get(g), grid, SLICES), new long[][] {blockBits[g][0]
                    .clone()}, new int[][] {carried[0]});
            return carried;
        }
    }
}
