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
 * resampled by trial scales; isolated extreme pixels (salt and pepper) are replaced by their neighbours' median;
 * the five band coefficients of the 8x8 block at every pixel offset are computed densely, turned into votes (in
 * units of their median magnitude: linear up to one unit, fading to 0 at {@link RobustVotes#VOTE_ZERO}), folded
 * modulo the 128-pixel tile and centred ({@link RobustVotes}); every one of the 128 x 128 translations is then
 * scored against the sync pattern.
 * The best {@link #KEEP} geometries per slice and pass go on to candidate scoring. The second pass first ranks all
 * trial scales cheaply and searches exactly only around the best ({@link RobustScalePass}). The third pass
 * estimates the angle of a copy turned by other than quarter turns ({@link RobustRotation}), turns it back and
 * searches its 8 orientations at scale 1; it goes before the second where the estimate shows a clear lattice
 * ({@link #TURNED_FIRST}).
 *
 * <p>Score of a candidate at a geometry: {@code T = sum_i chip_i w_i / sqrt(sum_i w_i^2)} over the 512 recipient
 * slots, w the folded votes there. In a copy that does not carry the candidate, its chips are independent of the
 * image and of w, so {@code P(T >= t)} is bounded whatever the image ({@link RobustBound#chance}).
 */
final class RobustTracer {
    /** Fewest and most geometries kept per slice and pass for candidate scoring (see {@link #keep}). */
    static final int KEEP = 8;
    static final int MAX_KEEP = 64;
    /** Geometries kept per slice by the rotation pass: the others' least, so its share of the bound stays small. */
    static final int ROTATION_KEEP = KEEP;
    /**
     * Lattice strength ({@link RobustRotation.Estimate}) of the lead slice from which the rotation pass runs before
     * the scale pass. It orders the passes only; what either finds is bounded all the same.
     */
    static final double TURNED_FIRST = 4;

    private static final int T = RobustLayer.TILE_PIXELS;
    private static final int MARK = 2 * RobustLayer.POSITIONS;

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
     * A geometry: how the copy was turned and scaled, where a tile starts in the upright copy, the sync score, the
     * folded votes at the 512 recipient slots with their sum of squares, and the angle (degrees, clockwise on
     * screen) by which the rotation pass turned the copy back before undoing {@code orientation} (0 otherwise).
     */
    record Geometry(Dihedral orientation, double scale, int offsetRow, int offsetColumn, double sync, float[] weights,
            double squares, double angle) {
        /** The orientation's label, with the turn of the rotation pass when there was one. */
        String label() {
            return angle == 0 ? orientation.label()
                    : orientation.label() + String.format(java.util.Locale.ROOT, "+rotate %.1f", angle);
        }
    }

    /**
     * The searches of {@link #trace}, in order: scale 1 under the 8 orientations; the trial scales upright; the
     * copy turned back by its estimated angle ({@link RobustRotation}), then under the 8 orientations at scale 1.
     */
    enum Pass {
        SCALE_ONE, RESCALE, ROTATION
    }

    /**
     * A copy under trace and what its passes share. The rotation estimate of its lead slice (the middle one) decides
     * the order of the second and third passes ({@link #trace}); it is taken from the even votes of the first pass's
     * dense votes (the same values {@link RobustRotation#estimate} would compute) and kept for the rotation pass.
     * Only the lead slice's are kept: a volume's slices would hold a megabyte or more each.
     */
    static final class Copy {
        final Volume volume;
        final int lead;
        private float[][] leadVotes;
        private RobustRotation.Estimate leadEstimate;
        private boolean estimated;

        private final boolean estimates;

        /** A copy traced with every pass. */
        Copy(Volume volume) {
            this(volume, true);
        }

        /** {@code estimates} false: no rotation pass will run (blind detection), so no votes are kept for it. */
        Copy(Volume volume, boolean estimates) {
            this.volume = volume;
            this.lead = volume.slices() / 2;
            this.estimates = estimates;
        }

        void keepVotes(int slice, float[][] dense) {
            if (estimates && slice == lead && Math.min(volume.rows(), volume.columns()) >= RobustRotation.MIN_SIDE) {
                leadVotes = RobustVotes.evenOf(dense, volume.rows(), volume.columns());
            }
        }

        /**
         * The rotation estimate of {@code slice}, whose values are {@code image} where the caller has them (else
         * null); the lead slice's is computed once, from its kept votes.
         */
        RobustRotation.Estimate estimate(int slice, double[] image) {
            if (slice == lead && estimated) {
                return leadEstimate;
            }
            RobustRotation.Estimate e = slice == lead && leadVotes != null
                    ? RobustRotation.estimate(leadVotes, volume.rows(), volume.columns())
                    : RobustRotation.estimate(image != null ? image : values(volume.withSlices(slice)), volume.rows(),
                            volume.columns());
            if (slice == lead) {
                leadEstimate = e;
                leadVotes = null;
                estimated = true;
            }
            return e;
        }
    }

    /** Geometries kept per slice and pass for {@code candidates} candidates: more when there are few. */
    static int keep(int candidates, int slices) {
        long k = (1L << 19) / Math.max(1, (long) candidates * slices);
        return (int) Math.max(KEEP, Math.min(MAX_KEEP, k));
    }

    /**
     * The best {@code keep} geometries of one slice for one pass: scale 1 with every orientation, or the trial
     * scales upright, or the copy turned back. The scale pass ranks every trial scale by an approximate sync score
     * (exactly on a small copy) and searches the copy exactly (its central {@link RobustScalePass#EXACT_WINDOW})
     * around the best three ({@link RobustScalePass}). The rotation pass estimates the angle of the copy modulo a
     * quarter turn ({@link RobustRotation#estimate}), turns it back (bilinear, about its centre; pixels with no data
     * there vote 0) and searches the result under the 8 orientations; nothing where the estimate is 0 (the scale-1
     * pass searched that) or the copy is too small to estimate.
     */
    List<Geometry> search(Copy copy, int slice, Pass pass, int keep) {
        Volume v = copy.volume;
        List<Geometry> kept = new ArrayList<>();
        if (pass == Pass.ROTATION) {
            double[] image = values(v.withSlices(slice));
            int rows = v.rows();
            int columns = v.columns();
            RobustRotation.Estimate estimate = copy.estimate(slice, image);
            if (estimate == null || estimate.angle() == 0) {
                return kept;
            }
            double angle = estimate.angle();
            float[][][] folds = RobustVotes.foldsOfEveryOrientation(
                    RobustRotation.turnBack(image, rows, columns, angle), rows, columns);
            if (folds == null) {
                return kept;
            }
            kept.addAll(everyOrientation(folds, angle, keep));
        } else if (pass == Pass.SCALE_ONE) {
            int rows = v.rows();
            int columns = v.columns();
            if (rows < 16 || columns < 16) {
                return kept;
            }
            // The 8 orientations from one dense pass (foldsOfEveryOrientation), whose votes the lead slice keeps
            // for the rotation estimate.
            float[][] dense = RobustVotes.denseVotes(values(v.withSlices(slice)), rows, columns);
            if (dense == null) {
                return kept;
            }
            copy.keepVotes(slice, dense);
            kept.addAll(everyOrientation(RobustVotes.foldsOfEveryOrientation(dense, rows, columns), 0, keep));
        } else {
            kept.addAll(RobustScalePass.search(this, values(v.withSlices(slice)), v.rows(), v.columns(), keep));
        }
        kept.sort(Comparator.comparingDouble(Geometry::sync).reversed());
        return new ArrayList<>(kept.subList(0, Math.min(keep, kept.size())));
    }

    /**
     * The best {@code keep} translations of each of the 8 orientations' folds ({@link
     * RobustVotes#foldsOfEveryOrientation}), at scale 1 on a copy turned back by {@code angle}, orientations across the
     * cores, in orientation order.
     */
    private List<Geometry> everyOrientation(float[][][] folds, double angle, int keep) {
        Dihedral[] orientations = Dihedral.values();
        List<Geometry> out = new ArrayList<>();
        java.util.stream.IntStream.range(0, orientations.length).parallel()
                .mapToObj(i -> geometries(folds[i], orientations[i], 1.0, angle, keep)).toList().forEach(out::addAll);
        return out;
    }

    private static double[] values(Volume v) {
        short[] pixels = v.slice(0);
        double[] out = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = v.format().value(pixels[i]);
        }
        return out;
    }

    /** The best sync score of a fold over the translations with origins on a grid of {@code stride} pixels. */
    double bestSync(float[][] fold, int stride) {
        return translations(fold, 1, stride).score()[0];
    }

    /** The best {@code keep} translations of a fold, with their weights at the recipient slots. */
    List<Geometry> geometries(float[][] fold, Dihedral orientation, double scale, double angle, int keep) {
        Peaks peaks = translations(fold, keep, 1);
        List<Geometry> out = new ArrayList<>();
        for (int i = 0; i < keep && peaks.score[i] > Double.NEGATIVE_INFINITY; i++) {
            int ty = peaks.at[i] / T;
            int tx = peaks.at[i] % T;
            float[] weights = new float[MARK];
            double squares = 0;
            for (int m = 0; m < MARK; m++) {
                int p = markPosition[m];
                int y = ((p / RobustLayer.TILE) * 8 + ty) & (T - 1);
                int x = ((p % RobustLayer.TILE) * 8 + tx) & (T - 1);
                weights[m] = fold[markBand[m]][y * T + x];
                squares += (double) weights[m] * weights[m];
            }
            out.add(new Geometry(orientation, scale, ty, tx, peaks.score[i], weights, squares, angle));
        }
        return out;
    }

    /** The best sync scores of a fold, best first, and their translations {@code ty * T + tx}. */
    private record Peaks(double[] score, int[] at) {
    }

    /**
     * Sync score of every translation (ty, tx) = (8 a + oy, 8 b + ox) of a fold, origins (oy, ox) on a grid of
     * {@code stride} pixels: tile position (pr, pc) sits in fold cell ((8 (pr + a) + oy) mod T, (8 (pc + b) + ox)
     * mod T). Per origin the cells form a 16 x 16 grid per band term, copied twice in each direction so that the
     * phase (a, b) is a plain offset. The best {@code keep}, ties to the first in (oy, ox, a, b) order.
     */
    private Peaks translations(float[][] fold, int keep, int stride) {
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
        // Per origin, the 256 phases are scored together: each position adds its shifted 16 x 16 block of the grid
        // to every phase's sums, in position order (the same sums, in the same order, as one phase at a time).
        double[] sums = new double[n * n];
        double[] squareSums = new double[n * n];
        for (int oy = 0; oy < 8; oy += stride) {
            for (int ox = 0; ox < 8; ox += stride) {
                for (int k = 0; k < 5; k++) {
                    float[] cells = fold[k];
                    for (int gy = 0; gy < wide; gy++) {
                        int row = ((8 * gy + oy) & (T - 1)) * T;
                        int at = k * wide * wide + gy * wide;
                        for (int gx = 0; gx < wide; gx++) {
                            float w = cells[row + ((8 * gx + ox) & (T - 1))];
                            grid[at + gx] = w;
                            squaresGrid[at + gx] = w * w;
                        }
                    }
                }
                Arrays.fill(sums, 0);
                Arrays.fill(squareSums, 0);
                for (int p = 0; p < RobustLayer.POSITIONS; p++) {
                    int sign = signs[p];
                    for (int a = 0; a < n; a++) {
                        int from = index[p] + a * wide;
                        int to = a * n;
                        for (int b = 0; b < n; b++) {
                            sums[to + b] += sign * grid[from + b];
                            squareSums[to + b] += squaresGrid[from + b];
                        }
                    }
                }
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        double sum = sums[a * n + b];
                        double squares = squareSums[a * n + b];
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
        return new Peaks(best, bestAt);
    }

    /** The best pair of one kind ({@link RobustBound}): score, candidate (index into the list, or -1), geometry. */
    private static final class Best {
        double score = Double.NEGATIVE_INFINITY;
        int candidate = -1;
        Geometry geometry;

        void offer(double score, int candidate, Geometry geometry) {
            if (score > this.score) {
                this.score = score;
                this.candidate = candidate;
                this.geometry = geometry;
            }
        }

        void offer(Best other) {
            if (other.candidate >= 0) {
                offer(other.score, other.candidate, other.geometry);
            }
        }
    }

    /** The best of a run of candidates: of each kind of pair, and per slice (either kind). */
    private static final class Scores {
        final Best lead = new Best();
        final Best other = new Best();
        final Best[] slice;

        Scores(int slices) {
            slice = new Best[slices];
            Arrays.setAll(slice, s -> new Best());
        }

        /** Merges a later run's bests into these (strict comparisons: the earlier candidate wins a tie). */
        void offer(Scores later) {
            lead.offer(later.lead);
            other.offer(later.other);
            for (int s = 0; s < slice.length; s++) {
                slice[s].offer(later.slice[s]);
            }
        }
    }

    /**
     * Scores candidates {@code from..to-1} at every kept geometry of every slice, and for volumes also over the
     * slices together at each slice's leading geometry ({@code togetherSquares}: {@link #togetherSquares}, the same
     * for every candidate, so computed once per pass).
     */
    private static Scores score(List<Prepared> candidates, int from, int to, List<List<Geometry>> geometries,
            double togetherSquares) {
        int slices = geometries.size();
        int count = to - from;
        int[] first = new int[slices + 1];
        for (int s = 0; s < slices; s++) {
            first[s + 1] = first[s] + geometries.get(s).size();
        }
        // Correlations by table look-up, geometry by geometry (its table stays in cache): correlation[c][j].
        double[] correlations = new double[count * first[slices]];
        double[] table = new double[GROUPS * 256];
        for (int s = 0; s < slices; s++) {
            List<Geometry> g = geometries.get(s);
            for (int i = 0; i < g.size(); i++) {
                fillTable(g.get(i), table);
                int j = first[s] + i;
                for (int c = 0; c < count; c++) {
                    correlations[c * first[slices] + j] = correlation(candidates.get(from + c).packed(), table);
                }
            }
        }
        // Then the same comparisons, in the same order, as scoring candidate by candidate.
        Scores out = new Scores(slices);
        for (int c = from; c < to; c++) {
            int row = (c - from) * first[slices];
            double combined = 0;
            for (int s = 0; s < slices; s++) {
                List<Geometry> g = geometries.get(s);
                for (int i = 0; i < g.size(); i++) {
                    Geometry geometry = g.get(i);
                    double correlation = correlations[row + first[s] + i];
                    if (i == 0) {
                        combined += correlation;
                    }
                    double score = geometry.squares() > 0 ? correlation / Math.sqrt(geometry.squares()) : 0;
                    out.slice[s].offer(score, c, geometry);
                    (i == 0 ? out.lead : out.other).offer(score, c, geometry);
                }
            }
            if (slices > 1 && togetherSquares > 0) {
                double score = combined / Math.sqrt(togetherSquares);
                out.lead.offer(score, c, firstLeading(geometries));
            }
        }
        return out;
    }

    /** The first slice's leading geometry, where the slices together are reported. */
    private static Geometry firstLeading(List<List<Geometry>> geometries) {
        for (List<Geometry> g : geometries) {
            if (!g.isEmpty()) {
                return g.get(0);
            }
        }
        return null;
    }

    /**
     * Denominator squared of the score over the slices together: the sum of correlations at each slice's leading
     * geometry is {@code sum_i chip_i W_i} with {@code W_i} the slices' votes at slot i summed, so its spread
     * under chance is {@code sqrt(sum_i W_i^2)}. Not the sum of the slices' own {@code squares}: slices that vote
     * alike (repeated or neighbouring slices, the same chips in each) add their votes in step, and that sum would
     * make a chance score up to {@code sqrt(slices)} times too large ({@code RobustTraceTest.repeatedSlicesNameNoOne}).
     */
    static double togetherSquares(List<List<Geometry>> geometries) {
        double[] together = new double[MARK];
        for (List<Geometry> g : geometries) {
            if (!g.isEmpty()) {
                float[] w = g.get(0).weights();
                for (int i = 0; i < MARK; i++) {
                    together[i] += w[i];
                }
            }
        }
        double squares = 0;
        for (double w : together) {
            squares += w * w;
        }
        return squares;
    }

    /** Recipient slots per look-up group: the chips of 8 slots make one byte of a packed pattern. */
    static final int GROUPS = MARK / 8;

    /**
     * For each group of 8 recipient slots and each of the 256 sign patterns of its chips (bit j set: chip +1 at
     * slot 8 group + j, else -1), the group's share of the correlation at {@code g}: a candidate's correlation is
     * then 64 look-ups instead of 512 products.
     */
    static void fillTable(Geometry g, double[] table) {
        float[] w = g.weights();
        for (int group = 0; group < GROUPS; group++) {
            int base = group * 256;
            double none = 0;
            for (int j = 0; j < 8; j++) {
                none -= w[8 * group + j];
            }
            table[base] = none;
            for (int bits = 1; bits < 256; bits++) {
                table[base + bits] = table[base + (bits & (bits - 1))]
                        + 2.0 * w[8 * group + Integer.numberOfTrailingZeros(bits)];
            }
        }
    }

    static double correlation(byte[] packed, double[] table) {
        double sum = 0;
        for (int group = 0; group < GROUPS; group++) {
            sum += table[group * 256 + (packed[group] & 0xFF)];
        }
        return sum;
    }

    /** Chips (+1 or -1) packed 8 to a byte, bit j of byte k for slot 8 k + j (1 for +1). */
    static byte[] pack(byte[] chips) {
        byte[] out = new byte[GROUPS];
        for (int group = 0; group < GROUPS; group++) {
            int bits = 0;
            for (int j = 0; j < 8; j++) {
                bits |= ((chips[8 * group + j] + 1) >> 1) << j;
            }
            out[group] = (byte) bits;
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

    /** A candidate ready for scoring: its recipient-slot chips, and the same packed 8 to a byte ({@link #pack}). */
    record Prepared(RobustCandidate candidate, byte[] chips, byte[] packed) {
        Prepared(RobustCandidate candidate, byte[] chips) {
            this(candidate, chips, pack(chips));
        }
    }

    /**
     * Scores every candidate at the best geometries of every slice: first at scale 1 under the 8 orientations; then,
     * while no candidate passes and the sync pattern was not found, at the trial scales and on the copy turned back
     * by its estimated angle. The turned copy comes first where the lead slice's estimate shows a clear lattice at
     * an angle ({@link #TURNED_FIRST}): the scale pass, the costliest, cannot find a turned copy. The
     * false-positive bound counts every (candidate, geometry) pair that the three passes may score, so that stopping
     * early, or taking the passes in either order, costs nothing in rigour.
     */
    TraceResult trace(Volume v, List<Prepared> candidates) {
        return trace(v, candidates, true);
    }

    /** As {@link #trace(Volume, List)}; without {@code rescaleSearch} only the first pass runs (tests, bulk trials). */
    TraceResult trace(Volume v, List<Prepared> candidates, boolean rescaleSearch) {
        int slices = v.slices();
        int keep = keep(candidates.size(), slices);
        RobustBound planned = RobustBound.planned(candidates.size(), slices);
        long translations = RobustBound.translations(slices);
        Copy copy = new Copy(v);
        TraceResult best = pass(copy, candidates, Pass.SCALE_ONE, keep, planned, translations);
        if (best.found() || best.markPresent() || !rescaleSearch) {
            // Found, or the sync pattern placed the mark at scale 1: no rescale to search for.
            return best;
        }
        RobustRotation.Estimate lead = copy.estimate(copy.lead, null);
        boolean turned = lead != null && lead.angle() != 0 && lead.strength() >= TURNED_FIRST;
        for (Pass next : turned ? List.of(Pass.ROTATION, Pass.RESCALE) : List.of(Pass.RESCALE, Pass.ROTATION)) {
            TraceResult r = pass(copy, candidates, next, next == Pass.ROTATION ? Math.min(keep, ROTATION_KEEP) : keep,
                    planned, translations);
            // Where a pass shows the sync pattern, its geometry is the one to report, whatever the scores.
            if (r.found() || r.markPresent()) {
                return r;
            }
            best = better(r, best) ? r : best;
        }
        return best;
    }

    /** Whether attempt {@code a} is better than {@code b}: a smaller bound, then a larger score. */
    private static boolean better(TraceResult a, TraceResult b) {
        return a.falsePositiveProbability() < b.falsePositiveProbability()
                || a.falsePositiveProbability() == b.falsePositiveProbability() && a.score() > b.score();
    }

    private TraceResult pass(Copy copy, List<Prepared> candidates, Pass which, int keep, RobustBound planned,
            long translations) {
        int slices = copy.volume.slices();
        List<List<Geometry>> geometries = new ArrayList<>();
        double bestSync = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < slices; s++) {
            List<Geometry> g = search(copy, s, which, keep);
            geometries.add(g);
            if (!g.isEmpty() && g.get(0).sync() > bestSync) {
                bestSync = g.get(0).sync();
            }
        }
        boolean markPresent = bestSync > 0
                && translations * RobustBound.chance(bestSync) <= TraceResult.FALSE_POSITIVE_LIMIT;
        // Candidates are scored in chunks, a few per core (each chunk builds its own look-up tables, so not too
        // many); chunks are merged in list order with the same strict comparisons as one loop, so the result
        // depends neither on the thread count nor on the chunk size.
        int chunk = Math.max(256, -Math.floorDiv(-candidates.size(), 4 * Runtime.getRuntime().availableProcessors()));
        double together = slices > 1 ? togetherSquares(geometries) : 0;
        List<Scores> parts = java.util.stream.IntStream.range(0, (candidates.size() + chunk - 1) / chunk).parallel()
                .mapToObj(part -> score(candidates, part * chunk, Math.min(candidates.size(), (part + 1) * chunk),
                        geometries, together)).toList();
        Scores all = new Scores(slices);
        parts.forEach(all::offer);
        Best lead = all.lead;
        Best other = all.other;
        // The pair with the smaller bound (each kind's is smallest at its largest score), then the larger score.
        double leadBound = lead.candidate >= 0 ? planned.probability(lead.score, true) : 1;
        double otherBound = other.candidate >= 0 ? planned.probability(other.score, false) : 1;
        Best chosen = otherBound < leadBound || otherBound == leadBound && other.score > lead.score ? other : lead;
        if (chosen.candidate < 0) {
            return new TraceResult(false, null, 0, 0, 1, markPresent, "none", 1, 0, 0, 0, candidates.size());
        }
        Prepared best = candidates.get(chosen.candidate);
        double bestScore = chosen.score;
        // Every scored pair carries its geometry (the slices together: the first slice's leading one).
        Geometry bestGeometry = chosen.geometry;
        double probability = Math.min(leadBound, otherBound);
        boolean found = probability <= TraceResult.FALSE_POSITIVE_LIMIT;
        int matched = 0;
        for (Best b : all.slice) {
            matched += b.candidate == chosen.candidate ? 1 : 0;
        }
        return new TraceResult(found, found ? best.candidate().recipient() : null,
                found ? best.candidate().robustId() : 0, bestScore, probability, markPresent,
                bestGeometry.label(), bestGeometry.scale(), bestGeometry.offsetRow(),
                bestGeometry.offsetColumn(), found ? matched : 0, candidates.size());
    }
}
