package org.filigrane.engine;

import java.util.Arrays;

/** Appends bits LSB-first into {@code long} words, the stream layout of the SPI. */
final class BitWriter {
    private long[] words = new long[16];
    private long length;

    void bit(int b) {
        int w = (int) (length >>> 6);
        if (w == words.length) {
            words = Arrays.copyOf(words, words.length * 2);
        }
        if (b != 0) {
            words[w] |= 1L << (length & 63);
        }
        length++;
    }

    /** The {@code n} low bits of {@code value}, least significant first. */
    void bits(long value, int n) {
        for (int i = 0; i < n; i++) {
            bit((int) (value >>> i) & 1);
        }
    }

    void bytes(byte[] data) {
        for (byte b : data) {
            bits(b, 8);
        }
    }

    /** Elias-gamma code of {@code value >= 1}. */
    void gamma(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("gamma codes values >= 1");
        }
        int n = 63 - Long.numberOfLeadingZeros(value);
        for (int i = 0; i < n; i++) {
            bit(0);
        }
        for (int i = n; i >= 0; i--) {
            bit((int) (value >>> i) & 1);
        }
    }

    void append(BitWriter other) {
        BitReader r = new BitReader(other.words, other.length);
        for (long i = 0; i < other.length; i++) {
            bit(r.bit());
        }
    }

    long length() {
        return length;
    }

    long[] words() {
        return Arrays.copyOf(words, (int) ((length + 63) >>> 6) + 1);
    }
}
