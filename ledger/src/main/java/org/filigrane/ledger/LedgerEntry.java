package org.filigrane.ledger;

/**
 * A stored record: its sequence number (1, 2, 3, ... without gaps), the hash of the previous entry (64 zeros for the
 * first), its own hash and the issuer's signature (see {@link Canonical} for what both cover).
 */
public record LedgerEntry(long seq, IssueRecord record, String prevHashHex, String hashHex, String signatureHex) {
}
