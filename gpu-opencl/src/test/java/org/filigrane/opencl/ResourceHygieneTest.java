package org.filigrane.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A long-running service calls the backend forever: repeated calls must not leave OpenCL objects behind. */
class ResourceHygieneTest {
    private static final int CALLS = Integer.getInteger("filigrane.hygieneCalls", 1000);

    @BeforeAll
    static void device() {
        OpenClTestDevice.backend();
    }

    @Test
    void thousandEmbedVerifyCallsLeaveNoObjectsBehind() throws Exception {
        Watermarker wm = Watermarker.create(IssuerKey.of("hygiene-test-master-key-32bytes!".getBytes()),
                OpenClTestDevice.backend());
        // Shapes that make the pool's buffers grow at least once after the warm-up.
        Volume[] volumes = {
            Phantom.generate(1, 3, 64, 64, PixelFormat.unsigned(16, 12)),
            Phantom.generate(2, 2, 64, 72, PixelFormat.unsigned(16, 10)),
            Phantom.generate(3, 3, 80, 64, PixelFormat.unsigned(16, 12)),
        };
        WatermarkSpec spec = WatermarkSpec.reversible("hygiene", "m");
        wm.verify(wm.embed(volumes[2], spec).volume());
        int baseline = LiveObjects.count();
        long nativeBefore = nativeKilobytes();
        for (int i = 0; i < CALLS; i++) {
            Volume marked = wm.embed(volumes[i % volumes.length], spec).volume();
            assertEquals(VerificationReport.Status.AUTHENTIC, wm.verify(marked).status(), "call " + i);
            if (Boolean.getBoolean("filigrane.hygieneTrace") && i % 250 == 0) {
                System.out.println("call " + i + ": rss " + residentKilobytes() + " kB, outside the JVM's pools "
                        + nativeKilobytes() + " kB");
            }
            if (i == CALLS / 2) {
                nativeBefore = nativeKilobytes();
            }
        }
        long nativeGrowth = nativeKilobytes() - nativeBefore;
        System.out.printf("%d embed/verify calls: live OpenCL objects %d -> %d; memory outside the Java heap and "
                + "metaspace grew by %+d kB over the second half%n", CALLS, baseline, LiveObjects.count(),
                nativeGrowth);
        assertEquals(baseline, LiveObjects.count(), "OpenCL objects created and not released");
        // Loose, and only a second line of defence behind the object count: the JIT and malloc arenas still grow
        // by some MB while warming up (they level off after about 1,200 calls with PoCL).
        assertTrue(nativeGrowth < 48 * 1024, "native memory grew by " + nativeGrowth + " kB");
    }

    /** Resident memory minus what the JVM commits for heap and non-heap pools: the driver's share, roughly. */
    private static long nativeKilobytes() throws IOException {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return residentKilobytes() - (m.getHeapMemoryUsage().getCommitted()
                + m.getNonHeapMemoryUsage().getCommitted()) / 1024;
    }

    private static long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
