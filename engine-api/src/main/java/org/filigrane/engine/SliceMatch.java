package org.filigrane.engine;

import java.util.ArrayList;
import java.util.List;

/** Matches the received (restored) slices against the slice hashes recorded in the payload. */
record SliceMatch(List<Integer> altered, List<Integer> missing, List<Integer> unexpected, boolean reordered) {

    /** {@code digests}: the SHA-256 of each restored slice, received order. */
    static SliceMatch of(Payload payload, byte[][] digests) {
        int[] recorded = payload.sliceHashes();
        int[] received = new int[digests.length];
        for (int s = 0; s < digests.length; s++) {
            received[s] = Payload.truncate(digests[s]);
        }
        List<Integer> altered = new ArrayList<>();
        List<Integer> unexpected = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        boolean[] seen = new boolean[recorded.length];
        int lastMatch = -1;
        boolean reordered = false;
        for (int i = 0; i < received.length; i++) {
            int match = find(recorded, received[i], i);
            if (match < 0) {
                unexpected.add(i);
                if (received.length == recorded.length) {
                    altered.add(i);
                }
                continue;
            }
            if (seen[match]) {
                // A recorded slice received twice: the second copy stands where another slice should be.
                unexpected.add(i);
                if (received.length == recorded.length) {
                    altered.add(i);
                }
                continue;
            }
            seen[match] = true;
            if (match < lastMatch) {
                reordered = true;
            }
            lastMatch = match;
        }
        for (int j = 0; j < recorded.length; j++) {
            if (!seen[j] && received.length != recorded.length) {
                missing.add(j);
            }
        }
        if (received.length == recorded.length) {
            unexpected.clear();
        }
        return new SliceMatch(altered, missing, unexpected, reordered);
    }

    /** The recorded index holding {@code hash}, preferring {@code near} (identical slices share a hash). */
    private static int find(int[] recorded, int hash, int near) {
        if (near < recorded.length && recorded[near] == hash) {
            return near;
        }
        for (int j = 0; j < recorded.length; j++) {
            if (recorded[j] == hash) {
                return j;
            }
        }
        return -1;
    }

    boolean clean() {
        return altered.isEmpty() && missing.isEmpty() && unexpected.isEmpty() && !reordered;
    }
}
