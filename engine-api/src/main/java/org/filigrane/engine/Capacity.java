package org.filigrane.engine;

/**
 * How much fits, answered before anything is embedded.
 *
 * @param totalBits     bits layer R can carry in this volume (0 when it cannot take a watermark at all)
 * @param overheadBits  bits the watermark itself needs with an empty message (header copy, map, hashes, MAC)
 * @param messageBytes  longest message, in UTF-8 bytes, that fits
 */
public record Capacity(long totalBits, long overheadBits, long messageBytes) {
}
