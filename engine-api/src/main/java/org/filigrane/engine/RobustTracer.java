package org.filigrane.engine;

import com.google.zxing.common.reedsolomon.GenericGF;
import com.google.zxing.common.reedsolomon.ReedSolomonDecoder;
import com.google.zxing.common.reedsolomon.ReedSolomonException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Layer D's detector: finds the geometry of the marked tile grid in a copy (orientation, rescale, crop offset) with
 * the issuer-wide sync pattern, then scores candidate patterns there. It decides no pixel, so it computes in floating
 * point; its decisions rest on a bound that holds whatever the image (docs/FORMAT-D.md, "Detection").
 *
 * <p>Geometry: the copy is brought upright (each of the 8 flips and quarter turns undone) and, in a second pass,
 * resampled by each trial scale; the five band coefficients of the 8x8 block at every pixel offset are computed
 * densely, turned into votes (divided by their median magnitude and clipped to [-1, 1]), folded modulo the
 * 128-pixel tile and centred; every one of the 128 x 128 translations is then scored against the sync pattern.
 * The best {@link #KEEP} geometries per slice and pass go on to candidate scoring.
 *
 * <p>Score of a candidate at a geometry: {@code T = sum_i chip_i w_i / sqrt(sum_i w_i^2)} over the 512 recipient
 * slots, w the folded votes there. In a copy that does not carry the candidate, its chips are independent of the
 * image and of w, so by Hoeffding's inequality {@code P(T >= t) <= exp(-t^2 / 2)}, whatever the image.
 */
final class RobustTracer {
    /** Fewest and most geometries kept per slice and pass for candidate scoring (see {@link #keep}). */
    static final int KEEP = 8;
    static final int MAX_KEEP = 64;
    /** Side of the central window of the resampled copy on which the scale pass ranks the trial scales. */
    static final int RANK_WINDOW = 4 * RobustLayer.TILE_PIXELS;
    /** Ratio between neighbouring trial scales of the second pass. */
    static final double STEP = 1.015;
    /** Trial scales of the second pass: 0.5 to 2 (without 1) in steps of 1.5 %, refined by thirds around the best. */
    static final double[] SCALES = scales();

    private static final double[][] COS = new double[8][8];
    private static final int[] BAND_U = {0, 1, 0, 1, 2};
    private static final int[] BAND_V = {1, 0, 2, 1, 0};
    private static final int T = RobustLayer.TILE_PIXELS;
    private static final int MARK = 2 * RobustLayer.POSITIONS;
    /** Samples of an 8x8 block at the image's extreme values from which the block counts as clipped (a quarter). */
    static final int CLIPPED_SAMPLES = 16;

    static {
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) {
                COS[u][x] = org.filigrane.engine.reference.ReferenceDct.basis(u, x) / 16384.0;
            }
        }
    }

    private static double[] scales() {
        List<Double> list = new ArrayList<>();
        for (double s = 0.75; s <= 2.0001; s *= STEP) {
            if (Math.abs(s - 1) > 0.006) {
                list.add(s);
            }
        }
        for (double s = 0.75 / STEP; s >= 0.49; s /= STEP) {
            list.add(s);
        }
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private final RobustLayer layer;
    /** Band index (into BAND) of the sync slot of each position, and of each recipient slot. */
    private final int[] syncBand = new int[RobustLayer.POSITIONS];
    private final int[] markBand = new int[MARK];
    private final int[] markPosition = new int[MARK];

    RobustTracer(RobustLayer layer) {
        this.layer = layer;
        for (int p = 0; p < RobustLayer.POSITIONS; p++) {
            syncBand[p] = bandIndex(layer.coefficientOf[p * RobustLayer.CHIPS_PER_BLOCK]);
        }
        for (int i = 0; i < MARK; i++) {
            int slot = RobustLayer.recipientSlot(i);
            markBand[i] = bandIndex(layer.coefficientOf[slot]);
            markPosition[i] = slot / RobustLayer.CHIPS_PER_BLOCK;
        }
    }

    private static int bandIndex(int coefficient) {
        for (int k = 0; k < RobustLayer.BAND.length; k++) {
            if (RobustLayer.BAND[k] == coefficient) {
                return k;
            }
        }
        throw new IllegalStateException("coefficient " + coefficient + " is not in the band");
    }

    /**
     * A geometry: how the copy was turned and scaled, where a tile starts in the upright copy, the sync score, and
     * the folded votes at the 512 recipient slots with their sum of squares.
     */
    record Geometry(Dihedral orientation, double scale, int offsetRow, int offsetColumn, double sync, float[] weights,
            double squares) {
    }

    /** Geometries kept per slice and pass for {@code candidates} candidates: more when there are few. */
    static int keep(int candidates, int slices) {
        long k = (1L << 19) / Math.max(1, (long) candidates * slices);
        return (int) Math.max(KEEP, Math.min(MAX_KEEP, k));
    }

    /**
     * The best {@code keep} geometries of one slice for one pass: scale 1 with every orientation, or the trial
     * scales upright. The scale pass ranks every scale by the sync score of a central window of at most 512 x 512
     * pixels of the resampled copy and searches the whole copy at the best three and their neighbours.
     */
    List<Geometry> search(Volume v, int slice, boolean rescaled, int keep) {
        List<Geometry> kept = new ArrayList<>();
        if (!rescaled) {
            // The 8 orientations are independent searches: one per core, gathered in orientation order.
            List<List<Geometry>> perOrientation = java.util.stream.IntStream.range(0, Dihedral.values().length)
                    .parallel().mapToObj(i -> {
                        Dihedral d = Dihedral.values()[i];
                        Volume upright = d.undo(v, slice);
                        return searchUpright(values(upright), upright.rows(), upright.columns(), d, 1.0, keep);
                    }).toList();
            perOrientation.forEach(kept::addAll);
        } else {
            double[] image = values(v.withSlices(slice));
            double[] rank = new double[SCALES.length];
            java.util.stream.IntStream.range(0, SCALES.length).parallel().forEach(i -> {
                double s = SCALES[i];
                int rows = (int) Math.floor(v.rows() / s);
                int columns = (int) Math.floor(v.columns() / s);
                double[] resampled = resample(image, v.rows(), v.columns(), rows, columns, s);
                int h = Math.min(rows, RANK_WINDOW);
                int w = Math.min(columns, RANK_WINDOW);
                double[] window = new double[h * w];
                int top = (rows - h) / 2;
                int left = (columns - w) / 2;
                for (int r = 0; r < h; r++) {
                    System.arraycopy(resampled, (top + r) * columns + left, window, r * w, w);
                }
                List<Geometry> g = searchUpright(window, h, w, Dihedral.IDENTITY, s, 1);
                rank[i] = g.isEmpty() ? Double.NEGATIVE_INFINITY : g.get(0).sync();
            });
            Integer[] order = new Integer[SCALES.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(rank[b], rank[a]));
            double fine = Math.cbrt(STEP);
            List<Double> refined = new ArrayList<>();
            for (int i = 0; i < Math.min(3, order.length); i++) {
                for (double f : new double[] {1 / fine, 1, fine}) {
                    refined.add(SCALES[order[i]] * f);
                }
            }
            List<List<Geometry>> perScale = refined.parallelStream().map(s -> {
                int rows = (int) Math.floor(v.rows() / s);
                int columns = (int) Math.floor(v.columns() / s);
                return searchUpright(resample(image, v.rows(), v.columns(), rows, columns, s), rows, columns,
                        Dihedral.IDENTITY, s, keep);
            }).toList();
            perScale.forEach(kept::addAll);
        }
        kept.sort(Comparator.comparingDouble(Geometry::sync).reversed());
        return new ArrayList<>(kept.subList(0, Math.min(keep, kept.size())));
    }

    private static double[] values(Volume v) {
        short[] pixels = v.slice(0);
        double[] out = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = v.format().value(pixels[i]);
        }
        return out;
    }

    /** Bilinear resampling of an {@code rows x columns} image scaled by {@code scale} back to its original size. */
    static double[] resample(double[] in, int inRows, int inColumns, int rows, int columns, double scale) {
        double[] out = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            double y = Math.max(0, Math.min(inRows - 1, (r + 0.5) * scale - 0.5));
            int y0 = (int) y;
            int y1 = Math.min(inRows - 1, y0 + 1);
            double fy = y - y0;
            for (int c = 0; c < columns; c++) {
                double x = Math.max(0, Math.min(inColumns - 1, (c + 0.5) * scale - 0.5));
                int x0 = (int) x;
                int x1 = Math.min(inColumns - 1, x0 + 1);
                double fx = x - x0;
                double top = in[y0 * inColumns + x0] * (1 - fx) + in[y0 * inColumns + x1] * fx;
                double bottom = in[y1 * inColumns + x0] * (1 - fx) + in[y1 * inColumns + x1] * fx;
                out[r * columns + c] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }

    /** The best KEEP translations of an upright image. */
    private List<Geometry> searchUpright(double[] image, int rows, int columns, Dihedral orientation, double scale,
            int keep) {
        if (rows < 16 || columns < 16) {
            return List.of();
        }
        float[][] fold = fold(image, rows, columns);
        if (fold == null) {
            return List.of();
        }
        // Sync score of every translation (ty, tx) = (8 a + oy, 8 b + ox): tile position (pr, pc) sits in fold cell
        // ((8 (pr + a) + oy) mod T, (8 (pc + b) + ox) mod T). Per origin (oy, ox) the cells form a 16 x 16 grid per
        // band term, copied twice in each direction so that the phase (a, b) is a plain offset.
        double[] best = new double[keep];
        int[] bestAt = new int[keep];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        int n = RobustLayer.TILE;
        int wide = 2 * n;
        float[] grid = new float[5 * wide * wide];
        float[] squaresGrid = new float[grid.length];
        int[] index = new int[RobustLayer.POSITIONS];
        for (int p = 0; p < RobustLayer.POSITIONS; p++) {
            index[p] = syncBand[p] * wide * wide + (p / n) * wide + p % n;
        }
        int[] signs = layer.syncSign;
        for (int oy = 0; oy < 8; oy++) {
            for (int ox = 0; ox < 8; ox++) {
                for (int k = 0; k < 5; k++) {
                    for (int gy = 0; gy < wide; gy++) {
                        for (int gx = 0; gx < wide; gx++) {
                            float w = fold[k][((8 * gy + oy) & (T - 1)) * T + ((8 * gx + ox) & (T - 1))];
                            grid[k * wide * wide + gy * wide + gx] = w;
                            squaresGrid[k * wide * wide + gy * wide + gx] = w * w;
                        }
                    }
                }
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        int shift = a * wide + b;
                        double sum = 0;
                        double squares = 0;
                        for (int p = 0; p < RobustLayer.POSITIONS; p++) {
                            int at = index[p] + shift;
                            sum += signs[p] * grid[at];
                            squares += squaresGrid[at];
                        }
                        double score = squares > 0 ? sum / Math.sqrt(squares) : 0;
                        if (score > best[keep - 1]) {
                            int i = keep - 1;
                            while (i > 0 && best[i - 1] < score) {
                                best[i] = best[i - 1];
                                bestAt[i] = bestAt[i - 1];
                                i--;
                            }
                            best[i] = score;
                            bestAt[i] = (8 * a + oy) * T + 8 * b + ox;
                        }
                    }
                }
            }
        }
        List<Geometry> out = new ArrayList<>();
        for (int i = 0; i < keep && best[i] > Double.NEGATIVE_INFINITY; i++) {
            int ty = bestAt[i] / T;
            int tx = bestAt[i] % T;
            float[] weights = new float[MARK];
            double squares = 0;
            for (int m = 0; m < MARK; m++) {
                int p = markPosition[m];
                int y = ((p / RobustLayer.TILE) * 8 + ty) & (T - 1);
                int x = ((p % RobustLayer.TILE) * 8 + tx) & (T - 1);
                weights[m] = fold[markBand[m]][y * T + x];
                squares += (double) weights[m] * weights[m];
            }
            out.add(new Geometry(orientation, scale, ty, tx, best[i], weights, squares));
        }
        return out;
    }

    /**
     * Dense band coefficients of the 8x8 block at every offset, as votes clipped to [-1, 1] in units of their median
     * magnitude, summed modulo the tile ({@code fold[k][y * T + x]}) and centred: from each band term and each of
     * the 64 offsets within a block the mean over the tile's covered cells is taken away, which removes what the
     * host's smooth shading adds to every block alike.
     */
    private static float[][] fold(double[] image, int rows, int columns) {
        int outRows = rows - 7;
        int outColumns = columns - 7;
        // Row pass: horizontal frequencies 0..2 of the 8 pixels starting at every column.
        double[][] rowPass = new double[3][rows * outColumns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < outColumns; c++) {
                int at = r * columns + c;
                for (int f = 0; f < 3; f++) {
                    double sum = 0;
                    for (int y = 0; y < 8; y++) {
                        sum += COS[f][y] * image[at + y];
                    }
                    rowPass[f][r * outColumns + c] = sum;
                }
            }
        }
        double[][] dense = new double[5][outRows * outColumns];
        for (int k = 0; k < 5; k++) {
            double[] cos = COS[BAND_U[k]];
            double[] in = rowPass[BAND_V[k]];
            double[] out = dense[k];
            for (int r = 0; r < outRows; r++) {
                for (int c = 0; c < outColumns; c++) {
                    double sum = 0;
                    for (int x = 0; x < 8; x++) {
                        sum += cos[x] * in[(r + x) * outColumns + c];
                    }
                    out[r * outColumns + c] = sum;
                }
            }
        }
        double[] sample = new double[5 * ((outRows + 7) / 8) * ((outColumns + 7) / 8)];
        int n = 0;
        for (int k = 0; k < 5; k++) {
            for (int r = 0; r < outRows; r += 8) {
                for (int c = 0; c < outColumns; c += 8) {
                    double a = Math.abs(dense[k][r * outColumns + c]);
                    if (a > 0) {
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
        float[][] fold = new float[5][T * T];
        int[] covered = new int[T * T];
        boolean[] clipped = clippedBlocks(image, rows, columns);
        for (int r = 0; r < outRows; r++) {
            for (int c = 0; c < outColumns; c++) {
                int cell = (r & (T - 1)) * T + (c & (T - 1));
                covered[cell]++;
                if (clipped[r * outColumns + c]) {
                    continue;
                }
                for (int k = 0; k < 5; k++) {
                    double vote = dense[k][r * outColumns + c] / unit;
                    fold[k][cell] += (float) Math.max(-1, Math.min(1, vote));
                }
            }
        }
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
        return fold;
    }

    /**
     * The block offsets whose 8x8 block has at least {@link #CLIPPED_SAMPLES} samples at the image's lowest or highest
     * value: where an export's window clipped the image the mark is gone, and the clip's edge gives large band terms
     * of its own that would only add noise to the votes, so these offsets vote 0. This depends on the image alone,
     * so the false-positive bound still holds.
     */
    private static boolean[] clippedBlocks(double[] image, int rows, int columns) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : image) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        // Integral image of the extreme samples: each offset's count in O(1).
        int[] integral = new int[(rows + 1) * (columns + 1)];
        for (int r = 0; r < rows; r++) {
            int line = 0;
            for (int c = 0; c < columns; c++) {
                double x = image[r * columns + c];
                line += x == min || x == max ? 1 : 0;
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

    /** The best of a run of candidates: overall (index into the list, or -1) and per slice. */
    private static final class Scores {
        double bestScore = Double.NEGATIVE_INFINITY;
        int best = -1;
        Geometry bestGeometry;
        final double[] sliceBest;
        final int[] sliceWinner;

        Scores(int slices) {
            sliceBest = new double[slices];
            sliceWinner = new int[slices];
            Arrays.fill(sliceBest, Double.NEGATIVE_INFINITY);
        }
    }

    /**
     * Scores candidates {@code from..to-1} at every kept geometry of every slice, and for volumes also over the
     * slices together at each slice's leading geometry.
     */
    private static Scores score(List<Prepared> candidates, int from, int to, List<List<Geometry>> geometries) {
        int slices = geometries.size();
        Scores out = new Scores(slices);
        for (int c = from; c < to; c++) {
            Prepared candidate = candidates.get(c);
            double combined = 0;
            double combinedSquares = 0;
            for (int s = 0; s < slices; s++) {
                List<Geometry> g = geometries.get(s);
                for (int i = 0; i < g.size(); i++) {
                    Geometry geometry = g.get(i);
                    double correlation = correlation(candidate.chips(), geometry);
                    if (i == 0) {
                        combined += correlation;
                        combinedSquares += geometry.squares();
                    }
                    double score = geometry.squares() > 0 ? correlation / Math.sqrt(geometry.squares()) : 0;
                    if (score > out.sliceBest[s]) {
                        out.sliceBest[s] = score;
                        out.sliceWinner[s] = c;
                    }
                    if (score > out.bestScore) {
                        out.bestScore = score;
                        out.best = c;
                        out.bestGeometry = geometry;
                    }
                }
            }
            if (slices > 1 && combinedSquares > 0) {
                double score = combined / Math.sqrt(combinedSquares);
                if (score > out.bestScore) {
                    out.bestScore = score;
                    out.best = c;
                    out.bestGeometry = geometries.get(0).isEmpty() ? out.bestGeometry : geometries.get(0).get(0);
                }
            }
        }
        return out;
    }

    /** {@code T} of {@code chips} (a {@link RobustLayer#pattern}) at {@code g}: numerator only. */
    static double correlation(byte[] markChips, Geometry g) {
        double sum = 0;
        float[] w = g.weights();
        for (int m = 0; m < MARK; m++) {
            sum += markChips[m] * w[m];
        }
        return sum;
    }

    /** The recipient-slot chips of a pattern, in recipient-slot order, as bytes. */
    static byte[] markChips(int[] pattern) {
        byte[] out = new byte[MARK];
        for (int m = 0; m < MARK; m++) {
            out[m] = (byte) pattern[RobustLayer.recipientSlot(m)];
        }
        return out;
    }

    /**
     * Reads the robust ID of the recipient of {@code key} blind at {@code g}: per codeword bit the sum of its slots'
     * votes times the recipient's spreading signs, hard decisions, un-whitening, Reed-Solomon decoding.
     * Null when the decoder fails.
     */
    Long decode(RobustLayer.RecipientKey key, Geometry g) {
        double[] correlation = new double[RobustLayer.CODE_BITS];
        for (int m = 0; m < MARK; m++) {
            int slot = RobustLayer.recipientSlot(m);
            correlation[layer.bitOf[slot]] += key.sign[slot] * g.weights()[m];
        }
        int[] received = new int[RobustLayer.CODE_BYTES];
        for (int bit = 0; bit < RobustLayer.CODE_BITS; bit++) {
            if (correlation[bit] > 0) {
                received[bit >> 3] |= 0x80 >>> (bit & 7);
            }
        }
        for (int i = 0; i < RobustLayer.CODE_BYTES; i++) {
            received[i] ^= key.whitening[i];
        }
        try {
            new ReedSolomonDecoder(GenericGF.QR_CODE_FIELD_256).decode(received, RobustLayer.EC_BYTES);
        } catch (ReedSolomonException e) {
            return null;
        }
        long id = 0;
        for (int i = 0; i < RobustLayer.DATA_BYTES; i++) {
            id = (id << 8) | received[i];
        }
        return id;
    }

    /** A candidate ready for scoring: its recipient-slot chips. */
    record Prepared(RobustCandidate candidate, byte[] chips) {
    }

    /**
     * Scores every candidate at the best geometries of every slice: first at scale 1 under the 8 orientations, then,
     * if no candidate passes, at the trial scales. The false-positive bound counts every (candidate, geometry) pair
     * that both passes may score, so that stopping after the first pass costs nothing in rigour.
     */
    TraceResult trace(Volume v, List<Prepared> candidates) {
        return trace(v, candidates, true);
    }

    /** As {@link #trace(Volume, List)}; without {@code rescaleSearch} only the first pass runs (tests, bulk trials). */
    TraceResult trace(Volume v, List<Prepared> candidates, boolean rescaleSearch) {
        int slices = v.slices();
        int keep = keep(candidates.size(), slices);
        long perPass = (long) candidates.size() * ((long) slices * keep + (slices > 1 ? 1 : 0));
        long planned = 2 * perPass;
        // Sync translations examined, for the "mark present" bound.
        long translations = (long) slices * T * T * (Dihedral.values().length + SCALES.length + 9);
        TraceResult first = pass(v, candidates, false, keep, planned, translations);
        if (first.found() || first.markPresent() || !rescaleSearch) {
            // Found, or the sync pattern placed the mark at scale 1: no rescale to search for.
            return first;
        }
        TraceResult second = pass(v, candidates, true, keep, planned, translations);
        if (second.found() || second.score() > first.score()) {
            return second;
        }
        return first;
    }

    private TraceResult pass(Volume v, List<Prepared> candidates, boolean rescaled, int keep, long planned,
            long translations) {
        int slices = v.slices();
        List<List<Geometry>> geometries = new ArrayList<>();
        double bestSync = Double.NEGATIVE_INFINITY;
        Geometry bestSyncGeometry = null;
        for (int s = 0; s < slices; s++) {
            List<Geometry> g = search(v, s, rescaled, keep);
            geometries.add(g);
            if (!g.isEmpty() && g.get(0).sync() > bestSync) {
                bestSync = g.get(0).sync();
                bestSyncGeometry = g.get(0);
            }
        }
        boolean markPresent = bestSync > 0
                && translations * Math.exp(-bestSync * bestSync / 2) <= TraceResult.FALSE_POSITIVE_LIMIT;
        // Candidates are scored in chunks, one per core; chunks are merged in list order with the same strict
        // comparisons as one loop, so the result does not depend on the thread count.
        int chunk = 256;
        List<Scores> parts = java.util.stream.IntStream.range(0, (candidates.size() + chunk - 1) / chunk).parallel()
                .mapToObj(part -> score(candidates, part * chunk, Math.min(candidates.size(), (part + 1) * chunk),
                        geometries)).toList();
        double bestScore = Double.NEGATIVE_INFINITY;
        Prepared best = null;
        Geometry bestGeometry = bestSyncGeometry;
        int[] sliceWinner = new int[slices];
        double[] sliceBest = new double[slices];
        Arrays.fill(sliceBest, Double.NEGATIVE_INFINITY);
        for (Scores part : parts) {
            if (part.best >= 0 && part.bestScore > bestScore) {
                bestScore = part.bestScore;
                best = candidates.get(part.best);
                bestGeometry = part.bestGeometry != null ? part.bestGeometry : bestGeometry;
            }
            for (int s = 0; s < slices; s++) {
                if (part.sliceBest[s] > sliceBest[s]) {
                    sliceBest[s] = part.sliceBest[s];
                    sliceWinner[s] = part.sliceWinner[s];
                }
            }
        }
        if (best == null) {
            return new TraceResult(false, null, 0, 0, 1, markPresent, "none", 1, 0, 0, 0, candidates.size());
        }
        double probability = bestScore > 0 ? Math.min(1, planned * Math.exp(-bestScore * bestScore / 2)) : 1;
        boolean found = probability <= TraceResult.FALSE_POSITIVE_LIMIT;
        int matched = 0;
        int winner = candidates.indexOf(best);
        for (int s = 0; s < slices; s++) {
            if (sliceWinner[s] == winner && sliceBest[s] > Double.NEGATIVE_INFINITY) {
                matched++;
            }
        }
        return new TraceResult(found, found ? best.candidate().recipient() : null,
                found ? best.candidate().robustId() : 0, bestScore, probability, markPresent,
                bestGeometry.orientation().label(), bestGeometry.scale(), bestGeometry.offsetRow(),
                bestGeometry.offsetColumn(), found ? matched : 0, candidates.size());
    }
}
