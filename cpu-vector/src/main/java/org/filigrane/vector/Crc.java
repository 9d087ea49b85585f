package org.filigrane.vector;

import org.filigrane.engine.spi.Checksums;

/**
 * CRC-16/CCITT-FALSE of the block codes, 16 bits per step. With a 16-bit register, feeding a 16-bit value v is
 * {@code f(crc ^ v)} where f advances the register by 16 zero bits; f is linear, so it splits into two 256-entry
 * tables (both stay in L1): {@code f(x) = HI[x >>> 8] ^ LO[x & 0xFF]}. Built from {@link Checksums}, so both
 * backends feed exactly the same polynomial.
 */
final class Crc {
    private static final char[] HI = new char[256];
    private static final char[] LO = new char[256];

    static {
        for (int i = 0; i < 256; i++) {
            HI[i] = (char) Checksums.crc16Short(i << 8, 0);
            LO[i] = (char) Checksums.crc16Short(i, 0);
        }
    }

    private Crc() {
    }

    static int feed16(int crc, int value) {
        int x = (crc ^ value) & 0xFFFF;
        return HI[x >>> 8] ^ LO[x & 0xFF];
    }

    static int feed32(int crc, int value) {
        return feed16(feed16(crc, value >>> 16), value);
    }

    /**
     * Codes of the blocks of block row {@code br} into {@code codes[br * across ..]}: the blocks' CRCs advance row by
     * row, eight blocks at a time so their dependency chains overlap.
     */
    static void blockRow(short[] px, int rows, int cols, boolean signed, int bs, int across, int br, int sumFactor,
            int[] codes, int[] crc) {
        int r0 = br * bs;
        int r1 = Math.min(r0 + bs, rows);
        int first = br * across;
        for (int b = 0; b < across; b++) {
            crc[b] = Checksums.crc16Int(Checksums.CRC16_INIT, first + b);
        }
        if (sumFactor == 1) {
            int whole = cols / bs;
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                int b = 0;
                // Eight chains: each step is a dependent table lookup (about 8 cycles), eight hide its latency.
                for (; b + 8 <= whole; b += 8) {
                    int c0 = crc[b];
                    int c1 = crc[b + 1];
                    int c2 = crc[b + 2];
                    int c3 = crc[b + 3];
                    int c4 = crc[b + 4];
                    int c5 = crc[b + 5];
                    int c6 = crc[b + 6];
                    int c7 = crc[b + 7];
                    int p = off + b * bs;
                    for (int j = 0; j < bs; j++) {
                        c0 = feed16(c0, px[p + j]);
                        c1 = feed16(c1, px[p + bs + j]);
                        c2 = feed16(c2, px[p + 2 * bs + j]);
                        c3 = feed16(c3, px[p + 3 * bs + j]);
                        c4 = feed16(c4, px[p + 4 * bs + j]);
                        c5 = feed16(c5, px[p + 5 * bs + j]);
                        c6 = feed16(c6, px[p + 6 * bs + j]);
                        c7 = feed16(c7, px[p + 7 * bs + j]);
                    }
                    crc[b] = c0;
                    crc[b + 1] = c1;
                    crc[b + 2] = c2;
                    crc[b + 3] = c3;
                    crc[b + 4] = c4;
                    crc[b + 5] = c5;
                    crc[b + 6] = c6;
                    crc[b + 7] = c7;
                }
                for (; b < across; b++) {
                    int c = crc[b];
                    int end = off + Math.min((b + 1) * bs, cols);
                    for (int i = off + b * bs; i < end; i++) {
                        c = feed16(c, px[i]);
                    }
                    crc[b] = c;
                }
            }
        } else {
            for (int r = r0; r < r1; r += 2) {
                int rEnd = Math.min(r + 2, r1);
                for (int b = 0; b < across; b++) {
                    int c = crc[b];
                    int cEnd = Math.min((b + 1) * bs, cols);
                    for (int x = b * bs; x < cEnd; x += 2) {
                        int xEnd = Math.min(x + 2, cEnd);
                        int sum = 0;
                        for (int y = r; y < rEnd; y++) {
                            for (int z = x; z < xEnd; z++) {
                                short v = px[y * cols + z];
                                sum += signed ? v : v & 0xFFFF;
                            }
                        }
                        c = feed32(c, sum);
                    }
                    crc[b] = c;
                }
            }
        }
        System.arraycopy(crc, 0, codes, first, across);
    }
}
