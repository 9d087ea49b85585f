package org.filigrane.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.conformance.RandomVolumes;
import org.filigrane.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * Layer T's cell code against its definition in FORMAT.md (a sum of a^e * x written out term by term, not the
 * Horner scheme the backends run), and the detection it promises: every single-sample change and every swap of two
 * different samples inside a cell.
 */
class CellCodeTest {
    private static final long SEED = Long.getLong("filigrane.seed", 0xCE11_C0DEL);

    /** FORMAT.md's definition, literally: seed xor the sum over the block of a^(l * size + h - 1 - r) * x[r][l]. */
    private static int definition(short[] px, BlockGrid g, int block) {
        int r0 = block / g.blocksAcross() * g.blockSize();
        int c0 = block % g.blocksAcross() * g.blockSize();
        int h = Math.min(g.blockSize(), g.rows() - r0);
        int w = Math.min(g.blockSize(), g.columns() - c0);
        int code = CellCode.seed(block);
        for (int r = 0; r < h; r++) {
            for (int l = 0; l < w; l++) {
                int x = px[(r0 + r) * g.columns() + c0 + l] & 0xFFFF;
                code ^= CellCode.multiply(x, CellCode.powerOfA(l * g.blockSize() + h - 1 - r));
            }
        }
        return code;
    }

    @Test
    void referenceBlockCodesAreTheDefinition() {
        SplittableRandom r = new SplittableRandom(SEED);
        System.out.println("CellCodeTest seed " + SEED);
        ReferenceBackend reference = new ReferenceBackend();
        for (int trial = 0; trial < 40; trial++) {
            PixelFormat f = RandomVolumes.FORMATS.get(r.nextInt(RandomVolumes.FORMATS.size()));
            int rows = 1 + r.nextInt(70);
            int cols = 1 + r.nextInt(70);
            Volume v = RandomVolumes.of(r.nextLong(), f, 1, rows, cols, RandomVolumes.Content.NOISE);
            int size = 2 + r.nextInt(31);
            BlockGrid g = new BlockGrid(rows, cols, size, size, 1);
            int[][] codes = new int[1][g.blockCount()];
            reference.blockCodes(v, 0, 1, g, codes);
            for (int b = 0; b < g.blockCount(); b++) {
                assertEquals(definition(v.slice(0), g, b), codes[0][b], "block " + b + " of " + g);
            }
        }
    }

    @Test
    void columnCodesChainTheSlicesWithAToTheCellArea() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        ReferenceBackend reference = new ReferenceBackend();
        Volume v = RandomVolumes.of(r.nextLong(), PixelFormat.unsigned(16, 16), 4, 40, 40,
                RandomVolumes.Content.NOISE);
        BlockGrid g = new BlockGrid(40, 40, 32, 32, 1);
        int[] state = new int[g.columnCount()];
        for (int c = 0; c < state.length; c++) {
            state[c] = CellCode.seed(c);
        }
        int[] expected = state.clone();
        reference.columnCodes(v, 1, 4, g, state);
        for (int s = 1; s < 4; s++) {
            for (int c = 0; c < expected.length; c++) {
                // The body of a cell is its block code without the seed (block and column grids coincide here).
                int body = definition(v.slice(s), g, c) ^ CellCode.seed(c);
                expected[c] = CellCode.multiply(expected[c], CellCode.powerOfA(32 * 32)) ^ body;
            }
        }
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(state));
    }

    @Test
    void fieldArithmeticAgrees() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        for (int i = 0; i < 20_000; i++) {
            int c = r.nextInt(1 << 16);
            int e = r.nextInt(3 * CellCode.ORDER);
            assertEquals(CellCode.multiply(c, CellCode.powerOfA(e)), CellCode.timesPowerOfA(c, e), c + " a^" + e);
        }
        assertEquals(1, CellCode.powerOfA(CellCode.ORDER));
        for (int p : new int[] {3, 5, 17, 257}) {
            assertNotEquals(1, CellCode.powerOfA(CellCode.ORDER / p), "a's order divides 65535/" + p);
        }
    }

    /** A 32x32 block of 16-bit noise: the largest cell any profile uses. */
    private static short[] block(SplittableRandom r) {
        short[] px = new short[32 * 32];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) r.nextInt(1 << 16);
        }
        return px;
    }

    private static int code(short[] px) {
        return definition(px, new BlockGrid(32, 32, 32, 32, 1), 0);
    }

    @Test
    void everySingleSampleChangeChangesTheCode() {
        SplittableRandom r = new SplittableRandom(SEED + 3);
        short[] px = block(r);
        int before = code(px);
        for (int i = 0; i < px.length; i++) {
            short keep = px[i];
            // Every bit flip, a +1 and a random new value at every position, including the first and last.
            for (int k = 0; k < 18; k++) {
                int v = k < 16 ? keep ^ (1 << k) : k == 16 ? keep + 1 : r.nextInt(1 << 16);
                if ((short) v == keep) {
                    continue;
                }
                px[i] = (short) v;
                assertNotEquals(before, code(px), "sample " + i + " set to " + (v & 0xFFFF));
            }
            px[i] = keep;
        }
    }

    @Test
    void everySwapOfTwoDifferentSamplesInACellChangesTheCode() {
        SplittableRandom r = new SplittableRandom(SEED + 4);
        short[] px = block(r);
        // The pair CRC-16/CCITT cannot see: xor 0xF01F is a multiple of the factor x^15 + ... of its polynomial.
        px[0] = 0x1234;
        px[1000] = (short) (0x1234 ^ 0xF01F);
        assertEquals(crc16(px), crc16(swapped(px, 0, 1000)), "CRC-16/CCITT misses this swap: the reason for the change");
        assertNotEquals(code(px), code(swapped(px, 0, 1000)));
        int before = code(px);
        for (int t = 0; t < 3_000; t++) {
            int i = r.nextInt(px.length);
            int j = r.nextInt(px.length);
            if (px[i] != px[j]) {
                assertNotEquals(before, code(swapped(px, i, j)), "swap of " + i + " and " + j);
            }
        }
    }

    private static short[] swapped(short[] px, int i, int j) {
        short[] out = px.clone();
        out[i] = px[j];
        out[j] = px[i];
        return out;
    }

    private static int crc16(short[] px) {
        int crc = Checksums.CRC16_INIT;
        for (short x : px) {
            crc = Checksums.crc16Short(crc, x);
        }
        return crc;
    }
}
