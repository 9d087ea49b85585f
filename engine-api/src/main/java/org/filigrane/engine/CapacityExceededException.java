package org.filigrane.engine;

/** The payload does not fit the volume. Thrown before the caller's pixels are touched (the engine works on a copy). */
public final class CapacityExceededException extends WatermarkException {
    private static final long serialVersionUID = 1L;
    private final long neededBits;
    private final long availableBits;

    public CapacityExceededException(String message, long neededBits, long availableBits) {
        super(message + " (needs " + neededBits + " bits, " + availableBits + " available)");
        this.neededBits = neededBits;
        this.availableBits = availableBits;
    }

    public long neededBits() {
        return neededBits;
    }

    public long availableBits() {
        return availableBits;
    }
}
