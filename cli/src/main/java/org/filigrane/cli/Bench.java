package org.filigrane.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.filigrane.dicom.DicomReader;
import org.filigrane.engine.Backends;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.demo.Phantom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Times embed, verify and restore per backend on the user's series (or a 256x256x48 12-bit phantom), in
 * megapixels per second, best of a few runs after a warm-up. A quick look; the JMH suite in {@code bench} is the
 * measurement.
 */
@Command(name = "bench", description = "Time embed/verify/restore per backend, in megapixels per second.")
final class Bench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "a series (default: a 256x256x48 phantom)")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--series", paramLabel = "UID", description = "series to use when the inputs hold several")
    String series;

    @Option(names = "--backend", paramLabel = "NAME", split = ",",
            description = "backends to time (default: every one on the class path)")
    List<String> backends;

    @Option(names = "--runs", defaultValue = "3", description = "timed runs per operation (best is kept)")
    int runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Volume v = inputs.isEmpty() ? Phantom.generate(1, 48, 256, 256, PixelFormat.unsigned(16, 12))
                : DicomReader.read(inputs, new DicomReader.Options(series, true)).volume();
        double mp = v.pixelCount() / 1e6;
        out.printf(Locale.ROOT, "volume %dx%dx%d %s (%.1f megapixels), %d CPU(s)%n", v.slices(), v.rows(),
                v.columns(), v.format(), mp, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-10s %12s %12s %12s  (MP/s, best of %d)%n", "backend", "embed", "verify",
                "restore", runs);
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        IssuerKey key = IssuerKey.of(k);
        WatermarkSpec spec = WatermarkSpec.reversible("bench", "bench");
        for (String name : backends != null ? backends : Backends.names()) {
            Watermarker wm;
            try {
                wm = Watermarker.create(key, name);
            } catch (RuntimeException e) {
                out.printf("%-10s cannot run here: %s%n", name, e.getMessage());
                continue;
            }
            try (wm) {
                time(out, wm, v, spec, mp);
            }
        }
        return ExitCode.OK;
    }

    private void time(PrintWriter out, Watermarker wm, Volume v, WatermarkSpec spec, double mp) throws Exception {
        EmbedResult r = wm.embed(v, spec);
        wm.verify(r.volume());
        wm.restore(r.volume());
        double embed = Double.MAX_VALUE;
        double verify = Double.MAX_VALUE;
        double restore = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r = wm.embed(v, spec);
            long t1 = System.nanoTime();
            wm.verify(r.volume());
            long t2 = System.nanoTime();
            wm.restore(r.volume());
            long t3 = System.nanoTime();
            embed = Math.min(embed, (t1 - t0) / 1e9);
            verify = Math.min(verify, (t2 - t1) / 1e9);
            restore = Math.min(restore, (t3 - t2) / 1e9);
        }
        out.printf(Locale.ROOT, "%-10s %12.1f %12.1f %12.1f%n", wm.backendName(), mp / embed, mp / verify,
                mp / restore);
    }
}
