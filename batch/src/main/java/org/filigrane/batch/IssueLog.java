package org.filigrane.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.filigrane.engine.IssuerKey;

/**
 * Where a batch records each watermark it issued: the seam to the project's ledger. The fields are those of the
 * ledger's {@code IssueRecord} (docs: LEDGER-API); {@link #append} must be idempotent by (issuer key id, new Series
 * Instance UID), which is what lets a resumed run append again without a duplicate, and safe with several processes
 * appending at once (shards of a job array).
 *
 * <p>Until the {@code ledger} module is merged, {@link JdbcIssueLog} implements this on SQLite or PostgreSQL; then an
 * adapter over {@code org.filigrane.ledger.Ledger.open(location)} replaces it in {@link #open} (one place).
 */
public interface IssueLog extends AutoCloseable {

    /** One issued watermark (no secrets). {@code robustId} is null without layer D. */
    record Issue(Instant time, String issuerKeyId, String recipient, Long robustId, String originalSeriesUid,
            String newSeriesUid, List<String> originalSopUids, List<String> newSopUids, String originalPixelSha256Hex,
            String payloadSha256Hex) {
        public Issue {
            originalSopUids = List.copyOf(originalSopUids);
            newSopUids = List.copyOf(newSopUids);
        }
    }

    /** Appends (signed by {@code issuer}) unless a record with the same key id and new Series UID exists. */
    void append(Issue issue, IssuerKey issuer) throws IOException;

    @Override
    void close() throws IOException;

    /** A log that records nothing ({@code --no-ledger}). */
    static IssueLog none() {
        return new IssueLog() {
            @Override
            public void append(Issue issue, IssuerKey issuer) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** A path (SQLite file) or a JDBC URL ({@code jdbc:sqlite:...}, {@code jdbc:postgresql://...}). */
    static IssueLog open(String location) throws IOException {
        return JdbcIssueLog.open(location);
    }

    /** Result of {@link #verify}: entries checked, and the first bad one (its seq and why) or null when all are good. */
    record Check(long entries, Long firstBadSeq, String reason) {
        public boolean ok() {
            return firstBadSeq == null;
        }
    }

    /** Checks the hash chain, the sequence and every record's signature by one of {@code trusted}. */
    static Check verify(String location, org.filigrane.engine.TrustedIssuers trusted) throws IOException {
        try (JdbcIssueLog log = JdbcIssueLog.open(location)) {
            JdbcIssueLog.Verification v = log.verify(trusted);
            return new Check(v.entries(), v.firstBadSeq(), v.reason());
        }
    }

    /** The default location: {@code $FILIGRANE_LEDGER}, else {@code ~/.filigrane/ledger.db}. */
    static String defaultLocation() {
        String env = System.getenv("FILIGRANE_LEDGER");
        return env != null && !env.isBlank() ? env
                : Path.of(System.getProperty("user.home"), ".filigrane", "ledger.db").toString();
    }
}
