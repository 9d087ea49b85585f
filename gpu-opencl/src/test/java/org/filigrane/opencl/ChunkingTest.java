package org.filigrane.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.conformance.RandomVolumes;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Volumes larger than the device are cut into batches of slices; forcing tiny batches (one slice, or three of
 * seven so the last batch is short) must not change a single byte, and closing the backend releases all it made.
 */
class ChunkingTest {
    private static final Backend REFERENCE = new ReferenceBackend();

    @BeforeAll
    static void device() {
        OpenClTestDevice.backend();
    }

    @ParameterizedTest(name = "{0} slices per batch")
    @ValueSource(ints = {1, 3})
    void batchesGiveTheReferenceBytes(int slicesPerBatch) throws Exception {
        int before = LiveObjects.count();
        PixelFormat f = PixelFormat.unsigned(16, 12);
        Volume v = RandomVolumes.of(17L * slicesPerBatch, f, 7, 37, 29, RandomVolumes.Content.GRADIENT);
        try (OpenClBackend small = OpenClBackendProvider.open(Devices.selector(), 2L * 37 * 29 * slicesPerBatch)) {
            SplittableRandom r = new SplittableRandom(slicesPerBatch);
            int[] first = {0, 3, 0, 36, 37, 1, 0};
            long[][] hExpected = new long[7][Backend.HIST_BINS];
            long[][] hActual = new long[7][Backend.HIST_BINS];
            REFERENCE.errorHistograms(v, first, 1, hExpected);
            small.errorHistograms(v, first, 1, hActual);
            assertArrayEquals(hExpected, hActual);

            long[] bits = r.longs(200).toArray();
            int[] limits = {100, 0, 37, 500, 3, 250, 80};
            long[] offsets = new long[7];
            for (int s = 1; s < 7; s++) {
                offsets[s] = offsets[s - 1] + limits[s - 1];
            }
            Volume expected = v.copy();
            Volume actual = v.copy();
            REFERENCE.embedPass(expected, first, 0, 1, 1, bits, offsets, limits);
            small.embedPass(actual, first, 0, 1, 1, bits, offsets, limits);
            assertTrue(expected.sameContent(actual), "embedPass");
            long[][] outExpected = new long[7][10];
            long[][] outActual = new long[7][10];
            REFERENCE.extractPass(expected, first, 0, 1, 1, outExpected, limits);
            small.extractPass(actual, first, 0, 1, 1, outActual, limits);
            assertTrue(expected.sameContent(actual), "extractPass");
            assertArrayEquals(outExpected, outActual);
            assertTrue(v.sameContent(actual), "round trip");

            BlockGrid g = TamperProfile.DEFAULT.grid(37, 29);
            int[][] codesExpected = new int[6][g.blockCount()];
            int[][] codesActual = new int[6][g.blockCount()];
            REFERENCE.blockCodes(v, 1, 7, g, codesExpected);
            small.blockCodes(v, 1, 7, g, codesActual);
            assertArrayEquals(codesExpected, codesActual);
            int[] columnsExpected = new int[g.columnCount()];
            java.util.Arrays.fill(columnsExpected, 0xFFFF);
            int[] columnsActual = columnsExpected.clone();
            REFERENCE.columnCodes(v, 1, 7, g, columnsExpected);
            small.columnCodes(v, 1, 7, g, columnsActual);
            assertArrayEquals(columnsExpected, columnsActual);

            long[][] blockBits = new long[6][g.blockCount()];
            for (long[] row : blockBits) {
                for (int b = 0; b < row.length; b++) {
                    row[b] = r.nextLong();
                }
            }
            int[][] carriedExpected = new int[6][2 * g.blockCount()];
            int[][] carriedActual = new int[6][2 * g.blockCount()];
            REFERENCE.embedBlocks(expected, 1, 7, g, 24, blockBits, carriedExpected);
            small.embedBlocks(actual, 1, 7, g, 24, blockBits, carriedActual);
            assertTrue(expected.sameContent(actual), "embedBlocks");
            assertArrayEquals(carriedExpected, carriedActual);

            IssuerKey key = IssuerKey.of("chunking-test-master-key-32bytes".getBytes());
            Volume phantom = Phantom.generate(5, 9, 48, 40, f);
            WatermarkSpec spec = WatermarkSpec.reversible("chunks", "batched");
            Volume markedHere = Watermarker.create(key, small).embed(phantom, spec).volume();
            Volume markedThere = Watermarker.create(key, REFERENCE).embed(phantom, spec).volume();
            assertTrue(markedThere.sameContent(markedHere), "whole pipeline in batches");
            assertTrue(phantom.sameContent(Watermarker.create(key, small).restore(markedThere)));
        }
        assertEquals(before, LiveObjects.count(), "OpenCL objects left after close()");
    }
}
