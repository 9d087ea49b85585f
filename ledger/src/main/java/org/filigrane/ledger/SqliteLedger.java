package org.filigrane.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The ledger in one SQLite file. Writers in several threads or processes take turns: each append is a
 * {@code BEGIN IMMEDIATE} transaction (the write lock is taken before the last entry is read), and a writer that
 * finds the lock held waits up to {@link #BUSY_TIMEOUT_MS} instead of failing. Triggers refuse UPDATE and DELETE;
 * someone editing the file by other means is caught by {@link #verify}.
 */
final class SqliteLedger extends JdbcLedger {
    /** How long a writer waits for another one to finish (a batch on many threads queues here). */
    static final int BUSY_TIMEOUT_MS = 120_000;
    private final Path file;

    private SqliteLedger(Connection connection, Path file) {
        super(connection);
        this.file = file;
    }

    static SqliteLedger open(String path) {
        Path file = Path.of(path).toAbsolutePath();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException x) {
            throw new LedgerException("cannot create the ledger's folder " + file.getParent() + ": " + x, x);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        Connection c;
        try {
            c = config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException x) {
            throw new LedgerException("cannot open the ledger " + file + ": " + x.getMessage(), x);
        }
        SqliteLedger ledger = new SqliteLedger(c, file);
        try {
            ledger.createSchema();
        } catch (SQLException x) {
            ledger.close();
            throw new LedgerException("cannot use " + file + " as a ledger: " + x.getMessage(), x);
        }
        return ledger;
    }

    private void createSchema() throws SQLException {
        beginExclusive();
        try (Statement st = connection.createStatement()) {
            st.execute(CREATE_TABLE);
            st.execute(CREATE_INDEX);
            for (String op : new String[] {"UPDATE", "DELETE"}) {
                st.execute("CREATE TRIGGER IF NOT EXISTS " + TABLE + "_no_" + op.toLowerCase(java.util.Locale.ROOT)
                        + " BEFORE " + op + " ON " + TABLE + " BEGIN SELECT RAISE(ABORT, 'the Filigrane ledger is "
                        + "append-only'); END");
            }
            commit();
        } catch (SQLException x) {
            rollback();
            throw x;
        }
    }

    @Override
    void beginExclusive() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
    }

    @Override
    void commit() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("COMMIT");
        }
    }

    @Override
    void rollback() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
            return;
        }
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException x) {
            // No transaction was open (BEGIN itself failed): nothing to undo.
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
