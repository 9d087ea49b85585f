package org.filigrane.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.IssuerKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store: the shared suite, then an attacker with write access to the file (the sqlite3 command-line
 * shell, which ignores nothing but our own code) who edits, deletes, reorders and forges entries. Each time
 * verify must name the first entry touched.
 */
class SqliteLedgerTest extends LedgerSuite {
    @TempDir
    Path dir;
    private int n;
    private Path db;

    @Override
    String freshLocation() {
        return dir.resolve("ledger-" + n++ + ".db").toString();
    }

    /** Six entries by the trusted issuer. */
    @BeforeEach
    void fill() {
        db = dir.resolve("attacked.db");
        try (Ledger l = Ledger.open(db.toString())) {
            for (int i = 1; i <= 6; i++) {
                l.append(Records.record(ISSUER, "2.25.100." + i, i), ISSUER);
            }
        }
    }

    @Test
    void theDefaultLocationIsUnderTheHomeFolderUnlessTheEnvironmentSaysOtherwise() {
        String env = System.getenv(Ledger.ENV);
        String expected = env != null && !env.isBlank() ? env
                : Path.of(System.getProperty("user.home"), ".filigrane", "ledger.db").toString();
        assertEquals(expected, Ledger.defaultLocation());
    }

    @Test
    void aPathAndAJdbcUrlOpenTheSameFileAndFoldersAreCreated() {
        Path nested = dir.resolve("a/b/ledger.db");
        try (Ledger l = Ledger.open(nested.toString())) {
            l.append(Records.record(ISSUER, "2.25.1", 1), ISSUER);
        }
        try (Ledger l = Ledger.open("jdbc:sqlite:" + nested)) {
            assertEquals(1, l.list().size());
        }
    }

    @Test
    void anEditedRecipientIsNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET recipient = 'someone else' "
                + "WHERE seq = 4;");
        assertBad(4, "edited");
    }

    @Test
    void aRobustIdMovedToAnotherRecordIsNamed() throws Exception {
        // Framing someone: give entry 2 the robust ID of a leaked copy.
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET robust_id = 1234567 "
                + "WHERE seq = 2;");
        assertBad(2, "edited");
    }

    @Test
    void anEditedTimeIsNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET issued_at = "
                + "'2020-01-01T00:00:00Z' WHERE seq = 5;");
        assertBad(5, "edited");
    }

    @Test
    void garbageInAFieldIsNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET issued_at = 'yesterday' "
                + "WHERE seq = 3;");
        assertBad(3, "malformed");
    }

    @Test
    void aDeletedEntryIsNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_delete; DELETE FROM filigrane_ledger WHERE seq = 3;");
        assertBad(3, "missing");
    }

    @Test
    void reorderedEntriesAreNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET seq = -2 WHERE seq = 2; "
                + "UPDATE filigrane_ledger SET seq = 2 WHERE seq = 3; UPDATE filigrane_ledger SET seq = 3 WHERE seq = -2;");
        assertBad(2, "does not link");
    }

    @Test
    void aDeletionWithTheChainRebuiltIsStillNamed() throws Exception {
        // The attacker deletes entry 3, renumbers the rest and recomputes every link and hash: all public
        // functions. Only the signatures, which cover the sequence number and the link, cannot be redone.
        List<LedgerEntry> entries;
        try (Ledger l = Ledger.open(db.toString())) {
            entries = l.list();
        }
        StringBuilder sql = new StringBuilder("DROP TRIGGER filigrane_ledger_no_update; "
                + "DROP TRIGGER filigrane_ledger_no_delete; DELETE FROM filigrane_ledger WHERE seq = 3;");
        String prev = entries.get(1).hashHex();
        for (int i = 3; i < entries.size(); i++) {
            LedgerEntry e = entries.get(i);
            long seq = e.seq() - 1;
            String hash = Canonical.sha256Hex(Canonical.entryBytes(seq, prev, e.record()));
            sql.append(String.format("UPDATE filigrane_ledger SET seq = %d, prev_hash = '%s', hash = '%s' "
                    + "WHERE seq = %d;", seq, prev, hash, e.seq()));
            prev = hash;
        }
        sqlite(sql.toString());
        assertBad(3, "not signed");
    }

    @Test
    void anEntryForgedWithAnotherKeyIsNamed() throws Exception {
        // The attacker signs a correctly chained entry with a key of their own, under the trusted issuer's id.
        LedgerEntry last;
        try (Ledger l = Ledger.open(db.toString())) {
            last = l.list().get(5);
        }
        IssuerKey attacker = Records.key(66);
        IssueRecord r = Records.record(ISSUER, "2.25.666", 666);
        byte[] bytes = Canonical.entryBytes(7, last.hashHex(), r);
        String signature = java.util.HexFormat.of().formatHex(attacker.sign(Canonical.SIGNING_CONTEXT, bytes));
        sqlite(String.format("INSERT INTO filigrane_ledger VALUES (7, '%s', '%s', '%s', %s, '%s', '%s', '%s', '%s', "
                + "'%s', '%s', '%s', '%s', '%s');", r.time(), r.issuerKeyId(), r.recipient(),
                r.robustId() == null ? "NULL" : r.robustId().toString(), r.originalSeriesUid(), r.newSeriesUid(),
                String.join("\\", r.originalSopUids()), String.join("\\", r.newSopUids()),
                r.originalPixelSha256Hex(), r.payloadSha256Hex(), last.hashHex(), Canonical.sha256Hex(bytes),
                signature));
        assertBad(7, "not signed");
    }

    @Test
    void anEntryWithASignatureCopiedFromAnotherIsNamed() throws Exception {
        sqlite("DROP TRIGGER filigrane_ledger_no_update; UPDATE filigrane_ledger SET signature = "
                + "(SELECT signature FROM filigrane_ledger WHERE seq = 1) WHERE seq = 6;");
        assertBad(6, "not signed");
    }

    @Test
    void theEarliestOfSeveralProblemsIsNamedWhateverItsKind() throws Exception {
        // A bad signature (checked in parallel) before a gap (found in order), then the other way round.
        sqlite("DROP TRIGGER filigrane_ledger_no_update; DROP TRIGGER filigrane_ledger_no_delete; "
                + "UPDATE filigrane_ledger SET signature = (SELECT signature FROM filigrane_ledger WHERE seq = 1) "
                + "WHERE seq = 2; DELETE FROM filigrane_ledger WHERE seq = 5;");
        assertBad(2, "not signed");
        // Opening the ledger put its triggers back.
        sqlite("DROP TRIGGER filigrane_ledger_no_update; DROP TRIGGER filigrane_ledger_no_delete; "
                + "UPDATE filigrane_ledger SET signature = (SELECT signature FROM filigrane_ledger WHERE seq = 3) "
                + "WHERE seq = 6; DELETE FROM filigrane_ledger WHERE seq = 2;");
        assertBad(2, "missing");
    }

    @Test
    void removingTheLastEntriesShowsOnlyInTheHeadHash() throws Exception {
        String head;
        try (Ledger l = Ledger.open(db.toString())) {
            head = l.verify(TRUSTED).headHashHex();
        }
        sqlite("DROP TRIGGER filigrane_ledger_no_delete; DELETE FROM filigrane_ledger WHERE seq = 6;");
        try (Ledger l = Ledger.open(db.toString())) {
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertTrue(v.ok(), "a shorter chain is a valid chain");
            assertFalse(head.equals(v.headHashHex()), "but its head hash differs from the one kept");
        }
    }

    private void assertBad(long seq, String reason) {
        try (Ledger l = Ledger.open(db.toString())) {
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertFalse(v.ok(), v.toString());
            assertEquals(seq, v.firstBadSeq(), v.toString());
            assertTrue(v.reason().contains(reason), v.reason());
        }
    }

    /** Runs SQL with the sqlite3 command-line shell, as someone editing the file would. */
    private void sqlite(String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", db.toString(), sql).redirectErrorStream(true).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "sqlite3: " + out);
        assertTrue(Files.size(db) > 0);
    }
}
