package org.filigrane.engine;

/** Internal: the bits read from an image do not form a valid watermark. Verification turns it into a result. */
final class MalformedWatermarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedWatermarkException(String message) {
        super(message);
    }
}
