package org.filigrane.vector;

import org.filigrane.engine.IntegrityReport;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The figures of docs/BENCHMARKS.md ("quick screen"): wall time of embed, verify and checkIntegrity on the vector
 * backend, 512x512x200 16-bit, best of five after two warm-ups. Only with {@code -Dfiligrane.timing=true}; no
 * assertion on time (JMH's PipelineBench is the benchmark of record).
 */
class QuickScreenTiming {

    @Test
    void printTimes() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("filigrane.timing"), "set -Dfiligrane.timing=true");
        Volume v = Phantom.generate(7, 200, 512, 512, PixelFormat.unsigned(16, 16));
        Watermarker wm = Watermarker.create(IssuerKey.of("quick-screen-timing-master-key32".getBytes()),
                VectorTesting.backend(VectorTesting.MANY_THREADS));
        Volume marked = null;
        long embed = Long.MAX_VALUE;
        long verify = Long.MAX_VALUE;
        long quick = Long.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            marked = wm.embed(v, WatermarkSpec.reversible("bench", "quick screen")).volume();
            long t1 = System.nanoTime();
            VerificationReport r = wm.verify(marked);
            long t2 = System.nanoTime();
            IntegrityReport q = wm.checkIntegrity(marked);
            long t3 = System.nanoTime();
            if (r.status() != VerificationReport.Status.AUTHENTIC || !q.intact() || !q.fastPath()) {
                throw new AssertionError(r.detail() + " / " + q);
            }
            if (i >= 2) {
                embed = Math.min(embed, t1 - t0);
                verify = Math.min(verify, t2 - t1);
                quick = Math.min(quick, t3 - t2);
            }
        }
        System.out.printf("vector 512x512x200/16: embed %.0f ms, verify %.0f ms, checkIntegrity %.0f ms%n",
                embed / 1e6, verify / 1e6, quick / 1e6);
    }
}
