package org.filigrane.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.junit.jupiter.api.Test;

/** What every ledger store must do; SQLite and PostgreSQL run the same tests. */
abstract class LedgerSuite {
    static final IssuerKey ISSUER = Records.key(1);
    static final IssuerKey OTHER = Records.key(2);
    static final TrustedIssuers TRUSTED = TrustedIssuers.of(ISSUER.publicKey());

    /** A location (path or JDBC URL) of a new, empty ledger. */
    abstract String freshLocation() throws Exception;

    @Test
    void entriesAreNumberedChainedAndVerify() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            assertTrue(l.verify(TRUSTED).ok(), "an empty ledger verifies");
            List<LedgerEntry> appended = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                appended.add(l.append(Records.record(ISSUER, "2.25.1." + i, i), ISSUER));
            }
            List<LedgerEntry> listed = l.list();
            assertEquals(appended, listed, "list gives back exactly what was appended, in order");
            assertEquals(Canonical.GENESIS, listed.get(0).prevHashHex());
            for (int i = 0; i < listed.size(); i++) {
                assertEquals(i + 1, listed.get(i).seq());
                if (i > 0) {
                    assertEquals(listed.get(i - 1).hashHex(), listed.get(i).prevHashHex());
                }
            }
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertEquals(new Ledger.VerifyResult(true, 6, null, null, listed.get(5).hashHex()), v);
        }
    }

    @Test
    void recordsComeBackExactly() throws Exception {
        String location = freshLocation();
        IssueRecord r = Records.record(ISSUER, "2.25.77", 77);
        IssueRecord withId = new IssueRecord(r.time(), r.issuerKeyId(), "名前 \"quoted\" \\ back", -3L,
                "", r.newSeriesUid(), List.of(), r.newSopUids(), r.originalPixelSha256Hex(), r.payloadSha256Hex());
        try (Ledger l = Ledger.open(location)) {
            l.append(withId, ISSUER);
        }
        try (Ledger l = Ledger.open(location)) {
            assertEquals(withId, l.findByNewSeriesUid("2.25.77").orElseThrow().record());
            assertEquals("18446744073709551613", l.list().get(0).record().robustIdText());
            assertTrue(l.findByNewSeriesUid("2.25.78").isEmpty());
        }
    }

    @Test
    void appendIsIdempotentPerIssuerAndNewSeries() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            LedgerEntry first = l.append(Records.record(ISSUER, "2.25.5", 5), ISSUER);
            l.append(Records.record(ISSUER, "2.25.6", 6), ISSUER);
            // A resumed batch appends the same series again, even with a later time: nothing new is written.
            LedgerEntry again = l.append(Records.record(ISSUER, "2.25.5", 50), ISSUER);
            assertEquals(first, again);
            assertEquals(2, l.list().size());
            // Another issuer watermarking a series that happens to get the same UID is another record.
            l.append(Records.record(OTHER, "2.25.5", 5), OTHER);
            assertEquals(3, l.list().size());
            assertTrue(l.verify(TrustedIssuers.of(ISSUER.publicKey(), OTHER.publicKey())).ok());
        }
    }

    @Test
    void candidatesAreTheRecordsWithARobustId() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            Set<Long> expected = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                LedgerEntry e = l.append(Records.record(ISSUER, "2.25.9." + i, 900 + i), ISSUER);
                if (e.record().robustId() != null) {
                    expected.add(e.seq());
                }
            }
            assertFalse(expected.isEmpty(), "the seeds give some records a robust ID");
            assertTrue(expected.size() < 12, "and some none");
            Set<Long> got = new HashSet<>();
            for (LedgerEntry e : l.withRobustIds()) {
                got.add(e.seq());
            }
            assertEquals(expected, got);
        }
    }

    @Test
    void aRecordMustBeSignedByTheIssuerItNames() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            assertThrows(IllegalArgumentException.class, () -> l.append(Records.record(ISSUER, "2.25.3", 3), OTHER));
            assertTrue(l.list().isEmpty(), "nothing was written");
        }
    }

    @Test
    void anEntryByAnUntrustedIssuerIsNamed() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            l.append(Records.record(ISSUER, "2.25.1", 1), ISSUER);
            l.append(Records.record(OTHER, "2.25.2", 2), OTHER);
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertFalse(v.ok());
            assertEquals(2L, v.firstBadSeq());
            assertTrue(v.reason().contains("not trusted"), v.reason());
            assertEquals(l.list().get(0).hashHex(), v.headHashHex());
        }
    }

    @Test
    void theStoreRefusesUpdatesAndDeletes() throws Exception {
        try (Ledger l = Ledger.open(freshLocation())) {
            l.append(Records.record(ISSUER, "2.25.1", 1), ISSUER);
            JdbcLedger j = (JdbcLedger) l;
            for (String sql : List.of("UPDATE filigrane_ledger SET recipient = 'x'", "DELETE FROM filigrane_ledger")) {
                assertThrows(java.sql.SQLException.class, () -> {
                    try (var st = j.connection.createStatement()) {
                        if (!j.connection.getAutoCommit()) {
                            j.connection.rollback();
                        }
                        st.execute(sql);
                    }
                }, sql);
                if (!j.connection.getAutoCommit()) {
                    j.connection.rollback();
                }
            }
            assertTrue(l.verify(TRUSTED).ok());
            assertEquals(1, l.list().size());
        }
    }

    @Test
    void concurrentThreadsKeepOneChainWithoutDuplicates() throws Exception {
        String location = freshLocation();
        int threads = 4;
        int each = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    // Each thread its own connection, as separate writers are.
                    try (Ledger l = Ledger.open(location)) {
                        for (int i = 0; i < each; i++) {
                            l.append(Records.record(ISSUER, "2.25.4." + thread + "." + i, thread * 100 + i), ISSUER);
                            // Every thread also appends the same shared series: one entry each in the end.
                            l.append(Records.record(ISSUER, "2.25.8." + i, 7000 + i), ISSUER);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        checkComplete(location, threads * each + each);
    }

    @Test
    void concurrentProcessesKeepOneChainWithoutDuplicates() throws Exception {
        String location = freshLocation();
        int count = 15;
        int shared = 10;
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            processes.add(new ProcessBuilder(javaCommand(location, "2.25.6." + p, count, shared))
                    .redirectErrorStream(true).start());
        }
        // And this JVM writes at the same time.
        try (Ledger l = Ledger.open(location)) {
            for (int i = 0; i < count; i++) {
                l.append(Records.record(ISSUER, "2.25.7." + i, 500 + i), ISSUER);
            }
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "a writer process hung");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("appended " + count), output);
        }
        checkComplete(location, 4 * count + shared);
    }

    private static List<String> javaCommand(String location, String prefix, int count, int shared) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AppendMain.class.getName(), location, Records.hexKey(1), prefix, String.valueOf(count),
                String.valueOf(shared));
    }

    /** The ledger holds exactly {@code expected} entries, numbered 1..n, one per series, and verifies. */
    static void checkComplete(String location, int expected) {
        try (Ledger l = Ledger.open(location)) {
            List<LedgerEntry> all = l.list();
            assertEquals(expected, all.size());
            Set<String> series = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).seq());
                assertTrue(series.add(all.get(i).record().newSeriesUid()), "duplicate " + all.get(i));
            }
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertTrue(v.ok(), v.toString());
            assertNull(v.firstBadSeq());
        }
    }

}
