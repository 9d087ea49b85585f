package org.filigrane.engine;

import org.filigrane.engine.reference.ReferenceDct;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;

/** A backend with only the layer-D kernels, taken from {@link ReferenceDct}, for testing layer D on its own. */
final class DctOnlyBackend implements Backend {

    @Override
    public String name() {
        return "dct-only";
    }

    @Override
    public String description() {
        return "ReferenceDct kernels only (test)";
    }

    @Override
    public void dctForward(Volume volume, int slice, int originRow, int originColumn, int[] coefficients) {
        ReferenceDct.forward(volume, slice, originRow, originColumn, coefficients);
    }

    @Override
    public void dctAddInverse(Volume volume, int slice, int[] deltaCoefficients) {
        ReferenceDct.addInverse(volume, slice, deltaCoefficients);
    }

    @Override
    public void valueRanges(Volume volume, int from, int to, int[][] ranges) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void errorHistograms(Volume volume, int[] firstRow, int parity, long[][] hist) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void embedPass(Volume volume, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void extractPass(Volume volume, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] bitLimit) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void blockCodes(Volume volume, int from, int to, BlockGrid grid, int[][] codes) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void columnCodes(Volume volume, int from, int to, BlockGrid grid, int[] state) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void embedBlocks(Volume volume, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bits,
            int[][] carried) {
        throw new UnsupportedOperationException("layer D test backend");
    }

    @Override
    public void extractBlocks(Volume volume, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bitsOut,
            int[][] carried) {
        throw new UnsupportedOperationException("layer D test backend");
    }
}
