package org.filigrane.router;

import java.io.IOException;
import org.filigrane.engine.IssuerKey;
import org.filigrane.ledger.IssueRecord;
import org.filigrane.ledger.Ledger;

/**
 * Records issued watermarks in the ledger (SQLite file or a shared PostgreSQL). The ledger's append is idempotent by
 * (issuer key id, new Series Instance UID), which is what a router restarted after a crash needs.
 */
final class LedgerRecorder implements IssueRecorder {
    private final Ledger ledger;

    private LedgerRecorder(Ledger ledger) {
        this.ledger = ledger;
    }

    static LedgerRecorder open(String location) throws IOException {
        try {
            return new LedgerRecorder(Ledger.open(location));
        } catch (RuntimeException e) {
            throw new IOException("ledger " + location + " cannot be opened: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void record(Issued i, IssuerKey issuer) throws IOException {
        try {
            ledger.append(new IssueRecord(i.time(), i.issuerKeyId(), i.recipient(), i.robustId(),
                    i.originalSeriesUid(), i.newSeriesUid(), i.originalSopUids(), i.newSopUids(),
                    i.originalPixelSha256Hex(), i.payloadSha256Hex()), issuer);
        } catch (RuntimeException e) {
            throw new IOException("ledger append failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        ledger.close();
    }
}
