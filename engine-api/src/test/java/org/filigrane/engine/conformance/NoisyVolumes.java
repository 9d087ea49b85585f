package org.filigrane.engine.conformance;

import java.util.SplittableRandom;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/**
 * Volumes with the noise of real acquisitions, where layer T's plain two-bin shifting leaves most 16x16 blocks
 * short of room: a 12-bit MR-like knee (Rician-like background noise touching 0, tissue noise sigma 18) and a signed
 * 16-bit CT (padding at -2048 outside the scan circle, air near -1000, tissue noise sigma 20). Deterministic for a
 * seed (Java's Gaussian generator is specified).
 */
public final class NoisyVolumes {
    private NoisyVolumes() {
    }

    /** 12-bit unsigned knee-like MR: background |N(0, 12)|, tissues 450..1700 with N(0, 18) noise. */
    public static Volume knee12(long seed, int slices, int rows, int cols) {
        PixelFormat f = PixelFormat.unsigned(16, 12);
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = Volume.allocate(slices, rows, cols, f);
        for (int s = 0; s < slices; s++) {
            short[] px = v.slice(s);
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    double dy = (y - rows / 2.0) / (rows * 0.42);
                    double dx = (x - cols / 2.0) / (cols * 0.30 + s);
                    double rr = dy * dy + dx * dx;
                    int value;
                    if (rr > 1) {
                        value = (int) Math.abs(Math.round(r.nextGaussian() * 12));
                    } else {
                        double by = (y - rows * 0.45) / (rows * 0.18);
                        double bx = (x - cols / 2.0) / (cols * 0.16);
                        double bone = by * by + bx * bx;
                        int level = bone < 0.8 ? 1100 : bone < 1 ? 150 : rr > 0.8 ? 1700 : 450 + y;
                        value = level + (int) Math.round(r.nextGaussian() * 18);
                    }
                    px[y * cols + x] = f.store(Math.max(f.min(), Math.min(f.max(), value)));
                }
            }
        }
        return v;
    }

    /** Signed 16-bit CT: -2048 padding outside the scan circle, air, soft tissue, bone; N(0, 20) noise inside. */
    public static Volume ct16(long seed, int slices, int rows, int cols) {
        PixelFormat f = PixelFormat.signed(16, 16);
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = Volume.allocate(slices, rows, cols, f);
        for (int s = 0; s < slices; s++) {
            short[] px = v.slice(s);
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    double cy = (y - rows / 2.0) / (rows / 2.0);
                    double cx = (x - cols / 2.0) / (cols / 2.0);
                    int value;
                    if (cy * cy + cx * cx > 0.96) {
                        value = -2048;
                    } else {
                        double by = cy / 0.75;
                        double bx = cx / (0.6 + 0.01 * s);
                        double body = by * by + bx * bx;
                        double sy = (cy + 0.1) / 0.2;
                        double sx = cx / 0.25;
                        int level = body > 1 ? -1000 : sy * sy + sx * sx < 1 ? 900 + (int) (300 * cx) : 40 + y / 8;
                        value = level + (int) Math.round(r.nextGaussian() * (level > 500 ? 40 : 20));
                    }
                    px[y * cols + x] = f.store(value);
                }
            }
        }
        return v;
    }
}
