package org.filigrane.engine.conformance;

import java.util.List;
import java.util.SplittableRandom;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/**
 * Randomized test volumes: every pixel format the engine promises, shapes that hit every edge case of the
 * predictor and the vector tails, and contents from noise to fully saturated. Deterministic for a seed.
 */
public final class RandomVolumes {

    /** 8, 10, 12, 16-bit unsigned, 16-bit signed, and bits stored below bits allocated. */
    public static final List<PixelFormat> FORMATS = List.of(
            PixelFormat.unsigned(8, 8), PixelFormat.unsigned(8, 7), PixelFormat.unsigned(16, 10),
            PixelFormat.unsigned(16, 12), PixelFormat.unsigned(16, 16), PixelFormat.signed(16, 16),
            PixelFormat.signed(16, 12), PixelFormat.signed(8, 8));

    /** rows x columns of the round-trip volumes. */
    public static final int[][] SHAPES = {{1, 1}, {2, 3}, {7, 9}, {17, 33}, {64, 64}, {256, 256}};

    public enum Content { NOISE, GRADIENT, FLAT, SATURATED_LOW, SATURATED_HIGH, HALF_SATURATED }

    private RandomVolumes() {
    }

    /** A volume of a random format, shape, depth (1..60, fewer for big slices) and content. */
    public static Volume any(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PixelFormat f = FORMATS.get(r.nextInt(FORMATS.size()));
        int[] shape = SHAPES[r.nextInt(SHAPES.length)];
        int maxDepth = (int) Math.max(1, Math.min(60, 400_000L / ((long) shape[0] * shape[1])));
        int depth = 1 + r.nextInt(maxDepth);
        Content c = Content.values()[r.nextInt(Content.values().length)];
        return of(r.nextLong(), f, depth, shape[0], shape[1], c);
    }

    public static Volume of(long seed, PixelFormat f, int slices, int rows, int cols, Content content) {
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = Volume.allocate(slices, rows, cols, f);
        long min = f.min();
        long max = f.max();
        long range = max - min;
        // Noise within a random band, so that some noisy volumes have room for a payload and some have none.
        int bandBits = 1 + r.nextInt(f.bitsStored());
        long band = Math.min(range, (1L << bandBits) - 1);
        long bandStart = min + (range == band ? 0 : r.nextLong(range - band + 1));
        long flat = min + r.nextLong(range + 1);
        long slopeR = r.nextInt(7) - 3;
        long slopeC = r.nextInt(7) - 3;
        int noise = r.nextInt(3);
        for (int s = 0; s < slices; s++) {
            short[] px = v.slice(s);
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    long value = switch (content) {
                        case NOISE -> bandStart + r.nextLong(band + 1);
                        case GRADIENT -> flat + slopeR * y + slopeC * x + s + r.nextInt(2 * noise + 1) - noise;
                        case FLAT -> flat;
                        case SATURATED_LOW -> min;
                        case SATURATED_HIGH -> max;
                        case HALF_SATURATED -> x < cols / 2 ? ((s & 1) == 0 ? min : max)
                                : flat + slopeR * y + r.nextInt(2 * noise + 1) - noise;
                    };
                    px[y * cols + x] = f.store((int) Math.max(min, Math.min(max, value)));
                }
            }
        }
        return v;
    }

    /** Uniform noise over the whole stored range. */
    public static Volume noise(long seed, PixelFormat f, int slices, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        Volume v = Volume.allocate(slices, rows, cols, f);
        for (int s = 0; s < slices; s++) {
            short[] px = v.slice(s);
            for (int i = 0; i < px.length; i++) {
                px[i] = f.store(f.min() + r.nextInt(f.max() - f.min() + 1));
            }
        }
        return v;
    }

    /** Smooth content with mild noise over a random part of the range: lots of capacity, like real anatomy. */
    public static Volume smooth(long seed, PixelFormat f, int slices, int rows, int cols) {
        return of(seed, f, slices, rows, cols, Content.GRADIENT);
    }
}
