package org.filigrane.router;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Where the router records each watermark it issues: the hook for the ledger. The fields are those of the ledger's
 * {@code org.filigrane.ledger.IssueRecord} (LEDGER-API.md), so that the ledger module plugs in with a three-line
 * adapter ({@code ledger.append(new IssueRecord(...), issuer)}); until then {@link IssueLogFile} keeps them in an
 * append-only JSON lines file. Implementations must be idempotent by {@code (issuerKeyId, newSeriesUid)}: a router
 * restarted after a crash may record the same series again.
 */
public interface IssueRecorder extends AutoCloseable {

    /** One issued watermark (no secrets). {@code robustId} is null when layer D was not embedded. */
    record Issued(Instant time, String issuerKeyId, String recipient, Long robustId, String originalSeriesUid,
            String newSeriesUid, List<String> originalSopUids, List<String> newSopUids,
            String originalPixelSha256Hex, String payloadSha256Hex) {
        public Issued {
            originalSopUids = List.copyOf(originalSopUids);
            newSopUids = List.copyOf(newSopUids);
        }
    }

    /** Records {@code issued} durably before the watermarked copy is forwarded, signed by {@code issuer}. */
    void record(Issued issued, org.filigrane.engine.IssuerKey issuer) throws IOException;

    @Override
    void close();
}
