package org.filigrane.router;

/**
 * The router cannot start as configured. The message is one line naming the file, the line and what is wrong;
 * {@link #exitCode()} is 2 when the configuration itself is wrong and 3 when something it names (a key file, the
 * spool directory, the port) cannot be used.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Exit code for a wrong configuration (syntax, unknown key, bad value). */
    public static final int BAD_CONFIG = 2;
    /** Exit code for something the configuration names that cannot be used. */
    public static final int BAD_RESOURCE = 3;

    private final int exitCode;

    public ConfigException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
