package org.filigrane.bench;

import java.util.concurrent.TimeUnit;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.reference.ReferenceBackend;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The public pipelines through {@link Watermarker}: full reversible embed (layers R and T, default profile), verify
 * of an untouched watermarked volume, restore. Checked: verify must say AUTHENTIC on every call; embed must give the
 * reference's bytes and restore the original's (after every iteration).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBench {
    @Param({"256x256x48/12", "512x512x200/16"})
    public String volume;

    @Param({"reference", "vector", "opencl"})
    public String backend;

    private static final IssuerKey KEY = IssuerKey.of(new byte[32]);
    private static final WatermarkSpec SPEC = WatermarkSpec.reversible("hospital-b", "second opinion, case 42");

    private String op;
    private Watermarker wm;
    private Volume original;
    private Volume marked;
    private Volume expectedMarked;
    private Volume last;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) throws WatermarkException {
        String name = params.getBenchmark();
        op = name.substring(name.lastIndexOf('.') + 1);
        wm = Watermarker.create(KEY, Volumes.backend(backend));
        original = Volumes.phantom(volume);
        marked = wm.embed(original, SPEC).volume();
        if (op.equals("embed")) {
            expectedMarked = backend.equals("reference") ? marked
                    : Watermarker.create(KEY, new ReferenceBackend()).embed(original, SPEC).volume();
        }
    }

    @Benchmark
    public EmbedResult embed() throws WatermarkException {
        EmbedResult r = wm.embed(original, SPEC);
        last = r.volume();
        return r;
    }

    @Benchmark
    public VerificationReport verify() {
        VerificationReport r = wm.verify(marked);
        if (r.status() != VerificationReport.Status.AUTHENTIC) {
            throw new IllegalStateException("verify on " + backend + " said " + r.status());
        }
        return r;
    }

    @Benchmark
    public Volume restore() throws WatermarkException {
        last = wm.restore(marked);
        return last;
    }

    @TearDown(Level.Iteration)
    public void check() {
        switch (op) {
            case "embed" -> Volumes.requireSame(expectedMarked, last, "embed on " + backend);
            case "restore" -> Volumes.requireSame(original, last, "restore on " + backend);
            default -> {
            }
        }
    }
}
