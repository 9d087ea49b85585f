package org.filigrane.batch;

import java.util.ArrayDeque;
import java.util.function.IntFunction;
import org.filigrane.engine.Volume;

/**
 * A worker's slice arrays, reused from one series to the next: archives hold runs of series of one geometry, so
 * the arrays a series was read into serve the next one instead of becoming garbage (the GC churn of a fresh 100 MB
 * volume per series). Keeps arrays of one length only, at most as many as the largest series returned.
 */
final class SlicePool implements IntFunction<short[]> {
    private final ArrayDeque<short[]> free = new ArrayDeque<>();
    private int length = -1;

    @Override
    public short[] apply(int n) {
        if (n == length && !free.isEmpty()) {
            return free.pop();
        }
        return new short[n];
    }

    /** Gives the volume's slice arrays back; the volume must not be used afterwards. */
    void release(Volume v) {
        int n = v.rows() * v.columns();
        if (n != length) {
            free.clear();
            length = n;
        }
        for (int s = 0; s < v.slices(); s++) {
            free.push(v.slice(s));
        }
    }

    /** Drops everything (before a series of another geometry would keep both alive). */
    void clear() {
        free.clear();
    }
}
