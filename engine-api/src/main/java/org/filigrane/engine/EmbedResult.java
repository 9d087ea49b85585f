package org.filigrane.engine;

/**
 * A watermarked copy of the input and what it cost.
 *
 * @param volume          the watermarked volume (a new one; the input is unchanged)
 * @param payloadBits     bits layer R carried (payload, restoration data and map)
 * @param capacityBits    bits layer R could have carried in the slices its peak choice looked at (the leading
 *                        slices that sufficed; {@link Watermarker#capacity} measures the whole volume)
 * @param rangeShrunk     whether samples at the ends of the stored range had to be moved (and mapped)
 * @param blocks          layer T blocks (0 without T)
 * @param fullyProtected  blocks carrying their whole code
 * @param unprotected     blocks carrying no code bit
 * @param blockSize       layer T's block size chosen for this volume (0 without T)
 * @param threshold       layer T's embedding threshold chosen for this volume (0 without T)
 */
public record EmbedResult(Volume volume, long payloadBits, long capacityBits, boolean rangeShrunk, int blocks,
        int fullyProtected, int unprotected, int blockSize, int threshold) {
}
