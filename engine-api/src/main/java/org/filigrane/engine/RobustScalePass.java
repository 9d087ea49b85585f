package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The second pass of layer D's detector ({@link RobustTracer}; docs/FORMAT-D.md, "Detection", pass 2): a copy at
 * another zoom. Every trial scale from 0.5 to 2 is ranked by an approximate sync score ({@link #rank}: votes of a few
 * coarse copies, folded again per trial scale), and the copy, resampled bilinearly back, is searched exactly around
 * the best-ranked ones. Floating point like the rest of the detector: it only chooses the geometries that the tracer
 * scores, and the bound counts the tracer's {@code keep} per pass whatever was searched.
 */
final class RobustScalePass {
    /** Side of the central window of the resampled copy on which the scale pass ranks the trial scales. */
    static final int RANK_WINDOW = 4 * RobustLayer.TILE_PIXELS;
    /** Side of the central window of the resampled copy that the scale pass searches exactly. */
    static final int EXACT_WINDOW = 8 * RobustLayer.TILE_PIXELS;
    /** Ratio between neighbouring trial scales of the second pass. */
    static final double STEP = 1.015;
    /** Trial scales of the second pass: 0.5 to 2 (without 1) in steps of 1.5 %, refined by thirds around the best. */
    static final double[] SCALES = scales();
    /** Ratio between neighbouring coarse copies of the scale ranking (each serves the trial scales within 4 %). */
    static final double COARSE_STEP = 1.08;
    /** Scales of the coarse copies: 0.5 to 2 in steps of {@link #COARSE_STEP}. */
    static final double[] COARSE = coarse();
    /** Best-ranked trial scales around which the copy is searched exactly (5 points a third of a step apart). */
    static final int RESCALE_SEARCHES = 3;
    /**
     * Pixels of a copy (192 x 192, a tile and a half a side) up to which the scale pass ranks the trial scales by
     * searching each exactly ({@link #exactRank}) rather than by the approximate score ({@link #rank}). A copy of about
     * one tile ranks its scale poorly by the approximate score, which sums few sync slots (CT_small, one tile, shrunk
     * to 0.79: its scale ranked 5th to 10th in the three exports; searching the best 12 found 3 of the 8 zooms of
     * {@code RobustTraceTest.oneTileCopiesAtOtherZoomsAreFound} that the exact ranking finds). The exact ranking costs
     * an unmarked 192-pixel copy 0.6 s instead of 0.35 (JMH, 10,000 candidates); up to 256 pixels it cost 1.1 s.
     */
    static final int SMALL_COPY = 3 * RobustLayer.TILE_PIXELS / 2 * (3 * RobustLayer.TILE_PIXELS / 2);
    private static final int T = RobustLayer.TILE_PIXELS;

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

    private static double[] coarse() {
        List<Double> list = new ArrayList<>();
        for (double s = 0.5; s <= 2 * Math.sqrt(COARSE_STEP); s *= COARSE_STEP) {
            list.add(s);
        }
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The coarse copy nearest to scale {@code s} (in ratio). */
    static int coarseOf(double s) {
        int best = 0;
        for (int j = 1; j < COARSE.length; j++) {
            if (Math.abs(Math.log(COARSE[j] / s)) < Math.abs(Math.log(COARSE[best] / s))) {
                best = j;
            }
        }
        return best;
    }

    private RobustScalePass() {
    }

    /**
     * The geometries of the scale pass on one slice's values, up to {@code keep} per searched point (the tracer keeps
     * the pass's best {@code keep}): every trial scale ranked, then the exact searches around the best.
     */
    static List<RobustTracer.Geometry> search(RobustTracer tracer, double[] image, int rows, int columns, int keep) {
        double[] rank = (long) rows * columns <= SMALL_COPY ? exactRank(tracer, image, rows, columns)
                : approximateRank(tracer, image, rows, columns);
        Integer[] order = new Integer[SCALES.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(rank[b], rank[a]));
        return searchScales(tracer, image, rows, columns, order, keep);
    }

    /** Every trial scale's approximate sync score ({@link #rank}), the coarse copies one per core. */
    private static double[] approximateRank(RobustTracer tracer, double[] image, int rows, int columns) {
        double[] rank = new double[SCALES.length];
        Arrays.fill(rank, Double.NEGATIVE_INFINITY);
        java.util.stream.IntStream.range(0, COARSE.length).parallel().forEach(j -> {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < SCALES.length; i++) {
                if (coarseOf(SCALES[i]) == j) {
                    mine.add(i);
                }
            }
            double[] fine = mine.stream().mapToDouble(i -> SCALES[i]).toArray();
            double[] scores = rank(tracer, image, rows, columns, COARSE[j], fine);
            for (int m = 0; m < fine.length; m++) {
                rank[mine.get(m)] = scores[m];
            }
        });
        return rank;
    }

    /**
     * A small copy's ranking: the best sync score of the copy searched exactly at each trial scale (scales across the
     * cores), with the tile origins on a 2-pixel grid as in {@link #rank}: a quarter of the translation search, which
     * is most of the cost on a small window.
     */
    private static double[] exactRank(RobustTracer tracer, double[] image, int rows, int columns) {
        return java.util.stream.IntStream.range(0, SCALES.length).parallel().mapToDouble(i -> {
            double scale = scaleOf(pointOf(SCALES[i]));
            ScaleWindow window = ScaleWindow.of(image, rows, columns, scale);
            return window == null ? Double.NEGATIVE_INFINITY : tracer.bestSync(window.fold(scale), 2);
        }).toArray();
    }

    /** The point of scale {@code s}: thirds of a step from {@code SCALES[0]} (0.75), the grid of the trial scales. */
    private static long pointOf(double s) {
        return Math.round(Math.log(s / SCALES[0]) / Math.log(Math.cbrt(STEP)));
    }

    /** The scale of point {@code k}. */
    private static double scaleOf(long k) {
        return SCALES[0] * Math.pow(Math.cbrt(STEP), k);
    }

    /**
     * The exact part of the scale pass: the best {@link #RESCALE_SEARCHES} ranked trial scales ({@code order}, best
     * first) and their neighbours one and two thirds of a step either side: the ranking places a weak mark's scale
     * within a step or so, and a search 1 % off can miss what one at the scale finds. The points are counted in
     * thirds of a step from {@code SCALES[0]} (0.75), on whose grid every trial scale lies; neighbouring trial scales
     * share a point. Each ranked scale's dense votes serve its points ({@link RobustVotes#foldRemapped}): one dense
     * pass instead of five, its votes at most half a pixel off where the copy at a neighbouring point would put
     * them. That rounding costs the neighbours a few percent of their sync score against the ranked scale itself, so
     * the scale reported can be the ranked one where the copy's lies up to two thirds of a step away.
     */
    private static List<RobustTracer.Geometry> searchScales(RobustTracer tracer, double[] image, int rows,
            int columns, Integer[] order, int keep) {
        java.util.TreeMap<Long, List<RobustTracer.Geometry>> perPoint = new java.util.TreeMap<>();
        for (int i = 0; i < Math.min(RESCALE_SEARCHES, order.length); i++) {
            long centre = pointOf(SCALES[order[i]]);
            List<Long> mine = java.util.stream.LongStream.rangeClosed(centre - 2, centre + 2)
                    .filter(k -> !perPoint.containsKey(k)).boxed().toList();
            if (mine.isEmpty()) {
                continue;
            }
            ScaleWindow window = ScaleWindow.of(image, rows, columns, scaleOf(centre));
            List<List<RobustTracer.Geometry>> found = mine.parallelStream().map(k -> window == null
                    ? List.<RobustTracer.Geometry>of() : window.geometries(tracer, scaleOf(k), keep)).toList();
            for (int m = 0; m < mine.size(); m++) {
                perPoint.put(mine.get(m), found.get(m));
            }
        }
        List<RobustTracer.Geometry> out = new ArrayList<>();
        perPoint.values().forEach(out::addAll);
        return out;
    }

    /**
     * The dense votes of the central window of at most {@link #EXACT_WINDOW} pixels a side of the copy resampled at
     * trial scale {@code scale}: 64 tiles are plenty, and a large copy enlarged to a small trial scale would
     * otherwise cost many times more than the copy itself.
     */
    private record ScaleWindow(float[][] dense, Window window, double scale) {
        static ScaleWindow of(double[] image, int inRows, int inColumns, double scale) {
            Window w = Window.central(inRows, inColumns, scale, EXACT_WINDOW);
            float[][] dense = w == null ? null
                    : RobustVotes.denseVotes(w.resample(image, inRows, inColumns, scale), w.rows(), w.columns());
            return dense == null ? null : new ScaleWindow(dense, w, scale);
        }

        /** The votes folded as the copy at trial scale {@code at} places them. */
        float[][] fold(double at) {
            return RobustVotes.foldRemapped(dense, window.rows(), window.columns(), window.top(), window.left(),
                    scale / at);
        }

        /** The best translations at trial scale {@code at}, offsets in the whole copy at that scale. */
        List<RobustTracer.Geometry> geometries(RobustTracer tracer, double at, int keep) {
            return tracer.geometries(fold(at), Dihedral.IDENTITY, at, 0, keep);
        }
    }

    /** A window of a resampled copy: its size and where it starts in the copy. */
    private record Window(int rows, int columns, int top, int left) {
        /**
         * The central window of at most {@code side} pixels a side of an {@code inRows x inColumns} image resampled
         * by 1 / {@code scale}; null where it would be under 16 pixels.
         */
        static Window central(int inRows, int inColumns, double scale, int side) {
            int r = (int) Math.floor(inRows / scale);
            int c = (int) Math.floor(inColumns / scale);
            int h = Math.min(r, side);
            int w = Math.min(c, side);
            return h < 16 || w < 16 ? null : new Window(h, w, (r - h) / 2, (c - w) / 2);
        }

        /** This window of the image resampled by 1 / {@code scale} (only the window is computed). */
        double[] resample(double[] image, int inRows, int inColumns, double scale) {
            return RobustScalePass.resample(image, inRows, inColumns, scale, top, left, rows, columns);
        }
    }

    /**
     * The {@code rows x columns} window at ({@code top}, {@code left}) of the bilinear resampling by 1 / {@code scale}
     * of an {@code inRows x inColumns} image: only the window is computed.
     */
    static double[] resample(double[] in, int inRows, int inColumns, double scale, int top, int left, int rows,
            int columns) {
        double[] out = new double[rows * columns];
        int[] x0 = new int[columns];
        int[] x1 = new int[columns];
        double[] fx = new double[columns];
        for (int c = 0; c < columns; c++) {
            double x = Math.max(0, Math.min(inColumns - 1, (left + c + 0.5) * scale - 0.5));
            x0[c] = (int) x;
            x1[c] = Math.min(inColumns - 1, x0[c] + 1);
            fx[c] = x - x0[c];
        }
        for (int r = 0; r < rows; r++) {
            double y = Math.max(0, Math.min(inRows - 1, (top + r + 0.5) * scale - 0.5));
            int y0 = (int) y;
            int y1 = Math.min(inRows - 1, y0 + 1);
            double fy = y - y0;
            int a = y0 * inColumns;
            int b = y1 * inColumns;
            for (int c = 0; c < columns; c++) {
                double upper = in[a + x0[c]] * (1 - fx[c]) + in[a + x1[c]] * fx[c];
                double lower = in[b + x0[c]] * (1 - fx[c]) + in[b + x1[c]] * fx[c];
                out[r * columns + c] = upper * (1 - fy) + lower * fy;
            }
        }
        return out;
    }

    /**
     * Approximate sync scores of trial scales {@code fine}, all within a few percent of {@code coarse}, for ranking.
     * The votes of a central window of at most {@link #RANK_WINDOW} pixels of the copy resampled by {@code coarse}
     * are computed once, at the block offsets on a 2-pixel grid, and folded again for each trial scale: every vote
     * goes to the cell of its block's position in that scale's copy, rounded to the 2-pixel grid (origins searched
     * on that grid). A block's terms change little over a few percent of scale; the positions are what drift, and
     * these are remapped. Ranking only: the scales chosen are searched exactly. Negative infinity where nothing can
     * be scored.
     */
    static double[] rank(RobustTracer tracer, double[] image, int inRows, int inColumns, double coarse, double[] fine) {
        double[] out = new double[fine.length];
        Arrays.fill(out, Double.NEGATIVE_INFINITY);
        Window window = Window.central(inRows, inColumns, coarse, RANK_WINDOW);
        if (window == null) {
            return out;
        }
        int h = window.rows();
        int w = window.columns();
        int top = window.top();
        int left = window.left();
        float[][] votes = RobustVotes.evenVotes(window.resample(image, inRows, inColumns, coarse), h, w);
        if (votes == null) {
            return out;
        }
        int voteRows = (h - 6) / 2;
        int voteColumns = (w - 6) / 2;
        for (int f = 0; f < fine.length; f++) {
            double q = coarse / fine[f];
            int[] rowCell = new int[voteRows];
            for (int r = 0; r < voteRows; r++) {
                rowCell[r] = evenCell((top + 2 * r + 0.5) * q - 0.5) * T;
            }
            int[] cell = new int[voteColumns];
            for (int c = 0; c < voteColumns; c++) {
                cell[c] = evenCell((left + 2 * c + 0.5) * q - 0.5);
            }
            float[][] fold = new float[5][T * T];
            int[] covered = new int[T * T];
            RobustVotes.scatter(votes, voteColumns, rowCell, cell, fold, covered);
            RobustVotes.center(fold, covered);
            out[f] = tracer.bestSync(fold, 2);
        }
        return out;
    }

    /** The fold cell (one coordinate) of a vote at position {@code y} of a trial scale's copy: the nearest even. */
    private static int evenCell(double y) {
        return (int) (2 * Math.round(y / 2) & (T - 1));
    }
}
