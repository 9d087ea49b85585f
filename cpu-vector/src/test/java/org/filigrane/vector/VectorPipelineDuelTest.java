package org.filigrane.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole pipelines across backends on phantoms larger than the conformance suite's: embedded on vector (1 and
 * several threads) restores on the reference and the reverse, byte for byte, with the same verification report.
 */
class VectorPipelineDuelTest {
    private static final IssuerKey KEY = IssuerKey.of(new byte[32]);

    static Stream<Object[]> cases() {
        return Stream.of(new Object[] {PixelFormat.unsigned(16, 12), 7, 130, 97, 1, TamperProfile.DEFAULT},
                new Object[] {PixelFormat.unsigned(16, 12), 3, 128, 128, 3, TamperProfile.PAPER},
                new Object[] {PixelFormat.signed(16, 12), 2, 75, 301, 3, TamperProfile.DEFAULT},
                new Object[] {PixelFormat.unsigned(8, 8), 12, 64, 66, 3, TamperProfile.DEFAULT},
                new Object[] {PixelFormat.unsigned(16, 10), 1, 160, 161, 3, TamperProfile.PAPER});
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}, {4} threads, {5}")
    @MethodSource("cases")
    void embedOnOneRestoreOnTheOther(PixelFormat f, int slices, int rows, int cols, int threads, TamperProfile profile)
            throws Exception {
        long seed = 1000L * slices + rows + cols;
        System.out.println("pipeline duel seed " + seed);
        Volume v = Phantom.generate(seed, slices, rows, cols, f);
        WatermarkSpec spec = WatermarkSpec.reversible("hospital-b", "second opinion, case 42").withProfile(profile);
        Backend vector = VectorTesting.backend(threads);
        Watermarker onVector = Watermarker.create(KEY, vector);
        Watermarker onReference = Watermarker.create(KEY, new ReferenceBackend());
        EmbedResult mine = onVector.embed(v, spec);
        EmbedResult theirs = onReference.embed(v, spec);
        assertTrue(theirs.volume().sameContent(mine.volume()), "embedded volumes differ");
        VerificationReport a = onReference.verify(mine.volume());
        VerificationReport b = onVector.verify(theirs.volume());
        assertEquals(VerificationReport.Status.AUTHENTIC, a.status(), a.toString());
        assertEquals(VerificationReport.Status.AUTHENTIC, b.status(), b.toString());
        assertTrue(v.sameContent(onReference.restore(mine.volume())), "reference restore of the vector embedding");
        assertTrue(v.sameContent(onVector.restore(theirs.volume())), "vector restore of the reference embedding");

        Volume tampered = mine.volume().copy();
        tampered.set(slices - 1, rows / 2, cols / 2, tampered.get(slices - 1, rows / 2, cols / 2) ^ 1);
        VerificationReport ta = onVector.verify(tampered);
        VerificationReport tb = onReference.verify(tampered);
        assertEquals(VerificationReport.Status.TAMPERED, ta.status());
        assertEquals(tb.tamperedCells(), ta.tamperedCells());
    }
}
