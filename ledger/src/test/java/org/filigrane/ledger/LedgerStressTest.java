package org.filigrane.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk run (-Dfiligrane.stress=true): 10,000 entries appended one transaction each, then verified and loaded as
 * trace candidates, on SQLite and PostgreSQL. Prints the figures quoted in docs/LEDGER.md; asserts only correctness.
 */
class LedgerStressTest {
    static final int ENTRIES = 10_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandEntriesOnSqlite() {
        Assumptions.assumeTrue(Boolean.getBoolean("filigrane.stress"), "bulk run: -Dfiligrane.stress=true");
        run("sqlite", dir.resolve("bulk.db").toString());
    }

    @Test
    void tenThousandEntriesOnPostgres() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("filigrane.stress"), "bulk run: -Dfiligrane.stress=true");
        try (PgCluster pg = PgCluster.start()) {
            run("postgresql", pg.newDatabase());
        }
    }

    private static void run(String store, String location) {
        try (Ledger l = Ledger.open(location)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ENTRIES; i++) {
                l.append(Records.record(LedgerSuite.ISSUER, "2.25.3." + i, i), LedgerSuite.ISSUER);
            }
            long t1 = System.nanoTime();
            Ledger.VerifyResult v = l.verify(LedgerSuite.TRUSTED);
            long t2 = System.nanoTime();
            int candidates = l.withRobustIds().size();
            long t3 = System.nanoTime();
            assertTrue(v.ok(), v.toString());
            assertEquals(ENTRIES, v.entries());
            assertTrue(candidates > 0);
            System.out.printf(Locale.ROOT, "ledger %s: %d appends in %.1f s (%.0f/s, one transaction each), verify %.2f "
                    + "s, %d trace candidates loaded in %.3f s%n", store, ENTRIES, (t1 - t0) / 1e9,
                    ENTRIES / ((t1 - t0) / 1e9), (t2 - t1) / 1e9, candidates, (t3 - t2) / 1e9);
        }
    }
}
