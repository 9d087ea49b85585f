package org.filigrane.cli;

/** An output that cannot or may not be written (exists, unwritable, impossible path): exit code 8, one line. */
final class OutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutputException(String message) {
        super(message);
    }
}
