package org.filigrane.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Names what happened to the slices: each received slice is matched to a recorded one (by layer R's slice hashes,
 * helped by the slice index layer T's blocks carry), then the longest run of slices still in recorded order is
 * kept, preferring slices at their own position; the others are moved, duplicates are unexpected, recorded slices
 * matched by none are missing.
 *
 * @param altered    received slices whose content differs from the recorded slice they stand for
 * @param missing    recorded slices found nowhere
 * @param unexpected received slices that stand for no recorded slice (foreign, or a second copy)
 * @param moved      received slices that stand for a recorded slice at another place in the order
 * @param reordered  whether any slice moved
 */
record SliceMatch(List<Integer> altered, List<Integer> missing, List<Integer> unexpected, List<Integer> moved,
        boolean reordered) {

    /**
     * {@code digests}: the SHA-256 of each restored slice, received order; {@code tOrigin}: the index layer T's
     * blocks name for each received slice (-1 when they agree on none), or null without T.
     */
    static SliceMatch of(Payload payload, byte[][] digests, int[] tOrigin) {
        int[] recorded = payload.sliceHashes();
        int n = digests.length;
        int[] matched = new int[n];
        boolean[] changed = new boolean[n];
        boolean[] hashMatched = new boolean[recorded.length];
        for (int i = 0; i < n; i++) {
            int t = tOrigin != null && tOrigin[i] >= 0 && tOrigin[i] < recorded.length ? tOrigin[i] : -1;
            matched[i] = find(recorded, Payload.truncate(digests[i]), t >= 0 ? t : i);
            if (matched[i] >= 0) {
                hashMatched[matched[i]] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            if (matched[i] >= 0) {
                continue;
            }
            changed[i] = true;
            // Content changed: T's blocks still say where it belongs (unless that slice is present intact: then
            // this one is foreign); without T, in place when nothing was added or removed.
            int t = tOrigin != null && tOrigin[i] >= 0 && tOrigin[i] < recorded.length ? tOrigin[i] : -1;
            matched[i] = t >= 0 ? (hashMatched[t] ? -1 : t) : n == recorded.length ? i : -1;
            changed[i] = matched[i] >= 0;
        }
        return name(matched, changed, recorded.length);
    }

    /**
     * From layer T alone (layer R unreadable): {@code origin} as in {@link #of}; the recorded count is taken as one
     * past the highest plausible index named.
     */
    static SliceMatch fromTamperLayer(int[] origin, List<TamperedCell> cells) {
        int n = origin.length;
        int[] matched = new int[n];
        boolean[] changed = new boolean[n];
        int count = n;
        for (int i = 0; i < n; i++) {
            // An index far past the received count is noise or another volume's slice.
            matched[i] = origin[i] >= 0 && origin[i] < n + 64 ? origin[i] : -1;
            count = Math.max(count, matched[i] + 1);
        }
        for (TamperedCell c : cells) {
            changed[c.slice()] = matched[c.slice()] >= 0;
        }
        return name(matched, changed, count);
    }

    /** Names moved, duplicated, missing and altered slices from a matching ({@code -1}: stands for none). */
    static SliceMatch name(int[] matched, boolean[] changed, int recordedCount) {
        int n = matched.length;
        boolean[] keep = keptInOrder(matched);
        boolean[] kept = new boolean[recordedCount];
        boolean[] seen = new boolean[recordedCount];
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                kept[matched[i]] = true;
            }
        }
        List<Integer> altered = new ArrayList<>();
        List<Integer> unexpected = new ArrayList<>();
        List<Integer> moved = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int m = matched[i];
            if (m < 0) {
                unexpected.add(i);
                continue;
            }
            if (changed[i]) {
                altered.add(i);
            }
            if (!keep[i]) {
                if (kept[m] || seen[m]) {
                    unexpected.add(i);
                } else {
                    moved.add(i);
                }
            }
            seen[m] = true;
        }
        // Two slices that took each other's place are both moved, though either alone keeps the order.
        for (int k = 0, size = moved.size(); k < size; k++) {
            int i = moved.get(k);
            int j = matched[i];
            if (j != i && j < n && matched[j] == i && !moved.contains(j)) {
                moved.add(j);
            }
        }
        moved.sort(null);
        List<Integer> missing = new ArrayList<>();
        for (int j = 0; j < recordedCount; j++) {
            if (!seen[j]) {
                missing.add(j);
            }
        }
        return new SliceMatch(altered, missing, unexpected, moved, !moved.isEmpty());
    }

    /**
     * Marks the longest strictly increasing subsequence of {@code matched} (entries below 0 never), among those of
     * that length the one with most slices at their own position ({@code matched[i] == i}).
     */
    private static boolean[] keptInOrder(int[] matched) {
        int n = matched.length;
        boolean[] keep = new boolean[n];
        boolean increasing = true;
        int last = -1;
        for (int m : matched) {
            if (m >= 0) {
                increasing &= m > last;
                last = Math.max(last, m);
            }
        }
        if (increasing) {
            for (int i = 0; i < n; i++) {
                keep[i] = matched[i] >= 0;
            }
            return keep;
        }
        int[] length = new int[n];
        int[] fixed = new int[n];
        int[] prev = new int[n];
        int end = -1;
        for (int i = 0; i < n; i++) {
            prev[i] = -1;
            if (matched[i] < 0) {
                continue;
            }
            int own = matched[i] == i ? 1 : 0;
            length[i] = 1;
            fixed[i] = own;
            for (int j = 0; j < i; j++) {
                if (matched[j] >= 0 && matched[j] < matched[i] && (length[j] + 1 > length[i]
                        || (length[j] + 1 == length[i] && fixed[j] + own > fixed[i]))) {
                    length[i] = length[j] + 1;
                    fixed[i] = fixed[j] + own;
                    prev[i] = j;
                }
            }
            if (end < 0 || length[i] > length[end] || (length[i] == length[end] && fixed[i] > fixed[end])) {
                end = i;
            }
        }
        for (int i = end; i >= 0; i = prev[i]) {
            keep[i] = true;
        }
        return keep;
    }

    /** The recorded index holding {@code hash}, preferring {@code near} (identical slices share a hash). */
    private static int find(int[] recorded, int hash, int near) {
        if (near >= 0 && near < recorded.length && recorded[near] == hash) {
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
