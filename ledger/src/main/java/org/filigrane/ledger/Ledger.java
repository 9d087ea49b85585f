package org.filigrane.ledger;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;

/**
 * The record of every watermark issued: append-only, hash-chained, each entry signed by its issuer, no secret
 * stored. One SQLite file on a single machine (the default), PostgreSQL when several machines write.
 */
public interface Ledger extends AutoCloseable {
    /** Environment variable naming the default ledger (a path or a JDBC URL). */
    String ENV = "FILIGRANE_LEDGER";

    /**
     * A path (SQLite file, created if absent, its folder too) or a JDBC URL ({@code jdbc:sqlite:FILE},
     * {@code jdbc:postgresql://host:port/db?user=...&password=...}). The schema is created when missing.
     */
    static Ledger open(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("no ledger location given");
        }
        if (location.startsWith("jdbc:postgresql:")) {
            return new PostgresLedger(location);
        }
        if (location.startsWith("jdbc:sqlite:")) {
            return SqliteLedger.open(location.substring("jdbc:sqlite:".length()));
        }
        if (location.startsWith("jdbc:")) {
            throw new IllegalArgumentException("unsupported ledger URL (use a file path, jdbc:sqlite: or "
                    + "jdbc:postgresql:): " + location.substring(0, Math.min(location.length(), 20)) + "...");
        }
        return SqliteLedger.open(location);
    }

    /** Default SQLite path: $FILIGRANE_LEDGER, else ~/.filigrane/ledger.db. */
    static String defaultLocation() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        return Path.of(System.getProperty("user.home"), ".filigrane", "ledger.db").toString();
    }

    /**
     * Appends {@code record}, signed with {@code issuer.sign("ledger/v1", ...)} over the entry's canonical bytes
     * (sequence number, previous hash, record) and chained to the last entry. Idempotent: if an entry with the same
     * (issuerKeyId, newSeriesUid) exists, returns it and writes nothing, so a resumed batch never duplicates. Safe
     * under concurrent writers in several processes and machines (SQLite: BEGIN IMMEDIATE with a busy timeout;
     * PostgreSQL: a transaction-level advisory lock).
     *
     * @throws IllegalArgumentException when the record's issuer key id is not {@code issuer}'s
     */
    LedgerEntry append(IssueRecord record, IssuerKey issuer);

    /** Every entry, in sequence order. */
    List<LedgerEntry> list();

    Optional<LedgerEntry> findByNewSeriesUid(String uid);

    /** Entries whose record carries a robust ID: the candidates for tracing, in sequence order. */
    List<LedgerEntry> withRobustIds();

    /**
     * Checks sequence numbers, links, hashes and signatures (by issuers in {@code trusted}); names the first broken
     * or edited entry. Removing the last entries leaves a valid shorter chain: compare {@link VerifyResult#headHashHex}
     * with a copy kept elsewhere to catch that.
     */
    VerifyResult verify(TrustedIssuers trusted);

    /**
     * @param ok          every entry checked out
     * @param entries     entries examined
     * @param firstBadSeq the first entry that is missing, out of place, edited or not signed by a trusted issuer
     * @param reason      what is wrong with it (null when ok)
     * @param headHashHex hash of the last entry that checked out (64 zeros when none)
     */
    record VerifyResult(boolean ok, long entries, Long firstBadSeq, String reason, String headHashHex) {
        /** The contract's four-field form. */
        public VerifyResult(boolean ok, long entries, Long firstBadSeq, String reason) {
            this(ok, entries, firstBadSeq, reason, null);
        }
    }

    /**
     * Checks one entry on its own: its hash matches its content, its issuer is trusted and the signature is that
     * issuer's. Empty when all hold, else what is wrong. Tracing checks the entries it names with this, so that a
     * record slipped into the database cannot frame anyone; {@link #verify} checks the whole chain.
     */
    static Optional<String> checkEntry(LedgerEntry e, TrustedIssuers trusted) {
        byte[] bytes;
        try {
            bytes = Canonical.entryBytes(e.seq(), e.prevHashHex(), e.record());
        } catch (RuntimeException x) {
            return Optional.of("entry " + e.seq() + " is malformed: " + x.getMessage());
        }
        if (!Canonical.sha256Hex(bytes).equals(e.hashHex())) {
            return Optional.of("entry " + e.seq() + " was edited: its content does not match its hash");
        }
        Optional<org.filigrane.engine.IssuerPublicKey> key = trusted.find(e.record().issuerKeyId());
        if (key.isEmpty()) {
            return Optional.of("entry " + e.seq() + " names issuer " + e.record().issuerKeyId()
                    + ", which is not trusted");
        }
        byte[] signature;
        try {
            signature = java.util.HexFormat.of().parseHex(e.signatureHex());
        } catch (IllegalArgumentException x) {
            return Optional.of("entry " + e.seq() + " has a malformed signature");
        }
        if (!key.get().verify(Canonical.SIGNING_CONTEXT, bytes, signature)) {
            return Optional.of("entry " + e.seq() + " is not signed by issuer " + e.record().issuerKeyId()
                    + " (forged or edited)");
        }
        return Optional.empty();
    }

    /** Where this ledger is, without credentials. */
    String describe();

    @Override
    void close();
}
