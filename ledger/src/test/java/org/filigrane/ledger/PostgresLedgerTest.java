package org.filigrane.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared suite (concurrent threads and processes included) on a real PostgreSQL server started for this class,
 * plus a database administrator editing entries with psql behind the ledger's back.
 */
class PostgresLedgerTest extends LedgerSuite {
    private static PgCluster cluster;

    @BeforeAll
    static void startServer() throws Exception {
        cluster = PgCluster.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String freshLocation() throws Exception {
        return cluster.newDatabase();
    }

    @Test
    void anEntryEditedByTheDatabaseAdministratorIsNamed() throws Exception {
        String url = freshLocation();
        try (Ledger l = Ledger.open(url)) {
            for (int i = 1; i <= 5; i++) {
                l.append(Records.record(ISSUER, "2.25.200." + i, i), ISSUER);
            }
        }
        String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        cluster.psql(db, "ALTER TABLE filigrane_ledger DISABLE TRIGGER filigrane_ledger_append_only; "
                + "UPDATE filigrane_ledger SET recipient = 'framed' WHERE seq = 3");
        try (Ledger l = Ledger.open(url)) {
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertFalse(v.ok());
            assertEquals(3L, v.firstBadSeq());
            assertTrue(v.reason().contains("edited"), v.reason());
        }
        cluster.psql(db, "DELETE FROM filigrane_ledger WHERE seq = 2");
        try (Ledger l = Ledger.open(url)) {
            Ledger.VerifyResult v = l.verify(TRUSTED);
            assertEquals(2L, v.firstBadSeq());
            assertTrue(v.reason().contains("missing"), v.reason());
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorWithoutThePassword() throws Exception {
        String url = freshLocation().replace(PgCluster.PASSWORD, "wrong-password");
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(url));
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    }
}
