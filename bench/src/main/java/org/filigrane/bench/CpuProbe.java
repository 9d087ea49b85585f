package org.filigrane.bench;

import java.lang.management.ManagementFactory;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;

/**
 * Process CPU time (and wall time) per embed, verify and quick screen of a phantom, in one JVM: a comparison that
 * survives a shared machine better than JMH's wall times (CPU time still grows a little with the load, through the
 * shared caches). Not a substitute for {@link PipelineBench} on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.filigrane.bench.CpuProbe \
 *     [volume, default 512x512x200/16] [timed calls, default 12] [backend, default vector]
 *     [operations, default embed,verify,quick]</pre>
 */
public final class CpuProbe {
    private CpuProbe() {
    }

    public static void main(String[] args) throws WatermarkException {
        String volume = args.length > 0 ? args[0] : "512x512x200/16";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        String backend = args.length > 2 ? args[2] : "vector";
        String[] ops = (args.length > 3 ? args[3] : "embed,verify,quick").split(",");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Watermarker wm = Watermarker.create(IssuerKey.of(new byte[32]), Volumes.backend(backend));
        WatermarkSpec spec = WatermarkSpec.reversible("hospital-b", "second opinion, case 42");
        Volume original = Volumes.phantom(volume);
        Volume marked = wm.embed(original, spec).volume();
        for (String op : ops) {
            for (int i = 0; i < 6; i++) {
                run(wm, op, original, marked, spec);
            }
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < n; i++) {
                run(wm, op, original, marked, spec);
            }
            System.out.printf("%s %s %s: cpu %.1f ms/op, wall %.1f ms/op%n", volume, backend, op,
                    (os.getProcessCpuTime() - cpu) / 1e6 / n, (System.nanoTime() - wall) / 1e6 / n);
        }
    }

    private static void run(Watermarker wm, String op, Volume original, Volume marked, WatermarkSpec spec)
            throws WatermarkException {
        switch (op) {
            case "embed" -> wm.embed(original, spec);
            case "verify" -> {
                if (wm.verify(marked).status() != VerificationReport.Status.AUTHENTIC) {
                    throw new IllegalStateException("verify did not say AUTHENTIC");
                }
            }
            default -> {
                if (!wm.checkIntegrity(marked).intact()) {
                    throw new IllegalStateException("the quick screen did not say intact");
                }
            }
        }
    }
}
