package org.filigrane.engine;

import java.util.Arrays;

/**
 * Layer D's detector votes ({@link RobustTracer}, docs/FORMAT-D.md "Detection", steps 1 to 3): the five band terms
 * of the 8x8 block at every offset of a copy, with salt and pepper undone, turned into votes (in units of their
 * median magnitude, fading above the local margin, 0 in clipped blocks) and folded modulo the 128-pixel tile.
 * Floating point: it decides no pixel, and what it computes depends on the image alone, so the false-positive bound
 * holds whatever it gives. Every path (one pass down the image, row bands across the cores, the even offsets only)
 * forms each vote by the same sums in the same order.
 */
final class RobustVotes {
    private static final double[][] COS = new double[8][8];
    private static final int[] BAND_U = {0, 1, 0, 1, 2};
    private static final int[] BAND_V = {1, 0, 2, 1, 0};
    private static final int T = RobustLayer.TILE_PIXELS;
    /** Samples of an 8x8 block at the image's extreme values from which the block counts as clipped (a quarter). */
    static final int CLIPPED_SAMPLES = 16;
    /** Units (median band-term magnitudes) from which a band term votes 0 (see {@link #vote}). */
    static final double VOTE_ZERO = 4;
    /** Blocks either side of a block over which {@link #voting} takes the local median (5 x 5 blocks, 40 pixels). */
    static final int FADE_RADIUS = 2;

    static {
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) {
                COS[u][x] = org.filigrane.engine.reference.ReferenceDct.basis(u, x) / 16384.0;
            }
        }
    }

    private RobustVotes() {
    }

    /**
     * The votes of {@link #fold} at the block offsets (2 r, 2 c) only, {@code votes[k][r * ((columns - 6) / 2) + c]}:
     * a quarter of the column pass and half of the row pass. Null where {@link #fold} gives null.
     */
    static float[][] evenVotes(double[] image, int rows, int columns) {
        int outRows = rows - 7;
        int voteRows = (outRows + 1) / 2;
        int voteColumns = (columns - 6) / 2;
        Voting v = voting(image, rows, columns);
        if (v == null) {
            return null;
        }
        VoteRows votes = new VoteRows(v, rows, columns, 0, 2);
        float[][] row = new float[5][voteColumns];
        float[][] even = new float[5][voteRows * voteColumns];
        for (int r = 0; r < outRows; r += 2) {
            votes.next(r, row);
            for (int k = 0; k < 5; k++) {
                System.arraycopy(row[k], 0, even[k], (r / 2) * voteColumns, voteColumns);
            }
        }
        return even;
    }

    /**
     * Dense band coefficients of the 8x8 block at every offset, as votes clipped to [-1, 1] in units of their median
     * magnitude, summed modulo the tile ({@code fold[k][y * T + x]}) and centred: from each band term and each of
     * the 64 offsets within a block the mean over the tile's covered cells is taken away, which removes what the
     * host's smooth shading adds to every block alike. The detector folds through {@link #foldsOfEveryOrientation}
     * and {@link #foldRemapped}; this plain fold is the reference the tests hold them to (it needs {@link VoteRows}).
     */
    static float[][] fold(double[] image, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        Voting v = voting(image, rows, columns);
        if (v == null) {
            return null;
        }
        VoteRows votes = new VoteRows(v, rows, columns, 0, 1);
        float[][] row = new float[5][outColumns];
        float[][] fold = new float[5][T * T];
        int[] covered = new int[T * T];
        // Each cell receives its votes in raster order; a clipped offset adds a zero vote (the same sum as skipping
        // it), which keeps the inner loop free of branches.
        for (int r = 0; r < outRows; r++) {
            votes.next(r, row);
            int rowCell = (r & (T - 1)) * T;
            for (int c = 0; c < outColumns; c++) {
                covered[rowCell + (c & (T - 1))]++;
            }
            for (int k = 0; k < 5; k++) {
                float[] cells = fold[k];
                float[] from = row[k];
                for (int c0 = 0; c0 < outColumns; c0 += T) {
                    int end = Math.min(T, outColumns - c0);
                    for (int j = 0; j < end; j++) {
                        cells[rowCell + j] += from[c0 + j];
                    }
                }
            }
        }
        center(fold, covered);
        return fold;
    }

    /**
     * The votes of an image, one row of block offsets at a time, top to bottom. One pass down the image: the row
     * pass (horizontal frequencies 0..2 of the 8 pixels starting at every column) goes into a ring of 8 rows, from
     * which each output row's five band terms are formed and voted at once, so the working set stays in cache.
     * Loops run along rows (vectorizable); each term still sums its taps in order, exactly as in {@link #bandTerm}.
     */
    private static final class VoteRows {
        private final double[] image;
        private final boolean[] clipped;
        private final double unit;
        private final double[] local;
        private final int columns;
        private final int outColumns;
        private final int stride;
        private final int count;
        private final int across;
        private final int down;
        private final double[][] ring;
        private final double[] terms;
        private final double[] fade;
        private final float[] open;
        private int ready;

        /**
         * The votes of rows {@code first}, {@code first + 1}, ... (the ring fills from {@code first}), at the block
         * offsets 0, {@code stride}, 2 {@code stride}, ... of each row (stride 1: every offset; 2: the even ones).
         */
        VoteRows(Voting v, int rows, int columns, int first, int stride) {
            this.ready = first;
            this.image = v.image();
            this.clipped = v.clipped();
            this.unit = v.unit();
            this.local = v.local();
            this.columns = columns;
            this.outColumns = columns - 7;
            this.stride = stride;
            this.count = (outColumns + stride - 1) / stride;
            this.across = (outColumns + 7) / 8;
            this.down = (rows - 7 + 7) / 8;
            ring = new double[3][8 * count];
            terms = new double[count];
            fade = new double[count];
            open = new float[count];
        }

        /**
         * The votes of row {@code r} (called with r rising, from {@code first}): {@code out[k][c]} for the offset
         * {@code stride * c}, 0 where clipped.
         */
        void next(int r, float[][] out) {
            for (; ready < r + 8; ready++) {
                int to = (ready & 7) * count;
                for (int f = 0; f < 3; f++) {
                    double[] sums = ring[f];
                    Arrays.fill(sums, to, to + count, 0);
                    for (int y = 0; y < 8; y++) {
                        double weight = COS[f][y];
                        int from = ready * columns + y;
                        // Unit stride kept apart: the dense pass is the detector's hottest loop, and a loop over
                        // image[from + stride * c] is not vectorized.
                        if (stride == 1) {
                            for (int c = 0; c < count; c++) {
                                sums[to + c] += weight * image[from + c];
                            }
                        } else {
                            for (int c = 0; c < count; c++) {
                                sums[to + c] += weight * image[from + stride * c];
                            }
                        }
                    }
                }
            }
            int line = r * outColumns;
            for (int c = 0; c < count; c++) {
                open[c] = clipped[line + stride * c] ? 0f : 1f;
            }
            // The fade reference of each offset: the local median of the block its centre falls in.
            int by = Math.min(down - 1, (r + 4) / 8);
            for (int c = 0; c < count; c++) {
                fade[c] = local[by * across + Math.min(across - 1, (stride * c + 4) / 8)];
            }
            for (int k = 0; k < 5; k++) {
                bandTerms(terms, COS[BAND_U[k]], ring[BAND_V[k]], r, count);
                float[] to = out[k];
                for (int c = 0; c < count; c++) {
                    to[c] = open[c] * (float) vote(terms[c], unit, fade[c]);
                }
            }
        }
    }

    /**
     * The folds of the 8 orientations of an image at once (what {@link #fold} gives for {@code d.undo} of it, up to
     * the grid on which the vote unit and local medians are taken): the dense votes are computed once, and each
     * orientation's fold takes them from the mirrored or transposed block offset, its band terms transposed too and
     * negated where a flip reverses an odd frequency. For a block mirrored along its rows, C[u][7 - x] =
     * (-1)^u C[u][x] gives F'(u, v) = (-1)^u F(u, v); transposed, F'(u, v) = F(v, u). Null where {@link #voting}
     * gives null.
     */
    static float[][][] foldsOfEveryOrientation(double[] image, int rows, int columns) {
        float[][] dense = denseVotes(image, rows, columns);
        return dense == null ? null : foldsOfEveryOrientation(dense, rows, columns);
    }

    /**
     * The votes of every block offset, {@code votes[k][r * (columns - 7) + c]}: what {@link #fold} sums, in row
     * bands across the cores. Each band's ring starts at its own first row, and every vote is the same sum in the
     * same order as in one pass down the image. Null where {@link #voting} gives null.
     */
    static float[][] denseVotes(double[] image, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        Voting v = voting(image, rows, columns);
        if (v == null) {
            return null;
        }
        float[][] dense = new float[5][outRows * outColumns];
        int bands = Math.min(outRows, 2 * Runtime.getRuntime().availableProcessors());
        java.util.stream.IntStream.range(0, bands).parallel().forEach(b -> {
            int first = (int) ((long) b * outRows / bands);
            int end = (int) ((long) (b + 1) * outRows / bands);
            VoteRows votes = new VoteRows(v, rows, columns, first, 1);
            float[][] row = new float[5][outColumns];
            for (int r = first; r < end; r++) {
                votes.next(r, row);
                for (int k = 0; k < 5; k++) {
                    System.arraycopy(row[k], 0, dense[k], r * outColumns, outColumns);
                }
            }
        });
        return dense;
    }

    /**
     * The votes of {@code dense} ({@link #denseVotes}) at the even block offsets, as {@link #evenVotes} lays them out
     * (the same values: both take the same sums in the same order).
     */
    static float[][] evenOf(float[][] dense, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        int voteRows = (outRows + 1) / 2;
        int voteColumns = (outColumns + 1) / 2;
        float[][] even = new float[5][voteRows * voteColumns];
        for (int k = 0; k < 5; k++) {
            for (int r = 0; r < voteRows; r++) {
                for (int c = 0; c < voteColumns; c++) {
                    even[k][r * voteColumns + c] = dense[k][2 * r * outColumns + 2 * c];
                }
            }
        }
        return even;
    }

    /**
     * {@link #foldsOfEveryOrientation(double[], int, int)} from the image's dense votes ({@link #denseVotes}). Each
     * orientation sends every vote of one cell of the copy as it came (its offset modulo the tile) to one cell of the
     * upright copy: a mirrored offset {@code rows - 8 - r} is {@code rows - 8 - (r mod T)} modulo T. So the votes are
     * summed once, into the copy's own fold, and each orientation's fold is that fold's cells moved (and negated
     * where a flip reverses an odd frequency): each cell holds the same votes summed in the same raster order as
     * when every orientation sums them itself, and negating a sum is exact.
     */
    static float[][][] foldsOfEveryOrientation(float[][] dense, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        float[][] raw = new float[5][T * T];
        int[] rawCovered = new int[T * T];
        int[] rowCell = new int[outRows];
        for (int r = 0; r < outRows; r++) {
            rowCell[r] = (r & (T - 1)) * T;
        }
        int[] columnCell = new int[outColumns];
        for (int c = 0; c < outColumns; c++) {
            columnCell[c] = c & (T - 1);
        }
        scatter(dense, outColumns, rowCell, columnCell, raw, rawCovered);
        Dihedral[] orientations = Dihedral.values();
        float[][][] folds = new float[orientations.length][][];
        for (int i = 0; i < orientations.length; i++) {
            Dihedral d = orientations[i];
            // Where the votes of band k_I in cell (y, x) of the copy go in the upright copy: cell
            // rowPart[y] + columnPart[x], band band[k_I], times sign[k_I].
            int[] rowPart = new int[T];
            int[] columnPart = new int[T];
            for (int y = 0; y < T; y++) {
                int mirrored = d.flipsRows() ? rows - 8 - y : y;
                rowPart[y] = d.swaps() ? mirrored & (T - 1) : (mirrored & (T - 1)) * T;
            }
            for (int x = 0; x < T; x++) {
                int mirrored = d.flipsColumns() ? columns - 8 - x : x;
                columnPart[x] = d.swaps() ? (mirrored & (T - 1)) * T : mirrored & (T - 1);
            }
            int[] band = new int[5];
            float[] sign = new float[5];
            for (int k = 0; k < 5; k++) {
                int u = d.swaps() ? BAND_V[k] : BAND_U[k];
                int w = d.swaps() ? BAND_U[k] : BAND_V[k];
                for (int j = 0; j < 5; j++) {
                    if (BAND_U[j] == u && BAND_V[j] == w) {
                        band[k] = j;
                    }
                }
                // The image's row frequency is BAND_U[k], its column frequency BAND_V[k].
                int odd = (d.flipsRows() ? BAND_U[k] : 0) + (d.flipsColumns() ? BAND_V[k] : 0);
                sign[k] = (odd & 1) == 0 ? 1f : -1f;
            }
            float[][] fold = new float[5][T * T];
            int[] covered = new int[T * T];
            for (int y = 0; y < T; y++) {
                for (int x = 0; x < T; x++) {
                    int to = rowPart[y] + columnPart[x];
                    covered[to] = rawCovered[y * T + x];
                    for (int k = 0; k < 5; k++) {
                        // 0f + keeps a zero sum +0, as summing from +0 gives.
                        fold[band[k]][to] = 0f + sign[k] * raw[k][y * T + x];
                    }
                }
            }
            center(fold, covered);
            folds[i] = fold;
        }
        return folds;
    }

    /**
     * The fold at a neighbouring trial scale of the dense votes ({@link #denseVotes}) of a {@code rows x columns}
     * window at ({@code top}, {@code left}) of a resampled copy: each vote goes to the cell of its block's position in
     * the copy at the other scale, its centre scaled by {@code ratio} (this scale over the other) and rounded to the
     * nearest pixel, so cells are positions in the whole copy. One dense pass thus serves scales a fraction of a
     * percent apart: over 1 % an 8-pixel block changes by less than a tenth of a pixel, while positions drift by
     * pixels across the window, and those are remapped. With {@code ratio} 1 this is {@link #fold} of the window
     * (the same votes summed in the same order; the centring's means may round differently), its cells shifted by
     * the window's place in the copy.
     */
    static float[][] foldRemapped(float[][] dense, int rows, int columns, int top, int left, double ratio) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        int[] rowCell = new int[outRows];
        for (int r = 0; r < outRows; r++) {
            rowCell[r] = ((int) Math.round((top + r + 4) * ratio - 4) & (T - 1)) * T;
        }
        int[] columnCell = new int[outColumns];
        for (int c = 0; c < outColumns; c++) {
            columnCell[c] = (int) Math.round((left + c + 4) * ratio - 4) & (T - 1);
        }
        float[][] fold = new float[5][T * T];
        int[] covered = new int[T * T];
        scatter(dense, outColumns, rowCell, columnCell, fold, covered);
        center(fold, covered);
        return fold;
    }

    /**
     * Adds each vote of {@code votes} ({@code votes[k][r * columns + c]}) to cell {@code rowCell[r] + columnCell[c]}
     * of {@code fold[k]}, counting it in {@code covered}: in raster order, so each cell sums its votes in that order.
     */
    static void scatter(float[][] votes, int columns, int[] rowCell, int[] columnCell, float[][] fold, int[] covered) {
        for (int r = 0; r < rowCell.length; r++) {
            int a = rowCell[r];
            int line = r * columns;
            for (int c = 0; c < columns; c++) {
                covered[a + columnCell[c]]++;
            }
            for (int k = 0; k < 5; k++) {
                float[] cells = fold[k];
                float[] from = votes[k];
                for (int c = 0; c < columns; c++) {
                    cells[a + columnCell[c]] += from[line + c];
                }
            }
        }
    }

    /**
     * Centres a fold: from each band term and each of the 64 offsets within a block, the mean over the tile's
     * covered cells is taken away.
     */
    static void center(float[][] fold, int[] covered) {
        for (int k = 0; k < 5; k++) {
            for (int oy = 0; oy < 8; oy++) {
                for (int ox = 0; ox < 8; ox++) {
                    double sum = 0;
                    int cells = 0;
                    for (int y = oy; y < T; y += 8) {
                        for (int x = ox; x < T; x += 8) {
                            if (covered[y * T + x] > 0) {
                                sum += fold[k][y * T + x];
                                cells++;
                            }
                        }
                    }
                    if (cells == 0) {
                        continue;
                    }
                    float mean = (float) (sum / cells);
                    for (int y = oy; y < T; y += 8) {
                        for (int x = ox; x < T; x += 8) {
                            if (covered[y * T + x] > 0) {
                                fold[k][y * T + x] -= mean;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The vertical half of the band terms of the 8x8 blocks whose top row is {@code r}, one per column:
     * {@code terms[c] = sum over x of cos[x] * in[row (r + x) mod 8 of the ring][c]}, rows in this order (the sums
     * must come out the same in every pass that computes them).
     */
    private static void bandTerms(double[] terms, double[] cos, double[] in, int r, int columns) {
        Arrays.fill(terms, 0);
        for (int x = 0; x < 8; x++) {
            double weight = cos[x];
            int from = ((r + x) & 7) * columns;
            for (int c = 0; c < columns; c++) {
                terms[c] += weight * in[from + c];
            }
        }
    }

    /** Band term {@code k} of the 8x8 block at ({@code r}, {@code c}), summed in the order of the dense pass. */
    private static double bandTerm(double[] image, int columns, int k, int r, int c) {
        double[] vertical = COS[BAND_U[k]];
        double[] horizontal = COS[BAND_V[k]];
        double sum = 0;
        for (int x = 0; x < 8; x++) {
            double row = 0;
            for (int y = 0; y < 8; y++) {
                row += horizontal[y] * image[(r + x) * columns + c + y];
            }
            sum += vertical[x] * row;
        }
        return sum;
    }

    /**
     * The block offsets whose 8x8 block has at least {@link #CLIPPED_SAMPLES} samples at the image's lowest or highest
     * value: where an export's window clipped the image the mark is gone, and the clip's edge gives large band terms
     * of its own that would only add noise to the votes, so these offsets vote 0. So do those whose block holds a
     * sample with no data ({@code missing}, may be null). This depends on the image alone, so the false-positive
     * bound still holds.
     */
    private static boolean[] clippedBlocks(double[] image, int rows, int columns, boolean[] missing) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : image) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        // Integral image of the extreme samples: each offset's count in O(1).
        // A sample with no data counts as a whole block of extremes: one is enough to clip its blocks.
        int[] integral = new int[(rows + 1) * (columns + 1)];
        for (int r = 0; r < rows; r++) {
            int line = 0;
            for (int c = 0; c < columns; c++) {
                double x = image[r * columns + c];
                line += missing != null && missing[r * columns + c] ? CLIPPED_SAMPLES : x == min || x == max ? 1 : 0;
                integral[(r + 1) * (columns + 1) + c + 1] = integral[r * (columns + 1) + c + 1] + line;
            }
        }
        int outRows = rows - 7;
        int outColumns = columns - 7;
        boolean[] out = new boolean[outRows * outColumns];
        for (int r = 0; r < outRows; r++) {
            for (int c = 0; c < outColumns; c++) {
                int n = integral[(r + 8) * (columns + 1) + c + 8] - integral[r * (columns + 1) + c + 8]
                        - integral[(r + 8) * (columns + 1) + c] + integral[r * (columns + 1) + c];
                out[r * outColumns + c] = n >= CLIPPED_SAMPLES;
            }
        }
        return out;
    }

    /**
     * The vote of a band term {@code term} in units of {@code unit} (the image's median band-term magnitude): linear
     * up to one unit, then fading linearly to 0 at {@link #VOTE_ZERO} times {@code fade} (the local median,
     * {@link #voting}, at least {@code unit}), and 0 beyond. Why it fades: the embedder pushes a chip's coefficient
     * to exactly its margin when the host's is smaller, leaves a larger one alone when it shows the chip's sign and
     * gives it up when it shows the other. So whatever the chip, a host term well above the block's margin is as
     * likely to have either sign: such terms (edges, a window's blurred clip, an impulse) carry no information and
     * would only add noise at full weight. Margins vary across an image (texture masking, the strong marks outside
     * the window), hence the local reference: a region marked strongly keeps its votes.
     */
    static double vote(double term, double unit, double fade) {
        double x = Math.abs(term) / unit;
        if (x <= 1) {
            return term / unit;
        }
        double zero = VOTE_ZERO * fade / unit;
        return x >= zero ? 0 : Math.signum(term) * (zero - x) / (zero - 1);
    }

    /**
     * What voting needs of an image, from one pass over its blocks: the image with salt and pepper undone, the
     * clipped blocks (taken before, on the image as it came), the vote unit (the median magnitude of the nonzero
     * band terms of the unclipped blocks on the grid at (0, 0); a window's black or white would otherwise pull it
     * towards 0) and, per block of that grid ({@code ((outRows + 7) / 8) x ((outColumns + 7) / 8)}), the median of
     * the same terms within {@link #FADE_RADIUS} blocks of it, at least the unit (see {@link #vote}).
     */
    record Voting(double[] image, boolean[] clipped, double unit, double[] local) {
    }

    /**
     * {@link Voting} of {@code image}; null when no unclipped block has a nonzero band term (nothing to vote). NaN
     * samples (no data: the corners of a copy the rotation pass turned back) are replaced by the mean of the others,
     * and every block that holds one counts as clipped.
     */
    static Voting voting(double[] image, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        boolean[] missing = null;
        double sum = 0;
        int known = 0;
        for (int i = 0; i < image.length; i++) {
            if (Double.isNaN(image[i])) {
                if (missing == null) {
                    missing = new boolean[image.length];
                }
                missing[i] = true;
            } else {
                sum += image[i];
                known++;
            }
        }
        if (missing != null) {
            if (known == 0) {
                return null;
            }
            image = image.clone();
            double fill = sum / known;
            for (int i = 0; i < image.length; i++) {
                if (missing[i]) {
                    image[i] = fill;
                }
            }
        }
        boolean[] clipped = clippedBlocks(image, rows, columns, missing);
        image = withoutImpulses(image, rows, columns);
        int down = (outRows + 7) / 8;
        int across = (outColumns + 7) / 8;
        double[] terms = new double[down * across * 5];
        boolean[] open = new boolean[down * across];
        double[] sample = new double[terms.length];
        int n = 0;
        for (int by = 0; by < down; by++) {
            for (int bx = 0; bx < across; bx++) {
                int b = by * across + bx;
                open[b] = !clipped[8 * by * outColumns + 8 * bx];
                for (int k = 0; k < 5; k++) {
                    double a = Math.abs(bandTerm(image, columns, k, 8 * by, 8 * bx));
                    terms[b * 5 + k] = a;
                    if (open[b] && a > 0) {
                        sample[n++] = a;
                    }
                }
            }
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(sample, 0, n);
        double unit = sample[n / 2];
        double[] local = new double[down * across];
        // Row by row of blocks across the cores: each median is taken alone, so the split changes no value.
        java.util.stream.IntStream.range(0, down).parallel().forEach(by -> {
            double[] near = new double[5 * (2 * FADE_RADIUS + 1) * (2 * FADE_RADIUS + 1)];
            for (int bx = 0; bx < across; bx++) {
                int m = 0;
                for (int y = Math.max(0, by - FADE_RADIUS); y <= Math.min(down - 1, by + FADE_RADIUS); y++) {
                    for (int x = Math.max(0, bx - FADE_RADIUS); x <= Math.min(across - 1, bx + FADE_RADIUS); x++) {
                        if (open[y * across + x]) {
                            for (int k = 0; k < 5; k++) {
                                double a = terms[(y * across + x) * 5 + k];
                                if (a > 0) {
                                    near[m++] = a;
                                }
                            }
                        }
                    }
                }
                // Only max(unit, median) is wanted: where more than half the samples are at most the unit, that
                // is the unit; otherwise the median is the same order statistic among the samples above the unit
                // alone. Selection, not a sort: the same order statistic (the samples are positive and finite), a
                // third of the time; at most 125 samples, so quickselect's worst case stays small whatever the image.
                int below = 0;
                for (int i = 0; i < m; i++) {
                    below += near[i] <= unit ? 1 : 0;
                }
                if (m == 0 || below > m / 2) {
                    local[by * across + bx] = unit;
                } else {
                    int above = 0;
                    for (int i = 0; i < m; i++) {
                        if (near[i] > unit) {
                            near[above++] = near[i];
                        }
                    }
                    local[by * across + bx] = select(near, above, m / 2 - below);
                }
            }
        });
        return new Voting(image, clipped, unit, local);
    }

    /**
     * The {@code k}-th smallest of {@code a[0..n)} (0-based), as {@code a[k]} after {@code Arrays.sort(a, 0, n)} for
     * values with no NaN and no signed zeros of both signs; reorders {@code a[0..n)}. Hoare's selection with the
     * middle element as pivot (Wirth's form): linear on average, quadratic at worst, so for short runs only.
     */
    static double select(double[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = a[k];
            int i = lo;
            int j = hi;
            do {
                while (a[i] < pivot) {
                    i++;
                }
                while (pivot < a[j]) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            } while (i <= j);
            if (j < k) {
                lo = i;
            }
            if (k < i) {
                hi = j;
            }
        }
        return a[k];
    }

    /**
     * Salt and pepper undone: every pixel at the image's lowest or highest value with at most one of its 8 neighbours
     * at the same value is replaced by the median of those neighbours (mean of the middle two). A clipped region
     * (a window's black or white) is left as it is; an isolated extreme pixel there is noise, whose band terms
     * would swamp the mark's in every block it falls in. Border pixels are kept.
     */
    static double[] withoutImpulses(double[] in, int rows, int columns) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : in) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double[] out = in;
        double[] w = new double[8];
        for (int r = 1; r < rows - 1; r++) {
            for (int c = 1; c < columns - 1; c++) {
                double x = in[r * columns + c];
                if (x != min && x != max) {
                    continue;
                }
                int n = 0;
                int same = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if (dy != 0 || dx != 0) {
                            double y = in[(r + dy) * columns + c + dx];
                            w[n++] = y;
                            same += y == x ? 1 : 0;
                        }
                    }
                }
                if (same <= 1) {
                    if (out == in) {
                        out = in.clone();
                    }
                    Arrays.sort(w);
                    out[r * columns + c] = (w[3] + w[4]) / 2;
                }
            }
        }
        return out;
    }
}
