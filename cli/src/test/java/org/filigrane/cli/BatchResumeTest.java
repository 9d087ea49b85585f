package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.filigrane.dicom.SampleSeries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code filigrane batch}: a run killed at any step (a child JVM halted there, as kill -9 would, or killed with
 * SIGKILL at a random moment) is finished by the same command, with every series done exactly once, every output
 * complete, nothing left staged and one ledger record per series; a failing series is reported and the run goes on.
 */
class BatchResumeTest {
    static final String KEY_HEX = CliTest.KEY_HEX;
    static final int SERIES = 4;

    @TempDir
    Path tmp;
    Path archive;
    Path out;
    Path key;
    Path ledger;

    @BeforeEach
    void archive() throws IOException {
        archive = tmp.resolve("archive");
        for (int s = 0; s < SERIES; s++) {
            SampleSeries.write(archive.resolve("study" + (s % 2)).resolve("series" + s), 100 + s, 4, 72, 72);
        }
        Files.writeString(archive.resolve("README.txt"), "not DICOM: skipped by the index\n");
        out = tmp.resolve("out");
        key = tmp.resolve("issuer.key");
        Files.writeString(key, KEY_HEX + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ledger = tmp.resolve("ledger.db");
    }

    List<String> embedArgs() {
        return List.of("batch", "embed", archive.toString(), "-o", out.toString(), "--key-file", key.toString(),
                "--backend", "reference", "--recipient", "hospital-b", "--ledger", ledger.toString(), "-q");
    }

    static CliTest.Run run(List<String> args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        return new CliTest.Run(code, o.toString(), e.toString());
    }

    /** The same command in a JVM of its own, halted at {@code haltAt} (step:count) or left running. */
    Process child(String haltAt) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (haltAt != null) {
            cmd.add("-Dfiligrane.batch.haltAt=" + haltAt);
        }
        cmd.add(Main.class.getName());
        cmd.addAll(embedArgs());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
    }

    @ParameterizedTest(name = "halted at {0}")
    @ValueSource(strings = {"written:2", "staged:2", "recorded:2", "moved:3", "done:2"})
    void haltedAtAnyStepTheSameCommandFinishes(String haltAt) throws Exception {
        Process p = child(haltAt);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not stop");
        assertEquals(137, p.exitValue(), "the child should have halted at " + haltAt + ": "
                + Files.readString(tmp.resolve("child.log")));
        assertNoPartialSeries(haltAt.startsWith("moved"));
        CliTest.Run r = run(embedArgs());
        assertEquals(0, r.code(), r.all());
        assertAllDoneOnce();
    }

    @Test
    void killedWithSigkillAtARandomMomentTheSameCommandFinishes() throws Exception {
        long seed = System.nanoTime();
        System.out.println("BatchResumeTest kill seed " + seed);
        Process p = child(null);
        Path journal = out.resolve(".filigrane-batch/journal-0-of-1.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Wait for the first finished series, then kill after a random delay of up to 1.5 s.
        while (System.nanoTime() < deadline && p.isAlive()
                && !(Files.exists(journal) && Files.readString(journal).contains("DONE\t"))) {
            Thread.sleep(20);
        }
        Thread.sleep(new java.util.Random(seed).nextInt(1500));
        p.destroyForcibly();   // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        CliTest.Run r = run(embedArgs());
        assertEquals(0, r.code(), r.all());
        assertAllDoneOnce();
    }

    @Test
    void aFailingSeriesIsReportedAndTheRunGoesOn() throws Exception {
        // Truncate one file of series 1: that series fails, the others are embedded, the exit code says so.
        Path victim;
        try (Stream<Path> w = Files.list(archive.resolve("study1/series1"))) {
            victim = w.sorted().findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(b, b.length - 3000));
        CliTest.Run r = run(embedArgs());
        assertEquals(ExitCode.BATCH_FAILED, r.code(), r.all());
        assertTrue(r.out().contains("embedded=3") && r.out().contains("failed=1"), r.out());
        String report = Files.readString(out.resolve(".filigrane-batch/report-0-of-1.jsonl"));
        assertEquals(SERIES, report.lines().count());
        assertTrue(report.lines().anyMatch(l -> l.contains("\"outcome\":\"failed\"") && l.contains("truncated")),
                report);
        assertFalse(Files.exists(out.resolve("study1/series1")), "nothing of the failed series may be visible");
        // Run again: the failure is remembered (not retried) and still counted.
        CliTest.Run again = run(embedArgs());
        assertEquals(ExitCode.BATCH_FAILED, again.code(), again.all());
    }

    /**
     * {@code --self-check quick}: the report says which check ran, and what it wrote restores like the default's
     * output (verify, then restore, bit for bit); an unknown value is a usage error that touches nothing.
     */
    @Test
    void theQuickSelfCheckIsNamedInTheReportAndItsOutputsRestore() throws Exception {
        CliTest.Run bad = run(List.of("batch", "embed", archive.toString(), "-o", out.toString(), "--key-file",
                key.toString(), "--recipient", "x", "--self-check", "none", "-q"));
        assertEquals(ExitCode.USAGE, bad.code(), bad.all());
        assertFalse(Files.exists(out), "a usage error writes nothing");
        List<String> args = new ArrayList<>(embedArgs());
        args.addAll(List.of("--self-check", "quick"));
        CliTest.Run e = run(args);
        assertEquals(0, e.code(), e.all());
        String report = Files.readString(out.resolve(".filigrane-batch/report-0-of-1.jsonl"));
        assertEquals(SERIES, report.lines().filter(l -> l.contains("quick self-check")).count(), report);
        Path restored = tmp.resolve("restored");
        CliTest.Run r = run(List.of("batch", "restore", out.toString(), "-o", restored.toString(), "--state",
                tmp.resolve("restore-state").toString(), "--key-file", key.toString(), "--backend", "reference", "-q"));
        assertEquals(0, r.code(), r.all());
        for (int s = 0; s < SERIES; s++) {
            Path rel = Path.of("study" + (s % 2), "series" + s);
            assertTrue(org.filigrane.dicom.DicomReader.read(List.of(archive.resolve(rel)),
                    org.filigrane.dicom.DicomReader.Options.defaults()).volume().sameContent(
                    org.filigrane.dicom.DicomReader.read(List.of(restored.resolve(rel)),
                    org.filigrane.dicom.DicomReader.Options.defaults()).volume()), rel.toString());
        }
    }

    @Test
    void batchRestoreGivesBackEveryOriginalSeriesBitForBit() throws Exception {
        CliTest.Run e = run(embedArgs());
        assertEquals(0, e.code(), e.all());
        Path restored = tmp.resolve("restored");
        CliTest.Run r = run(List.of("batch", "restore", out.toString(), "-o", restored.toString(), "--state",
                tmp.resolve("restore-state").toString(), "--key-file", key.toString(), "--backend", "reference", "-q"));
        assertEquals(0, r.code(), r.all());
        for (int s = 0; s < SERIES; s++) {
            Path rel = Path.of("study" + (s % 2), "series" + s);
            org.filigrane.dicom.DicomSeries original = org.filigrane.dicom.DicomReader.read(
                    List.of(archive.resolve(rel)), org.filigrane.dicom.DicomReader.Options.defaults());
            org.filigrane.dicom.DicomSeries marked = org.filigrane.dicom.DicomReader.read(
                    List.of(out.resolve(rel)), org.filigrane.dicom.DicomReader.Options.defaults());
            org.filigrane.dicom.DicomSeries back = org.filigrane.dicom.DicomReader.read(
                    List.of(restored.resolve(rel)), org.filigrane.dicom.DicomReader.Options.defaults());
            assertEquals(original.volume().slices(), back.volume().slices(), rel.toString());
            // Without layer D, restore gives the original pixels and the original UIDs back.
            assertEquals(original.seriesUid(), back.seriesUid(), rel.toString());
            boolean markedDiffers = false;
            for (int z = 0; z < original.volume().slices(); z++) {
                assertTrue(java.util.Arrays.equals(original.volume().slice(z), back.volume().slice(z)),
                        rel + " slice " + z + " not restored bit for bit");
                markedDiffers |= !java.util.Arrays.equals(original.volume().slice(z), marked.volume().slice(z));
            }
            assertTrue(markedDiffers, rel + ": the watermarked series should differ from the original");
        }
    }

    /** Before resuming: a series' outputs are all there or none (except a series halted mid-rename). */
    void assertNoPartialSeries(boolean oneMayBeMidRename) throws IOException {
        int partial = 0;
        for (int s = 0; s < SERIES; s++) {
            Path d = out.resolve("study" + (s % 2)).resolve("series" + s);
            long n = Files.isDirectory(d) ? Files.list(d).count() : 0;
            if (n != 0 && n != 4) {
                partial++;
            }
        }
        assertTrue(partial == 0 || oneMayBeMidRename && partial == 1, partial + " partial series");
        try (Stream<Path> w = Files.walk(out)) {
            assertTrue(w.noneMatch(p -> p.toString().endsWith(".filigrane-tmp")), "temporary files visible");
        }
    }

    void assertAllDoneOnce() throws Exception {
        Path state = out.resolve(".filigrane-batch");
        Map<String, Integer> done = new HashMap<>();
        for (String line : Files.readAllLines(state.resolve("journal-0-of-1.log"))) {
            if (line.startsWith("DONE\t")) {
                done.merge(line.split("\t")[1], 1, Integer::sum);
            }
        }
        assertEquals(SERIES, done.size(), "series done: " + done);
        done.forEach((uid, n) -> assertEquals(1, n, uid + " done " + n + " times"));
        for (int s = 0; s < SERIES; s++) {
            Path d = out.resolve("study" + (s % 2)).resolve("series" + s);
            assertEquals(4, Files.list(d).count(), d + " incomplete");
        }
        try (Stream<Path> w = Files.walk(state.resolve("staging"))) {
            assertEquals(0, w.filter(Files::isRegularFile).count(), "files left in staging");
        }
        // One ledger record per series, chain and signatures intact.
        Set<String> originals = new TreeSet<>();
        try (org.filigrane.ledger.Ledger l = org.filigrane.ledger.Ledger.open(ledger.toString())) {
            List<org.filigrane.ledger.LedgerEntry> entries = l.list();
            for (org.filigrane.ledger.LedgerEntry e : entries) {
                originals.add(e.record().originalSeriesUid());
                // The record names the outputs that are in place: its new series is one of the finished ones.
                assertTrue(l.findByNewSeriesUid(e.record().newSeriesUid()).isPresent());
            }
            assertEquals(SERIES, entries.size(), "ledger records");
            org.filigrane.ledger.Ledger.VerifyResult check = l.verify(org.filigrane.engine.TrustedIssuers.of(
                    org.filigrane.engine.IssuerKey.fromHex(KEY_HEX, "test").publicKey()));
            assertTrue(check.ok() && check.entries() == SERIES, check.toString());
        }
        assertEquals(done.keySet(), originals);
        // Every output verifies, in one batch verify over the output tree.
        CliTest.Run v = run(List.of("batch", "verify", out.toString(), "--state", tmp.resolve("verify").toString(),
                "--key-file", key.toString(), "--backend", "reference", "-q"));
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().contains("authentic=" + SERIES), v.out());
    }
}
