package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.filigrane.engine.spi.CellCode;

/**
 * Layer T (after Tan et al.), format 2: each block carries the 16-bit cell code ({@link CellCode}) of its own
 * content xor its slice index, embedded inside the block with the block-local predictor, so it verifies alone and
 * says which slice it belongs to; the leading slice's blocks also carry the code of every sample of the column under
 * them through slices 1..n-1. Block size and embedding threshold are chosen per volume (the finest block and fewest bins that
 * protect nearly every block) and found again by the verifier by trial-decoding one block row per candidate.
 */
final class TamperLayer {
    static final int HORIZONTAL_BITS = 16;
    /** Thresholds tried, fewest bins (least distortion) first. */
    static final int[] THRESHOLDS = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32};
    /** Thresholds tried with a block size that is not the profile's coarsest. */
    private static final int[] FINE_THRESHOLDS = {1, 2};

    private final Backend backend;

    TamperLayer(Backend backend) {
        this.backend = backend;
    }

    /** T's parameters for one volume: recorded in layer R's header, found by trial when verifying. */
    record Params(TamperProfile profile, int blockSize, int threshold) {
        BlockGrid grid(int rows, int columns) {
            return profile.grid(rows, columns, blockSize, threshold);
        }
    }

    /** How well the blocks are protected. */
    record Coverage(int blocks, int fullyProtected, int partlyProtected, int unprotected) {
    }

    /**
     * Verification of T; the volume is left restored to T's input. {@code origin[i]} is the slice index the blocks
     * of received slice i carry (a majority of its fully carried blocks), or -1 when no majority agrees.
     */
    record Check(Params params, List<TamperedCell> cells, int failedColumns, int uncheckedColumns,
            int unprotectedBlocks, int validBlocks, int totalBlocks, int[] origin) {
    }

    static int leadingBits(Params p, BlockGrid g, int slices) {
        int k = g.columnsPerBlockSide();
        return slices > 1 ? HORIZONTAL_BITS + p.profile().columnCodeBits() * k * k : HORIZONTAL_BITS;
    }

    /**
     * The 16-bit tag of slice index {@code s}, xor-ed onto the block code: a block whose content is intact gives
     * back the index it was embedded at ({@code carried ^ recomputed}), so moved slices name themselves.
     */
    static int tag(int s) {
        return s & 0xFFFF;
    }

    // ---- choosing the parameters ----

    /** Candidate parameters of a profile in order of preference, limited to what the range can make room for. */
    static List<Params> candidates(TamperProfile profile, PixelFormat f) {
        List<Params> out = new ArrayList<>();
        List<Integer> sizes = profile.blockSizes();
        for (int i = 0; i < sizes.size(); i++) {
            for (int t : i < sizes.size() - 1 ? FINE_THRESHOLDS : THRESHOLDS) {
                if (ReversibleLayer.rangeAllows(f, 1 + t)) {
                    out.add(new Params(profile, sizes.get(i), t));
                }
            }
        }
        return out;
    }

    /**
     * The first candidate that fully protects at least 99.95% of the (not cut-short) blocks of a few sample slices
     * (trial embeddings of random bits after making the range headroom), else the one that protects the most.
     * Layer R, embedded in between, can still leave a block short: the embedder then tries the next candidate.
     * {@code range} is the volume's value range when the caller has it (else null): clamping the trial copy is
     * skipped when the range already leaves the headroom.
     *
     * <p>Cheap on purpose (it runs on every embed): the leading sample slice, which carries the longest codes, is
     * tried first, and a candidate that has already lost more blocks there than the whole sample may lose is
     * dropped without trying the other slices. The other candidates are judged on every sample slice, so the
     * choice is the one a full trial of every candidate would make whenever some candidate passes.
     */
    Params choose(Volume v, TamperProfile profile, int[] range) {
        int n = v.slices();
        int[] sampleSlices = sampleSlices(n);
        Volume sample = v.withSlices(sampleSlices);
        Params best = null;
        long bestNum = -1;
        long bestDen = 1;
        for (Params p : candidates(profile, v.format())) {
            int s = 1 + p.threshold();
            PixelFormat f = v.format();
            boolean clamp = range == null || range[0] < f.min() + s || range[1] > f.max() - s;
            BlockGrid g = p.grid(v.rows(), v.columns());
            int blocks = g.blockCount();
            int whole = 0;
            for (int b = 0; b < blocks; b++) {
                whole += whole(g, b) ? 1 : 0;
            }
            long counted = (long) whole * sampleSlices.length;
            SplittableRandom r = new SplittableRandom(0x7A6L);
            long[][] bits = new long[sampleSlices.length][blocks];
            for (long[] row : bits) {
                for (int b = 0; b < blocks; b++) {
                    row[b] = r.nextLong();
                }
            }
            int leading = leadingBits(p, g, n);
            // Sample slice 0 is the volume's slice 0: it carries the leading slice's longer codes.
            Volume first = sample.withSlices(0).copy();
            if (clamp) {
                clampInward(first, s);
            }
            int[][] carried0 = new int[1][2 * blocks];
            backend.embedBlocks(first, 0, 1, g, leading, new long[][] {bits[0]}, carried0);
            long lost = lost(g, carried0, leading);
            long seen = whole;
            if (lost * 10_000 <= counted * 5 && sampleSlices.length > 1) {
                Volume rest = sample.withSlices(java.util.stream.IntStream.range(1, sampleSlices.length).toArray())
                        .copy();
                if (clamp) {
                    clampInward(rest, s);
                }
                int[][] carried = new int[rest.slices()][2 * blocks];
                backend.embedBlocks(rest, 0, rest.slices(), g, HORIZONTAL_BITS,
                        Arrays.copyOfRange(bits, 1, bits.length), carried);
                lost += lost(g, carried, HORIZONTAL_BITS);
                seen = counted;
            }
            long full = seen - lost;
            if (seen == counted && lost * 10_000 <= counted * 5) {
                return p;
            }
            if (best == null || full * bestDen > bestNum * seen) {
                best = p;
                bestNum = full;
                bestDen = Math.max(1, seen);
            }
        }
        return best;
    }

    /** Blocks (not cut short) of the trial slices that did not carry all {@code perBlock} bits. */
    private static long lost(BlockGrid g, int[][] carried, int perBlock) {
        long lost = 0;
        for (int[] c : carried) {
            for (int b = 0; b < g.blockCount(); b++) {
                if (whole(g, b) && c[2 * b] + c[2 * b + 1] != perBlock) {
                    lost++;
                }
            }
        }
        return lost;
    }

    /** Slice 0, 1, a third, two thirds and the last: distinct, in order. */
    private static int[] sampleSlices(int n) {
        return java.util.stream.IntStream.of(0, 1, n / 3, 2 * n / 3, n - 1).filter(s -> s < n).distinct().sorted()
                .toArray();
    }

    /** Whether a block is at least half a block on each side (cut-short slivers at the slice edge are not). */
    private static boolean whole(BlockGrid g, int b) {
        int top = b / g.blocksAcross() * g.blockSize();
        int left = b % g.blocksAcross() * g.blockSize();
        return 2 * Math.min(g.blockSize(), g.rows() - top) >= g.blockSize()
                && 2 * Math.min(g.blockSize(), g.columns() - left) >= g.blockSize();
    }

    /** Clamps values into [min + s, max - s], the headroom layer R will make, for trial embeddings. */
    private static void clampInward(Volume v, int s) {
        PixelFormat f = v.format();
        for (int sl = 0; sl < v.slices(); sl++) {
            short[] px = v.slice(sl);
            for (int i = 0; i < px.length; i++) {
                int x = f.value(px[i]);
                if (x < f.min() + s || x > f.max() - s) {
                    px[i] = f.store(Math.max(f.min() + s, Math.min(f.max() - s, x)));
                }
            }
        }
    }

    // ---- embedding ----

    Coverage embed(Volume w, Params p) {
        int n = w.slices();
        BlockGrid g = p.grid(w.rows(), w.columns());
        int blocks = g.blockCount();
        int[][] codes = new int[n][blocks];
        backend.blockCodes(w, 0, n, g, codes);
        int[][] carried = new int[n][2 * blocks];
        if (n > 1) {
            long[][] bits = new long[n - 1][blocks];
            for (int s = 1; s < n; s++) {
                int tag = tag(s);
                for (int b = 0; b < blocks; b++) {
                    bits[s - 1][b] = codes[s][b] ^ tag;
                }
            }
            backend.embedBlocks(w, 1, n, g, HORIZONTAL_BITS, bits, Arrays.copyOfRange(carried, 1, n));
        }
        int[] vertical = n > 1 ? columnCodes(w, p, g) : null;
        int leading = leadingBits(p, g, n);
        long[][] lead = new long[1][blocks];
        for (int b = 0; b < blocks; b++) {
            lead[0][b] = (codes[0][b] ^ tag(0)) | (vertical != null ? verticalBitsOfBlock(p, g, b, vertical)
                    : 0L);
        }
        backend.embedBlocks(w, 0, 1, g, leading, lead, new int[][] {carried[0]});
        int full = 0;
        int part = 0;
        int none = 0;
        for (int s = 0; s < n; s++) {
            int perBlock = s == 0 ? leading : HORIZONTAL_BITS;
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

    // ---- finding the parameters again ----

    /**
     * The candidate parameters (every profile) under which the volume's first block row decodes consistently,
     * most consistent first: for each candidate the first block row of slices 0, 1 and n-1 is extracted on a copy
     * and every fully carried block votes {@code carried ^ recomputed ^ slice index} (0 when the candidate is right
     * and the slice in place, noise otherwise). Cheap: three block rows per candidate.
     */
    List<Params> discover(Volume received) {
        List<Params> all = new ArrayList<>();
        for (TamperProfile profile : TamperProfile.values()) {
            all.addAll(candidates(profile, received.format()));
        }
        int n = received.slices();
        int[] probe = java.util.stream.IntStream.of(0, 1, n - 1).filter(s -> s < n).distinct().toArray();
        List<long[]> scored = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Params p = all.get(i);
            int crop = Math.min(received.rows(), p.blockSize());
            BlockGrid g = p.grid(crop, received.columns());
            int blocks = g.blocksAcross();
            int[] values = new int[probe.length * blocks];
            int count = 0;
            for (int s : probe) {
                Volume band = Volume.allocate(1, crop, received.columns(), received.format());
                System.arraycopy(received.slice(s), 0, band.slice(0), 0, crop * received.columns());
                int perBlock = s == 0 ? leadingBits(p, p.grid(received.rows(), received.columns()), n)
                        : HORIZONTAL_BITS;
                long[][] bits = new long[1][blocks];
                int[][] carried = new int[1][2 * blocks];
                backend.extractBlocks(band, 0, 1, g, perBlock, bits, carried);
                int[][] codes = new int[1][blocks];
                backend.blockCodes(band, 0, 1, g, codes);
                for (int b = 0; b < blocks; b++) {
                    if (carried[0][2 * b] + carried[0][2 * b + 1] == perBlock) {
                        values[count++] = (int) ((bits[0][b] ^ codes[0][b] ^ s) & 0xFFFF);
                    }
                }
            }
            int score = mode(Arrays.copyOf(values, count))[1];
            if (score >= 2 || (score == 1 && count <= 3)) {
                scored.add(new long[] {score, i});
            }
        }
        scored.sort((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
        List<Params> out = new ArrayList<>();
        for (long[] s : scored) {
            out.add(all.get((int) s[1]));
        }
        return out;
    }

    /** {most frequent value, its count} of {@code values} (count 0 when empty). */
    private static int[] mode(int[] values) {
        if (values.length == 0) {
            return new int[] {0, 0};
        }
        int[] v = values.clone();
        Arrays.sort(v);
        int best = v[0];
        int bestCount = 0;
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j < v.length && v[j] == v[i]) {
                j++;
            }
            if (j - i > bestCount) {
                best = v[i];
                bestCount = j - i;
            }
            i = j;
        }
        return new int[] {best, bestCount};
    }

    // ---- verification ----

    /**
     * The fast path for an untouched volume (after Tan et al.): decodes only the leading slice, checks its blocks,
     * then checks every column code against the code of every sample of slices 1..n-1 under it (one read-only pass).
     * Null when the leading slice does not carry T with these parameters.
     */
    Check screen(Volume received, Params p) {
        int n = received.slices();
        BlockGrid g = p.grid(received.rows(), received.columns());
        int blocks = g.blockCount();
        int leading = leadingBits(p, g, n);
        Volume lead = received.withSlices(0).copy();
        long[][] bits = new long[1][blocks];
        int[][] carried = new int[1][2 * blocks];
        backend.extractBlocks(lead, 0, 1, g, leading, bits, carried);
        int[][] codes = new int[1][blocks];
        backend.blockCodes(lead, 0, 1, g, codes);
        List<TamperedCell> cells = new ArrayList<>();
        int[] blockTally = checkBlocks(g, leading, bits, codes, carried, new int[] {0}, cells);
        if (2L * blockTally[0] <= blocks - blockTally[1]) {
            return null;
        }
        int[] columnTally = n > 1 ? checkColumns(p, g, leading, bits[0], carried[0], columnCodes(received, p, g),
                new boolean[blocks]) : new int[2];
        return new Check(p, cells, columnTally[0], columnTally[1], blockTally[1], blockTally[0], blocks,
                new int[] {0});
    }

    /**
     * Checks every block and column of {@code w} (a copy of {@code received}) and restores it in place to T's
     * input. A slice whose blocks agree on no index is decoded again in the other role (leading or not), from
     * {@code received}: a removed, inserted or moved leading slice then still names itself.
     */
    Check verifyAndRestore(Volume received, Volume w, Params p) {
        int n = w.slices();
        BlockGrid g = p.grid(w.rows(), w.columns());
        int blocks = g.blockCount();
        int[] columns = n > 1 ? columnCodes(w, p, g) : null;
        int leading = leadingBits(p, g, n);
        long[][] bits = new long[n][blocks];
        int[][] carried = new int[n][2 * blocks];
        backend.extractBlocks(w, 0, 1, g, leading, new long[][] {bits[0]}, new int[][] {carried[0]});
        if (n > 1) {
            backend.extractBlocks(w, 1, n, g, HORIZONTAL_BITS, Arrays.copyOfRange(bits, 1, n),
                    Arrays.copyOfRange(carried, 1, n));
        }
        int[][] codes = new int[n][blocks];
        backend.blockCodes(w, 0, n, g, codes);
        int[] perBlock = new int[n];
        Arrays.fill(perBlock, HORIZONTAL_BITS);
        perBlock[0] = leading;
        int[] origin = new int[n];
        for (int s = 0; s < n; s++) {
            origin[s] = claim(bits[s], codes[s], carried[s], perBlock[s], s, n);
        }
        if (n > 1) {
            for (int s = 0; s < n; s++) {
                if (origin[s] >= 0) {
                    continue;
                }
                // Decode the received slice again in the other role.
                int other = s == 0 ? HORIZONTAL_BITS : leading;
                Volume again = received.withSlices(s).copy();
                long[][] b2 = new long[1][blocks];
                int[][] c2 = new int[1][2 * blocks];
                backend.extractBlocks(again, 0, 1, g, other, b2, c2);
                int[][] k2 = new int[1][blocks];
                backend.blockCodes(again, 0, 1, g, k2);
                int o2 = claim(b2[0], k2[0], c2[0], other, s, n);
                if (o2 >= 0) {
                    origin[s] = o2;
                    perBlock[s] = other;
                    bits[s] = b2[0];
                    carried[s] = c2[0];
                    codes[s] = k2[0];
                    System.arraycopy(again.slice(0), 0, w.slice(s), 0, again.slice(0).length);
                }
            }
        }
        List<TamperedCell> cells = new ArrayList<>();
        int valid = 0;
        int unprotected = 0;
        for (int s = 0; s < n; s++) {
            int[] t = checkBlocks(g, perBlock[s], new long[][] {bits[s]}, new int[][] {codes[s]},
                    new int[][] {carried[s]}, new int[] {origin[s] >= 0 ? origin[s] : s}, cells, s);
            valid += t[0];
            unprotected += t[1];
        }
        int failedColumns = 0;
        int unchecked = 0;
        boolean[] leadingColumnFailed = new boolean[blocks];
        if (n > 1 && perBlock[0] == leading) {
            int[] columnTally = checkColumns(p, g, leading, bits[0], carried[0], columns, leadingColumnFailed);
            failedColumns = columnTally[0];
            unchecked = columnTally[1];
            // A column code can fail because a slice under it changed, because slices moved, or because the
            // leading block that carries it was altered (its code bits, not its content). When every block under
            // it verified and the failure is local (slices moving fail nearly every column), blame the carrier.
            if (2 * failedColumns < g.columnCount()) {
                for (int b = 0; b < blocks; b++) {
                    if (leadingColumnFailed[b] && verifiedBelow(bits, codes, carried, origin, b, n)) {
                        TamperedCell c = cell(g, 0, b);
                        if (!cells.contains(c)) {
                            cells.add(c);
                        }
                    }
                }
            }
        } else if (n > 1) {
            // The leading slice is gone or moved: its column codes cannot be read.
            failedColumns = g.columnCount();
        }
        return new Check(p, cells, failedColumns, unchecked, unprotected, valid, n * blocks, origin);
    }

    /**
     * The slice index most fully carried blocks of one slice name, when more than half of them agree; the slice's
     * own index when none is fully carried; else -1.
     */
    private static int claim(long[] bits, int[] codes, int[] carried, int perBlock, int self, int slices) {
        int[] values = new int[bits.length];
        int count = 0;
        for (int b = 0; b < bits.length; b++) {
            if (carried[2 * b] + carried[2 * b + 1] == perBlock) {
                values[count++] = (int) ((bits[b] ^ codes[b]) & 0xFFFF);
            }
        }
        if (count == 0) {
            return self;
        }
        int[] m = mode(Arrays.copyOf(values, count));
        if (2 * m[1] <= count) {
            return -1;
        }
        // Another index needs two blocks agreeing (one block alone always "agrees" with itself) and a plausible
        // value (far past the slice count it is a foreign slice or noise).
        return m[0] == self || (m[1] >= 2 && m[0] < slices + 64) ? m[0] : -1;
    }

    /**
     * Compares the carried horizontal bits (row i of the arrays is received slice {@code slice0 + i}, carrying
     * {@code perBlock} bits per block and tagged with index {@code index[i]}) with the recomputed codes, adding
     * failed blocks to {@code cells}. Returns {valid blocks, unprotected blocks}.
     */
    private static int[] checkBlocks(BlockGrid g, int perBlock, long[][] bits, int[][] codes, int[][] carried,
            int[] index, List<TamperedCell> cells, int... slice0) {
        int valid = 0;
        int unprotected = 0;
        int first = slice0.length > 0 ? slice0[0] : 0;
        for (int s = 0; s < bits.length; s++) {
            int tag = tag(index[s]);
            for (int b = 0; b < bits[s].length; b++) {
                long known = knownMask(perBlock, carried[s][2 * b], carried[s][2 * b + 1]) & 0xFFFFL;
                if (known == 0) {
                    unprotected++;
                } else if (((bits[s][b] ^ codes[s][b] ^ tag) & known) != 0) {
                    cells.add(cell(g, first + s, b));
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
    private static int[] checkColumns(Params p, BlockGrid g, int leading, long[] leadBits, int[] leadCarried,
            int[] expected, boolean[] failedCarrier) {
        int failed = 0;
        int unchecked = 0;
        int k = g.columnsPerBlockSide();
        int width = p.profile().columnCodeBits();
        for (int b = 0; b < leadBits.length; b++) {
            long known = knownMask(leading, leadCarried[2 * b], leadCarried[2 * b + 1]);
            long want = verticalBitsOfBlock(p, g, b, expected);
            for (int i = 0; i < k * k; i++) {
                if (columnOfBlock(g, b, i) < 0) {
                    continue;
                }
                long mask = known & (((1L << width) - 1) << (HORIZONTAL_BITS + width * i));
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
    private static boolean verifiedBelow(long[][] bits, int[][] codes, int[][] carried, int[] origin, int b,
            int n) {
        for (int s = 1; s < n; s++) {
            long known = knownMask(HORIZONTAL_BITS, carried[s][2 * b], carried[s][2 * b + 1]);
            int tag = tag(origin[s] >= 0 ? origin[s] : s);
            if (known == 0 || ((bits[s][b] ^ codes[s][b] ^ tag) & known) != 0) {
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

    /**
     * Column codes: from the column's seed, advanced over the cell's body in slices 1..n-1 ({@link
     * CellCode#advance}); the leading slice carries the low {@code columnCodeBits} of each.
     */
    private int[] columnCodes(Volume w, Params p, BlockGrid g) {
        int[] state = new int[g.columnCount()];
        for (int c = 0; c < state.length; c++) {
            state[c] = CellCode.seed(c);
        }
        backend.columnCodes(w, 1, w.slices(), g, state);
        int mask = (1 << p.profile().columnCodeBits()) - 1;
        for (int c = 0; c < state.length; c++) {
            state[c] &= mask;
        }
        return state;
    }

    /** The column codes a leading-slice block carries, placed after its 16 horizontal bits. */
    private static long verticalBitsOfBlock(Params p, BlockGrid g, int block, int[] codes) {
        int k = g.columnsPerBlockSide();
        int width = p.profile().columnCodeBits();
        long out = 0;
        for (int i = 0; i < k * k; i++) {
            int column = columnOfBlock(g, block, i);
            if (column >= 0) {
                out |= (long) codes[column] << (HORIZONTAL_BITS + width * i);
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
