package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.dicom.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code filigrane} command end to end, tampering done with independent tools (pydicom, dcmtk). */
class CliTest {
    static final String KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path tmp;
    Path original;
    Path watermarked;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void tools() {
        Tools.require();
    }

    @BeforeEach
    void series() throws Exception {
        Main.env = name -> name.equals("FILIGRANE_KEY") ? KEY_HEX : null;
        original = tmp.resolve("original");
        SampleSeries.write(original, 11, 6, 80, 80);
        watermarked = tmp.resolve("watermarked");
    }

    @AfterEach
    void env() {
        Main.env = System::getenv;
    }

    static Run run(Object... args) {
        List<String> a = new ArrayList<>();
        for (Object o : args) {
            a.add(o.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(a.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private void embed() {
        Run r = run("embed", "--backend", "reference", "--recipient", "hospital-b", "--message", "case 42", "-o",
                watermarked, original);
        assertEquals(0, r.code(), r.all());
    }

    private Run verify(Object... extra) {
        List<Object> a = new ArrayList<>(List.of("verify", "--backend", "reference"));
        a.addAll(List.of(extra));
        a.add(watermarked);
        return run(a.toArray());
    }

    @Test
    void demo() {
        Run r = run("demo", "--dir", tmp.resolve("demo"), "--slices", "8", "--size", "96", "--backend", "reference");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("demo OK") && r.out().contains("bit for bit identical"), r.out());
        assertTrue(Files.exists(tmp.resolve("demo/tampered.png")));
    }

    @Test
    void embedVerifyRestoreWithTheKeyFromAFileAndFromTheEnvironment() throws Exception {
        Path key = tmp.resolve("key");
        assertEquals(0, run("keygen", "-o", key).code());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
        Run e = run("embed", "--key-file", key, "--recipient", "r", "-o", watermarked, original);
        assertEquals(0, e.code(), e.all());
        assertEquals(0, run("verify", "--key-file", key, watermarked).code());
        assertEquals(ExitCode.NOT_AUTHENTIC, verify().code(), "the environment's key is another key");

        Files.walk(watermarked).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        embed();
        Run v = verify("--json");
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().contains("\"status\": \"AUTHENTIC\"") && v.out().contains("\"message\": \"case 42\""),
                v.out());
        Path restored = tmp.resolve("restored");
        Run r = run("restore", "--backend", "reference", "-o", restored, watermarked);
        assertEquals(0, r.code(), r.all());
        try (Stream<Path> files = Files.list(original)) {
            for (Path f : files.toList()) {
                Tools.assertRestored(f, restored.resolve(f.getFileName()));
            }
        }
        Run i = run("inspect", watermarked);
        assertEquals(0, i.code(), i.all());
        assertTrue(i.out().contains("Filigrane watermark header: layers [R, T]"), i.out());
    }

    @Test
    void onePixelChangedByPydicomIsLocalized() throws Exception {
        embed();
        // Slice 3 (IM0004), row 40, column 50: block (1,1) of the 32x32 grid of the DEFAULT profile.
        Tools.Result t = Tools.pydicom("set-pixel", watermarked.resolve("IM0004.dcm").toString(), "40", "50", "3");
        assertEquals(0, t.code(), t.output());
        Path png = tmp.resolve("cells.png");
        Run v = verify("--png", png);
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().startsWith("TAMPERED"), v.out());
        assertTrue(v.out().contains("tampered: slice 3 block (1,1) rows 32..63 cols 32..63 (IM0004.dcm)"), v.out());
        assertNotNull(ImageIO.read(png.toFile()));
        Run j = verify("--json");
        assertTrue(j.out().contains("\"slice\": 3") && j.out().contains("\"blockRow\": 1"), j.out());
        Run r = run("restore", "--backend", "reference", "-o", tmp.resolve("r"), watermarked);
        assertEquals(ExitCode.TAMPERED, r.code(), r.all());
        assertFalse(Files.exists(tmp.resolve("r")), "a refused restore writes nothing");
    }

    @Test
    void quickScreenPassesAnUntouchedSeriesAndNamesAChangedPixelsFile() throws Exception {
        embed();
        Run clean = verify("--quick");
        assertEquals(0, clean.code(), clean.all());
        assertTrue(clean.out().startsWith("INTACT (quick screen, one pass)"), clean.out());
        Tools.Result t = Tools.pydicom("set-pixel", watermarked.resolve("IM0004.dcm").toString(), "40", "50", "3");
        assertEquals(0, t.code(), t.output());
        Run v = verify("--quick");
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().startsWith("TAMPERED"), v.out());
        assertTrue(v.out().contains("IM0004.dcm: slice 3 block"), v.out());
        Run j = verify("--quick", "--json");
        assertTrue(j.out().contains("\"status\": \"TAMPERED\"") && j.out().contains("\"slice\": 3"), j.out());
        assertEquals(ExitCode.NOT_WATERMARKED, run("verify", "--backend", "reference", "--quick", original).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"(0010,0010)=SOMEONE^ELSE|PatientName (0010,0010) changed in IM0005.dcm",
        "(0028,1052)=-1000|RescaleIntercept (0028,1052) changed in IM0005.dcm",
        "(0020,0032)=-100\\-100\\7.5|ImagePositionPatient (0020,0032) changed in IM0005.dcm"})
    void anAttributeChangedByDcmodifyIsReportedWithItsSlice(String caseLine) throws Exception {
        String change = caseLine.substring(0, caseLine.indexOf('|'));
        String named = caseLine.substring(caseLine.indexOf('|') + 1);
        embed();
        Tools.Result t = Tools.run("/usr/bin/dcmodify", "-nb", "-m", change,
                watermarked.resolve("IM0005.dcm").toString());
        assertEquals(0, t.code(), t.output());
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains(named), v.out());
    }

    @Test
    void reencodingOrRewritingIsNotTampering() throws Exception {
        embed();
        String f2 = watermarked.resolve("IM0002.dcm").toString();
        String f3 = watermarked.resolve("IM0003.dcm").toString();
        String f4 = watermarked.resolve("IM0004.dcm").toString();
        assertEquals(0, Tools.run("/usr/bin/dcmconv", "+ti", f2, f2).code());
        assertEquals(0, Tools.run("/usr/bin/dcmconv", "+tb", f3, f3).code());
        assertEquals(0, Tools.run("/usr/bin/dcmodify", "-nb", "-m", "(0010,0010)=PHANTOM^FILIGRANE", f4).code());
        assertEquals(0, Tools.run(Tools.PYTHON, "-c", "import pydicom, sys; d = pydicom.dcmread(sys.argv[1]); "
                + "d.save_as(sys.argv[1])", watermarked.resolve("IM0005.dcm").toString()).code());
        Run v = verify();
        assertEquals(0, v.code(), "a transfer syntax change or a no-op rewrite keeps every value: " + v.all());
    }

    @Test
    void aFormatOneSeriesIsRefusedInOneLineNamingItsVersion() throws Exception {
        embed();
        // The Filigrane private block's format version (0F17,1001), as a release of format 1 wrote it.
        try (var files = Files.list(watermarked)) {
            for (Path f : files.toList()) {
                Tools.Result t = Tools.run("/usr/bin/dcmodify", "-nb", "-m", "(0F17,1001)=1", f.toString());
                assertEquals(0, t.code(), t.output());
            }
        }
        for (Run r : List.of(verify(), verify("--quick"),
                run("restore", "--backend", "reference", "-o", tmp.resolve("restored"), watermarked))) {
            assertEquals(ExitCode.BAD_INPUT, r.code(), r.all());
            assertTrue(r.err().contains("Filigrane format version 1; this release reads format version 2 only"),
                    r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.out().contains("TAMPERED") || r.out().contains("NOT_WATERMARKED"), r.out());
        }
        if (Files.exists(tmp.resolve("restored"))) {
            try (var written = Files.list(tmp.resolve("restored"))) {
                assertFalse(written.findAny().isPresent(), "nothing written");
            }
        }
    }

    @Test
    void aRemovedFileIsReported() throws Exception {
        embed();
        Files.delete(watermarked.resolve("IM0003.dcm"));
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        // Layer R's stream runs through every slice, so with one gone the engine may not decode it; the other
        // files' headers still name the missing one.
        assertTrue(v.out().contains("missing slice(s), in the original order: [2]")
                || v.out().contains("missing file(s), by the Filigrane headers of the others: object(s) [2] of 6"),
                v.out());
        assertTrue(v.out().contains("slice positions: gap of"), v.out());
    }

    /**
     * {@code batch embed} takes embed's watermark options (message, profile, layers, robust ID): its layer D carries
     * the ID, which verify reads, and its message is the one given.
     */
    @Test
    void batchEmbedCarriesLayerDAndTheMessage() throws Exception {
        Path archive = tmp.resolve("archive");
        SampleSeries.write(archive.resolve("s"), 12, 2, 256, 256);
        Run e = run("batch", "embed", archive, "-o", watermarked, "--backend", "reference", "--recipient", "r",
                "--robust-id", "4243", "--message", "for the tumour board", "--no-ledger", "-q");
        assertEquals(0, e.code(), e.all());
        Run v = run("verify", "--backend", "reference", watermarked.resolve("s"));
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().contains("layer D: recipient ID 4243"), v.out());
        assertTrue(v.out().contains("for the tumour board"), v.out());
    }

    @Test
    void layerDIdIsFoundByVerify() throws Exception {
        // Layer D needs room for its tiles: 256x256 slices.
        Path large = tmp.resolve("large");
        SampleSeries.write(large, 3, 2, 256, 256);
        Run e = run("embed", "--backend", "reference", "--recipient", "r", "--robust-id", "4242", "-o", watermarked,
                large);
        assertEquals(0, e.code(), e.all());
        Run v = verify();
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().contains("layer D: recipient ID 4242"), v.out());
        // Layer D is not removable: restore says the pixels are not the original and labels them so.
        Path restored = tmp.resolve("restored-d");
        Run r = run("restore", "--backend", "reference", "-o", restored, watermarked);
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("NOT THE ORIGINAL"), r.out());
        for (String name : List.of("IM0001.dcm", "IM0002.dcm")) {
            Tools.Result in = Tools.run("/usr/bin/dcmdump", "-q", "+P", "0008,0018", "+P", "0020,000e",
                    large.resolve(name).toString());
            Tools.Result out = Tools.run("/usr/bin/dcmdump", "-q", "+P", "0008,0018", "+P", "0020,000e", "+P",
                    "0008,0008", restored.resolve(name).toString());
            Tools.Result marked = Tools.run("/usr/bin/dcmdump", "-q", "+P", "0008,0018",
                    watermarked.resolve(name).toString());
            for (String uid : in.output().lines().map(l -> l.replaceAll(".*\\[(.*)\\].*", "$1")).toList()) {
                assertFalse(out.output().contains(uid), "original UIDs only go onto original pixels: " + out.output());
            }
            String markedSop = marked.output().replaceAll("(?s).*\\[(.*)\\].*", "$1");
            assertFalse(out.output().contains(markedSop), "nor the watermarked copy's: " + out.output());
            assertTrue(out.output().contains("[DERIVED\\"), out.output());
        }
    }

    @Test
    void listFilesKeepUidsAndInPlace() throws Exception {
        Path list = tmp.resolve("files.txt");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(original)) {
            files.sorted().forEach(f -> names.add("original/" + f.getFileName()));
        }
        Files.write(list, names);
        Path copy = tmp.resolve("copy");
        Run e = run("embed", "--backend", "reference", "--recipient", "r", "--keep-uids", "-o", copy, "@" + list);
        assertEquals(0, e.code(), e.all());
        Tools.Result same = Tools.run("/usr/bin/dcmdump", "-q", "+P", "0008,0018", "+P", "0020,000e",
                original.resolve("IM0001.dcm").toString());
        Tools.Result kept = Tools.run("/usr/bin/dcmdump", "-q", "+P", "0008,0018", "+P", "0020,000e",
                copy.resolve("IM0001.dcm").toString());
        assertEquals(same.output(), kept.output(), "--keep-uids keeps SOP and Series Instance UIDs");
        Run inPlace = run("restore", "--backend", "reference", "--in-place", copy);
        assertEquals(0, inPlace.code(), inPlace.all());
        Tools.assertRestored(original.resolve("IM0001.dcm"), copy.resolve("IM0001.dcm"));
    }

    @Test
    void notWatermarked() {
        Run v = run("verify", "--backend", "reference", original);
        assertEquals(ExitCode.NOT_WATERMARKED, v.code(), v.all());
        assertTrue(v.out().startsWith("NOT_WATERMARKED"), v.out());
    }

    @Test
    void aGapIsRefusedUnlessAsked() throws Exception {
        Files.delete(original.resolve("IM0004.dcm"));
        Run r = run("embed", "--recipient", "r", "-o", watermarked, original);
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.all());
        assertTrue(r.err().contains("--allow-gaps"), r.err());
        assertFalse(Files.exists(watermarked));
        Run ok = run("embed", "--recipient", "r", "--allow-gaps", "-o", watermarked, original);
        assertEquals(0, ok.code(), ok.all());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-dicom", "MR_truncated.dcm", "badVR.dcm", "JPEG-lossy.dcm", "dicomdirtests/98892003/MR2",
            "SC_rgb_small_odd.dcm"})
    void badInputGivesAClearMessageExitCodeThreeAndNoOutput(String name) throws Exception {
        Path input;
        if (name.equals("not-dicom")) {
            input = tmp.resolve("notes.dcm");
            Files.writeString(input, "this is not DICOM\n".repeat(20));
        } else {
            input = Tools.TEST_FILES.resolve(name);
        }
        Path out = tmp.resolve("out");
        Run r = run("embed", "--recipient", "r", "-o", out, input);
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.all());
        assertTrue(r.err().startsWith("filigrane: "), r.err());
        String expected = switch (name) {
            case "not-dicom" -> "not a DICOM Part 10 file";
            case "MR_truncated.dcm" -> "truncated";
            case "badVR.dcm" -> "Bits Allocated 32 not supported";
            case "JPEG-lossy.dcm" -> "lossy";
            case "SC_rgb_small_odd.dcm" -> "colour";
            default -> "choose one with --series";
        };
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace for bad input: " + r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void refusesToOverwriteInputs() throws Exception {
        Run r = run("embed", "--recipient", "r", "-o", original, original);
        assertEquals(ExitCode.OUTPUT_REFUSED, r.code(), r.all());
        Run none = run("embed", "--recipient", "r", original);
        assertEquals(ExitCode.USAGE, none.code(), none.all());
    }

    @Test
    void noKeyIsAUsageError() {
        Main.env = name -> null;
        Run r = run("verify", original);
        assertEquals(ExitCode.USAGE, r.code(), r.all());
        assertTrue(r.err().contains("FILIGRANE_KEY"), r.err());
    }

    @Test
    void capacityAndBench() {
        Run c = run("capacity", original);
        assertEquals(0, c.code(), c.all());
        assertTrue(c.out().contains("UTF-8 bytes fits"), c.out());
        Run b = run("bench", "--backend", "reference", "--runs", "1", original);
        assertEquals(0, b.code(), b.all());
        assertTrue(b.out().contains("reference"), b.out());
    }
}
