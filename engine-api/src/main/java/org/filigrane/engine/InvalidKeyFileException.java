package org.filigrane.engine;

/** A key file or key text that cannot be read as a key: the message says what is wrong, in one line. */
public final class InvalidKeyFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyFileException(String message) {
        super(message);
    }
}
