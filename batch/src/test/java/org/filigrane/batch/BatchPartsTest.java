package org.filigrane.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.filigrane.dicom.SampleSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch's parts on their own: shards, the journal's torn lines, the external sort of the index. */
class BatchPartsTest {
    @TempDir
    Path tmp;

    @Test
    void shardsPartitionEveryUidExactlyOnceAndEvenly() {
        long seed = System.nanoTime();
        System.out.println("BatchPartsTest seed " + seed);
        Random r = new Random(seed);
        int n = 7;
        int[] counts = new int[n];
        for (int k = 0; k < 7000; k++) {
            String uid = "2.25." + Math.abs(r.nextLong()) + "." + k;
            int owners = 0;
            for (int i = 0; i < n; i++) {
                if (new Shard(i, n).contains(uid)) {
                    owners++;
                    counts[i]++;
                }
            }
            assertEquals(1, owners, uid);
            assertEquals(Shard.of(uid, n), Shard.of(new String(uid.toCharArray()), n));
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "uneven shards: " + java.util.Arrays.toString(counts));
        }
        assertEquals(new Shard(3, 16), Shard.parse("3/16"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("16/16"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("x"));
    }

    @Test
    void aTornLastLineIsIgnoredAndTheNextAppendStartsClean() throws Exception {
        Path f = tmp.resolve("journal.log");
        try (Journal j = Journal.open(f)) {
            j.append(Journal.State.STAGED, "1.2.3", "2.25.9");
            j.append(Journal.State.DONE, "1.2.3", "embedded");
            j.append(Journal.State.STAGED, "1.2.4", "2.25.10");
        }
        // A crash in the middle of an append: half a line, no newline.
        Files.writeString(f, "DONE\t1.2.4\temb", StandardOpenOption.APPEND);
        try (Journal j = Journal.open(f)) {
            assertEquals(Journal.State.DONE, j.get("1.2.3").state());
            assertEquals(Journal.State.STAGED, j.get("1.2.4").state(), "the torn DONE must not count");
            assertNull(j.get("1.2.5"));
            j.append(Journal.State.FAILED, "1.2.5", "bad input");
        }
        // A line whose CRC does not match (edited, or torn inside) is ignored too.
        String text = Files.readString(f).replace("FAILED\t1.2.5\tbad input", "DONE\t1.2.5\tbad input");
        Files.writeString(f, text);
        try (Journal j = Journal.open(f)) {
            assertNull(j.get("1.2.5"));
            assertEquals(List.of("1.2.3"), j.finished());
        }
    }

    @Test
    void theIndexSpillsSortedRunsAndMergesThemIntoSeriesGroups() throws Exception {
        Path root = tmp.resolve("archive");
        Set<String> expected = new HashSet<>();
        for (int s = 0; s < 5; s++) {
            List<Path> files = SampleSeries.write(root.resolve("s" + s), 40 + s, 3, 16, 16);
            expected.add(org.filigrane.dicom.DicomReader.keyOf(files.get(0)).seriesUid());
        }
        Files.writeString(root.resolve("notes.txt"), "not DICOM");
        // Runs of 4 lines: 15 images make 4 runs to merge.
        ArchiveIndex index = ArchiveIndex.build(root, null, Shard.ALL, tmp.resolve("state/index.tsv"), n -> { }, 4);
        assertEquals(5, index.seriesCount());
        assertEquals(15, index.fileCount());
        assertEquals(1, index.skippedCount());
        List<String> seen = new ArrayList<>();
        try (ArchiveIndex.Cursor c = index.series()) {
            while (c.hasNext()) {
                ArchiveIndex.SeriesFiles sf = c.next();
                assertEquals(3, sf.paths().size(), sf.toString());
                seen.add(sf.seriesUid());
            }
        }
        assertEquals(expected, new HashSet<>(seen));
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen, "series come in UID order");
        // Shards of the same archive split it without overlap.
        Set<String> union = new HashSet<>();
        int total = 0;
        for (int i = 0; i < 3; i++) {
            ArchiveIndex part = ArchiveIndex.build(root, null, new Shard(i, 3), tmp.resolve("state/index-" + i),
                    n -> { }, 2);
            try (ArchiveIndex.Cursor c = part.series()) {
                while (c.hasNext()) {
                    union.add(c.next().seriesUid());
                    total++;
                }
            }
        }
        assertEquals(expected, union);
        assertEquals(5, total);
        // A manifest gives the same plan as the walk.
        Path manifest = tmp.resolve("manifest.txt");
        try (var w = Files.walk(root)) {
            Files.write(manifest, w.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList(),
                    StandardCharsets.UTF_8);
        }
        ArchiveIndex m = ArchiveIndex.build(root, manifest, Shard.ALL, tmp.resolve("state/m.tsv"), n -> { }, 4);
        assertEquals(Files.readAllLines(index.file()), Files.readAllLines(m.file()));
    }

    @Test
    void aReportLineEscapesItsTextAndSaysWhenTheSeriesFinished() {
        Instant finished = Instant.parse("2026-11-30T17:40:01.123456Z");
        BatchRun.SeriesReport r = new BatchRun.SeriesReport("1.2.3", null, "failed", false, 2, 0, 0, 0, 10, 0,
                0.5, 0.1, 0.2, 0.2, null, "bad \"file\"\n\tat a\\b \u0001");
        String line = Jsonl.of(r, finished);
        assertTrue(line.startsWith("{\"seriesInstanceUid\":\"1.2.3\",\"studyInstanceUid\":null,"), line);
        assertTrue(line.contains("\"detail\":\"bad \\\"file\\\"\\n\\tat a\\\\b \\u0001\""), line);
        assertTrue(line.endsWith(",\"finished\":\"2026-11-30T17:40:01.123Z\"}"), line);
        assertTrue(line.contains("\"seconds\":0.5000,\"readSeconds\":0.1000,"), line);
        assertEquals(-1, line.indexOf('\n'), "one line");
    }
}
