package org.filigrane.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The ledger in PostgreSQL, for writers on several machines (batch shards, routers). Each append takes a
 * transaction-level advisory lock first, so appends are serialized across every connection while readers go on;
 * the lock is released by the commit or rollback. The UNIQUE constraint on (issuer key id, new series UID) and the
 * primary key on the sequence number back this up. A trigger refuses UPDATE and DELETE.
 */
final class PostgresLedger extends JdbcLedger {
    /** The advisory lock's key: "FiligLed" as a 64-bit number, unlikely to collide with an application's. */
    static final long LOCK_KEY = 0x46696C69674C6564L;
    private final String url;

    PostgresLedger(String url) {
        super(connect(url));
        this.url = url;
        try {
            createSchema();
        } catch (SQLException x) {
            close();
            throw new LedgerException("cannot use " + describe() + " as a ledger: " + x.getMessage(), x);
        }
    }

    private static Connection connect(String url) {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException x) {
            throw new LedgerException("cannot connect to the ledger " + redact(url) + ": " + x.getMessage(), x);
        }
    }

    private void createSchema() throws SQLException {
        beginExclusive();
        try (Statement st = connection.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
                rs.next();
                exists = rs.getBoolean(1);
            }
            if (!exists) {
                st.execute(CREATE_TABLE);
                st.execute(CREATE_INDEX);
                st.execute("CREATE OR REPLACE FUNCTION " + TABLE + "_append_only() RETURNS trigger LANGUAGE plpgsql "
                        + "AS $$ BEGIN RAISE EXCEPTION 'the Filigrane ledger is append-only'; END $$");
                st.execute("CREATE TRIGGER " + TABLE + "_append_only BEFORE UPDATE OR DELETE ON " + TABLE
                        + " FOR EACH ROW EXECUTE FUNCTION " + TABLE + "_append_only()");
            }
            commit();
        } catch (SQLException x) {
            rollback();
            throw x;
        }
    }

    @Override
    void beginExclusive() throws SQLException {
        // The transaction starts with this statement and the lock lasts until it ends; reads outside appends run in
        // autocommit mode, so no idle transaction is left open between calls.
        connection.setAutoCommit(false);
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            st.setLong(1, LOCK_KEY);
            st.execute();
        }
    }

    @Override
    void commit() throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
    }

    @Override
    void rollback() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    @Override
    public String describe() {
        return redact(url);
    }

    /** The URL without its query (where a password may be). */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }
}
