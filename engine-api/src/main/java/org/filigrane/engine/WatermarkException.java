package org.filigrane.engine;

/** A watermark operation could not be carried out; the message says why. The caller's volume is unchanged. */
public class WatermarkException extends Exception {
    private static final long serialVersionUID = 1L;

    public WatermarkException(String message) {
        super(message);
    }

    public WatermarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
