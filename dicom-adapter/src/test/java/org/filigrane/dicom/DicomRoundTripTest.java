package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full embed / verify / restore through the engine on series in every encoding the adapter reads, the encodings
 * made by dcmtk (dcmconv, dcmcrle) and pydicom from the bundled phantom series, plus Debian's deflated image_dfl.
 */
class DicomRoundTripTest {
    static final IssuerKey KEY = IssuerKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        Tools.require();
    }

    /** The phantom series re-encoded by an independent tool; returns the directory holding it. */
    Path series(String encoding) throws Exception {
        Path original = tmp.resolve("phantom");
        List<Path> files = SampleSeries.write(original, 7, 6, 80, 80);
        if (encoding.equals("explicit-le")) {
            return original;
        }
        Path dir = tmp.resolve(encoding);
        Files.createDirectories(dir);
        if (encoding.startsWith("multiframe")) {
            Path mf = dir.resolve(encoding.equals("multiframe") ? "mf.dcm" : "mf-native.tmp");
            List<String> args = new ArrayList<>(List.of("multiframe", mf.toString()));
            files.forEach(f -> args.add(f.toString()));
            Tools.Result r = Tools.pydicom(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.output());
            if (encoding.equals("multiframe-rle")) {
                Tools.Result c = Tools.run("/usr/bin/dcmcrle", mf.toString(), dir.resolve("mf.dcm").toString());
                assertEquals(0, c.code(), c.output());
                Files.delete(mf);
            }
            return dir;
        }
        for (Path f : files) {
            Path out = dir.resolve(f.getFileName());
            Tools.Result r = switch (encoding) {
                case "implicit-le" -> Tools.run("/usr/bin/dcmconv", "+ti", f.toString(), out.toString());
                case "explicit-be" -> Tools.run("/usr/bin/dcmconv", "+tb", f.toString(), out.toString());
                case "deflated" -> Tools.run("/usr/bin/dcmconv", "+td", f.toString(), out.toString());
                case "rle" -> Tools.run("/usr/bin/dcmcrle", f.toString(), out.toString());
                default -> throw new IllegalArgumentException(encoding);
            };
            assertEquals(0, r.code(), r.output());
        }
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"explicit-le", "implicit-le", "explicit-be", "deflated", "rle", "multiframe",
        "multiframe-rle"})
    void embedVerifyRestore(String encoding) throws Exception {
        roundTrip(series(encoding));
    }

    @Test
    void debianDeflatedImage() throws Exception {
        Path dir = tmp.resolve("dfl");
        Files.createDirectories(dir);
        Files.copy(Tools.TEST_FILES.resolve("image_dfl.dcm"), dir.resolve("image_dfl.dcm"));
        roundTrip(dir);
    }

    private void roundTrip(Path dir) throws Exception {
        try (Watermarker wm = Watermarker.create(KEY, "reference")) {
            roundTrip(dir, wm);
        }
    }

    private void roundTrip(Path dir, Watermarker wm) throws Exception {
        DicomSeries s = DicomReader.read(List.of(dir), DicomReader.Options.defaults());
        Path w = tmp.resolve("out-w");
        DicomWatermarking.Embedded e = DicomWatermarking.embed(s, wm, KEY, WatermarkSpec.reversible("hospital-b",
                "case 42"), OutputPlan.into(w), false, i -> { });
        assertEquals(s.objects().size(), e.outputs().size());
        for (int i = 0; i < s.objects().size(); i++) {
            Path in = s.objects().get(i).path();
            Path out = e.outputs().get(i);
            Tools.assertReadable(out);
            Tools.assertWatermarkedCopy(in, out);
            Tools.assertNoNewDciodvfyErrors(in, out);
            assertEquals(Files.getPosixFilePermissions(in), Files.getPosixFilePermissions(out));
        }
        DicomSeries marked = DicomReader.read(List.of(w), DicomReader.Options.defaults());
        DicomWatermarking.Verification v = DicomWatermarking.verify(marked, wm);
        assertEquals(Status.AUTHENTIC, v.status(), v.pixels().detail() + " " + v.attributes());
        assertEquals("case 42", v.message());

        Path r = tmp.resolve("out-r");
        List<Path> restored = DicomWatermarking.restore(marked, wm, OutputPlan.into(r), i -> { }).outputs();
        for (Path out : restored) {
            Path in = dir.resolve(out.getFileName());
            Tools.assertReadable(out);
            Tools.assertRestored(in, out);
        }
        // Nothing but the outputs: no temporary files left behind.
        try (Stream<Path> left = Stream.concat(Files.list(w), Files.list(r))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("filigrane-tmp")));
        }
    }

    @Test
    void outputsNeverOverwriteInputsUnlessAsked() throws Exception {
        try (Watermarker wm = Watermarker.create(KEY, "reference")) {
            neverOverwrite(wm);
        }
    }

    private void neverOverwrite(Watermarker wm) throws Exception {
        Path dir = series("explicit-le");
        DicomSeries s = DicomReader.read(List.of(dir), DicomReader.Options.defaults());
        byte[] before = Files.readAllBytes(s.objects().get(0).path());
        DicomInputException e = assertThrows(DicomInputException.class, () -> DicomWatermarking.embed(s, wm, KEY,
                WatermarkSpec.reversible("x", ""), OutputPlan.into(dir), false, i -> { }));
        assertEquals(DicomInputException.Kind.OUTPUT_EXISTS, e.kind());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(s.objects().get(0).path())));
        DicomWatermarking.embed(s, wm, KEY, WatermarkSpec.reversible("x", ""), new OutputPlan(null, true, false),
                false, i -> { });
        DicomSeries marked = DicomReader.read(List.of(dir), DicomReader.Options.defaults());
        assertEquals(Status.AUTHENTIC, DicomWatermarking.verify(marked, wm).status());
        DicomInputException again = assertThrows(DicomInputException.class, () -> DicomWatermarking.embed(marked,
                wm, KEY, WatermarkSpec.reversible("x", ""), OutputPlan.into(tmp.resolve("again")), false, i -> { }));
        assertEquals(DicomInputException.Kind.ALREADY_WATERMARKED, again.kind());
    }

    @Test
    void aMissingFileIsAGap() throws Exception {
        Path dir = series("explicit-le");
        Files.delete(dir.resolve("IM0003.dcm"));
        DicomInputException e = assertThrows(DicomInputException.class,
                () -> DicomReader.read(List.of(dir), DicomReader.Options.defaults()));
        assertEquals(DicomInputException.Kind.SLICE_GAP, e.kind());
        assertTrue(e.getMessage().contains("IM0002.dcm") && e.getMessage().contains("IM0004.dcm"), e.getMessage());
        assertEquals(5, DicomReader.read(List.of(dir), new DicomReader.Options(null, true)).volume().slices());
    }

    @Test
    void ordersByPositionNotByName() throws Exception {
        Path dir = series("explicit-le");
        // Names in reverse order of position: the reader must follow the geometry.
        List<Path> files;
        try (Stream<Path> l = Files.list(dir)) {
            files = l.sorted().toList();
        }
        Path shuffled = tmp.resolve("shuffled");
        Files.createDirectories(shuffled);
        for (int i = 0; i < files.size(); i++) {
            Files.copy(files.get(i), shuffled.resolve("Z" + (files.size() - i) + ".dcm"));
        }
        DicomSeries a = DicomReader.read(List.of(dir), DicomReader.Options.defaults());
        DicomSeries b = DicomReader.read(List.of(shuffled), DicomReader.Options.defaults());
        assertTrue(a.volume().sameContent(b.volume()));
    }
}
