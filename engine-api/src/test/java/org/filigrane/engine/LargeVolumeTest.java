package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The reference carries a 512x512x200 16-bit volume through the whole pipeline inside the build's 2 GiB heap. */
class LargeVolumeTest {
    @Test
    void wholePipelineFitsInTwoGigabytes() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        assertTrue(heap <= 2L << 30, "run with -Xmx2g (surefire does): heap is " + heap);
        Volume v = Phantom.generate(512, 200, 512, 512, PixelFormat.signed(16, 16));
        Watermarker wm = Watermarker.create(IssuerKey.of(new byte[32]), new ReferenceBackend());
        Volume marked = wm.embed(v, WatermarkSpec.reversible("archive", "512x512x200")).volume();
        assertEquals(VerificationReport.Status.AUTHENTIC, wm.verify(marked).status());
        assertTrue(v.sameContent(wm.restore(marked)));
    }
}
