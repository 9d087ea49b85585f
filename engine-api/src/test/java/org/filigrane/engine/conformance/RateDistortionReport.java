package org.filigrane.engine.conformance;

import java.util.List;
import org.filigrane.engine.CapacityExceededException;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.demo.Quality;
import org.filigrane.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The rate-distortion curve of docs/BENCHMARKS.md: R+T PSNR (against the stored range, as Quality computes it, and
 * against the data's actual range) at growing payloads per slice on three volumes. Only with
 * {@code -Dfiligrane.rd=true}; uses the public API only, so the same file runs on an older release.
 */
class RateDistortionReport {

    @Test
    void printCurve() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("filigrane.rd"), "set -Dfiligrane.rd=true");
        Watermarker wm = Watermarker.create(IssuerKey.of("rate-distortion-report-master-32b".getBytes()),
                new ReferenceBackend());
        List<Volume> volumes = List.of(Phantom.generate(20261121L, 6, 256, 256, PixelFormat.unsigned(16, 12)),
                Phantom.generate(20261121L, 6, 256, 256, PixelFormat.unsigned(8, 8)),
                NoisyVolumes.knee12(20261121L, 6, 160, 144));
        System.out.println("| volume | payload bits/slice | PSNR stored range (dB) | PSNR actual range (dB) |");
        for (Volume v : volumes) {
            int[] range = v.valueRange();
            for (int perSlice : new int[] {256, 512, 1024, 2048, 4096, 8192, 16384}) {
                String message = "p".repeat(Math.max(0, (perSlice * v.slices() - 8 * (40 + 4 * v.slices())) / 8));
                try {
                    Volume marked = wm.embed(v, WatermarkSpec.reversible("radiology", message)).volume();
                    double stored = Quality.psnr(v, marked, -1);
                    double actual = stored + 20 * Math.log10((double) (range[1] - range[0])
                            / (v.format().max() - v.format().min()));
                    System.out.printf("| %s | %d | %.2f | %.2f |%n", v, perSlice, stored, actual);
                } catch (CapacityExceededException e) {
                    System.out.printf("| %s | %d | refused | |%n", v, perSlice);
                }
            }
        }
    }
}
