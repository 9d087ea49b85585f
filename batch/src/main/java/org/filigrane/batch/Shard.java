package org.filigrane.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One part of a deterministic partition of the series: a series belongs to shard {@code i} of {@code N} when the
 * first 64 bits of SHA-256(Series Instance UID), unsigned, are {@code i} modulo {@code N}. Every task of a job array
 * computes the same partition from the UIDs alone, with no coordination, whatever order it finds the files in.
 *
 * @param index 0..count-1
 * @param count number of shards (1: everything)
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard must be i/N with 0 <= i < N, got " + index + "/" + count);
        }
    }

    /** Parses {@code i/N}. */
    public static Shard parse(String text) {
        String[] p = text.trim().split("/");
        if (p.length != 2) {
            throw new IllegalArgumentException("shard must be i/N (e.g. 3/16), got '" + text + "'");
        }
        try {
            return new Shard(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard must be i/N (e.g. 3/16), got '" + text + "'");
        }
    }

    /** The shard {@code seriesUid} belongs to among {@code count}. */
    public static int of(String seriesUid, int count) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seriesUid.getBytes(StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(ByteBuffer.wrap(h).getLong(), count);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean contains(String seriesUid) {
        return count == 1 || of(seriesUid, count) == index;
    }

    /** File-name friendly form, {@code 3-of-16}. */
    public String tag() {
        return index + "-of-" + count;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
