package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.dicom.SeriesSummary;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** embed records into the ledger; ledger list, verify, export; trace on PNG, JPEG and DICOM exports. */
class LedgerCliTest {
    static final String KEY_HEX = "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677";

    @TempDir
    Path tmp;
    Path ledger;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void env() {
        Main.env = name -> name.equals("FILIGRANE_KEY") ? KEY_HEX : null;
        ledger = tmp.resolve("ledger.db");
    }

    @AfterEach
    void reset() {
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

    private Path embed(Path series, String recipient, Long robustId, Object... extra) {
        Path out = tmp.resolve("for-" + recipient);
        List<Object> a = new ArrayList<>(List.of("embed", "--backend", "reference", "--recipient", recipient,
                "--ledger", ledger, "-o", out));
        if (robustId != null) {
            a.addAll(List.of("--robust-id", robustId));
        }
        a.addAll(List.of(extra));
        a.add(series);
        Run r = run(a.toArray());
        assertEquals(0, r.code(), r.all());
        return out;
    }

    @Test
    void embedRecordsAndTheLedgerListsVerifiesAndExportsWithoutSecrets() throws Exception {
        Path original = tmp.resolve("original");
        SampleSeries.write(original, 5, 4, 64, 64);
        embed(original, "hospital-a", null);
        Run second = run("embed", "--backend", "reference", "--recipient", "lab-b", "--ledger", ledger, "-o",
                tmp.resolve("b"), original);
        assertTrue(second.out().contains("recorded as entry 2 in the ledger " + ledger), second.out());

        Run list = run("ledger", "list", "--json", "--ledger", ledger);
        assertEquals(0, list.code(), list.all());
        assertTrue(list.out().contains("\"recipient\": \"hospital-a\""), list.out());
        assertTrue(list.out().contains("\"recipient\": \"lab-b\""), list.out());
        assertTrue(list.out().contains("\"objects\": 4"), list.out());

        Run verify = run("ledger", "verify", "--ledger", ledger);
        assertEquals(0, verify.code(), verify.all());
        assertTrue(verify.out().startsWith("OK: 2 entries"), verify.out());

        Run export = run("ledger", "export", "--json", "--ledger", ledger);
        assertEquals(0, export.code(), export.all());
        assertTrue(export.out().contains("\"signature\": \""), export.out());
        // The original pixel hash recorded is the one of the pixels read from disk.
        DicomSeries s = read(original);
        assertTrue(export.out().contains(LedgerRecording.volumeHash(s.volume())), export.out());

        // No secret anywhere: neither the key nor any 16-byte window of it, in hex or raw, in the database file.
        byte[] db = Files.readAllBytes(ledger);
        String dbText = new String(db, StandardCharsets.ISO_8859_1);
        byte[] secret = HexFormat.of().parseHex(KEY_HEX);
        for (int i = 0; i + 16 <= secret.length; i++) {
            byte[] window = java.util.Arrays.copyOfRange(secret, i, i + 16);
            assertFalse(dbText.contains(new String(window, StandardCharsets.ISO_8859_1)), "raw key bytes at " + i);
            assertFalse(dbText.toLowerCase().contains(HexFormat.of().formatHex(window)), "hex key at " + i);
            assertFalse(export.out().contains(HexFormat.of().formatHex(window)), "hex key in export at " + i);
        }

        // Someone edits the recipient of entry 1 with the sqlite3 shell: verify names entry 1, exit 4.
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET recipient = 'nobody' "
                + "WHERE seq = 1;");
        Run broken = run("ledger", "verify", "--json", "--ledger", ledger);
        assertEquals(ExitCode.TAMPERED, broken.code(), broken.all());
        assertTrue(broken.out().contains("\"firstBadSeq\": 1"), broken.out());
    }

    @Test
    void verifyWithAnotherIssuersPublicKeyNamesTheFirstEntry() throws Exception {
        Path original = tmp.resolve("original");
        SampleSeries.write(original, 6, 3, 64, 64);
        embed(original, "r", null);
        Path pub = tmp.resolve("other.pub");
        Files.writeString(pub, org.filigrane.engine.IssuerKey.of(new byte[32]).publicKey().toPem());
        Run v = run("ledger", "verify", "--public-key", pub, "--ledger", ledger);
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().contains("BROKEN at entry 1") && v.out().contains("not trusted"), v.out());
    }

    @Test
    void noLedgerRecordsNothingAndABadLocationIsOneLine() throws Exception {
        Path original = tmp.resolve("original");
        SampleSeries.write(original, 7, 3, 64, 64);
        embed(original, "r", null, "--no-ledger");
        assertFalse(Files.exists(ledger));
        Run bad = run("ledger", "list", "--ledger", "jdbc:mysql://localhost/x");
        assertEquals(ExitCode.USAGE, bad.code(), bad.all());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        Run unreachable = run("ledger", "list", "--ledger", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secretpw");
        assertEquals(ExitCode.BAD_INPUT, unreachable.code(), unreachable.all());
        assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());
        assertFalse(unreachable.err().contains("secretpw"), unreachable.err());
        Run refused = run("embed", "--backend", "reference", "--recipient", "r", "--ledger",
                "jdbc:postgresql://127.0.0.1:1/x", "-o", tmp.resolve("never"), original);
        assertEquals(ExitCode.BAD_INPUT, refused.code(), refused.all());
        assertFalse(Files.exists(tmp.resolve("never")), "nothing is written when the ledger cannot record it");
    }

    @Test
    void traceNamesTheRecipientOfPngJpegAndDicomExports() throws Exception {
        // Layer D needs room for its tiles: 256x256 slices.
        Path original = tmp.resolve("original");
        SampleSeries.write(original, 3, 2, 256, 256);
        Path forA = embed(original, "hospital-a", 4242L);
        embed(original, "hospital-b", 777L);
        DicomSeries marked = read(forA);
        Path png = tmp.resolve("leak.png");
        Path jpeg = tmp.resolve("leak.jpg");
        Path clean = tmp.resolve("clean.png");
        write8(marked.volume(), png, "png", 0);
        write8(marked.volume(), jpeg, "jpeg", 0.9f);
        write8(read(original).volume(), clean, "png", 0);

        Run t = run("trace", "--backend", "reference", "--ledger", ledger, "--json", png, jpeg, forA, clean);
        assertEquals(0, t.code(), t.all());
        String[] results = t.out().split("\"file\": ");
        assertEquals(5, results.length, t.out());
        for (int i = 1; i <= 3; i++) {
            assertTrue(results[i].contains("\"found\": true"), results[i]);
            assertTrue(results[i].contains("\"recipient\": \"hospital-a\""), results[i]);
            assertTrue(results[i].contains("\"robustId\": \"4242\""), results[i]);
            assertTrue(results[i].contains("\"seq\": 1"), results[i]);
            assertTrue(results[i].contains("\"orientation\": \"identity\""), results[i]);
            double fp = Double.parseDouble(results[i].replaceAll("(?s).*\"falsePositiveProbability\": ([^,]+),.*",
                    "$1"));
            assertTrue(fp <= 1e-9, "false-positive bound " + fp);
        }
        assertTrue(results[4].contains("\"found\": false") && results[4].contains("\"recipient\": null"),
                results[4]);
        assertTrue(t.out().contains("\"candidates\": 2"), t.out());

        Run none = run("trace", "--backend", "reference", "--ledger", ledger, clean);
        assertEquals(ExitCode.NOT_WATERMARKED, none.code(), none.all());
        assertTrue(none.out().contains("no recipient found"), none.out());

        Run text = run("trace", "--backend", "reference", "--ledger", ledger, png);
        assertTrue(text.out().contains("recipient 'hospital-a' (robust ID 4242"), text.out());
        assertTrue(text.out().contains("ledger entry 1"), text.out());

        // No ledger there: one line, exit 3, and nothing created.
        Path elsewhere = tmp.resolve("elsewhere.db");
        Run missing = run("trace", "--backend", "reference", "--ledger", elsewhere, png);
        assertEquals(ExitCode.BAD_INPUT, missing.code(), missing.all());
        assertTrue(missing.err().contains("no ledger at"), missing.err());
        assertFalse(Files.exists(elsewhere));

        // A copy marked with an ID the ledger does not hold is not attributed to anyone.
        Path other = tmp.resolve("other");
        SampleSeries.write(other, 9, 4, 64, 64);
        Run x = run("embed", "--backend", "reference", "--recipient", "x", "--ledger", elsewhere, "-o",
                tmp.resolve("x"), other);
        assertEquals(0, x.code(), x.all());
        Run unknown = run("trace", "--backend", "reference", "--ledger", elsewhere, png);
        assertEquals(ExitCode.NOT_WATERMARKED, unknown.code(), unknown.all());
        assertTrue(unknown.out().contains("no record of it"), unknown.out());

        // Someone with write access to the database gives the leaked copy's ID to another recipient: trace names
        // nobody and says why, rather than framing them.
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET recipient = 'framed' "
                + "WHERE seq = 1;");
        Run framed = run("trace", "--backend", "reference", "--ledger", ledger, png);
        assertEquals(ExitCode.NOT_WATERMARKED, framed.code(), framed.all());
        assertFalse(framed.out().contains("recipient 'framed'"), framed.out());
        assertTrue(framed.out().contains("do not check out") && framed.out().contains("edited"), framed.out());
        assertTrue(framed.out().contains("1 candidate(s)"), "the edited record is not scored: " + framed.out());

        Path notAnImage = tmp.resolve("notes.txt");
        Files.writeString(notAnImage, "hello");
        Run bad = run("trace", "--backend", "reference", "--ledger", ledger, notAnImage);
        assertEquals(ExitCode.BAD_INPUT, bad.code(), bad.all());
    }

    private static DicomSeries read(Path dir) throws Exception {
        SeriesSummary s = DicomReader.survey(List.of(dir)).get(0);
        return DicomReader.read(s.files(), new DicomReader.Options(s.seriesUid(), true));
    }

    /** A viewer's export of slice 0: min..max to 0..255, as PNG or JPEG (quality 0..1). */
    private static void write8(Volume v, Path file, String format, float quality) throws Exception {
        PixelFormat f = v.format();
        short[] pixels = v.slice(0);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (short p : pixels) {
            min = Math.min(min, f.value(p));
            max = Math.max(max, f.value(p));
        }
        long width = Math.max(1, max - min);
        BufferedImage img = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < v.rows(); r++) {
            for (int c = 0; c < v.columns(); c++) {
                img.getRaster().setSample(c, r, 0, (int) (((f.value(pixels[r * v.columns() + c]) - min) * 510 + width)
                        / (2 * width)));
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (quality > 0) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
        }
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private void sqlite(String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", ledger.toString(), sql).redirectErrorStream(true).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
