package org.filigrane.engine;

/**
 * How one sample is stored: bits allocated (8 or 16), bits stored (1..16, at most bits allocated) and signedness.
 * Samples always travel in {@code short} arrays; {@link #value(short)} and {@link #store(int)} convert, so that
 * 16-bit unsigned samples above 32767 keep their meaning.
 */
public record PixelFormat(int bitsAllocated, int bitsStored, boolean signed) {

    public PixelFormat {
        if (bitsAllocated != 8 && bitsAllocated != 16) {
            throw new IllegalArgumentException("bits allocated must be 8 or 16, got " + bitsAllocated);
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated) {
            throw new IllegalArgumentException(
                    "bits stored must be in 1.." + bitsAllocated + ", got " + bitsStored);
        }
    }

    public static PixelFormat unsigned(int bitsAllocated, int bitsStored) {
        return new PixelFormat(bitsAllocated, bitsStored, false);
    }

    public static PixelFormat signed(int bitsAllocated, int bitsStored) {
        return new PixelFormat(bitsAllocated, bitsStored, true);
    }

    /** Smallest value of the stored range. */
    public int min() {
        return signed ? -(1 << (bitsStored - 1)) : 0;
    }

    /** Largest value of the stored range. */
    public int max() {
        return signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
    }

    /** The sample's value: sign-extended for signed formats, zero-extended otherwise. */
    public int value(short sample) {
        return signed ? sample : sample & 0xFFFF;
    }

    public short store(int value) {
        return (short) value;
    }

    public boolean inRange(int value) {
        return value >= min() && value <= max();
    }

    @Override
    public String toString() {
        return (signed ? "int" : "uint") + bitsStored + "/" + bitsAllocated;
    }
}
