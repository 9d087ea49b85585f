package org.filigrane.engine.spi;

/** A backend cannot run on this machine or in this JVM; the message says why and how to fix it. */
public final class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
