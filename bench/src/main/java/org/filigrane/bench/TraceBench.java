package org.filigrane.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.Layer;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.RobustCandidate;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.TraceResult;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.demo.Phantom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tracing a leaked 8-bit export against the ledger's candidates ({@link Watermarker#trace}): a JPEG 70 export of a
 * marked 12-bit slice (found at scale 1), the same export shrunk to 0.8x like a screenshot (found by the rescale
 * pass), the same export turned by 30 degrees (found by the rotation pass, after the other two), an unmarked slice
 * (all three passes run, nothing found), and the first trace of a fresh watermarker ({@code cold}: every
 * candidate's key and pattern derived). Checked: the marked exports must name their recipient and the unmarked one
 * nobody, on every call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceBench {
    @Param({"10000"})
    public int candidates;

    @Param({"256", "512"})
    public int size;

    private static final IssuerKey KEY = IssuerKey.of(new byte[32]);

    private Watermarker wm;
    private Watermarker fresh;
    private List<RobustCandidate> list;
    private RobustCandidate truth;
    private Volume leaked;
    private Volume rescaled;
    private Volume rotated;
    private Volume unmarked;

    @Setup(Level.Trial)
    public void setup() throws WatermarkException {
        Random r = new Random(99);
        list = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            list.add(new RobustCandidate("hospital-" + i, r.nextLong()));
        }
        truth = list.get(candidates * 7 / 9);
        wm = Watermarker.create(KEY, "reference");
        Volume original = Phantom.generate(0x5EED_D600L, 1, size, size, PixelFormat.unsigned(16, 12));
        Volume marked = wm.embed(original, new WatermarkSpec(truth.recipient(), "", EnumSet.of(Layer.ROBUST),
                TamperProfile.DEFAULT, truth.robustId())).volume();
        leaked = jpeg8(marked, 0.7f);
        rescaled = shrink(leaked, 0.8);
        rotated = rotate(leaked, 30);
        unmarked = jpeg8(Phantom.generate(0x5EED_D601L, 1, size, size, PixelFormat.unsigned(16, 12)), 0.7f);
        wm.trace(leaked, list);
    }

    @Setup(Level.Invocation)
    public void freshWatermarker() {
        fresh = Watermarker.create(KEY, "reference");
    }

    @TearDown(Level.Invocation)
    public void closeFresh() {
        fresh.close();
    }

    @TearDown(Level.Trial)
    public void close() {
        wm.close();
    }

    /** A marked JPEG export, candidate patterns already derived (a ledger traced again and again). */
    @Benchmark
    public TraceResult marked() {
        return expectFound(wm.trace(leaked, list));
    }

    /** The marked export shrunk to 0.8x: not found at scale 1, found by the rescale pass. */
    @Benchmark
    public TraceResult rescaled() {
        return expectFound(wm.trace(rescaled, list));
    }

    /** The marked export turned by 30 degrees: not found at scale 1 nor rescaled, found by the rotation pass. */
    @Benchmark
    public TraceResult rotated() {
        return expectFound(wm.trace(rotated, list));
    }

    /** An unmarked JPEG: the scale-1 pass, the rescale pass, the rotation pass, then "not found". */
    @Benchmark
    public TraceResult unmarked() {
        TraceResult t = wm.trace(unmarked, list);
        if (t.found()) {
            throw new IllegalStateException("unmarked image named " + t.recipient());
        }
        return t;
    }

    /** The marked export traced by a new watermarker: derives every candidate's key and pattern first. */
    @Benchmark
    public TraceResult cold() {
        return expectFound(fresh.trace(leaked, list));
    }

    private TraceResult expectFound(TraceResult t) {
        if (!t.found() || !t.recipient().equals(truth.recipient())) {
            throw new IllegalStateException("the marked export was not traced: " + t);
        }
        return t;
    }

    /** An 8-bit slice shrunk by {@code scale} with area averaging (java.awt), as a screenshot at another zoom. */
    static Volume shrink(Volume v, double scale) {
        int w = (int) Math.round(v.columns() * scale);
        int h = (int) Math.round(v.rows() * scale);
        BufferedImage src = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < v.rows(); y++) {
            for (int x = 0; x < v.columns(); x++) {
                src.getRaster().setSample(x, y, 0, v.get(0, y, x));
            }
        }
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var g = dst.createGraphics();
        g.drawImage(src.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        Volume out = Volume.allocate(1, h, w, PixelFormat.unsigned(8, 8));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.set(0, y, x, dst.getRaster().getSample(x, y, 0));
            }
        }
        return out;
    }

    /** An 8-bit slice turned by {@code degrees} about its centre (java.awt, bilinear, same size, black corners). */
    static Volume rotate(Volume v, double degrees) {
        BufferedImage src = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < v.rows(); y++) {
            for (int x = 0; x < v.columns(); x++) {
                src.getRaster().setSample(x, y, 0, v.get(0, y, x));
            }
        }
        BufferedImage dst = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        new java.awt.image.AffineTransformOp(java.awt.geom.AffineTransform.getRotateInstance(Math.toRadians(degrees),
                v.columns() / 2.0, v.rows() / 2.0), java.awt.image.AffineTransformOp.TYPE_BILINEAR).filter(src, dst);
        Volume out = Volume.allocate(1, v.rows(), v.columns(), PixelFormat.unsigned(8, 8));
        for (int y = 0; y < v.rows(); y++) {
            for (int x = 0; x < v.columns(); x++) {
                out.set(0, y, x, dst.getRaster().getSample(x, y, 0));
            }
        }
        return out;
    }

    /** The slice windowed min..max to 8 bits and saved as JPEG at {@code quality}, read back. */
    static Volume jpeg8(Volume v, float quality) {
        short[] pixels = v.slice(0);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (short p : pixels) {
            min = Math.min(min, v.format().value(p));
            max = Math.max(max, v.format().value(p));
        }
        BufferedImage img = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < v.rows(); y++) {
            for (int x = 0; x < v.columns(); x++) {
                long value = v.get(0, y, x) - min;
                img.getRaster().setSample(x, y, 0, (int) ((255 * value + (max - min) / 2) / Math.max(1, max - min)));
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            writer.dispose();
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            Volume out = Volume.allocate(1, v.rows(), v.columns(), PixelFormat.unsigned(8, 8));
            for (int y = 0; y < v.rows(); y++) {
                for (int x = 0; x < v.columns(); x++) {
                    out.set(0, y, x, back.getRaster().getSample(x, y, 0));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
