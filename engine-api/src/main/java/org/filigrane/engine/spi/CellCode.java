package org.filigrane.engine.spi;

/**
 * Layer T's cell code (FORMAT.md, "Cell codes"): a weighted sum of a cell's samples in GF(2^16), the field
 * GF(2)[a] / (a^16 + a^12 + a^3 + a + 1). A cell of h rows and w columns (h, w at most {@code size}, the grid's
 * block or column size) with raw 16-bit samples x[r][l] has the body
 *
 * <pre>  body = XOR over r &lt; h, l &lt; w of  a^(l * size + h - 1 - r) * x[r][l]</pre>
 *
 * <p>The exponents are distinct and below size^2 &lt;= 1024, far under a's order 65535, and the field has no zero
 * divisors: any change of one sample changes the body ({@code a^e * delta != 0}) and so does any swap of two
 * different samples inside a cell ({@code (a^e1 + a^e2) * (x1 + x2) != 0}). CRC-16/CCITT, whose polynomial has the
 * factor x + 1, misses swaps of two samples whose xor is 0xF01F; this code has no such pair.
 *
 * <p>Why this and not a CRC: the body is a Horner scheme per column l ({@code c = a*c + x}, rows in order), which is
 * a shift, a mask and two xors per sample in every lane of a vector at once; the columns are then combined with
 * {@code a^(l * size)}. A CRC feeds samples one after another through a table, one dependent lookup per sample
 * (0.7 ns per sample here against 0.04 ns for the lanes).
 */
public final class CellCode {
    /** a^16 reduced: a^12 + a^3 + a + 1. */
    public static final int POLY = 0x100B;
    /** The multiplicative order of a (the polynomial is primitive). */
    public static final int ORDER = 65535;

    /** a^e for e in [0, 2 * ORDER), then zeros: LOG[0] points into the zeros, so no branch is needed for 0. */
    private static final char[] EXP = new char[3 * ORDER];
    private static final int[] LOG = new int[1 << 16];
    /** Multiplication by a^size as two 256-entry tables (1 KiB, stays in L1), for sizes up to 64. */
    private static final char[][] STEP = new char[65][];
    /** The same for a^(size^2), the step of a column code from one slice to the next. */
    private static final char[][] SQUARE_STEP = new char[65][];

    static {
        LOG[0] = 2 * ORDER;
        int x = 1;
        for (int e = 0; e < ORDER; e++) {
            EXP[e] = (char) x;
            EXP[e + ORDER] = (char) x;
            LOG[x] = (char) e;
            x = timesA(x);
        }
        if (x != 1) {
            throw new AssertionError("a^16 + a^12 + a^3 + a + 1 is not primitive");
        }
        for (int size = 1; size < STEP.length; size++) {
            // Multiplying by a^size is linear: the image of the high byte xor that of the low byte.
            STEP[size] = new char[512];
            SQUARE_STEP[size] = new char[512];
            for (int i = 0; i < 256; i++) {
                STEP[size][i] = (char) timesPowerOfA(i << 8, size);
                STEP[size][256 + i] = (char) timesPowerOfA(i, size);
                SQUARE_STEP[size][i] = (char) timesPowerOfA(i << 8, size * size);
                SQUARE_STEP[size][256 + i] = (char) timesPowerOfA(i, size * size);
            }
        }
    }

    private CellCode() {
    }

    /** {@code a * c} for c in 0..0xFFFF: a shift, and the reduction when bit 15 falls out. */
    public static int timesA(int c) {
        return ((c << 1) ^ ((c >>> 15) * POLY)) & 0xFFFF;
    }

    /** {@code a^e * c} for c in 0..0xFFFF, e >= 0. */
    public static int timesPowerOfA(int c, int e) {
        return EXP[LOG[c] + e % ORDER];
    }

    /** The product of two field elements (0..0xFFFF), by shifts: what a device without tables does. */
    public static int multiply(int x, int y) {
        int p = 0;
        for (int i = 15; i >= 0; i--) {
            p = timesA(p);
            if ((y >>> i & 1) != 0) {
                p ^= x;
            }
        }
        return p;
    }

    /** {@code a^e}. */
    public static int powerOfA(int e) {
        return EXP[e % ORDER];
    }

    /** The seed xor-ed onto the body of cell {@code index}: CRC-16/CCITT-FALSE of its 32 bits (binds the place). */
    public static int seed(int index) {
        return Checksums.crc16Int(Checksums.CRC16_INIT, index);
    }

    /**
     * Combines per-column Horner lanes {@code lanes[from .. from + w - 1]} (each {@code c_l}, rows in order from 0)
     * into the body: {@code XOR of a^(l * size) * c_l}.
     */
    public static int combine(short[] lanes, int from, int w, int size) {
        int body = 0;
        if (size < STEP.length) {
            // Horner in a^size from the last column: two L1 lookups a column.
            char[] step = STEP[size];
            for (int l = w - 1; l >= 0; l--) {
                body = step[body >>> 8] ^ step[256 + (body & 0xFF)] ^ (lanes[from + l] & 0xFFFF);
            }
            return body;
        }
        for (int l = 0; l < w; l++) {
            body ^= timesPowerOfA(lanes[from + l] & 0xFFFF, l * size);
        }
        return body;
    }

    /** A column cell's running code after one more slice: {@code a^(size^2) * state + body}. */
    public static int advance(int state, int body, int size) {
        int c = state & 0xFFFF;
        if (size < SQUARE_STEP.length) {
            char[] step = SQUARE_STEP[size];
            return step[c >>> 8] ^ step[256 + (c & 0xFF)] ^ body;
        }
        return timesPowerOfA(c, size * size) ^ body;
    }

    /**
     * The body of the 2x2-sum cell (profile PAPER's blocks): values are the sums of each 2x2 group of sample values
     * (cut short at the cell edge), taken mod 2^16, on a grid of ceil(h/2) x ceil(w/2) with size ceil(size/2). One
     * sample's change moves one sum by less than 2^16, so it still always changes the body.
     */
    public static int sumBody(short[] px, int cols, boolean signed, int r0, int r1, int c0, int c1, int size) {
        int half = (size + 1) / 2;
        int body = 0;
        for (int c = c0, l = 0; c < c1; c += 2, l++) {
            int lane = 0;
            for (int r = r0; r < r1; r += 2) {
                int sum = 0;
                for (int y = r; y < Math.min(r + 2, r1); y++) {
                    for (int x = c; x < Math.min(c + 2, c1); x++) {
                        short v = px[y * cols + x];
                        sum += signed ? v : v & 0xFFFF;
                    }
                }
                lane = timesA(lane) ^ (sum & 0xFFFF);
            }
            body ^= timesPowerOfA(lane, l * half);
        }
        return body;
    }
}
