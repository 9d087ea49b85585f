package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.filigrane.dicom.DicomInputException.Kind;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's pydicom test files through the adapter's write paths. Most of these single small images cannot carry a
 * whole watermark payload (the engine's capacity, see DicomRoundTripTest for full embeds), so here the "watermark"
 * is a known change of every other sample's lowest bit: the copy must differ exactly there and keep every
 * attribute, and writing the original volume back must give the original file's pixel data bit for bit and every
 * attribute value, as judged by pydicom, dcmdump and dciodvfy.
 */
class DicomRealFilesTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        Tools.require();
    }

    static Stream<Arguments> accepted() {
        return Stream.of("CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm",
                "MR_small_expb.dcm", "MR_small_RLE.dcm", "MR_small_padded.dcm", "MR_small_jp2klossless.dcm",
                "image_dfl.dcm", "dicomdirtests/98892003/MR1/4919").map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void writesAndRestoresBitForBit(String name) throws Exception {
        Path input = Tools.TEST_FILES.resolve(name);
        DicomSeries series = DicomReader.read(List.of(input), DicomReader.Options.defaults());
        Volume original = series.volume();
        Volume changed = original.copy();
        for (int s = 0; s < changed.slices(); s++) {
            short[] px = changed.slice(s);
            for (int i = 0; i < px.length; i += 2) {
                int v = changed.format().value(px[i]);
                px[i] = changed.format().store(v ^ 1);
            }
        }
        changed.checkRange();
        Path w = tmp.resolve("w").resolve(input.getFileName());
        DicomWatermarking.writeWatermarked(series, changed, WatermarkSpec.reversible("test", ""), "0011223344556677",
                List.of(w), false);
        Tools.assertReadable(w);
        Tools.assertWatermarkedCopy(input, w);
        Tools.assertNoNewDciodvfyErrors(input, w);

        DicomSeries marked = DicomReader.read(List.of(w), DicomReader.Options.defaults());
        assertTrue(marked.volume().sameContent(changed), "the written samples are the ones given");
        FiligraneHeader h = FiligraneHeader.read(marked.objects().get(0).attributes());
        assertEquals(series.objects().get(0).string(com.pixelmed.dicom.TagFromName.SOPInstanceUID),
                h.originalSopInstanceUid());
        assertEquals(List.of("R", "T"), h.layers());

        Path r = tmp.resolve("r").resolve(input.getFileName());
        DicomWatermarking.writeRestored(marked, original, List.of(r));
        Tools.assertReadable(r);
        Tools.assertRestored(input, r);
        Tools.assertNoNewDciodvfyErrors(input, r);
        DicomObject m = marked.objects().get(0);
        Manifest recorded = Manifest.parse(FiligraneHeader.bytes(m.attributes(), FiligraneHeader.MANIFEST));
        assertEquals(List.of(), recorded.differences(Manifest.of(m.attributes(), m.unstoredBitsHash())),
                "the attribute manifest survives writing (else verification would cry wolf)");
    }

    @Test
    void jpeg2000LosslessDecodesToTheSamePixelsAsTheNativeFile() throws Exception {
        Volume j2k = DicomObjectVolume.of(Tools.TEST_FILES.resolve("MR_small_jp2klossless.dcm"));
        Volume raw = DicomObjectVolume.of(Tools.TEST_FILES.resolve("MR_small.dcm"));
        assertTrue(j2k.sameContent(raw));
        Volume rle = DicomObjectVolume.of(Tools.TEST_FILES.resolve("MR_small_RLE.dcm"));
        assertTrue(rle.sameContent(raw));
        Volume be = DicomObjectVolume.of(Tools.TEST_FILES.resolve("MR_small_bigendian.dcm"));
        assertTrue(be.sameContent(raw));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("JPEG-lossy.dcm", Kind.LOSSY),
                Arguments.of("JPGExtended.dcm", Kind.LOSSY),
                Arguments.of("SC_rgb_jpeg_dcmtk.dcm", Kind.LOSSY),
                Arguments.of("JPEG2000.dcm", Kind.LOSSY),
                Arguments.of("MR_truncated.dcm", Kind.TRUNCATED),
                Arguments.of("badVR.dcm", Kind.UNSUPPORTED),
                Arguments.of("rtdose.dcm", Kind.UNSUPPORTED),
                Arguments.of("liver_1frame.dcm", Kind.UNSUPPORTED),
                Arguments.of("MR_small_jpeg_ls_lossless.dcm", Kind.UNSUPPORTED),
                Arguments.of("SC_rgb_small_odd.dcm", Kind.COLOR),
                Arguments.of("SC_ybr_full_422_uncompressed.dcm", Kind.LOSSY),
                Arguments.of("SC_rgb_rle.dcm", Kind.COLOR),
                Arguments.of("ExplVR_BigEnd.dcm", Kind.COLOR),
                Arguments.of("ExplVR_LitEndNoMeta.dcm", Kind.NOT_DICOM),
                Arguments.of("rtplan.dcm", Kind.NO_PIXELS),
                Arguments.of("README.txt", Kind.NOT_DICOM));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithAReason(String name, Kind kind) {
        Path input = Tools.TEST_FILES.resolve(name);
        if (!Files.exists(input)) {
            throw new AssertionError(input + " missing");
        }
        DicomInputException e = assertThrows(DicomInputException.class,
                () -> DicomReader.read(List.of(input), DicomReader.Options.defaults()));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void aDirectoryOfSeveralSeriesNeedsAChoice() throws Exception {
        Path dir = Tools.TEST_FILES.resolve("dicomdirtests/98892003/MR2");
        DicomInputException e = assertThrows(DicomInputException.class,
                () -> DicomReader.read(List.of(dir), DicomReader.Options.defaults()));
        assertEquals(Kind.MIXED_SERIES, e.kind());
        List<SeriesSummary> all = DicomReader.survey(List.of(dir));
        assertEquals(3, all.size());
        SeriesSummary three = all.stream().filter(s -> s.files().size() == 3).findFirst().orElseThrow();
        DicomSeries s = DicomReader.read(List.of(dir), new DicomReader.Options(three.seriesUid(), true));
        assertEquals(3, s.volume().slices());
    }

    @Test
    void aRealSeriesWithAGapIsRefusedUnlessAsked() throws Exception {
        Path dir = Tools.TEST_FILES.resolve("dicomdirtests/98892003/MR700");
        DicomInputException e = assertThrows(DicomInputException.class,
                () -> DicomReader.read(List.of(dir), DicomReader.Options.defaults()));
        assertEquals(Kind.SLICE_GAP, e.kind());
        assertTrue(e.getMessage().contains("gap of"), e.getMessage());
        DicomSeries s = DicomReader.read(List.of(dir), new DicomReader.Options(null, true));
        assertEquals(7, s.volume().slices());
        assertTrue(s.ordering().startsWith("Image Position"), s.ordering());
        for (int i = 1; i < s.slices().size(); i++) {
            assertTrue(s.slices().get(i).position() > s.slices().get(i - 1).position());
        }
    }

    /** Reads one file's values through the adapter. */
    static final class DicomObjectVolume {
        static Volume of(Path file) throws Exception {
            return DicomReader.read(List.of(file), DicomReader.Options.defaults()).volume();
        }
    }
}
