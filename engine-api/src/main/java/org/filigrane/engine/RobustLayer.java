package org.filigrane.engine;

import com.google.zxing.common.reedsolomon.GenericGF;
import com.google.zxing.common.reedsolomon.ReedSolomonEncoder;
import java.util.Objects;
import org.filigrane.engine.spi.Backend;

/**
 * Layer D (format 2): every slice carries, in signs of key-selected low-frequency DCT coefficients, an issuer-wide
 * synchronisation pattern and a pattern of its own recipient and robust ID. docs/FORMAT-D.md is the normative
 * description; the constants below are its parameters. Detection is {@link RobustTracer}'s.
 *
 * <p>Why signs: a gain change (contrast, windowing to 8 bits) scales every coefficient but keeps its sign, and an
 * offset only moves the DC term, never used. The embedder is informed: it pushes a chip's coefficient just far
 * enough to show the wanted sign with the block's margin ({@link RobustStrength}) and leaves alone those that do.
 *
 * <p>Keys: the layout (which coefficients, the sync signs, which codeword bit a slot carries) comes from the
 * issuer-wide layout key, so the detector finds the geometry once for all candidates; the chip signs of the
 * recipient slots come from the recipient's own key, so two recipients' copies carry independent patterns.
 */
final class RobustLayer {
    /** Format version of the layout below; a change of any constant is a new version. */
    static final int VERSION = 2;
    /** The layout repeats every TILE x TILE blocks (128 x 128 pixels), so that a crop only shifts it. */
    static final int TILE = 16;
    static final int TILE_PIXELS = TILE * 8;
    static final int POSITIONS = TILE * TILE;
    /** Candidate coefficients, index u * 8 + v: the five AC terms with u + v = 1 or 2 (survive JPEG best). */
    static final int[] BAND = {1, 8, 2, 9, 16};
    static final int CHIPS_PER_BLOCK = 3;
    /** Slot 3p of position p carries the sync pattern, slots 3p + 1 and 3p + 2 the recipient pattern. */
    static final int SLOTS = POSITIONS * CHIPS_PER_BLOCK;
    static final int DATA_BYTES = 8;
    static final int EC_BYTES = 16;
    static final int CODE_BYTES = DATA_BYTES + EC_BYTES;
    static final int CODE_BITS = 8 * CODE_BYTES;
    /** A chip is pushed by at most GIVE_UP margins; a host showing the wrong sign by more is left alone. */
    static final long GIVE_UP = 2;

    private static final int BLOCK = 64;
    private static final String LABEL = "filigrane/D/" + VERSION + "/";

    private final Backend backend;
    /** Per slot: the coefficient (index into a block, one of BAND) and, for recipient slots, the codeword bit. */
    final int[] coefficientOf = new int[SLOTS];
    final int[] bitOf = new int[SLOTS];
    /** Per position: the sync chip's sign. */
    final int[] syncSign = new int[POSITIONS];

    RobustLayer(Backend backend, byte[] layoutKey) {
        this.backend = Objects.requireNonNull(backend, "backend");
        checkKey(layoutKey);
        KeyedStream select = new KeyedStream(layoutKey, LABEL + "coefficients");
        for (int p = 0; p < POSITIONS; p++) {
            int[] band = BAND.clone();
            select.shuffle(band);
            System.arraycopy(band, 0, coefficientOf, p * CHIPS_PER_BLOCK, CHIPS_PER_BLOCK);
        }
        int[] order = new int[2 * POSITIONS];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new KeyedStream(layoutKey, LABEL + "bits").shuffle(order);
        java.util.Arrays.fill(bitOf, -1);
        for (int i = 0; i < order.length; i++) {
            bitOf[recipientSlot(order[i])] = i % CODE_BITS;
        }
        KeyedStream sync = new KeyedStream(layoutKey, LABEL + "sync");
        for (int p = 0; p < POSITIONS; p++) {
            syncSign[p] = sync.nextSign();
        }
    }

    /** The i-th recipient slot (i = 0 .. 2 * POSITIONS - 1). */
    static int recipientSlot(int i) {
        return (i >> 1) * CHIPS_PER_BLOCK + 1 + (i & 1);
    }

    private static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != 32) {
            throw new IllegalArgumentException("layer D needs 32-byte keys, got " + key.length + " bytes");
        }
    }

    /** One recipient's secret material: a spreading sign per recipient slot and the codeword whitening. */
    static final class RecipientKey {
        final int[] sign = new int[SLOTS];
        final int[] whitening = new int[CODE_BYTES];

        RecipientKey(byte[] recipientKey) {
            checkKey(recipientKey);
            KeyedStream signs = new KeyedStream(recipientKey, LABEL + "signs");
            for (int slot = 0; slot < SLOTS; slot++) {
                sign[slot] = slot % CHIPS_PER_BLOCK == 0 ? 0 : signs.nextSign();
            }
            KeyedStream whiten = new KeyedStream(recipientKey, LABEL + "whitening");
            for (int i = 0; i < CODE_BYTES; i++) {
                whitening[i] = whiten.nextByte();
            }
        }
    }

    /**
     * The chip signs of every slot for {@code id} issued to the recipient of {@code key}: sync slots carry the
     * sync sign, recipient slots the recipient's spreading sign times the sign of their codeword bit.
     */
    int[] pattern(RecipientKey key, long id) {
        int[] code = codeSigns(key, id);
        int[] chips = new int[SLOTS];
        for (int slot = 0; slot < SLOTS; slot++) {
            chips[slot] = slot % CHIPS_PER_BLOCK == 0 ? syncSign[slot / CHIPS_PER_BLOCK]
                    : key.sign[slot] * code[bitOf[slot]];
        }
        return chips;
    }

    /**
     * The codeword of {@code id} as signs: the 8 id bytes big-endian, 16 Reed-Solomon check bytes (QR-code field
     * GF(256)), each byte XORed with the recipient's whitening byte, bits most significant first; bit 1 is +1.
     */
    static int[] codeSigns(RecipientKey key, long id) {
        int[] code = new int[CODE_BYTES];
        for (int i = 0; i < DATA_BYTES; i++) {
            code[i] = (int) (id >>> (8 * (DATA_BYTES - 1 - i))) & 0xFF;
        }
        new ReedSolomonEncoder(GenericGF.QR_CODE_FIELD_256).encode(code, EC_BYTES);
        int[] signs = new int[CODE_BITS];
        for (int bit = 0; bit < CODE_BITS; bit++) {
            int value = code[bit >> 3] ^ key.whitening[bit >> 3];
            signs[bit] = ((value << (bit & 7)) & 0x80) != 0 ? 1 : -1;
        }
        return signs;
    }

    /** Marks every slice of {@code v} in place with {@code chips} ({@link #pattern}), read in {@code window}. */
    void embed(Volume v, int[] chips, DisplayWindow window) {
        int down = v.rows() / 8;
        int across = v.columns() / 8;
        if (down == 0 || across == 0) {
            throw new IllegalArgumentException("layer D needs slices of at least 8x8 pixels, got "
                    + v.rows() + "x" + v.columns());
        }
        RobustStrength strength = RobustStrength.of(v, window);
        int[] host = new int[down * across * BLOCK];
        int[] delta = new int[host.length];
        // First pass: each block's margin from its texture and place in the window; then the budget cap.
        int[][] margins = new int[v.slices()][down * across];
        for (int s = 0; s < v.slices(); s++) {
            blockMargins(v, s, strength, margins[s]);
        }
        long cap = strength.cap(margins);
        for (int s = 0; s < v.slices(); s++) {
            backend.dctForward(v, s, 0, 0, host);
            java.util.Arrays.fill(delta, 0);
            for (int by = 0; by < down; by++) {
                for (int bx = 0; bx < across; bx++) {
                    int block = (by * across + bx) * BLOCK;
                    long margin = Math.min(cap, margins[s][by * across + bx]);
                    int firstSlot = ((by % TILE) * TILE + bx % TILE) * CHIPS_PER_BLOCK;
                    for (int slot = firstSlot; slot < firstSlot + CHIPS_PER_BLOCK; slot++) {
                        int at = block + coefficientOf[slot];
                        long sign = chips[slot];
                        long push = margin - sign * host[at];
                        if (push > 0 && push <= GIVE_UP * margin) {
                            delta[at] = (int) (sign * push);
                        }
                    }
                }
            }
            backend.dctAddInverse(v, s, delta);
        }
    }

    /** Each whole block's uncapped margin ({@link RobustStrength#margin}) from its samples. */
    private static void blockMargins(Volume v, int s, RobustStrength strength, int[] out) {
        PixelFormat format = v.format();
        int columns = v.columns();
        int across = columns / 8;
        short[] pixels = v.slice(s);
        int[] x = new int[BLOCK];
        for (int b = 0; b < out.length; b++) {
            int corner = (b / across) * 8 * columns + (b % across) * 8;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    x[r * 8 + c] = format.value(pixels[corner + r * columns + c]);
                }
            }
            out[b] = (int) strength.margin(x);
        }
    }
}
