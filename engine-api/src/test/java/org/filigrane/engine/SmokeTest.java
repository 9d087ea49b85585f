package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void roundTrip() throws Exception {
        Volume v = Phantom.generate(1, 8, 64, 64, PixelFormat.unsigned(16, 12));
        Watermarker wm = Watermarker.create(MasterKey.of(new byte[32]), "reference");
        EmbedResult r0 = wm.embed(v, WatermarkSpec.reversible("alice", "hello").withLayers(java.util.Set.of(Layer.REVERSIBLE)));
        System.out.println(wm.verify(r0.volume()));
        EmbedResult r = wm.embed(v, WatermarkSpec.reversible("alice", "hello"));
        System.out.println(r);
        VerificationReport rep = wm.verify(r.volume());
        System.out.println(rep);
        assertEquals(VerificationReport.Status.AUTHENTIC, rep.status());
        assertTrue(v.sameContent(wm.restore(r.volume())));
    }
}
