package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch's path through the adapter: a lean read (samples only in the volume), the streamed embed and restore
 * (one file built, checked and written at a time through the journal). Their outputs must be what the one-shot path
 * makes: readable, watermarked copies that verify AUTHENTIC with every attribute checked, and restorations that give
 * back the input bit for bit (judged by dcmtk and pydicom through {@link Tools}).
 */
class StreamedWriteTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        Tools.require();
    }

    @ParameterizedTest
    @ValueSource(strings = {"explicit-le", "explicit-be", "multiframe"})
    void leanReadStreamedEmbedAndRestoreGiveWhatTheOneShotPathGives(String encoding) throws Exception {
        DicomRoundTripTest maker = new DicomRoundTripTest();
        maker.tmp = tmp;
        Path dir = maker.series(encoding);
        DicomSeries full = DicomReader.read(List.of(dir), DicomReader.Options.defaults());
        DicomSeries lean = readLean(full.seriesUid(), dir);
        assertTrue(lean.volume().sameContent(full.volume()), "lean read, other samples");
        for (int i = 0; i < full.objects().size(); i++) {
            assertArrayEquals(full.objects().get(i).unstoredBitsHash(), lean.objects().get(i).unstoredBitsHash(),
                    "unstored bits of object " + i);
        }
        try (Watermarker wm = Watermarker.create(DicomRoundTripTest.KEY, "reference")) {
            Path stage = tmp.resolve("stage");
            DicomWatermarking.Embedded e = DicomWatermarking.embedStreamed(lean, wm, DicomRoundTripTest.KEY,
                    WatermarkSpec.reversible("hospital-b", "case 42"), stage, targets(lean, dir, stage), true,
                    i -> { });
            assertEquals(lean.objects().size(), e.outputs().size());
            for (int i = 0; i < lean.objects().size(); i++) {
                Tools.assertReadable(e.outputs().get(i));
                Tools.assertWatermarkedCopy(lean.objects().get(i).path(), e.outputs().get(i));
            }
            assertNoTemporaryFiles(stage);
            DicomSeries marked = DicomReader.read(List.of(stage), DicomReader.Options.defaults());
            assertEquals(e.seriesUid(), marked.seriesUid());
            DicomWatermarking.Verification v = DicomWatermarking.verify(marked, wm);
            assertEquals(Status.AUTHENTIC, v.status(), v.pixels().detail() + " " + v.attributes());
            assertTrue(v.attributes().isEmpty(), v.attributes().toString());
            assertEquals("case 42", v.message());

            DicomSeries markedLean = readLean(marked.seriesUid(), stage);
            Path restoredDir = tmp.resolve("restored");
            DicomWatermarking.Restored r = DicomWatermarking.restoreStreamed(markedLean, wm, restoredDir,
                    targets(markedLean, stage, restoredDir), i -> { });
            assertTrue(r.original());
            for (int i = 0; i < markedLean.objects().size(); i++) {
                Path out = r.outputs().get(i);
                Tools.assertReadable(out);
                Tools.assertRestored(dir.resolve(stage.relativize(markedLean.objects().get(i).path())), out);
            }
            assertNoTemporaryFiles(restoredDir);
        }
    }

    /**
     * The quick self-check (layer T's screen instead of the engine's verification with restoration) changes what
     * is checked, not what is written: the outputs verify AUTHENTIC and restore to the input bit for bit, with and
     * without layer T (without it, only the decode-and-compare of each file is done).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aQuickSelfCheckWritesOutputsThatVerifyAndRestore(boolean tamperLayer) throws Exception {
        DicomRoundTripTest maker = new DicomRoundTripTest();
        maker.tmp = tmp;
        Path dir = maker.series("explicit-le");
        try (Watermarker wm = Watermarker.create(DicomRoundTripTest.KEY, "reference")) {
            DicomSeries lean = readLean(DicomReader.read(List.of(dir), DicomReader.Options.defaults()).seriesUid(),
                    dir);
            WatermarkSpec spec = WatermarkSpec.reversible("hospital-c", "quick");
            if (!tamperLayer) {
                spec = spec.withLayers(java.util.EnumSet.of(org.filigrane.engine.Layer.REVERSIBLE));
            }
            Path stage = tmp.resolve("stage");
            DicomWatermarking.Embedded e = DicomWatermarking.watermarkInMemory(lean, wm, DicomRoundTripTest.KEY,
                    spec, DicomWatermarking.VolumeCheck.QUICK).write(stage, targets(lean, dir, stage), i -> { });
            DicomSeries marked = DicomReader.read(List.of(stage), DicomReader.Options.defaults());
            DicomWatermarking.Verification v = DicomWatermarking.verify(marked, wm);
            assertEquals(Status.AUTHENTIC, v.status(), v.pixels().detail() + " " + v.attributes());
            Path restoredDir = tmp.resolve("restored");
            DicomSeries markedLean = readLean(marked.seriesUid(), stage);
            DicomWatermarking.Restored r = DicomWatermarking.restoreStreamed(markedLean, wm, restoredDir,
                    targets(markedLean, stage, restoredDir), i -> { });
            for (int i = 0; i < markedLean.objects().size(); i++) {
                Tools.assertRestored(dir.resolve(stage.relativize(markedLean.objects().get(i).path())),
                        r.outputs().get(i));
            }
            assertEquals(lean.objects().size(), e.outputs().size());
        }
    }

    @Test
    void aTamperedSeriesIsNotRestoredAndNothingIsWritten() throws Exception {
        DicomRoundTripTest maker = new DicomRoundTripTest();
        maker.tmp = tmp;
        Path dir = maker.series("explicit-le");
        try (Watermarker wm = Watermarker.create(DicomRoundTripTest.KEY, "reference")) {
            DicomSeries lean = readLean(DicomReader.read(List.of(dir), DicomReader.Options.defaults()).seriesUid(),
                    dir);
            Path stage = tmp.resolve("stage");
            DicomWatermarking.Embedded e = DicomWatermarking.embedStreamed(lean, wm, DicomRoundTripTest.KEY,
                    WatermarkSpec.reversible("x", ""), stage, targets(lean, dir, stage), true, i -> { });
            // An attribute edited in one output (what a PACS or an attacker might do): AUTHENTIC no more.
            Path victim = e.outputs().get(2);
            Tools.Result edit = Tools.run("/usr/bin/dcmodify", "-nb", "-m", "(0010,0010)=Someone^Else",
                    victim.toString());
            assertEquals(0, edit.code(), edit.output());
            DicomSeries marked = readLean(e.seriesUid(), stage);
            Path restoredDir = tmp.resolve("restored");
            List<Path> targets = targets(marked, stage, restoredDir);
            assertThrows(DicomWatermarking.RestoreRefusedException.class,
                    () -> DicomWatermarking.restoreStreamed(marked, wm, restoredDir, targets, i -> { }));
            assertTrue(!Files.exists(restoredDir) || Files.list(restoredDir).findAny().isEmpty(),
                    "nothing may be written");
        }
    }

    private static DicomSeries readLean(String uid, Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> l = Files.list(dir)) {
            files = l.filter(p -> !Journal.isBookkeeping(p)).sorted().toList();
        }
        return DicomReader.readLean(uid, files, false, short[]::new);
    }

    /** The outputs mirror {@code from} under {@code to}, in the series' object order. */
    private static List<Path> targets(DicomSeries s, Path from, Path to) {
        List<Path> out = new ArrayList<>();
        for (DicomObject o : s.objects()) {
            out.add(to.resolve(from.relativize(o.path())));
        }
        return out;
    }

    private static void assertNoTemporaryFiles(Path dir) throws Exception {
        try (Stream<Path> w = Files.walk(dir)) {
            assertTrue(w.noneMatch(p -> p.getFileName().toString().endsWith(Journal.TMP_SUFFIX)
                    || p.getFileName().toString().equals(Journal.NAME)), "journal leftovers in " + dir);
        }
    }
}
