package org.filigrane.engine;

/** Reads what {@link BitWriter} wrote; reading past the end throws {@link MalformedWatermarkException}. */
final class BitReader {
    private final long[] words;
    private final long length;
    private long position;

    BitReader(long[] words, long length) {
        this.words = words;
        this.length = length;
    }

    int bit() {
        if (position >= length) {
            throw new MalformedWatermarkException("bit stream ends early");
        }
        long k = position++;
        return (int) (words[(int) (k >>> 6)] >>> (k & 63)) & 1;
    }

    long bits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) bit() << i;
        }
        return v;
    }

    byte[] bytes(int n) {
        if (n < 0 || (long) n * 8 > remaining()) {
            throw new MalformedWatermarkException("byte field of " + n + " bytes does not fit the stream");
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) bits(8);
        }
        return out;
    }

    long gamma() {
        int n = 0;
        while (bit() == 0) {
            if (++n > 62) {
                throw new MalformedWatermarkException("gamma code too long");
            }
        }
        long v = 1;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    long remaining() {
        return length - position;
    }
}
