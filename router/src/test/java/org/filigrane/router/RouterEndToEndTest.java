package org.filigrane.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.Watermarker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router end to end with real components, all started here: the router as a child JVM, a real Orthanc as the
 * destination PACS (queried through its REST API; its Lua filter counts every C-STORE it receives, so duplicates are
 * seen although Orthanc keeps one copy per SOP Instance UID), dcmtk's storescu and echoscu as senders. Skipped only
 * on a developer machine without Orthanc or dcmtk; under CI=true their absence is a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterEndToEndTest {
    static final String AET = "FILIGRANE";

    Path tmp;
    OrthancServer orthanc;
    RouterProcess router;
    IssuerKey issuer;
    int port;
    int httpPort;
    Path spool;
    int runs;

    @BeforeAll
    void start(@TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        tmp = dir;
        boolean present = OrthancServer.available() && Dcmtk.available();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Orthanc and dcmtk are required in CI (scripts/setup.sh installs them)");
        }
        assumeTrue(present, "Orthanc or dcmtk missing: run scripts/setup.sh");
        port = OrthancServer.freePort();
        httpPort = OrthancServer.freePort();
        orthanc = new OrthancServer(tmp.resolve("orthanc"), AET, port);
        issuer = IssuerKey.generate();
        Path key = tmp.resolve("issuer.key");
        Files.writeString(key, issuer.toHex() + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp.resolve("issuer.pub"), issuer.publicKey().toPem());
        spool = tmp.resolve("spool");
        int dead = OrthancServer.freePort();
        String dest = "ORTHANC@127.0.0.1:" + orthanc.dicomPort;
        Files.writeString(tmp.resolve("route.conf"), """
                listen.aet = %s
                listen.port = %d
                spool = %s
                quiet-seconds = 1
                incomplete-seconds = 4
                retry.attempts = 3
                retry.first-seconds = 0.5
                retry.max-seconds = 1
                backend = reference
                status.http-port = %d

                route.partner.calling = SENDER
                route.partner.mode = embed
                route.partner.recipient = Hospital B
                route.partner.message = second opinion
                route.partner.key = issuer.key
                route.partner.destination = %s

                route.inbound.calling = PARTNER
                route.inbound.mode = verify
                route.inbound.trust = issuer.pub
                route.inbound.destination = %s

                route.back.calling = RESTORER
                route.back.mode = restore
                route.back.trust = issuer.pub
                route.back.destination = %s

                route.down.calling = LOST
                route.down.mode = embed
                route.down.recipient = nobody
                route.down.key = issuer.key
                route.down.destination = NOBODY@127.0.0.1:%d
                """.formatted(AET, port, spool, httpPort, dest, dest, dest, dead));
        // The router's JSON log stays in target/ for a look after the run.
        Path log = Path.of("target", "router-e2e.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        router = new RouterProcess(tmp.resolve("route.conf"), log);
        router.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    // ---- helpers ----

    List<Path> series(String name, int slices, int size) throws IOException {
        return SampleSeries.write(tmp.resolve("in-" + name), name.hashCode(), slices, size, size);
    }

    Dcmtk.Sent send(String calling, List<Path> files, String... options) throws Exception {
        return Dcmtk.store(calling, AET, port, files, tmp.resolve("storescu-" + (runs++) + ".txt"), options);
    }

    static void waitFor(String what, long seconds, Callable<Boolean> condition) throws Exception {
        waitFor(what, seconds, 100, condition);
    }

    static void waitFor(String what, long seconds, long pollMillis, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(pollMillis);
        }
    }

    /** The Series Instance UID the router gave the watermarked copy of {@code original} (from the ledger). */
    String issuedSeries(String original) throws IOException {
        List<org.filigrane.ledger.LedgerEntry> entries = issued(original);
        return entries.isEmpty() ? null : entries.get(0).record().newSeriesUid();
    }

    /** The ledger's records of {@code original}, read as a user would (the router may be running). */
    List<org.filigrane.ledger.LedgerEntry> issued(String original) throws IOException {
        Path db = spool.resolve("ledger.db");
        if (!Files.exists(db)) {
            return List.of();
        }
        try (org.filigrane.ledger.Ledger ledger = org.filigrane.ledger.Ledger.open(db.toString())) {
            return ledger.list().stream().filter(e -> e.record().originalSeriesUid().equals(original)).toList();
        }
    }

    String seriesUid(List<Path> files) throws Exception {
        return DicomReader.read(files, new DicomReader.Options(null, true)).seriesUid();
    }

    /** Waits until Orthanc holds {@code count} instances of the watermarked copy of {@code files}; its Orthanc ID. */
    String awaitWatermarked(List<Path> files, int count, long seconds) throws Exception {
        String original = seriesUid(files);
        String[] id = {null};
        waitFor(count + " watermarked instances of " + original + " in Orthanc", seconds, () -> {
            String uid = issuedSeries(original);
            id[0] = uid == null ? null : orthanc.seriesId(uid);
            return id[0] != null && orthanc.instancesOf(id[0]).size() >= count;
        });
        return id[0];
    }

    /** Asserts that every SOP Instance UID of the Orthanc series was received over DICOM exactly {@code n} times. */
    void assertReceivedTimes(List<Path> orthancFiles, int n) throws Exception {
        Map<String, Integer> receptions = orthanc.receptions();
        for (Path f : orthancFiles) {
            String sop = Forwarder.headerValue(f, TagFromName.SOPInstanceUID);
            assertEquals(n, receptions.getOrDefault(sop, 0), "C-STOREs of " + sop + " received by Orthanc");
        }
    }

    Path quarantineReport(String contains, long seconds) throws Exception {
        Path[] found = {null};
        waitFor("a quarantine report containing '" + contains + "'", seconds, () -> {
            Path q = spool.resolve("quarantine");
            if (!Files.isDirectory(q)) {
                return false;
            }
            try (var dirs = Files.list(q)) {
                for (Path d : dirs.toList()) {
                    Path r = d.resolve("report.json");
                    if (Files.exists(r) && Files.readString(r).contains(contains)) {
                        found[0] = r;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    static Watermarker verifier(IssuerKey key) {
        return Watermarker.verifier(TrustedIssuers.of(key.publicKey()), "reference");
    }

    // ---- tests ----

    @Test
    @Order(1)
    void echoAndEmbedThenTheCopyInOrthancVerifiesAndRestoresBitForBit() throws Exception {
        assertEquals(0, Dcmtk.echo("SENDER", AET, port), "C-ECHO");
        assertNotEquals(0, Dcmtk.echo("STRANGER", AET, port), "an AE title no route names is rejected");
        List<Path> files = series("embed", 24, 64);
        Dcmtk.Sent sent = send("SENDER", files);
        assertEquals(files.size(), sent.acknowledged().size(), sent.output());
        String id = awaitWatermarked(files, files.size(), 60);
        List<Path> back = orthanc.download(id, tmp.resolve("back-embed"));
        assertEquals(files.size(), back.size());
        assertReceivedTimes(back, 1);

        DicomSeries original = DicomReader.read(files, DicomReader.Options.defaults());
        DicomSeries copy = DicomReader.read(back, DicomReader.Options.defaults());
        assertNotEquals(original.seriesUid(), copy.seriesUid(), "the copy has its own Series Instance UID");
        assertFalse(copy.volume().sameContent(original.volume()), "the forwarded pixels carry the watermark");
        try (Watermarker wm = verifier(issuer)) {
            DicomWatermarking.Verification v = DicomWatermarking.verify(copy, wm);
            assertEquals(Status.AUTHENTIC, v.status(), v.pixels().detail());
            assertEquals("Hospital B", v.pixels().recipient());
            Path restored = tmp.resolve("restored-embed");
            DicomWatermarking.restore(copy, wm, OutputPlan.into(restored), i -> { });
            DicomSeries r = DicomReader.read(List.of(restored), DicomReader.Options.defaults());
            assertEquals(original.seriesUid(), r.seriesUid());
            assertTrue(r.volume().sameContent(original.volume()), "restore gives the sent pixels bit for bit");
        }
        try (Watermarker other = verifier(IssuerKey.generate())) {
            assertNotEquals(Status.AUTHENTIC, DicomWatermarking.verify(copy, other).status(),
                    "another issuer's public key does not verify it");
        }
        List<org.filigrane.ledger.LedgerEntry> records = issued(original.seriesUid());
        assertEquals(1, records.size(), "one ledger record for the series");
        assertEquals(copy.seriesUid(), records.get(0).record().newSeriesUid());
        assertEquals(issuer.keyId(), records.get(0).record().issuerKeyId());
        try (org.filigrane.ledger.Ledger ledger = org.filigrane.ledger.Ledger.open(
                spool.resolve("ledger.db").toString())) {
            assertTrue(ledger.verify(org.filigrane.engine.TrustedIssuers.of(issuer.publicKey())).ok(),
                    "the router's ledger verifies with the issuer's public key");
        }
    }

    @Test
    @Order(2)
    void restoreRouteForwardsTheOriginalPixelsAndVerifyRouteForwardsOnlyAuthentic() throws Exception {
        List<Path> files = series("restore", 16, 64);
        send("SENDER", files);
        String id = awaitWatermarked(files, files.size(), 60);
        List<Path> marked = orthanc.download(id, tmp.resolve("marked"));

        // verify route: the authentic copy goes through unchanged (a second C-STORE of the same UIDs)
        Dcmtk.Sent v = send("PARTNER", marked);
        assertEquals(marked.size(), v.acknowledged().size(), v.output());
        waitFor("the verified copy forwarded", 60, () -> {
            Map<String, Integer> rx = orthanc.receptions();
            return marked.stream().allMatch(f -> rx.getOrDefault(Forwarder.headerValue(f, TagFromName.SOPInstanceUID),
                    0) == 2);
        });

        // restore route: Orthanc receives the original series (original UIDs, original pixels)
        Dcmtk.Sent r = send("RESTORER", marked);
        assertEquals(marked.size(), r.acknowledged().size(), r.output());
        String originalUid = seriesUid(files);
        waitFor("the restored series in Orthanc", 60, () -> {
            String sid = orthanc.seriesId(originalUid);
            return sid != null && orthanc.instancesOf(sid).size() == files.size();
        });
        List<Path> restored = orthanc.download(orthanc.seriesId(originalUid), tmp.resolve("restored-route"));
        assertReceivedTimes(restored, 1);
        DicomSeries a = DicomReader.read(files, DicomReader.Options.defaults());
        DicomSeries b = DicomReader.read(restored, DicomReader.Options.defaults());
        assertTrue(b.volume().sameContent(a.volume()), "the restore route forwards the sent pixels bit for bit");
        Set<String> sops = new HashSet<>();
        for (Path f : files) {
            sops.add(Forwarder.headerValue(f, TagFromName.SOPInstanceUID));
        }
        for (Path f : restored) {
            assertTrue(sops.contains(Forwarder.headerValue(f, TagFromName.SOPInstanceUID)), "original SOP UIDs");
        }
    }

    @Test
    @Order(3)
    void verifyRouteQuarantinesATamperedSeriesWithItsReport() throws Exception {
        List<Path> files = series("tamper", 12, 64);
        send("SENDER", files);
        String id = awaitWatermarked(files, files.size(), 60);
        List<Path> marked = orthanc.download(id, tmp.resolve("to-tamper"));
        Map<String, Integer> before = orthanc.receptions();
        // one sample of one slice changed by one, as a careless (or malicious) edit would
        Path victim = marked.get(marked.size() / 2);
        AttributeList l = new AttributeList();
        l.read(victim.toString());
        OtherWordAttribute px = (OtherWordAttribute) l.get(TagFromName.PixelData);
        short[] values = px.getShortValues().clone();
        values[32 * 64 + 32] ^= 1;
        px.setValues(values);
        l.write(victim.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);

        Dcmtk.Sent s = send("PARTNER", marked);
        assertEquals(marked.size(), s.acknowledged().size(), "instances are acknowledged once spooled");
        Path report = quarantineReport("TAMPERED", 60);
        String text = Files.readString(report);
        assertTrue(text.contains("\"route\":\"inbound\"") && text.contains("tamperedCells"), text);
        Thread.sleep(1500);
        assertEquals(before, orthanc.receptions(), "nothing of the tampered series reached Orthanc");
        assertTrue(Files.exists(report.getParent().resolve("in")), "the quarantined instances are kept");
    }

    @Test
    @Order(4)
    void badInputIsRefusedWithAFailureStatusAndQuarantined() throws Exception {
        Path data = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
        if (!Files.isDirectory(data) && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("pydicom's test files are required in CI (scripts/setup.sh installs them)");
        }
        assumeTrue(Files.isDirectory(data), "pydicom test files missing: run scripts/setup.sh");
        Dcmtk.Sent colour = send("SENDER", List.of(data.resolve("SC_rgb_small_odd.dcm")));
        assertTrue(colour.acknowledged().isEmpty(), colour.output());
        assertTrue(colour.output().contains("Received Store Response (Error"), colour.output());
        assertNotNull(quarantineReport("COLOR", 10));
        // pixels once JPEG-compressed, now uncompressed: Lossy Image Compression says so
        Path once = tmp.resolve("was-lossy.dcm");
        Files.copy(data.resolve("CT_small.dcm"), once);
        assertEquals(0, new ProcessBuilder("dcmodify", "-nb", "-i", "(0028,2110)=01", once.toString()).inheritIO()
                .start().waitFor());
        Dcmtk.Sent lossy = send("SENDER", List.of(once));
        assertTrue(lossy.acknowledged().isEmpty(), lossy.output());
        assertTrue(lossy.output().contains("Received Store Response (Error"), lossy.output());
        assertNotNull(quarantineReport("LOSSY", 10));
        Dcmtk.Sent plan = send("SENDER", List.of(data.resolve("rtplan.dcm")));
        assertTrue(plan.acknowledged().isEmpty(), plan.output());
        assertNotNull(quarantineReport("NO_PIXELS", 10));
    }

    @Test
    @Order(5)
    void anIncompleteSeriesIsQuarantinedNotForwarded() throws Exception {
        // aborted association, nothing more within incomplete-seconds
        List<Path> aborted = series("aborted", 10, 64);
        Dcmtk.Sent s = send("SENDER", aborted.subList(0, 5), "--abort");
        assertEquals(5, s.acknowledged().size(), s.output());
        assertNotNull(quarantineReport("incomplete series: the association that sent it was aborted", 30));
        // released association, but a slice in the middle never came
        List<Path> gap = new ArrayList<>(series("gap", 10, 64));
        gap.remove(5);
        send("SENDER", gap);
        assertNotNull(quarantineReport("incomplete series: ", 30));
        Path report = quarantineReport("slice positions are irregular", 30);
        assertTrue(Files.readString(report).contains("gap"), Files.readString(report));
        assertEquals(null, issuedSeries(seriesUid(gap)), "no watermark issued for it");
    }

    @Test
    @Order(6)
    void aDestinationThatIsDownGetsRetriesThenTheSeriesGoesToQuarantine() throws Exception {
        List<Path> files = series("down", 8, 64);
        Dcmtk.Sent s = send("LOST", files);
        assertEquals(files.size(), s.acknowledged().size());
        Path report = quarantineReport("did not take the series after 3 attempts", 60);
        String text = Files.readString(report);
        assertTrue(text.contains("unconfirmed"), text);
        assertTrue(router.log().contains("\"event\":\"forward_retry\""), "retries are logged");
        String status = Files.readString(spool.resolve("status.json"));
        assertTrue(status.contains("\"quarantineCount\":") && status.contains("\"lastError\":{"), status);
        RouterStatus s2 = RouterStatus.read(spool); // what 'filigrane route status' shows
        assertTrue(!s2.stale() && s2.quarantineCount() >= 1 && s2.lastError() != null, s2.json());
        String http = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + httpPort + "/status")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(http.contains("\"seriesInFlight\":") && http.contains("\"spoolBytes\":"), http);
    }

    @Test
    @Order(7)
    void fourConcurrentAssociationsOfAHundredAndTwentyInstancesEachAllArriveOnce() throws Exception {
        int n = 120;
        List<List<Path>> all = new ArrayList<>();
        List<Process> senders = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(series("load" + i, n, 64));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            Path out = tmp.resolve("load-" + i + ".txt");
            outputs.add(out);
            senders.add(Dcmtk.startStore("SENDER", AET, port, all.get(i), out));
        }
        for (int i = 0; i < 4; i++) {
            Dcmtk.Sent s = Dcmtk.read(senders.get(i).waitFor(), outputs.get(i));
            assertEquals(n, s.acknowledged().size(), s.output());
        }
        double received = (System.nanoTime() - t0) / 1e9;
        List<String> ids = new ArrayList<>();
        for (List<Path> files : all) {
            ids.add(awaitWatermarked(files, n, 120));
        }
        double delivered = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "load: 4 x %d instances (64x64) acknowledged in %.2f s, all in Orthanc after "
                + "%.2f s (%.0f instances/s end to end)%n", n, received, delivered, 4 * n / delivered);
        for (int i = 0; i < 4; i++) {
            List<Path> back = orthanc.download(ids.get(i), tmp.resolve("load-back-" + i));
            assertEquals(n, back.size());
            assertReceivedTimes(back, 1);
            try (Watermarker wm = verifier(issuer)) {
                assertEquals(Status.AUTHENTIC, DicomWatermarking.verify(DicomReader.read(back,
                        DicomReader.Options.defaults()), wm).status());
            }
        }
    }

    @Test
    @Order(8)
    void killNineMidTransferThenRestartDeliversEveryAcknowledgedInstanceExactlyOnce() throws Exception {
        // large enough that the kill lands mid-transfer on a fast disk too (the wait below polls every 20 ms)
        List<Path> files = series("kill", 240, 48);
        String uid = seriesUid(files);
        // kill 1: while the series is being received
        Path out = tmp.resolve("kill-1.txt");
        Process sender = Dcmtk.startStore("SENDER", AET, port, files, out);
        waitFor("30 instances spooled", 60, 20, () -> spooled(uid) >= 30);
        router.kill9();
        Dcmtk.Sent partial = Dcmtk.read(sender.waitFor(), out);
        int acknowledged = partial.acknowledged().size();
        int spooled = spooled(uid);
        assertTrue(acknowledged < files.size(), "the kill interrupted the transfer");
        Set<String> inSpool = spooledNames(uid);
        for (String f : partial.acknowledged()) {
            String sop = Forwarder.headerValue(Path.of(f), TagFromName.SOPInstanceUID);
            assertTrue(inSpool.contains(sop + ".dcm"), "acknowledged " + sop + " is in the spool after kill -9");
        }
        router.start();
        assertTrue(router.log().contains("\"event\":\"series_recovered\""), "the spool is recovered");
        // the sender retries the whole series, as a PACS does after a failed association
        Dcmtk.Sent retry = send("SENDER", files);
        assertEquals(files.size(), retry.acknowledged().size(), retry.output());
        // kill 2: while the watermarked series is being forwarded
        String[] copy = {null};
        waitFor("the series processed", 60, () -> (copy[0] = issuedSeries(uid)) != null);
        waitFor("part of the copy in Orthanc", 60, () -> {
            String id = orthanc.seriesId(copy[0]);
            return id != null && !orthanc.instancesOf(id).isEmpty();
        });
        router.kill9();
        int atKill = orthanc.instancesOf(orthanc.seriesId(copy[0])).size();
        router.start();
        String id = awaitWatermarked(files, files.size(), 120);
        Thread.sleep(1500); // anything sent twice would show up by now
        List<Path> back = orthanc.download(id, tmp.resolve("kill-back"));
        System.out.printf("kill -9 #1 during reception: %d of %d instances acknowledged (%d spooled); kill -9 #2 "
                + "during forwarding: %d of %d in Orthanc; after restarts: %d in Orthanc, each received once: %s%n",
                acknowledged, files.size(), spooled, atKill, files.size(), back.size(), onceEach(back));
        assertEquals(files.size(), back.size());
        assertReceivedTimes(back, 1);
        try (Watermarker wm = verifier(issuer)) {
            DicomSeries copySeries = DicomReader.read(back, DicomReader.Options.defaults());
            assertEquals(Status.AUTHENTIC, DicomWatermarking.verify(copySeries, wm).status());
            Path restored = tmp.resolve("kill-restored");
            DicomWatermarking.restore(copySeries, wm, OutputPlan.into(restored), i -> { });
            assertTrue(DicomReader.read(List.of(restored), DicomReader.Options.defaults()).volume().sameContent(
                    DicomReader.read(files, DicomReader.Options.defaults()).volume()), "the sent pixels, bit for bit");
        }
        assertEquals(1, issued(uid).size(), "one ledger record for the series, after two kills");
        assertTrue(router.log().contains("\"event\":\"in_doubt_resolved\""), "the in-doubt instances were "
                + "looked up at the destination");
    }

    private boolean onceEach(List<Path> back) throws IOException {
        Map<String, Integer> rx = orthanc.receptions();
        return back.stream().allMatch(f -> rx.getOrDefault(Forwarder.headerValue(f, TagFromName.SOPInstanceUID), 0)
                == 1);
    }

    private int spooled(String seriesUid) throws IOException {
        return spooledNames(seriesUid).size();
    }

    /** File names of the series' instances in the router's spool (renamed into a batch's in/). */
    private Set<String> spooledNames(String seriesUid) throws IOException {
        Set<String> names = new HashSet<>();
        Path dir = spool.resolve("series");
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (var batches = Files.list(dir)) {
            for (Path b : batches.toList()) {
                Path journal = b.resolve("journal");
                if (Files.exists(journal) && Files.readString(journal).contains(seriesUid)) {
                    try (var in = Files.list(b.resolve("in"))) {
                        in.forEach(f -> names.add(f.getFileName().toString()));
                    }
                }
            }
        }
        return names;
    }

}
