package org.filigrane.engine.conformance;

import org.filigrane.engine.Volume;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/**
 * The reference run on one slice at a time, each as a volume of its own. Dueling it against the whole-volume
 * reference checks a property every backend relies on when it splits work: slices are independent, and each
 * operation's slice ranges, offsets and limits mean the same for one slice as for many.
 */
final class SliceBySliceReference implements Backend {
    private final Backend reference = new ReferenceBackend();

    @Override
    public String name() {
        return "reference-by-slice";
    }

    @Override
    public String description() {
        return "reference, one slice per call";
    }

    @Override
    public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
        for (int s = 0; s < v.slices(); s++) {
            reference.errorHistograms(v.withSlices(s), new int[] {firstRow[s]}, parity, new long[][] {hist[s]});
        }
    }

    @Override
    public void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] offsets, int[] limits) {
        for (int s = 0; s < v.slices(); s++) {
            reference.embedPass(v.withSlices(s), new int[] {firstRow[s]}, parity, peak, threshold, bits,
                    new long[] {offsets[s]}, new int[] {limits[s]});
        }
    }

    @Override
    public void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] limits) {
        for (int s = 0; s < v.slices(); s++) {
            reference.extractPass(v.withSlices(s), new int[] {firstRow[s]}, parity, peak, threshold,
                    new long[][] {bitsOut[s]},
                    new int[] {limits[s]});
        }
    }

    @Override
    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
        for (int s = from; s < to; s++) {
            int[][] one = new int[1][];
            reference.valueRanges(v.withSlices(s), 0, 1, one);
            ranges[s - from] = one[0];
        }
    }

    @Override
    public void blockCodes(Volume v, int from, int to, BlockGrid g, int[][] codes) {
        for (int s = from; s < to; s++) {
            reference.blockCodes(v.withSlices(s), 0, 1, g, new int[][] {codes[s - from]});
        }
    }

    @Override
    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        for (int s = from; s < to; s++) {
            reference.columnCodes(v.withSlices(s), 0, 1, g, state);
        }
    }

    @Override
    public void embedBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        for (int s = from; s < to; s++) {
            reference.embedBlocks(v.withSlices(s), 0, 1, g, bitsPerBlock, new long[][] {bits[s - from]},
                    new int[][] {carried[s - from]});
        }
    }

    @Override
    public void extractBlocks(Volume v, int from, int to, BlockGrid g, int bitsPerBlock, long[][] bitsOut,
            int[][] carried) {
        for (int s = from; s < to; s++) {
            reference.extractBlocks(v.withSlices(s), 0, 1, g, bitsPerBlock, new long[][] {bitsOut[s - from]},
                    new int[][] {carried[s - from]});
        }
    }

    @Override
    public void dctForward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        reference.dctForward(v.withSlices(slice), 0, originRow, originColumn, coefficients);
    }

    @Override
    public void dctAddInverse(Volume v, int slice, int[] deltaCoefficients) {
        reference.dctAddInverse(v.withSlices(slice), 0, deltaCoefficients);
    }
}
