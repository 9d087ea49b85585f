package org.filigrane.engine;

import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/** A backend that forwards every kernel, for tests that alter one of them. */
class DelegatingBackend implements Backend {
    private final Backend inner;

    DelegatingBackend(Backend inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return "delegating";
    }

    @Override
    public String description() {
        return "delegating to " + inner.description();
    }

    @Override
    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
        inner.valueRanges(v, from, to, ranges);
    }

    @Override
    public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
        inner.errorHistograms(v, firstRow, parity, hist);
    }

    @Override
    public void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits, long[] off,
            int[] limit) {
        inner.embedPass(v, firstRow, parity, peak, threshold, bits, off, limit);
    }

    @Override
    public void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] limit) {
        inner.extractPass(v, firstRow, parity, peak, threshold, bitsOut, limit);
    }

    @Override
    public void blockCodes(Volume v, int from, int to, BlockGrid g, int[][] codes) {
        inner.blockCodes(v, from, to, g, codes);
    }

    @Override
    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        inner.columnCodes(v, from, to, g, state);
    }

    @Override
    public void embedBlocks(Volume v, int from, int to, BlockGrid g, int bits, long[][] in, int[][] carried) {
        inner.embedBlocks(v, from, to, g, bits, in, carried);
    }

    @Override
    public void extractBlocks(Volume v, int from, int to, BlockGrid g, int bits, long[][] out, int[][] carried) {
        inner.extractBlocks(v, from, to, g, bits, out, carried);
    }

    @Override
    public void dctForward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        inner.dctForward(v, slice, originRow, originColumn, coefficients);
    }

    @Override
    public void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        inner.dctAddInverse(v, slice, deltaCoefficients);
    }
}
