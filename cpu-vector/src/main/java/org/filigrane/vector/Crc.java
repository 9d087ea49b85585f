package org.filigrane.vector;

import org.filigrane.engine.spi.Checksums;

/**
 * CRC-16/CCITT-FALSE of the block codes, 16 bits per step. With a 16-bit register, feeding a 16-bit value v is
 * {@code f(crc ^ v)} where f advances the register by 16 zero bits. f is tabulated whole ({@link #F}, for the
 * samples) and, being linear, split into two 256-entry tables ({@code f(x) = HI[x >>> 8] ^ LO[x & 0xFF]}, for the
 * rarer 32-bit feeds). Built from {@link Checksums}, so both backends feed exactly the same polynomial.
 */
final class Crc {
    private static final char[] HI = new char[256];
    private static final char[] LO = new char[256];
    /** f itself, 128 KiB: one lookup per sample; it lives in L2, and sixteen interleaved chains hide the latency. */
    private static final char[] F = new char[1 << 16];

    static {
        for (int i = 0; i < 256; i++) {
            HI[i] = (char) Checksums.crc16Short(i << 8, 0);
            LO[i] = (char) Checksums.crc16Short(i, 0);
        }
        for (int x = 0; x < F.length; x++) {
            F[x] = (char) (HI[x >>> 8] ^ LO[x & 0xFF]);
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
     * row, sixteen blocks at a time so their dependency chains overlap.
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
            cells(px, cols, r0, r1, bs, across, crc, 0);
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

    /**
     * Advances {@code crc[at + b]} over rows [r0, r1) of every cell b of width {@code bs} across the row (the last
     * one cut by the slice edge): sixteen cells at a time so their dependency chains overlap.
     */
    static void cells(short[] px, int cols, int r0, int r1, int bs, int across, int[] crc, int at) {
        int whole = cols / bs;
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            int b = 0;
            // Sixteen chains: each step is a dependent lookup in F (an L2 hit), sixteen keep the loads flowing.
            for (; b + 16 <= whole; b += 16) {
                int c0 = crc[at + b + 0];
                int c1 = crc[at + b + 1];
                int c2 = crc[at + b + 2];
                int c3 = crc[at + b + 3];
                int c4 = crc[at + b + 4];
                int c5 = crc[at + b + 5];
                int c6 = crc[at + b + 6];
                int c7 = crc[at + b + 7];
                int c8 = crc[at + b + 8];
                int c9 = crc[at + b + 9];
                int c10 = crc[at + b + 10];
                int c11 = crc[at + b + 11];
                int c12 = crc[at + b + 12];
                int c13 = crc[at + b + 13];
                int c14 = crc[at + b + 14];
                int c15 = crc[at + b + 15];
                int p = off + b * bs;
                for (int j = 0; j < bs; j++) {
                    c0 = F[(c0 ^ px[p + j]) & 0xFFFF];
                    c1 = F[(c1 ^ px[p + bs + j]) & 0xFFFF];
                    c2 = F[(c2 ^ px[p + 2 * bs + j]) & 0xFFFF];
                    c3 = F[(c3 ^ px[p + 3 * bs + j]) & 0xFFFF];
                    c4 = F[(c4 ^ px[p + 4 * bs + j]) & 0xFFFF];
                    c5 = F[(c5 ^ px[p + 5 * bs + j]) & 0xFFFF];
                    c6 = F[(c6 ^ px[p + 6 * bs + j]) & 0xFFFF];
                    c7 = F[(c7 ^ px[p + 7 * bs + j]) & 0xFFFF];
                    c8 = F[(c8 ^ px[p + 8 * bs + j]) & 0xFFFF];
                    c9 = F[(c9 ^ px[p + 9 * bs + j]) & 0xFFFF];
                    c10 = F[(c10 ^ px[p + 10 * bs + j]) & 0xFFFF];
                    c11 = F[(c11 ^ px[p + 11 * bs + j]) & 0xFFFF];
                    c12 = F[(c12 ^ px[p + 12 * bs + j]) & 0xFFFF];
                    c13 = F[(c13 ^ px[p + 13 * bs + j]) & 0xFFFF];
                    c14 = F[(c14 ^ px[p + 14 * bs + j]) & 0xFFFF];
                    c15 = F[(c15 ^ px[p + 15 * bs + j]) & 0xFFFF];
                }
                crc[at + b + 0] = c0;
                crc[at + b + 1] = c1;
                crc[at + b + 2] = c2;
                crc[at + b + 3] = c3;
                crc[at + b + 4] = c4;
                crc[at + b + 5] = c5;
                crc[at + b + 6] = c6;
                crc[at + b + 7] = c7;
                crc[at + b + 8] = c8;
                crc[at + b + 9] = c9;
                crc[at + b + 10] = c10;
                crc[at + b + 11] = c11;
                crc[at + b + 12] = c12;
                crc[at + b + 13] = c13;
                crc[at + b + 14] = c14;
                crc[at + b + 15] = c15;
            }
            for (; b < across; b++) {
                int c = crc[at + b];
                int end = off + Math.min((b + 1) * bs, cols);
                for (int i = off + b * bs; i < end; i++) {
                    c = F[(c ^ px[i]) & 0xFFFF];
                }
                crc[at + b] = c;
            }
        }
    }

    /**
     * Column codes of cell row {@code cr} in one slice: advances {@code state[cr * across + c]} over the cell's raw
     * samples, rows in order.
     */
    static void columnRow(short[] px, int rows, int cols, int cs, int across, int cr, int[] state) {
        int r0 = cr * cs;
        cells(px, cols, r0, Math.min(r0 + cs, rows), cs, across, state, cr * across);
    }
}
