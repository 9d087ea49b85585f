package org.filigrane.engine.demo;

import java.util.SplittableRandom;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/**
 * Synthetic head-like phantom: an air background, a skull ring, soft tissue with a few ellipses whose size changes
 * from slice to slice, a mild intensity ramp and acquisition-like noise. Deterministic for a seed, integer-only.
 */
public final class Phantom {
    private Phantom() {
    }

    public static Volume generate(long seed, int slices, int rows, int columns, PixelFormat format) {
        SplittableRandom random = new SplittableRandom(seed);
        long range = (long) format.max() - format.min();
        int base = format.min();
        // Tissue levels as fractions (per mille) of the range, like air / soft tissue / bone on a CT window.
        int air = base + (int) (range * 30 / 1000);
        int tissue = base + (int) (range * 450 / 1000);
        int bone = base + (int) (range * 850 / 1000);
        // Roughly Gaussian noise (sum of two uniforms) of a few per mille of the range, like CT quantum noise.
        int noise = Math.max(1, (int) (range / 1000));
        int lesions = 3 + random.nextInt(4);
        int[][] ellipse = new int[lesions][5];
        for (int[] e : ellipse) {
            e[0] = rows / 4 + random.nextInt(Math.max(1, rows / 2));
            e[1] = columns / 4 + random.nextInt(Math.max(1, columns / 2));
            e[2] = Math.max(1, rows / 16 + random.nextInt(Math.max(1, rows / 10)));
            e[3] = Math.max(1, columns / 16 + random.nextInt(Math.max(1, columns / 10)));
            e[4] = (int) (range * (random.nextInt(300) - 150) / 1000);
        }
        Volume volume = Volume.allocate(slices, rows, columns, format);
        long cy2 = (long) rows * rows / 4;
        long cx2 = (long) columns * columns / 4;
        for (int s = 0; s < slices; s++) {
            // The head narrows towards the ends of the stack.
            int scale = 1000 - (int) (400L * Math.abs(2L * s - slices) / Math.max(1, slices));
            short[] slice = volume.slice(s);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    long dy = 2L * r - rows;
                    long dx = 2L * c - columns;
                    // Normalised squared radius in per mille of the head ellipse.
                    long rr = (dy * dy * 1000 / Math.max(1, cy2 * 4 * scale / 1000 * 81 / 100)
                            + dx * dx * 1000 / Math.max(1, cx2 * 4 * scale / 1000 * 64 / 100));
                    int v;
                    if (rr > 1000) {
                        v = air;
                    } else if (rr > 820) {
                        v = bone;
                    } else {
                        v = tissue + (int) (range * (r - rows / 2) / Math.max(1, rows) / 20);
                        for (int[] e : ellipse) {
                            long ey = r - e[0];
                            long ex = c - e[1];
                            int ry = Math.max(1, e[2] * scale / 1000);
                            int rx = Math.max(1, e[3] * scale / 1000);
                            if (ey * ey * rx * rx + ex * ex * ry * ry <= (long) rx * rx * ry * ry) {
                                v += e[4];
                            }
                        }
                    }
                    v += random.nextInt(2 * noise + 1) + random.nextInt(2 * noise + 1) - 2 * noise;
                    v = Math.max(format.min(), Math.min(format.max(), v));
                    slice[r * columns + c] = format.store(v);
                }
            }
        }
        return volume;
    }
}
