package org.filigrane.vector;

import org.filigrane.engine.spi.Backend;

/** Per-thread work arrays, grown when a wider row or more blocks come, so the loops allocate nothing. */
final class Scratch {
    /** Three rows, deinterleaved: {@code ring[slot][q]} holds the samples of columns 2j + q at index j + 1. */
    final int[][][] ring = new int[3][2][];
    final int[] tag = new int[3];
    int[] bins = new int[0];
    int[] acc = new int[0];
    int[] row = new int[0];
    final int[] hist = new int[Backend.HIST_BINS + 1];
    final int[] hist2 = new int[Backend.HIST_BINS + 1];
    final int[] hist3 = new int[Backend.HIST_BINS + 1];
    final int[] hist4 = new int[Backend.HIST_BINS + 1];
    int[] k = new int[0];
    boolean[] stopped = new boolean[0];
    /** Layer T's block loops: blocks of the band still running, and the bits of the lanes of one vector. */
    int running;
    long laneBits;
    /** The Horner lanes of layer T's cell codes, one per column. */
    short[] codeLanes = new short[0];
    /** The DCT's intermediate pass (64 exact sums) and a spare row. */
    final long[] dct = new long[72];
    private int columns = -1;

    Scratch fit(int cols, int lanes) {
        if (cols > columns) {
            int n = cols + lanes + 2;
            int half = cols / 2 + lanes + 3;
            for (int i = 0; i < 3; i++) {
                ring[i][0] = new int[half];
                ring[i][1] = new int[half];
            }
            bins = new int[half];
            acc = new int[n];
            row = new int[n];
            k = new int[cols + 1];
            stopped = new boolean[cols + 1];
            codeLanes = new short[cols + 1];
            columns = cols;
        }
        return this;
    }

    void resetRing() {
        tag[0] = -1;
        tag[1] = -1;
        tag[2] = -1;
    }

    /** Adds the first HIST_BINS bins of the sub-histograms to {@code out} and clears them. */
    void drainHistogram(long[] out) {
        for (int i = 0; i < Backend.HIST_BINS; i++) {
            out[i] += (long) hist[i] + hist2[i] + hist3[i] + hist4[i];
        }
        java.util.Arrays.fill(hist, 0);
        java.util.Arrays.fill(hist2, 0);
        java.util.Arrays.fill(hist3, 0);
        java.util.Arrays.fill(hist4, 0);
    }
}
