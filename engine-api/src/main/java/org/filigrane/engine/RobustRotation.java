package org.filigrane.engine;

import java.util.Arrays;

/**
 * The rotation pass of layer D's detector: estimates by how much a copy was turned (modulo a quarter turn) and
 * turns it back. Floating point: it decides no pixel, and what it chooses depends on the image alone, so the
 * false-positive bound of {@link RobustTracer} holds whatever it chooses (docs/FORMAT-D.md, "Detection").
 *
 * <p>The estimate: layer D repeats every 128-pixel tile, so the autocorrelation of a copy's detail has peaks on
 * the lattice of the tile turned like the copy, 128 pixels along each side of a tile and 181 along its diagonals.
 * The angle whose turned lattice collects the most autocorrelation is the estimate, one FFT autocorrelation instead
 * of a search over angles. It is known modulo a quarter turn; quarter turns and flips are left to the dihedral
 * search that follows. (Straight edges, such as a turned copy's cut corners, were the first idea; but exports of
 * CT and phantoms are black at their borders, so the corners cut black from black and show no edge.)
 */
final class RobustRotation {
    private static final int T = RobustLayer.TILE_PIXELS;
    /** Angles are estimated and tried on this grid, in degrees (the union bound counts every grid angle). */
    static final double ANGLE_STEP = 0.1;
    /** Grid angles in a quarter turn: {@code 90 / ANGLE_STEP}. */
    static final int ANGLES = (int) Math.round(90 / ANGLE_STEP);
    /** Smallest side of a copy whose angle is estimated: a tile and a quarter (the lattice needs overlap). */
    static final int MIN_SIDE = T + T / 4;
    /** Largest side of the estimate's transforms (the votes' autocorrelation, zero-padded to a power of two). */
    static final int TRANSFORM = 512;
    /** Lattice vectors of the tile in tiles (row, column): two sides and two diagonals (opposites add nothing). */
    private static final int[][] LATTICE = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};

    private RobustRotation() {
    }

    /**
     * An estimate: the angle in degrees in (-45, 45] on the {@link #ANGLE_STEP} grid (the copy is the original turned
     * clockwise on screen by this angle, up to a quarter turn or flip), and how far its lattice score stands above
     * the typical one over all angles (robust z-score: near 2 or 3 for a copy with no tile period, tens for a clear
     * mark). The angle is the best one whatever the strength: deciding is left to the sync and candidate scores.
     */
    record Estimate(double angle, double strength) {
    }

    /**
     * The rotation estimate of an {@code rows x columns} image, from the detector's own votes ({@link
     * RobustVotes#evenVotes}: the five band terms of the 8x8 block at every even offset, in units of their median,
     * faded above the local margin, 0 in clipped blocks). Any filter commutes with a shift, so the votes of a turned
     * copy still repeat on the turned tile lattice, and they are the image's detail with the mark's own weighting.
     * Null where the image is smaller than {@link #MIN_SIDE} or has nothing to vote.
     */
    static Estimate estimate(double[] image, int rows, int columns) {
        if (Math.min(rows, columns) < MIN_SIDE) {
            return null;
        }
        float[][] votes = RobustVotes.evenVotes(image, rows, columns);
        return votes == null ? null : estimate(votes, rows, columns);
    }

    /** {@link #estimate(double[], int, int)} from the image's even votes, already computed. */
    static Estimate estimate(float[][] votes, int rows, int columns) {
        if (Math.min(rows, columns) < MIN_SIDE) {
            return null;
        }
        // The votes sit on a 2-pixel grid: the lattice is half as long there.
        int voteColumns = (columns - 6) / 2;
        int voteRows = votes[0].length / voteColumns;
        double tile = T / 2.0;
        int reach = (int) Math.ceil(tile * Math.sqrt(2)) + 2;
        // The central window of at most TRANSFORM - reach votes a side, so that no transform exceeds TRANSFORM: a
        // 1,024-pixel copy would need transforms four times the size for a lattice that its central 40 tiles show.
        int most = TRANSFORM - reach;
        if (voteRows > most || voteColumns > most) {
            votes = central(votes, voteRows, voteColumns, Math.min(voteRows, most), Math.min(voteColumns, most));
            voteRows = Math.min(voteRows, most);
            voteColumns = Math.min(voteColumns, most);
        }
        int height = Integer.highestOneBit(voteRows + reach - 1) << 1;
        int width = Integer.highestOneBit(voteColumns + reach - 1) << 1;
        double[] auto = autocorrelation(votes, voteRows, voteColumns, height, width, reach);
        // Lattice score of every grid angle in [0, 90): the correlation summed over the turned lattice vectors
        // (bilinear between shifts) over their overlaps summed likewise, i.e. the mean product per pair of votes.
        double[] score = new double[ANGLES];
        for (int a = 0; a < ANGLES; a++) {
            double radians = Math.toRadians(a * ANGLE_STEP);
            double cos = Math.cos(radians);
            double sin = Math.sin(radians);
            double sum = 0;
            double pairs = 0;
            for (int[] l : LATTICE) {
                // Turned clockwise on screen (rows down): (x, y) -> (x cos - y sin, x sin + y cos).
                double dx = tile * (l[1] * cos - l[0] * sin);
                double dy = tile * (l[1] * sin + l[0] * cos);
                double overlap = (voteRows - Math.abs(dy)) * (voteColumns - Math.abs(dx));
                if (overlap > 0) {
                    sum += at(auto, height, width, dy, dx);
                    pairs += overlap;
                }
            }
            score[a] = pairs > 0 ? sum / pairs : 0;
        }
        int best = 0;
        for (int a = 1; a < ANGLES; a++) {
            if (score[a] > score[best]) {
                best = a;
            }
        }
        double[] sorted = score.clone();
        Arrays.sort(sorted);
        double median = sorted[ANGLES / 2];
        double[] deviation = new double[ANGLES];
        for (int a = 0; a < ANGLES; a++) {
            deviation[a] = Math.abs(score[a] - median);
        }
        Arrays.sort(deviation);
        double spread = 1.4826 * deviation[ANGLES / 2];
        double strength = spread > 0 ? (score[best] - median) / spread : 0;
        double angle = refine(auto, height, width, tile, best * ANGLE_STEP);
        long k = Math.round(angle / ANGLE_STEP);
        k = Math.floorMod(k, ANGLES);
        return new Estimate((k > ANGLES / 2 ? k - ANGLES : k) * ANGLE_STEP, strength);
    }

    /** The central {@code rows x columns} of each {@code inRows x inColumns} field. */
    private static float[][] central(float[][] fields, int inRows, int inColumns, int rows, int columns) {
        int top = (inRows - rows) / 2;
        int left = (inColumns - columns) / 2;
        float[][] out = new float[fields.length][rows * columns];
        for (int k = 0; k < fields.length; k++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(fields[k], (top + r) * inColumns + left, out[k], r * columns, columns);
            }
        }
        return out;
    }

    /**
     * The angle of the lattice peaks near {@code angle}, located to a fraction of a shift: for each lattice vector,
     * the largest autocorrelation among the whole shifts within 2 of the turned vector, then a parabola through it
     * and its neighbours along each axis; the mean of the vectors' angles. The bilinear score of the grid search is
     * biased towards whole shifts (0.2 to 0.3 degrees at 17); this is not. Falls back to {@code angle} if a vector
     * disagrees by more than a degree.
     */
    private static double refine(double[] auto, int height, int width, double tile, double angle) {
        double radians = Math.toRadians(angle);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double sum = 0;
        for (int[] l : LATTICE) {
            double dx = tile * (l[1] * cos - l[0] * sin);
            double dy = tile * (l[1] * sin + l[0] * cos);
            int by = (int) Math.round(dy);
            int bx = (int) Math.round(dx);
            double peak = Double.NEGATIVE_INFINITY;
            for (int y = (int) Math.round(dy) - 2; y <= Math.round(dy) + 2; y++) {
                for (int x = (int) Math.round(dx) - 2; x <= Math.round(dx) + 2; x++) {
                    double a = value(auto, height, width, y, x);
                    if (a > peak) {
                        peak = a;
                        by = y;
                        bx = x;
                    }
                }
            }
            double y = by + vertex(value(auto, height, width, by - 1, bx), peak,
                    value(auto, height, width, by + 1, bx));
            double x = bx + vertex(value(auto, height, width, by, bx - 1), peak,
                    value(auto, height, width, by, bx + 1));
            double turned = Math.toDegrees(Math.atan2(y, x) - Math.atan2(l[0], l[1]));
            turned -= 360 * Math.round((turned - angle) / 360);
            if (Math.abs(turned - angle) > 1) {
                return angle;
            }
            sum += turned;
        }
        return sum / LATTICE.length;
    }

    /** Offset in (-0.5, 0.5) of the vertex of the parabola through (-1, a), (0, b), (1, c); 0 if b is no maximum. */
    private static double vertex(double a, double b, double c) {
        double curve = a - 2 * b + c;
        return curve < 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curve))) : 0;
    }

    private static double value(double[] auto, int height, int width, int y, int x) {
        return auto[Math.floorMod(y, height) * width + Math.floorMod(x, width)];
    }

    /**
     * The sum of the autocorrelations of {@code fields} (each {@code rows x columns}), zero-padded to {@code height x
     * width} (powers of two, large enough that shifts up to {@code reach} do not wrap), by FFT: {@code auto[dy mod
     * height][dx mod width]}, computed only for |dy| <= reach + 1 (the rows the lattice reads). Two real fields share
     * one complex transform: with Z = FFT(a + i b), |A(f)|^2 + |B(f)|^2 = (|Z(f)|^2 + |Z(-f)|^2) / 2.
     */
    static double[] autocorrelation(float[][] fields, int rows, int columns, int height, int width, int reach) {
        Fft across = new Fft(width);
        Fft down = new Fft(height);
        int pairs = (fields.length + 1) / 2;
        double[][] re = new double[pairs][height * width];
        double[][] im = new double[pairs][height * width];
        // Every stage is split into tasks across the pairs (3 pairs would leave one of 2 cores idle half the time);
        // each line is still transformed alone by the same operations, so the split changes no value.
        int bands = (rows + Fft.BLOCK - 1) / Fft.BLOCK;
        java.util.stream.IntStream.range(0, pairs * bands).parallel().forEach(t -> {
            int p = t / bands;
            float[] a = fields[2 * p];
            float[] b = 2 * p + 1 < fields.length ? fields[2 * p + 1] : null;
            double[][] scratch = Fft.scratch(width);
            // Rows beyond the fields are zero and stay zero under the row transform.
            for (int r = t % bands * Fft.BLOCK; r < Math.min(rows, (t % bands + 1) * Fft.BLOCK); r++) {
                for (int c = 0; c < columns; c++) {
                    re[p][r * width + c] = a[r * columns + c];
                    im[p][r * width + c] = b == null ? 0 : b[r * columns + c];
                }
                across.transform(re[p], im[p], r * width, 1, 0, 1, false, scratch);
            }
        });
        int blocks = (width + Fft.BLOCK - 1) / Fft.BLOCK;
        java.util.stream.IntStream.range(0, pairs * blocks).parallel().forEach(t -> {
            int p = t / blocks;
            int c = t % blocks * Fft.BLOCK;
            down.transform(re[p], im[p], c, width, 1, Math.min(Fft.BLOCK, width - c), false, Fft.scratch(height));
        });
        // The power spectra summed over the pairs, in pair order.
        double[] sum = new double[height * width];
        java.util.stream.IntStream.range(0, height).parallel().forEach(y -> {
            int my = (height - y) & (height - 1);
            for (int p = 0; p < pairs; p++) {
                double[] zr = re[p];
                double[] zi = im[p];
                for (int x = 0; x < width; x++) {
                    int i = y * width + x;
                    int j = my * width + ((width - x) & (width - 1));
                    double power = (zr[i] * zr[i] + zi[i] * zi[i] + zr[j] * zr[j] + zi[j] * zi[j]) / 2;
                    sum[i] = p == 0 ? power : sum[i] + power;
                }
            }
        });
        double[] zero = new double[height * width];
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(k -> down.transform(sum, zero, k * Fft.BLOCK,
                width, 1, Math.min(Fft.BLOCK, width - k * Fft.BLOCK), true, Fft.scratch(height)));
        java.util.stream.IntStream.rangeClosed(-reach - 1, reach + 1).parallel().forEach(dy -> across.transform(sum,
                zero, Math.floorMod(dy, height) * width, 1, 0, 1, true, Fft.scratch(width)));
        return sum;
    }

    /** The autocorrelation at shift ({@code dy}, {@code dx}), bilinear between whole shifts. */
    private static double at(double[] auto, int height, int width, double dy, double dx) {
        int y0 = (int) Math.floor(dy);
        int x0 = (int) Math.floor(dx);
        double fy = dy - y0;
        double fx = dx - x0;
        double sum = 0;
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 2; i++) {
                double w = (j == 0 ? 1 - fy : fy) * (i == 0 ? 1 - fx : fx);
                sum += w * auto[Math.floorMod(y0 + j, height) * width + Math.floorMod(x0 + i, width)];
            }
        }
        return sum;
    }

    /**
     * Radix-2 FFT of one length (a power of two), unscaled, on strided views of arrays; twiddles computed once.
     * Written here rather than taken from JTransforms, the library for it: the estimate needs one complex transform
     * of power-of-two length and decides no pixel, and JTransforms would bring JLargeArrays and commons-math3 into
     * the engine that every user embeds. {@code RobustTracerTest} checks it through the estimates and against a
     * direct autocorrelation.
     */
    static final class Fft {
        private final int n;
        private final double[] cos;
        private final double[] sin;
        private final int[] reversed;

        Fft(int n) {
            this.n = n;
            cos = new double[n / 2];
            sin = new double[n / 2];
            for (int k = 0; k < n / 2; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = Math.sin(2 * Math.PI * k / n);
            }
            reversed = new int[n];
            for (int i = 1, j = 0; i < n; i++) {
                int bit = n >> 1;
                for (; (j & bit) != 0; bit >>= 1) {
                    j ^= bit;
                }
                j ^= bit;
                reversed[i] = j;
            }
        }

        /** Lines transformed together: a column block of this many doubles fills a cache line or two. */
        static final int BLOCK = 8;

        /** Scratch for {@link #transform} of up to {@link #BLOCK} lines of length up to {@code n}. */
        static double[][] scratch(int n) {
            return new double[][] {new double[BLOCK * n], new double[BLOCK * n]};
        }

        /**
         * Lines j = 0..count-1 ({@code count <= BLOCK}), each the elements {@code from + j * step + i * stride}, i =
         * 0..n-1, transformed in place (forward: e^{-2 pi i k / n}). Columns go {@code count} at a time ({@code step}
         * 1): gathered row by row, whole cache lines are read instead of one element per line of a power-of-two
         * stride, which maps every element of a column to the same cache set. Each line's butterflies are the same
         * operations in the same order as one line alone, so the results do not depend on {@code count}.
         */
        void transform(double[] re, double[] im, int from, int stride, int step, int count, boolean inverse,
                double[][] scratch) {
            double[] xr = scratch[0];
            double[] xi = scratch[1];
            for (int i = 0; i < n; i++) {
                int at = from + i * stride;
                int to = reversed[i];
                for (int j = 0; j < count; j++, to += n) {
                    xr[to] = re[at + j * step];
                    xi[to] = im[at + j * step];
                }
            }
            double sign = inverse ? 1 : -1;
            for (int j = 0, o = 0; j < count; j++, o += n) {
                for (int length = 2; length <= n; length <<= 1) {
                    int half = length >> 1;
                    int jump = n / length;
                    for (int k = 0; k < half; k++) {
                        double wr = cos[k * jump];
                        double wi = sign * sin[k * jump];
                        for (int i = o + k; i < o + n; i += length) {
                            int m = i + half;
                            double tr = xr[m] * wr - xi[m] * wi;
                            double ti = xr[m] * wi + xi[m] * wr;
                            xr[m] = xr[i] - tr;
                            xi[m] = xi[i] - ti;
                            xr[i] += tr;
                            xi[i] += ti;
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int at = from + i * stride;
                for (int j = 0, o = i; j < count; j++, o += n) {
                    re[at + j * step] = xr[o];
                    im[at + j * step] = xi[o];
                }
            }
        }
    }

    /**
     * The copy turned back by {@code degrees} (the estimate's angle) about its centre, bilinear, the same size:
     * output pixel (r, c) reads the copy at the centre plus the turned offset of (r, c) from the centre. NaN where
     * that falls outside the copy (no data: the detector's votes there are 0).
     */
    static double[] turnBack(double[] image, int rows, int columns, double degrees) {
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double cy = rows / 2.0;
        double cx = columns / 2.0;
        double[] out = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            double y = r + 0.5 - cy;
            for (int c = 0; c < columns; c++) {
                double x = c + 0.5 - cx;
                double sx = x * cos - y * sin + cx - 0.5;
                double sy = x * sin + y * cos + cy - 0.5;
                if (sx < 0 || sy < 0 || sx > columns - 1 || sy > rows - 1) {
                    out[r * columns + c] = Double.NaN;
                    continue;
                }
                int x0 = Math.min(columns - 2, (int) sx);
                int y0 = Math.min(rows - 2, (int) sy);
                double fx = sx - x0;
                double fy = sy - y0;
                int a = y0 * columns + x0;
                double upper = image[a] * (1 - fx) + image[a + 1] * fx;
                double lower = image[a + columns] * (1 - fx) + image[a + columns + 1] * fx;
                out[r * columns + c] = upper * (1 - fy) + lower * fy;
            }
        }
        return out;
    }
}
