package org.filigrane.engine;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed generator behind every random choice of layer D: a byte stream made of the blocks
 * {@code HMAC-SHA256(key, label || 0x00 || counter)} for counter = 0, 1, 2, ... (8 bytes, big-endian), each giving
 * 32 bytes, read in order. Different labels give independent streams from one key, so adding a use for random
 * bytes never shifts the existing ones. Documented in docs/FORMAT-D.md, "Keyed generator".
 */
final class KeyedStream {
    private final Mac mac;
    private final byte[] prefix;
    private long counter;
    private byte[] block = new byte[0];
    private int next;

    KeyedStream(byte[] key, String label) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java platform", e);
        }
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        prefix = new byte[name.length + 1];
        System.arraycopy(name, 0, prefix, 0, name.length);
    }

    /** The next byte of the stream, 0..255. */
    int nextByte() {
        if (next == block.length) {
            mac.update(prefix);
            for (int shift = 56; shift >= 0; shift -= 8) {
                mac.update((byte) (counter >>> shift));
            }
            counter++;
            block = mac.doFinal();
            next = 0;
        }
        return block[next++] & 0xFF;
    }

    /**
     * A uniform integer in {@code 0 .. bound-1}: four bytes read as an unsigned big-endian number {@code r}, redrawn
     * while {@code r >= 2^32 - (2^32 mod bound)} so that every value is equally likely, then {@code r mod bound}.
     */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long range = 1L << 32;
        long limit = range - range % bound;
        while (true) {
            long r = 0;
            for (int i = 0; i < 4; i++) {
                r = (r << 8) | nextByte();
            }
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    /** +1 or -1: the low bit of the next byte, 1 giving +1. */
    int nextSign() {
        return (nextByte() & 1) == 1 ? 1 : -1;
    }

    /** Fisher-Yates: for i = n-1 down to 1, swap element i with element {@link #nextInt}(i + 1). */
    void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
