package org.filigrane.ledger;

/** The ledger could not be opened, read or written (the database is unreachable, locked too long, malformed). */
public class LedgerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    public LedgerException(String message) {
        super(message);
    }
}
