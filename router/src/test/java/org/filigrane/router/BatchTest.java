package org.filigrane.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.filigrane.dicom.SampleSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal read back as a crash leaves it: what was synced counts, a torn last line does not. */
class BatchTest {
    @TempDir
    Path dir;

    @Test
    void instancesRenamedIntoTheSpoolCountEvenWithoutTheirJournalLine() throws Exception {
        Batch b = Batch.create(dir.resolve("b1"), "partner", "1.2.3");
        List<Path> files = SampleSeries.write(dir.resolve("src"), 1, 3, 16, 16);
        String[] sops = new String[3];
        for (int i = 0; i < 3; i++) {
            sops[i] = Forwarder.headerValue(files.get(i), com.pixelmed.dicom.TagFromName.SOPInstanceUID);
            Durable.move(files.get(i), b.in().resolve(sops[i] + ".dcm"), false);
        }
        b.appendLazily("RECV", sops[0], sops[0] + ".dcm", "PACS"); // only the first line made it
        b.append("END", "released");
        b.close();
        // a line cut short by the crash
        Files.writeString(b.dir.resolve("journal"), "SEN", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Batch r = Batch.recover(b.dir);
        assertEquals(Batch.State.RECEIVING, r.state);
        assertEquals(3, r.instances.size(), "every file renamed into in/ is an acknowledged instance");
        assertTrue(r.instances.keySet().containsAll(List.of(sops)));
        assertTrue(r.lastEndReleased);
        assertFalse(r.processed);
        r.close();
    }

    @Test
    void aProcessedSeriesResumesForwardingWithItsStoredCopyAndIssueRecord() throws Exception {
        Batch b = Batch.create(dir.resolve("b2"), "partner", "1.2.3");
        Files.createDirectories(b.out());
        Files.writeString(b.out().resolve("x.dcm"), "x");
        Files.writeString(b.out().resolve("y.dcm"), "y");
        IssueRecorder.Issued issued = new IssueRecorder.Issued(Instant.parse("2026-11-30T07:00:00Z"), "abcd",
                "Hospital B", 42L, "1.2.3", "2.25.9", List.of("1.1", "1.2"), List.of("2.1", "2.2"), "00", "11");
        b.markProcessed(List.of(new Batch.Output("2.1", "out/x.dcm"), new Batch.Output("2.2", "out/y.dcm")), issued);
        b.append("ATTEMPT", "1");
        b.appendLazily("SENT", "2.1");
        b.sync();
        b.close();

        Batch r = Batch.recover(b.dir);
        assertEquals(Batch.State.FORWARDING, r.state);
        assertTrue(r.processed);
        assertFalse(r.issued, "the issue record is recorded again (idempotently) before forwarding resumes");
        assertEquals(issued, r.issueRecord());
        assertEquals(1, r.attempts, "the next attempt is in doubt: it asks the destination first");
        assertEquals(List.of("2.1"), List.copyOf(r.sent));
        assertEquals(2, r.outputs.size());
        r.close();
    }

    @Test
    void verifyAndRestoreRoutesHaveNothingToRecord() throws Exception {
        Batch b = Batch.create(dir.resolve("b3"), "inbound", "1.2.3");
        b.markProcessed(List.of(new Batch.Output("1.1", "in/1.1.dcm")), null);
        assertTrue(b.issued);
        assertNull(b.issueRecord());
        b.append("DONE");
        b.close();
        assertEquals(Batch.State.DONE, Batch.recover(b.dir).state);
    }

    @Test
    void aDirectoryWithoutAJournalIsNoBatch() throws Exception {
        Files.createDirectories(dir.resolve("b4"));
        assertNull(Batch.recover(dir.resolve("b4")));
    }
}
