package org.filigrane.engine.spi;

import org.filigrane.engine.Volume;

/**
 * The per-pixel kernels of the three layers. Planning (capacity, peaks, headers, payload layout, hashing) lives
 * once in the engine; a backend only runs these loops, and must give exactly the bytes that the reference backend
 * gives for the same arguments, whatever its thread count or vector width. FORMAT.md defines every operation.
 *
 * <p>This interface is an internal SPI: it may change between versions. Applications use
 * {@code org.filigrane.engine.Watermarker}. All arguments are validated by the engine before a call.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>A sample's value is {@code format.value(sample)}; every value written must stay in the stored range
 *       (the engine guarantees the headroom; kernels need not clamp except in {@link #dctAddInverse}).</li>
 *   <li>Pass {@code parity} p covers the pixels with {@code (row + column) % 2 == p}, absolute coordinates.</li>
 *   <li>Prediction: mean of the four neighbours, floor division, mirrored at the edges of the region
 *       (FORMAT.md, "predictor").</li>
 *   <li>Bit streams are {@code long[]} words, bit k at {@code (words[k >>> 6] >>> (k & 63)) & 1}.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Smallest prediction error counted by {@link #errorHistograms}. */
    int HIST_MIN = -128;
    /** Number of histogram bins: errors {@code HIST_MIN .. HIST_MIN + HIST_BINS - 1}. */
    int HIST_BINS = 256;

    /**
     * Layer T's fixed centre: with threshold t the errors {@code 1-t .. t} carry the block's bits (1 and 0 for
     * t = 1). Fixed because a block has no room for a header of its own; 1 because the floored-mean predictor
     * centres errors on +1/2.
     */
    int BLOCK_PEAK = 1;

    /** Short name used for selection: {@code reference}, {@code vector}, {@code opencl}. */
    String name();

    /** One line for logs: what runs the kernels (vector width, device, threads). */
    String description();

    /** Releases native resources (device buffers, thread pools); a backend is not used after this. */
    @Override
    default void close() {
    }

    // ---- input check ----

    /**
     * The smallest and largest sample value ({@code format.value}) of slices {@code from .. to-1}:
     * {@code ranges[s - from] = {min, max}}. Every embed reads every sample once for this (validation and range
     * headroom).
     */
    void valueRanges(Volume volume, int from, int to, int[][] ranges);

    // ---- layer R: prediction-error histogram shifting over whole slices ----

    /**
     * For each slice s, counts the prediction errors of pass {@code parity} over the region rows
     * {@code firstRow[s] .. rows-1}: {@code hist[s][e - HIST_MIN]} += 1 for each predictable pixel whose error e is
     * in the window. Counts are added to what {@code hist} holds.
     */
    void errorHistograms(Volume volume, int[] firstRow, int parity, long[][] hist);

    /**
     * Embeds pass {@code parity} of every slice with the {@code 2 * threshold} bins {@code peak - threshold ..
     * peak + threshold - 1} (threshold 1: bins {@code peak - 1} and {@code peak}; FORMAT.md, "expansion"): slice s
     * takes stream bits {@code bitOffset[s] .. bitOffset[s] + bitLimit[s] - 1} of {@code bits}, one per embeddable
     * pixel in raster order, shifting the other pixels, and leaves every pixel after its last embedded bit unchanged.
     */
    void embedPass(Volume volume, int[] firstRow, int parity, int peak, int threshold, long[] bits, long[] bitOffset,
            int[] bitLimit);

    /**
     * Undoes {@link #embedPass}: for each slice s restores the pixels up to its {@code bitLimit[s]}-th embedded bit
     * and writes those bits, in order, from bit 0 of {@code bitsOut[s]}.
     */
    void extractPass(Volume volume, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] bitLimit);

    // ---- layer T: per-block codes embedded inside each block, column codes through the stack ----

    /**
     * The cell code ({@link CellCode}: seed xor body of the samples, or of the 2x2 sums when
     * {@code grid.sumFactor()} is 2) of every block of slices {@code from .. to-1}: {@code codes[s - from][block]}.
     */
    void blockCodes(Volume volume, int from, int to, BlockGrid grid, int[][] codes);

    /**
     * Advances the code {@code state[cell]} of every column cell (square {@code grid.columnSize()}) over slice
     * {@code from}, then {@code from + 1} ... {@code to - 1}: {@code state = CellCode.advance(state, body, size)}
     * with the body of the cell's raw samples in that slice. A code of every sample of the column through the
     * stack, resumable across calls.
     */
    void columnCodes(Volume volume, int from, int to, BlockGrid grid, int[] state);

    /**
     * Embeds {@code bitsPerBlock} bits ({@code bits[s - from][block]}, bit 0 first) into every block of slices
     * {@code from .. to-1}, block-locally (region = the block, peak {@link #BLOCK_PEAK}, bins from
     * {@code grid.threshold()}), the first half
     * ({@code (bitsPerBlock + 1) / 2} bits) in pass 0 and the rest in pass 1, and writes how many bits
     * each pass carried to {@code carried[s - from][2 * block + pass]}.
     */
    void embedBlocks(Volume volume, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bits,
            int[][] carried);

    /** Undoes {@link #embedBlocks}, giving back the carried bits (missing ones as 0) and counts. */
    void extractBlocks(Volume volume, int from, int to, BlockGrid grid, int bitsPerBlock, long[][] bitsOut,
            int[][] carried);

    // ---- layer D: integer 8x8 DCT ----

    /**
     * Forward integer DCT of every whole 8x8 block of slice {@code slice} on the grid that starts at
     * ({@code originRow}, {@code originColumn}), blocks in raster order, 64 coefficients each (row-major u, v).
     */
    void dctForward(Volume volume, int slice, int originRow, int originColumn, int[] coefficients);

    /**
     * Adds the inverse integer DCT of {@code deltaCoefficients} (layout of {@link #dctForward} at origin 0, 0) to
     * slice {@code slice}, rounding, and clamps every result to the stored range.
     */
    void dctAddInverse(Volume volume, int slice, int[] deltaCoefficients);
}
