package org.filigrane.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.IssuerPublicKey;
import org.filigrane.engine.TrustedIssuers;

/**
 * Stand-in for the ledger module (same contract, smaller): an append-only, hash-chained table of issued watermarks,
 * each record signed with the issuer's Ed25519 key ({@code issuer.sign("ledger/v1", canonical bytes)}). Appends are
 * serialized across processes (PostgreSQL: a transaction-level advisory lock; SQLite: {@code BEGIN IMMEDIATE}) and
 * idempotent by (issuer key id, new Series UID) through a unique constraint checked inside the same transaction.
 *
 * <p>Table {@code filigrane_batch_issues}; the real ledger keeps its own tables, so the two never collide.
 */
final class JdbcIssueLog implements IssueLog {
    private static final long LOCK_KEY = 0x46494C4947524EL;   // "FILIGRN"
    private static final String TABLE = "filigrane_batch_issues";
    private final Connection c;
    private final boolean postgres;

    private JdbcIssueLog(Connection c, boolean postgres) {
        this.c = c;
        this.postgres = postgres;
    }

    static JdbcIssueLog open(String location) throws IOException {
        String url = location.startsWith("jdbc:") ? location : "jdbc:sqlite:" + location;
        try {
            if (url.startsWith("jdbc:sqlite:")) {
                Path p = Path.of(url.substring("jdbc:sqlite:".length()));
                if (p.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(p.toAbsolutePath().getParent());
                }
            }
            Properties props = new Properties();
            Connection c = DriverManager.getConnection(url, props);
            boolean pg = url.startsWith("jdbc:postgresql:");
            try (Statement s = c.createStatement()) {
                if (!pg) {
                    s.execute("PRAGMA busy_timeout=60000");
                    s.execute("PRAGMA journal_mode=WAL");
                }
                if (pg) {
                    // Two shards starting at once would race on CREATE TABLE: take the same lock.
                    c.setAutoCommit(false);
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                }
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (seq BIGINT PRIMARY KEY, time TEXT NOT NULL, "
                        + "issuer_key_id TEXT NOT NULL, recipient TEXT NOT NULL, robust_id TEXT, "
                        + "original_series_uid TEXT NOT NULL, new_series_uid TEXT NOT NULL, original_sop_uids TEXT "
                        + "NOT NULL, new_sop_uids TEXT NOT NULL, original_pixel_sha256 TEXT NOT NULL, payload_sha256 "
                        + "TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL, "
                        + "UNIQUE (issuer_key_id, new_series_uid))");
                if (pg) {
                    c.commit();
                }
            }
            c.setAutoCommit(false);
            return new JdbcIssueLog(c, pg);
        } catch (SQLException e) {
            throw new IOException("cannot open the ledger " + location + ": " + e.getMessage(), e);
        }
    }

    /** What is signed and hashed: every field, in order, one per line. */
    static byte[] canonical(long seq, String time, String keyId, String recipient, String robustId, String origSeries,
            String newSeries, String origSops, String newSops, String pixelHash, String payloadHash) {
        return String.join("\n", "filigrane-ledger/v1", Long.toString(seq), time, keyId, recipient,
                robustId == null ? "" : robustId, origSeries, newSeries, origSops, newSops, pixelHash, payloadHash)
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sha256Hex(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void append(Issue r, IssuerKey issuer) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                appendOnce(r, issuer);
                return;
            } catch (SQLException e) {
                rollback();
                // SQLite reports a busy database after its timeout; PostgreSQL a serialization failure: retry.
                if (attempt >= 5) {
                    throw new IOException("ledger append failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private void appendOnce(Issue r, IssuerKey issuer) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (postgres) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            } else {
                c.commit();   // leave the driver's implicit transaction
                c.setAutoCommit(true);
                s.execute("BEGIN IMMEDIATE");
            }
            try (PreparedStatement q = c.prepareStatement("SELECT seq FROM " + TABLE
                    + " WHERE issuer_key_id = ? AND new_series_uid = ?")) {
                q.setString(1, r.issuerKeyId());
                q.setString(2, r.newSeriesUid());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        finish(s);
                        return;   // idempotent: recorded before (a resumed series)
                    }
                }
            }
            long seq = 1;
            String prev = "0".repeat(64);
            try (ResultSet rs = s.executeQuery("SELECT seq, hash FROM " + TABLE + " ORDER BY seq DESC LIMIT 1")) {
                if (rs.next()) {
                    seq = rs.getLong(1) + 1;
                    prev = rs.getString(2);
                }
            }
            String time = r.time().toString();
            String robust = r.robustId() == null ? null : Long.toUnsignedString(r.robustId());
            String origSops = String.join(",", r.originalSopUids());
            String newSops = String.join(",", r.newSopUids());
            byte[] canon = canonical(seq, time, r.issuerKeyId(), r.recipient(), robust, r.originalSeriesUid(),
                    r.newSeriesUid(), origSops, newSops, r.originalPixelSha256Hex(), r.payloadSha256Hex());
            String hash = sha256Hex(prev.getBytes(StandardCharsets.US_ASCII), canon);
            String sig = HexFormat.of().formatHex(issuer.sign("ledger/v1", canon));
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + TABLE
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[] v = {seq, time, r.issuerKeyId(), r.recipient(), robust, r.originalSeriesUid(),
                    r.newSeriesUid(), origSops, newSops, r.originalPixelSha256Hex(), r.payloadSha256Hex(), prev,
                    hash, sig};
                for (int i = 0; i < v.length; i++) {
                    ins.setObject(i + 1, v[i]);
                }
                ins.executeUpdate();
            }
            finish(s);
        }
    }

    private void finish(Statement s) throws SQLException {
        if (postgres) {
            c.commit();
        } else {
            s.execute("COMMIT");
            c.setAutoCommit(false);
        }
    }

    private void rollback() {
        try {
            if (postgres || !c.getAutoCommit()) {
                c.rollback();
            } else {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                }
                c.setAutoCommit(false);
            }
        } catch (SQLException ignored) {
            // the connection is broken; the next call reports it
        }
    }

    /** Result of {@link #verify}: entries checked, and the first bad one (seq and why) or null. */
    record Verification(long entries, Long firstBadSeq, String reason) {
        boolean ok() {
            return firstBadSeq == null;
        }
    }

    /** Checks the chain, every signature (by a trusted issuer) and the sequence numbers, in order. */
    synchronized Verification verify(TrustedIssuers trusted) throws IOException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + TABLE + " ORDER BY seq")) {
            String prev = "0".repeat(64);
            long n = 0;
            while (rs.next()) {
                n++;
                long seq = rs.getLong("seq");
                byte[] canon = canonical(seq, rs.getString("time"), rs.getString("issuer_key_id"),
                        rs.getString("recipient"), rs.getString("robust_id"), rs.getString("original_series_uid"),
                        rs.getString("new_series_uid"), rs.getString("original_sop_uids"),
                        rs.getString("new_sop_uids"), rs.getString("original_pixel_sha256"),
                        rs.getString("payload_sha256"));
                if (seq != n) {
                    return new Verification(n, seq, "sequence gap: expected " + n);
                }
                if (!prev.equals(rs.getString("prev_hash"))
                        || !sha256Hex(prev.getBytes(StandardCharsets.US_ASCII), canon).equals(rs.getString("hash"))) {
                    return new Verification(n, seq, "hash chain broken (record edited, removed or inserted)");
                }
                IssuerPublicKey k = trusted.find(rs.getString("issuer_key_id")).orElse(null);
                if (k == null || !k.verify("ledger/v1", canon, HexFormat.of().parseHex(rs.getString("signature")))) {
                    return new Verification(n, seq, k == null ? "signed by no trusted issuer" : "bad signature");
                }
                prev = rs.getString("hash");
            }
            c.commit();
            return new Verification(n, null, null);
        } catch (SQLException e) {
            rollback();
            throw new IOException("cannot read the ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            c.close();
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }
}
