package org.filigrane.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;

/**
 * The ledger over JDBC: one table, the same SQL on SQLite and PostgreSQL. Subclasses say how an append transaction
 * excludes other writers. One connection per instance; its methods are synchronized, so threads may share it.
 */
abstract class JdbcLedger implements Ledger {
    static final String TABLE = "filigrane_ledger";
    private static final String COLUMNS = "seq, issued_at, issuer_key_id, recipient, robust_id, original_series_uid, "
            + "new_series_uid, original_sop_uids, new_sop_uids, original_pixel_sha256, payload_sha256, prev_hash, "
            + "hash, signature";
    /** Text and hashes as TEXT (the time too: exact to the nanosecond on both databases). */
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + "seq BIGINT PRIMARY KEY, issued_at TEXT NOT NULL, issuer_key_id TEXT NOT NULL, recipient TEXT NOT NULL, "
            + "robust_id BIGINT, original_series_uid TEXT NOT NULL, new_series_uid TEXT NOT NULL, "
            + "original_sop_uids TEXT NOT NULL, new_sop_uids TEXT NOT NULL, original_pixel_sha256 TEXT NOT NULL, "
            + "payload_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL, "
            + "UNIQUE (issuer_key_id, new_series_uid))";
    static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS " + TABLE + "_robust ON " + TABLE + " (robust_id)";

    final Connection connection;

    JdbcLedger(Connection connection) {
        this.connection = connection;
    }

    /** Starts a transaction that no other writer, in any process, runs at the same time. */
    abstract void beginExclusive() throws SQLException;

    abstract void commit() throws SQLException;

    abstract void rollback() throws SQLException;

    @Override
    public final synchronized LedgerEntry append(IssueRecord record, IssuerKey issuer) {
        if (!record.issuerKeyId().equals(issuer.keyId())) {
            throw new IllegalArgumentException("the record names issuer " + record.issuerKeyId()
                    + " but is signed with key " + issuer.keyId());
        }
        try {
            beginExclusive();
            try {
                Optional<LedgerEntry> existing = find("issuer_key_id = ? AND new_series_uid = ?",
                        record.issuerKeyId(), record.newSeriesUid()).stream().findFirst();
                if (existing.isPresent()) {
                    commit();
                    return existing.get();
                }
                long seq = 1;
                String prev = Canonical.GENESIS;
                try (PreparedStatement st = connection.prepareStatement(
                        "SELECT seq, hash FROM " + TABLE + " ORDER BY seq DESC LIMIT 1");
                        ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        seq = rs.getLong(1) + 1;
                        prev = rs.getString(2);
                    }
                }
                byte[] bytes = Canonical.entryBytes(seq, prev, record);
                LedgerEntry e = new LedgerEntry(seq, record, prev, Canonical.sha256Hex(bytes),
                        HexFormat.of().formatHex(issuer.sign(Canonical.SIGNING_CONTEXT, bytes)));
                insert(e);
                commit();
                return e;
            } catch (SQLException | RuntimeException x) {
                rollback();
                throw x;
            }
        } catch (SQLException x) {
            throw new LedgerException("cannot append to the ledger " + describe() + ": " + x.getMessage(), x);
        }
    }

    private void insert(LedgerEntry e) throws SQLException {
        IssueRecord r = e.record();
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setLong(1, e.seq());
            st.setString(2, r.time().toString());
            st.setString(3, r.issuerKeyId());
            st.setString(4, r.recipient());
            if (r.robustId() == null) {
                st.setNull(5, Types.BIGINT);
            } else {
                st.setLong(5, r.robustId());
            }
            st.setString(6, r.originalSeriesUid());
            st.setString(7, r.newSeriesUid());
            st.setString(8, String.join("\\", r.originalSopUids()));
            st.setString(9, String.join("\\", r.newSopUids()));
            st.setString(10, r.originalPixelSha256Hex());
            st.setString(11, r.payloadSha256Hex());
            st.setString(12, e.prevHashHex());
            st.setString(13, e.hashHex());
            st.setString(14, e.signatureHex());
            st.executeUpdate();
        }
    }

    @Override
    public final synchronized List<LedgerEntry> list() {
        return query(null);
    }

    @Override
    public final synchronized Optional<LedgerEntry> findByNewSeriesUid(String uid) {
        return query("new_series_uid = ?", uid).stream().findFirst();
    }

    @Override
    public final synchronized List<LedgerEntry> withRobustIds() {
        return query("robust_id IS NOT NULL");
    }

    private List<LedgerEntry> query(String where, String... args) {
        try {
            return find(where, args);
        } catch (SQLException x) {
            throw new LedgerException("cannot read the ledger " + describe() + ": " + x.getMessage(), x);
        }
    }

    private List<LedgerEntry> find(String where, String... args) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        for (Row row : rows(where, args)) {
            try {
                out.add(row.entry());
            } catch (RuntimeException x) {
                throw new LedgerException("ledger " + describe() + ": entry " + row.seq + " is malformed ("
                        + x.getMessage() + "); run 'filigrane ledger verify'", x);
            }
        }
        return out;
    }

    /** A row as stored, before any check: verify must be able to read what an editor left. */
    private record Row(long seq, String time, String issuer, String recipient, Long robustId, String originalSeries,
            String newSeries, String originalSops, String newSops, String pixelHash, String payloadHash, String prev,
            String hash, String signature) {

        LedgerEntry entry() {
            IssueRecord r = new IssueRecord(Instant.parse(time), issuer, recipient, robustId, originalSeries,
                    newSeries, split(originalSops), split(newSops), pixelHash, payloadHash);
            return new LedgerEntry(seq, r, prev, hash, signature);
        }

        private static List<String> split(String joined) {
            return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\\\", -1));
        }
    }

    private List<Row> rows(String where, String... args) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE
                + (where == null ? "" : " WHERE " + where) + " ORDER BY seq")) {
            for (int i = 0; i < args.length; i++) {
                st.setString(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long robust = rs.getLong(5);
                    Long robustId = rs.wasNull() ? null : robust;
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), robustId,
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14)));
                }
            }
        }
        return out;
    }

    @Override
    public final synchronized VerifyResult verify(TrustedIssuers trusted) {
        List<Row> all;
        try {
            all = rows(null);
        } catch (SQLException x) {
            throw new LedgerException("cannot read the ledger " + describe() + ": " + x.getMessage(), x);
        }
        // Numbers, links and hashes in order; the signatures, which cost most, then in parallel up to the first
        // entry that failed so far. The first failure of either kind is the one reported.
        String prev = Canonical.GENESIS;
        long expected = 1;
        int firstBad = all.size();
        String problem = null;
        List<LedgerEntry> parsed = new ArrayList<>();
        List<String> prevs = new ArrayList<>();
        for (Row row : all) {
            problem = structure(row, expected, prev);
            if (problem != null) {
                firstBad = parsed.size();
                break;
            }
            parsed.add(row.entry());
            prevs.add(prev);
            prev = row.hash;
            expected++;
        }
        String[] signatureProblems = new String[parsed.size()];
        java.util.stream.IntStream.range(0, parsed.size()).parallel()
                .forEach(i -> signatureProblems[i] = Ledger.checkEntry(parsed.get(i), trusted).orElse(null));
        for (int i = 0; i < parsed.size(); i++) {
            if (signatureProblems[i] != null) {
                return new VerifyResult(false, all.size(), parsed.get(i).seq(), signatureProblems[i], prevs.get(i));
            }
        }
        if (problem != null) {
            long bad = all.get(firstBad).seq > expected ? expected : all.get(firstBad).seq;
            return new VerifyResult(false, all.size(), bad, problem, prev);
        }
        return new VerifyResult(true, all.size(), null, null, prev);
    }

    /** What is wrong with {@code row} at the place of entry {@code expected} after {@code prev}, signature aside. */
    private static String structure(Row row, long expected, String prev) {
        if (row.seq > expected) {
            return "entry " + expected + (row.seq == expected + 1 ? " is" : " to " + (row.seq - 1) + " are")
                    + " missing (the next one stored is " + row.seq + ")";
        }
        if (row.seq < expected) {
            return "entry " + row.seq + " is out of place (expected " + expected + ")";
        }
        LedgerEntry e;
        try {
            e = row.entry();
        } catch (RuntimeException x) {
            return "entry " + row.seq + " is malformed: " + x.getMessage();
        }
        if (!prev.equals(e.prevHashHex())) {
            return "entry " + row.seq + " does not link to the entry before it (deleted, inserted or reordered "
                    + "entries, or an edited link)";
        }
        return null;
    }

    @Override
    public final synchronized void close() {
        try {
            connection.close();
        } catch (SQLException x) {
            throw new LedgerException("cannot close the ledger " + describe() + ": " + x.getMessage(), x);
        }
    }
}
