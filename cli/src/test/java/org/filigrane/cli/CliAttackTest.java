package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.dicom.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command against an attacker who holds the issuer's public key, a watermarked series and the usual tools
 * (pydicom, dcmtk), but not the private key. Every case asserts the verdict, the exit code and what is named.
 */
class CliAttackTest {
    @TempDir
    Path tmp;
    Path original;
    Path watermarked;
    Path issuerKey;
    Path issuerPub;
    String issuerId;

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
    void series() {
        Main.env = name -> null;
        original = tmp.resolve("original");
        watermarked = tmp.resolve("watermarked");
        issuerKey = tmp.resolve("keys/issuer.key");
        issuerPub = tmp.resolve("keys/issuer.pub");
        try {
            SampleSeries.write(original, 21, 6, 80, 80);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Run k = run("keygen", "-o", issuerKey);
        assertEquals(0, k.code(), k.all());
        issuerId = keyId(k.out());
        Run e = run("embed", "--backend", "reference", "--key-file", issuerKey, "--recipient", "hospital-b",
                "-o", watermarked, original);
        assertEquals(0, e.code(), e.all());
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

    /** Verification as a partner does it: with the issuer's public key only. */
    Run verify() {
        return run("verify", "--backend", "reference", "--public-key", issuerPub, watermarked);
    }

    Path file(String name) {
        return watermarked.resolve(name);
    }

    static void python(String script, Object... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.PYTHON, "-c", script));
        for (Object a : args) {
            cmd.add(a.toString());
        }
        Tools.Result r = Tools.run(cmd.toArray(String[]::new));
        assertEquals(0, r.code(), r.output());
    }

    static String keyId(String text) {
        Matcher m = Pattern.compile("(?:key id|issuer key|issuer) ([0-9a-f]{16})").matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    private void assertTampered(Run v, String... named) {
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().startsWith("TAMPERED"), v.out());
        for (String n : named) {
            assertTrue(v.out().contains(n), "expected '" + n + "' in:\n" + v.out());
        }
    }

    // ---- keys ----

    @Test
    void thePublicKeyAloneVerifiesAndRestoresAndTheReportNamesTheIssuer() throws Exception {
        Run v = verify();
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().startsWith("AUTHENTIC") && v.out().contains("signed by issuer " + issuerId), v.out());
        Run j = run("verify", "--backend", "reference", "--public-key", issuerPub, "--json", watermarked);
        assertTrue(j.out().contains("\"keyId\": \"" + issuerId + "\""), j.out());
        Path restored = tmp.resolve("restored");
        Run r = run("restore", "--backend", "reference", "--public-key", issuerPub, "-o", restored, watermarked);
        assertEquals(0, r.code(), r.all());
        try (var files = Files.list(original)) {
            for (Path f : files.toList()) {
                Tools.assertRestored(f, restored.resolve(f.getFileName()));
            }
        }
        // Another issuer's public key does not make it verify.
        Path other = tmp.resolve("other/o.key");
        assertEquals(0, run("keygen", "-o", other).code());
        Run wrong = run("verify", "--backend", "reference", "--public-key", tmp.resolve("other/o.pub"), watermarked);
        assertEquals(ExitCode.NOT_AUTHENTIC, wrong.code(), wrong.all());
        assertTrue(wrong.out().contains(issuerId), "names the key id that signed: " + wrong.out());
    }

    @Test
    void reSigningWithAnotherKeyIsNotAuthenticAndNamesTheUnknownKeyId() throws Exception {
        // The attacker restores with the public key (allowed), then watermarks the original with a key of his own.
        Path restored = tmp.resolve("restored");
        Run r = run("restore", "--backend", "reference", "--public-key", issuerPub, "-o", restored, watermarked);
        assertEquals(0, r.code(), r.all());
        Path attackerKey = tmp.resolve("attacker/a.key");
        Run k = run("keygen", "-o", attackerKey);
        assertEquals(0, k.code(), k.all());
        String attackerId = keyId(k.out());
        Path forged = tmp.resolve("forged");
        Run e = run("embed", "--backend", "reference", "--key-file", attackerKey, "--recipient", "hospital-b",
                "--keep-uids", "-o", forged, restored);
        assertEquals(0, e.code(), e.all());
        Run v = run("verify", "--backend", "reference", "--public-key", issuerPub, forged);
        assertEquals(ExitCode.NOT_AUTHENTIC, v.code(), v.all());
        assertTrue(v.out().startsWith("NOT_AUTHENTIC") && v.out().contains(attackerId), v.out());
        // Several trusted issuers: trusting the attacker's key as well names it as the signer.
        Run both = run("verify", "--backend", "reference", "--public-key", issuerPub, "--public-key",
                tmp.resolve("attacker/a.pub"), forged);
        assertEquals(0, both.code(), both.all());
        assertTrue(both.out().contains("signed by issuer " + attackerId), both.out());
    }

    @Test
    void editedPayloadBitsAreCaught() throws Exception {
        // Layer R's payload starts in the first slice's leading pixels: flip the low bit of 64 of them.
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1]); a = ds.pixel_array.copy()
                for i in range(64):
                    a[0, i] ^= 1
                ds.PixelData = a.tobytes(); ds.save_as(sys.argv[1])
                """, file("IM0001.dcm"));
        Run v = verify();
        assertTrue(v.code() == ExitCode.TAMPERED || v.code() == ExitCode.NOT_AUTHENTIC, v.all());
        assertTrue(v.out().contains("IM0001.dcm"), v.out());
    }

    // ---- attributes ----

    @Test
    void foldingRescaleIntoAnEarlierAttributeRewrittenAsObIsNamed() throws Exception {
        // The attack on format 1: WindowWidth becomes OB holding its value followed by the encoded Rescale
        // Intercept and Slope elements, which are then deleted (CT values shift by 1024 HU).
        python("""
                import sys, struct, pydicom
                from pydicom.dataelem import DataElement
                ds = pydicom.dcmread(sys.argv[1])
                def enc(group, elem, vr, value):
                    v = value.encode() + (b' ' if len(value) % 2 else b'')
                    return struct.pack('<HH', group, elem) + vr.encode() + struct.pack('<H', len(v)) + v
                folded = b'400 ' + enc(0x0028, 0x1052, 'DS', '-1024') + enc(0x0028, 0x1053, 'DS', '1')
                ds[0x00281051] = DataElement(0x00281051, 'OB', folded)
                del ds[0x00281052]; del ds[0x00281053]
                ds.save_as(sys.argv[1])
                """, file("IM0003.dcm"));
        assertTampered(verify(), "WindowWidth (0028,1051) changed in IM0003.dcm",
                "RescaleIntercept (0028,1052) removed in IM0003.dcm",
                "RescaleSlope (0028,1053) removed in IM0003.dcm");
    }

    @Test
    void movedAddedAndDeletedAttributesAreNamed() throws Exception {
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1])
                ds.WindowCenter, ds.WindowWidth = ds.WindowWidth, ds.WindowCenter
                ds.save_as(sys.argv[1])
                ds = pydicom.dcmread(sys.argv[2]); ds.DerivationDescription = 'edited'; ds.save_as(sys.argv[2])
                ds = pydicom.dcmread(sys.argv[3]); del ds.Manufacturer; ds.save_as(sys.argv[3])
                """, file("IM0002.dcm"), file("IM0004.dcm"), file("IM0005.dcm"));
        Run v = verify();
        assertTampered(v, "WindowCenter (0028,1050) changed in IM0002.dcm",
                "WindowWidth (0028,1051) changed in IM0002.dcm",
                "DerivationDescription (0008,2111) added in IM0004.dcm",
                "Manufacturer (0008,0070) removed in IM0005.dcm");
        Run r = run("restore", "--backend", "reference", "--public-key", issuerPub, "-o", tmp.resolve("r"),
                watermarked);
        assertEquals(ExitCode.TAMPERED, r.code(), r.all());
        assertFalse(Files.exists(tmp.resolve("r")), "a refused restore writes nothing");
    }

    @Test
    void headerEditsAreNamed() throws Exception {
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1])
                ds[0x0F171008].value = 'hospital-c'
                ds.save_as(sys.argv[1])
                ds = pydicom.dcmread(sys.argv[2])
                ds[0x0F171005].value = '1.2.3.4'
                ds.save_as(sys.argv[2])
                ds = pydicom.dcmread(sys.argv[3])
                b = bytearray(ds[0x0F17100D].value); b[10] ^= 0xFF; ds[0x0F17100D].value = bytes(b)
                ds.save_as(sys.argv[3])
                """, file("IM0002.dcm"), file("IM0003.dcm"), file("IM0004.dcm"));
        assertTampered(verify(), "FiligraneRecipient (0F17,1008) changed in IM0002.dcm",
                "FiligraneOriginalSOPInstanceUID (0F17,1005) changed in IM0003.dcm",
                "FiligraneManifest edited, or the file comes from another watermarked series in IM0004.dcm");
    }

    @Test
    void theSeriesManifestListEditedEverywhereIsCaught() throws Exception {
        python("""
                import sys, pydicom
                for f in sys.argv[1:]:
                    ds = pydicom.dcmread(f)
                    b = bytearray(ds[0x0F17100E].value); b[0] ^= 1; ds[0x0F17100E].value = bytes(b)
                    ds.save_as(f)
                """, file("IM0001.dcm"), file("IM0002.dcm"), file("IM0003.dcm"), file("IM0004.dcm"),
                file("IM0005.dcm"), file("IM0006.dcm"));
        assertTampered(verify(), "no file holds the signed list of attribute manifests");
    }

    // ---- every stored bit ----

    @Test
    void bitsAboveBitsStoredAreAuthenticated() throws Exception {
        // One sample of a 12-bit file gets 0xF000 set: the 12 stored bits are unchanged.
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1]); a = ds.pixel_array.copy()
                assert ds.BitsStored == 12
                a[40, 40] |= 0xF000
                ds.PixelData = a.tobytes(); ds.save_as(sys.argv[1])
                """, file("IM0002.dcm"));
        assertTampered(verify(), "PixelData (7FE0,0010) bits outside Bits Stored (or padding) changed in IM0002.dcm");
        Run r = run("restore", "--backend", "reference", "--public-key", issuerPub, "-o", tmp.resolve("r"),
                watermarked);
        assertEquals(ExitCode.TAMPERED, r.code(), "no third outcome: restore refuses " + r.all());
    }

    // ---- slices and files ----

    @Test
    void swappedPixelsBetweenTwoFilesAreFound() throws Exception {
        python("""
                import sys, pydicom
                a = pydicom.dcmread(sys.argv[1]); b = pydicom.dcmread(sys.argv[2])
                a.PixelData, b.PixelData = b.PixelData, a.PixelData
                a.save_as(sys.argv[1]); b.save_as(sys.argv[2])
                """, file("IM0005.dcm"), file("IM0006.dcm"));
        // Trailing slices, past layer R's stream: R decodes and its slice hashes say what happened.
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains("reordered") || v.out().contains("altered slice 4"), v.out());
    }

    @Test
    void aDuplicatedFileIsNamed() throws Exception {
        Files.copy(file("IM0003.dcm"), file("IM0003-copy.dcm"));
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains("appears twice"), v.out());
    }

    @Test
    void aRemovedFileIsNamedByObjectIndex() throws Exception {
        Files.delete(file("IM0004.dcm"));
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains("object(s) [3]"), v.out());
    }

    @Test
    void aFileReplayedFromAnotherWatermarkedSeriesIsNamed() throws Exception {
        Path other = tmp.resolve("other");
        SampleSeries.write(other, 22, 6, 80, 80);
        Path otherMarked = tmp.resolve("other-marked");
        assertEquals(0, run("embed", "--backend", "reference", "--key-file", issuerKey, "--recipient", "hospital-b",
                "-o", otherMarked, other).code());
        // Same issuer, same recipient, same position; the Series Instance UID made to match. The last slice, past
        // layer R's stream, so that the rest of the series still decodes.
        Files.copy(otherMarked.resolve("IM0006.dcm"), file("IM0006.dcm"), StandardCopyOption.REPLACE_EXISTING);
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1]); ref = pydicom.dcmread(sys.argv[2])
                ds.SeriesInstanceUID = ref.SeriesInstanceUID; ds.save_as(sys.argv[1])
                """, file("IM0006.dcm"), file("IM0002.dcm"));
        Run v = verify();
        assertTampered(v, "FiligraneManifest edited, or the file comes from another watermarked series in IM0006.dcm");
        assertTrue(v.out().contains("unexpected slice") || v.out().contains("altered slice"), v.out());
    }

    @Test
    void aWatermarkedPrivateBlockCopiedOntoOtherPixelsIsCaught() throws Exception {
        // The original's pixels under the watermarked file's attributes and private block.
        python("""
                import sys, pydicom
                ds = pydicom.dcmread(sys.argv[1]); src = pydicom.dcmread(sys.argv[2])
                ds.PixelData = src.PixelData; ds.save_as(sys.argv[1])
                """, file("IM0003.dcm"), original.resolve("IM0003.dcm"));
        Run v = verify();
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains("IM0003.dcm"), v.out());
    }

    // ---- what must still verify ----

    @ParameterizedTest
    @ValueSource(strings = {"dcmconv +ti", "dcmconv +te", "dcmconv +tb", "dcmconv +td", "dcmcrle"})
    void losslessTranscodesStillVerifyAuthentic(String tool) throws Exception {
        String[] t = tool.split(" ");
        try (var files = Files.list(watermarked)) {
            for (Path f : files.toList()) {
                List<String> cmd = new ArrayList<>(List.of("/usr/bin/" + t[0]));
                cmd.addAll(List.of(t).subList(1, t.length));
                cmd.add(f.toString());
                cmd.add(f.toString());
                Tools.Result r = Tools.run(cmd.toArray(String[]::new));
                assertEquals(0, r.code(), r.output());
            }
        }
        Run v = verify();
        assertEquals(0, v.code(), tool + ": " + v.all());
        Path restored = tmp.resolve("restored");
        Run r = run("restore", "--backend", "reference", "--public-key", issuerPub, "-o", restored, watermarked);
        assertEquals(0, r.code(), r.all());
        try (var files = Files.list(original)) {
            for (Path f : files.toList()) {
                Tools.assertRestored(f, restored.resolve(f.getFileName()));
            }
        }
    }
}
