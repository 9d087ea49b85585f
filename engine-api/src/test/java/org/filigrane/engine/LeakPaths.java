package org.filigrane.engine;

import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.filigrane.engine.demo.Phantom;

/**
 * The leak paths of issue 10 for layer D, written independently of the detector: the series classes, the 8-bit
 * exports in three windows, and the attacks on those exports (8-bit one-slice volumes in, 8-bit volumes out).
 */
final class LeakPaths {
    private LeakPaths() {
    }

    /** A series class instance: the original, the window it is read in (given to the embedder), its class name. */
    record Series(String kind, String name, Volume original, DisplayWindow window) {
    }

    /** The phantom classes: 8-bit, 12-bit and a signed 16-bit CT-like one (HU-like values, CT-like noise). */
    static Series phantom(String kind, long seed, int size) {
        switch (kind) {
            case "8-bit phantom": {
                Volume v = Phantom.generate(seed, 1, size, size, PixelFormat.unsigned(8, 8));
                return new Series(kind, "seed " + seed, v, new DisplayWindow(128, 192));
            }
            case "12-bit phantom": {
                Volume v = Phantom.generate(seed, 1, size, size, PixelFormat.unsigned(16, 12));
                return new Series(kind, "seed " + seed, v, new DisplayWindow(1843, 2048));
            }
            case "16-bit CT-like": {
                Volume p = Phantom.generate(seed, 1, size, size, PixelFormat.unsigned(16, 12));
                Random random = new Random(seed);
                Volume v = Volume.allocate(1, size, size, PixelFormat.signed(16, 16));
                for (int i = 0; i < size * size; i++) {
                    int hu = p.format().value(p.slice(0)[i]) - 1024 - 1000 + (int) Math.round(random.nextGaussian() * 12);
                    v.slice(0)[i] = (short) Math.max(-3000, Math.min(3000, hu));
                }
                return new Series(kind, "seed " + seed, v, new DisplayWindow(-200, 400));
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    static final List<String> PHANTOM_KINDS = List.of("8-bit phantom", "12-bit phantom", "16-bit CT-like");

    /** The real images; CT_small carries no window, so it gets the usual soft-tissue window (40/400 HU). */
    static List<Series> real() {
        List<Series> out = new ArrayList<>();
        for (RealImages.Image i : RealImages.load()) {
            DisplayWindow w = i.window();
            if (w == null && i.name().equals("ct-small")) {
                w = new DisplayWindow(40 + 1024, 400);
            }
            out.add(new Series(i.kind(), i.name(), i.volume(), w));
        }
        return out;
    }

    /**
     * The real image {@code name}, or empty where pydicom or that file is missing; under CI=true (which installs
     * pydicom) a missing image is an error, so a test that needs one cannot pass without it there.
     */
    static java.util.Optional<Series> real(String name) {
        java.util.Optional<Series> found = real().stream().filter(s -> s.name().equals(name)).findFirst();
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("real image " + name + " is missing under CI (pydicom's test files)");
        }
        return found;
    }

    // ---- exports ----

    record Export(String name, BiFunction<Series, Volume, Volume> apply) {
    }

    static final List<Export> EXPORTS = List.of(
            new Export("percentile 1-99", (s, v) -> {
                double[] p = percentiles(v);
                return window8(v, p[0], p[1]);
            }),
            new Export("full range", (s, v) -> {
                int[] r = v.valueRange();
                return window8(v, r[0], r[1]);
            }),
            new Export("DICOM window", (s, v) -> {
                if (s.window() == null) {
                    double[] p = percentiles(v);
                    return window8(v, p[0], p[1]);
                }
                return window8(v, s.window().center() - s.window().width() / 2.0,
                        s.window().center() + s.window().width() / 2.0);
            }));

    static double[] percentiles(Volume v) {
        int[] values = new int[v.slice(0).length];
        for (int i = 0; i < values.length; i++) {
            values[i] = v.format().value(v.slice(0)[i]);
        }
        Arrays.sort(values);
        return new double[] {values[values.length / 100], values[values.length * 99 / 100]};
    }

    /** Values {@code low..high} to 0..255, rounded and clipped, as an 8-bit one-slice volume. */
    static Volume window8(Volume v, double low, double high) {
        double width = Math.max(1e-9, high - low);
        Volume out = Volume.allocate(1, v.rows(), v.columns(), PixelFormat.unsigned(8, 8));
        for (int i = 0; i < v.slice(0).length; i++) {
            double x = (v.format().value(v.slice(0)[i]) - low) / width * 255;
            out.slice(0)[i] = (short) Math.max(0, Math.min(255, Math.round(x)));
        }
        return out;
    }

    // ---- attacks on 8-bit images ----

    record Attack(String name, String orientation, BiFunction<Volume, Random, Volume> apply) {
    }

    static final List<Attack> ATTACKS = List.of(
            new Attack("none", "identity", (v, r) -> v),
            new Attack("rot90", "rot90", (v, r) -> ImageAttacks.rot90(v)),
            new Attack("rot180", "rot180", (v, r) -> ImageAttacks.rot90(ImageAttacks.rot90(v))),
            new Attack("flipH", "flipH", (v, r) -> ImageAttacks.flipH(v)),
            new Attack("flipV", "flipV", (v, r) -> ImageAttacks.rot90(ImageAttacks.rot90(ImageAttacks.flipH(v)))),
            new Attack("gamma 0.5", "identity", (v, r) -> map(v, x -> 255 * Math.pow(x / 255.0, 0.5))),
            new Attack("hist. equalization", "identity", (v, r) -> equalize(v)),
            new Attack("JPEG 90", "identity", (v, r) -> ImageAttacks.jpeg8(v, 0.90f)),
            new Attack("JPEG 70", "identity", (v, r) -> ImageAttacks.jpeg8(v, 0.70f)),
            new Attack("JPEG 50", "identity", (v, r) -> ImageAttacks.jpeg8(v, 0.50f)),
            new Attack("JPEG 30", "identity", (v, r) -> ImageAttacks.jpeg8(v, 0.30f)),
            new Attack("Gaussian blur 7x7", "identity", (v, r) -> gaussianBlur(v, 1.4)),
            new Attack("mean 3x3", "identity", (v, r) -> mean3(v)),
            new Attack("median 3x3", "identity", (v, r) -> median3(v)),
            new Attack("brightness +50", "identity", (v, r) -> map(v, x -> x + 50)),
            new Attack("contrast x1.5", "identity", (v, r) -> contrast(v, 1.5)),
            new Attack("salt & pepper 1%", "identity", (v, r) -> saltPepper(v, 0.01, r)),
            new Attack("Gaussian noise 5", "identity", (v, r) -> noise(v, r, (x, g) -> x + 5 * g)),
            new Attack("Poisson noise", "identity", (v, r) -> poisson(v, r)),
            new Attack("speckle noise", "identity", (v, r) -> noise(v, r, (x, g) -> x + x * 0.1 * g)),
            new Attack("crop 10%", "identity", (v, r) -> crop(v, 0.9, r)),
            new Attack("rescale 0.75-2x", "identity", (v, r) -> rescale(v, 0.75 * Math.pow(2 / 0.75, r.nextDouble()))));

    /** Reported, not required: half size and a 45-degree turn. */
    static final List<Attack> STRETCH = List.of(
            new Attack("rescale 0.5x", "identity", (v, r) -> rescale(v, 0.5)),
            new Attack("rotate 45", "identity", (v, r) -> rotate(v, 45)));

    /** The attack named {@code name} from {@link #ATTACKS} or {@link #STRETCH}. */
    static Attack attack(String name) {
        for (Attack a : ATTACKS) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        for (Attack a : STRETCH) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Volume map(Volume v, java.util.function.DoubleUnaryOperator f) {
        Volume out = v.copy();
        short[] p = out.slice(0);
        for (int i = 0; i < p.length; i++) {
            p[i] = (short) clamp(f.applyAsDouble(p[i] & 0xFF));
        }
        return out;
    }

    private static int clamp(double x) {
        return (int) Math.max(0, Math.min(255, Math.round(x)));
    }

    private static Volume noise(Volume v, Random r, java.util.function.DoubleBinaryOperator f) {
        Volume out = v.copy();
        short[] p = out.slice(0);
        for (int i = 0; i < p.length; i++) {
            p[i] = (short) clamp(f.applyAsDouble(p[i] & 0xFF, r.nextGaussian()));
        }
        return out;
    }

    private static Volume poisson(Volume v, Random r) {
        Volume out = v.copy();
        short[] p = out.slice(0);
        for (int i = 0; i < p.length; i++) {
            int lambda = p[i] & 0xFF;
            // Normal approximation above 30, exact (Knuth) below.
            double x;
            if (lambda > 30) {
                x = lambda + Math.sqrt(lambda) * r.nextGaussian();
            } else {
                double limit = Math.exp(-lambda);
                double product = r.nextDouble();
                int k = 0;
                while (product > limit) {
                    product *= r.nextDouble();
                    k++;
                }
                x = k;
            }
            p[i] = (short) clamp(x);
        }
        return out;
    }

    private static Volume saltPepper(Volume v, double amount, Random r) {
        Volume out = v.copy();
        short[] p = out.slice(0);
        for (int i = 0; i < p.length; i++) {
            if (r.nextDouble() < amount) {
                p[i] = (short) (r.nextBoolean() ? 255 : 0);
            }
        }
        return out;
    }

    private static Volume contrast(Volume v, double gain) {
        double mean = 0;
        for (short x : v.slice(0)) {
            mean += x & 0xFF;
        }
        double m = mean / v.slice(0).length;
        return map(v, x -> m + gain * (x - m));
    }

    private static Volume equalize(Volume v) {
        long[] histogram = new long[256];
        for (short x : v.slice(0)) {
            histogram[x & 0xFF]++;
        }
        long[] cdf = new long[256];
        long c = 0;
        long min = -1;
        for (int i = 0; i < 256; i++) {
            c += histogram[i];
            cdf[i] = c;
            if (min < 0 && c > 0) {
                min = c;
            }
        }
        long n = v.slice(0).length;
        long first = min;
        return map(v, x -> n == first ? x : (cdf[(int) x] - first) * 255.0 / (n - first));
    }

    private static Volume gaussianBlur(Volume v, double sigma) {
        double[] k = new double[7];
        double sum = 0;
        for (int i = 0; i < 7; i++) {
            k[i] = Math.exp(-(i - 3) * (i - 3) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < 7; i++) {
            k[i] /= sum;
        }
        return separable(v, k);
    }

    private static Volume mean3(Volume v) {
        return separable(v, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
    }

    /** Separable filter with replicated edges. */
    private static Volume separable(Volume v, double[] k) {
        int rows = v.rows();
        int columns = v.columns();
        int half = k.length / 2;
        double[] tmp = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double s = 0;
                for (int i = 0; i < k.length; i++) {
                    int cc = Math.max(0, Math.min(columns - 1, c + i - half));
                    s += k[i] * (v.slice(0)[r * columns + cc] & 0xFF);
                }
                tmp[r * columns + c] = s;
            }
        }
        Volume out = Volume.allocate(1, rows, columns, v.format());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double s = 0;
                for (int i = 0; i < k.length; i++) {
                    int rr = Math.max(0, Math.min(rows - 1, r + i - half));
                    s += k[i] * tmp[rr * columns + c];
                }
                out.slice(0)[r * columns + c] = (short) clamp(s);
            }
        }
        return out;
    }

    private static Volume median3(Volume v) {
        int rows = v.rows();
        int columns = v.columns();
        Volume out = Volume.allocate(1, rows, columns, v.format());
        int[] w = new int[9];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int n = 0;
                for (int dr = -1; dr <= 1; dr++) {
                    for (int dc = -1; dc <= 1; dc++) {
                        int rr = Math.max(0, Math.min(rows - 1, r + dr));
                        int cc = Math.max(0, Math.min(columns - 1, c + dc));
                        w[n++] = v.slice(0)[rr * columns + cc] & 0xFF;
                    }
                }
                Arrays.sort(w);
                out.slice(0)[r * columns + c] = (short) w[4];
            }
        }
        return out;
    }

    /** Keeps {@code keep} of each dimension at a random offset. */
    static Volume crop(Volume v, double keep, Random r) {
        int rows = (int) Math.round(v.rows() * keep);
        int columns = (int) Math.round(v.columns() * keep);
        int top = r.nextInt(v.rows() - rows + 1);
        int left = r.nextInt(v.columns() - columns + 1);
        Volume out = Volume.allocate(1, rows, columns, v.format());
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v.slice(0), (top + i) * v.columns() + left, out.slice(0), i * columns, columns);
        }
        return out;
    }

    private static BufferedImage image(Volume v) {
        BufferedImage image = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < v.rows(); r++) {
            for (int c = 0; c < v.columns(); c++) {
                image.getRaster().setSample(c, r, 0, v.slice(0)[r * v.columns() + c] & 0xFF);
            }
        }
        return image;
    }

    private static Volume volume(BufferedImage image) {
        Volume out = Volume.allocate(1, image.getHeight(), image.getWidth(), PixelFormat.unsigned(8, 8));
        for (int r = 0; r < image.getHeight(); r++) {
            for (int c = 0; c < image.getWidth(); c++) {
                out.slice(0)[r * image.getWidth() + c] = (short) image.getRaster().getSample(c, r, 0);
            }
        }
        return out;
    }

    /** A screenshot at another zoom: area averaging when shrinking, bilinear when enlarging (java.awt). */
    static Volume rescale(Volume v, double scale) {
        int w = (int) Math.round(v.columns() * scale);
        int h = (int) Math.round(v.rows() * scale);
        BufferedImage src = image(v);
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var g = dst.createGraphics();
        if (scale < 1) {
            g.drawImage(src.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } else {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, w, h, null);
        }
        g.dispose();
        return volume(dst);
    }

    /** Turned by {@code degrees} about the centre, bilinear, same size (corners cut, black fill). */
    static Volume rotate(Volume v, double degrees) {
        BufferedImage src = image(v);
        AffineTransform t = AffineTransform.getRotateInstance(Math.toRadians(degrees), v.columns() / 2.0,
                v.rows() / 2.0);
        BufferedImage dst = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        new AffineTransformOp(t, AffineTransformOp.TYPE_BILINEAR).filter(src, dst);
        return volume(dst);
    }

    // ---- quality ----

    /** PSNR in dB against the original's actual value range (max - min). */
    static double psnrActualRange(Volume original, Volume marked) {
        int[] range = original.valueRange();
        double peak = Math.max(1, range[1] - range[0]);
        double squares = 0;
        long n = 0;
        for (int s = 0; s < original.slices(); s++) {
            for (int i = 0; i < original.slice(s).length; i++) {
                double d = original.format().value(original.slice(s)[i]) - marked.format().value(marked.slice(s)[i]);
                squares += d * d;
                n++;
            }
        }
        return squares == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(peak * peak * n / squares);
    }

    /** SSIM of the 8-bit renderings in {@code window} (the percentile window of the original when null). */
    static double ssimInWindow(Volume original, Volume marked, DisplayWindow window) {
        double low;
        double high;
        if (window == null) {
            double[] p = percentiles(original);
            low = p[0];
            high = p[1];
        } else {
            low = window.center() - window.width() / 2.0;
            high = window.center() + window.width() / 2.0;
        }
        return org.filigrane.engine.demo.Quality.ssim(window8(original, low, high), window8(marked, low, high));
    }
}
