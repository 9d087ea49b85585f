package org.filigrane.engine;

import com.google.zxing.common.reedsolomon.GenericGF;
import com.google.zxing.common.reedsolomon.ReedSolomonDecoder;
import com.google.zxing.common.reedsolomon.ReedSolomonEncoder;
import com.google.zxing.common.reedsolomon.ReedSolomonException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.filigrane.engine.spi.Backend;

/**
 * Layer D: a 64-bit identifier carried by every slice in signs of key-selected DCT coefficients, readable without
 * the original after flips, quarter turns, noise, contrast changes, windowing to 8 bits and JPEG. docs/FORMAT-D.md
 * is the normative description; the constants below are its parameters.
 *
 * <p>Why signs: a gain change (contrast, windowing to 8 bits) scales every coefficient but keeps its sign, and an
 * offset (brightness) only moves the DC term, which is never used; counting signs instead of summing values also
 * keeps a strong edge from outvoting the flat blocks around it. The embedder is informed: it pushes each chip's
 * coefficient just far enough to show the wanted sign with a margin, and leaves alone those that already do.
 */
final class RobustLayer {
    /** Format version of the layout below; a change of any constant is a new version. */
    static final int VERSION = 1;
    /** The payload layout repeats every TILE x TILE blocks, so that a crop only shifts it (see detect). */
    static final int TILE = 8;
    /**
     * Candidate coefficients, index u * 8 + v: the five AC terms with u + v = 1 or 2. Lower terms than the usual
     * "mid band" because JPEG quantizes them with the smallest steps: the same energy spread over ten terms with
     * u + v = 2..4 was lost at JPEG quality 50, this band keeps the mark at quality 30 (FORMAT-D.md, "Choices").
     */
    static final int[] BAND = {1, 8, 2, 9, 16};
    /** Chips per block, chosen by key from BAND: fewer, stronger chips outlive JPEG's dead zone. */
    static final int CHIPS_PER_BLOCK = 3;
    static final int DATA_BYTES = 8;
    static final int EC_BYTES = 16;
    static final int CODE_BYTES = DATA_BYTES + EC_BYTES;
    static final int CODE_BITS = 8 * CODE_BYTES;
    /** Chip slots of one tile; at least CODE_BITS, so that every tile carries every codeword bit. */
    static final int SLOTS = TILE * TILE * CHIPS_PER_BLOCK;
    /** Chip margin as a fraction of the stored range, in 1/65536: 2650 gives 10 levels of an 8-bit image. */
    static final long STRENGTH_Q16 = 2650;
    /**
     * A chip is pushed by at most GIVE_UP margins; one whose host shows the wrong sign by more (an edge, usually)
     * is left alone. With 2 the mean cost of a chip on a Gaussian host of any spread stays within 1.14 margin^2,
     * its cost on a flat host, so texture cannot pull the PSNR much below that of a flat image (FORMAT-D.md).
     */
    static final long GIVE_UP = 2;
    /** Coefficients above CUTOFF times the median band magnitude do not vote (see Fold). */
    static final long CUTOFF = 4;
    /** Detection needs the decoded codeword to agree with at least 1/RHO_DIVISOR of the non-zero chip signs... */
    static final long RHO_DIVISOR = 4;
    /** ...and an agreement of at least Z_MIN standard deviations of a random sign sum. */
    static final long Z_MIN = 16;

    private static final int BLOCK = 64;
    private static final String LABEL = "filigrane/D/" + VERSION + "/";

    private final Backend backend;
    /** Per slot (tile row, tile column, chip): the coefficient index, the codeword bit, the spreading sign. */
    private final int[] coefficientOf = new int[SLOTS];
    private final int[] bitOf = new int[SLOTS];
    private final int[] signOf = new int[SLOTS];
    private final int[] whitening = new int[CODE_BYTES];

    RobustLayer(Backend backend, byte[] layerKey) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(layerKey, "layerKey");
        if (layerKey.length != 32) {
            throw new IllegalArgumentException("layer D needs a 32-byte key, got " + layerKey.length + " bytes");
        }
        KeyedStream select = new KeyedStream(layerKey, LABEL + "coefficients");
        for (int block = 0; block < TILE * TILE; block++) {
            int[] band = BAND.clone();
            select.shuffle(band);
            System.arraycopy(band, 0, coefficientOf, block * CHIPS_PER_BLOCK, CHIPS_PER_BLOCK);
        }
        int[] order = new int[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            order[i] = i;
        }
        new KeyedStream(layerKey, LABEL + "bits").shuffle(order);
        for (int i = 0; i < SLOTS; i++) {
            bitOf[order[i]] = i % CODE_BITS;
        }
        KeyedStream signs = new KeyedStream(layerKey, LABEL + "signs");
        for (int slot = 0; slot < SLOTS; slot++) {
            signOf[slot] = signs.nextSign();
        }
        KeyedStream whiten = new KeyedStream(layerKey, LABEL + "whitening");
        for (int i = 0; i < CODE_BYTES; i++) {
            whitening[i] = whiten.nextByte();
        }
    }

    /** The chip margin for a format: {@code max(1, (range * STRENGTH_Q16 + 2^15) >> 16)}, range = max - min. */
    static long strength(PixelFormat format) {
        long range = (long) format.max() - format.min();
        return Math.max(1, (range * STRENGTH_Q16 + (1 << 15)) >> 16);
    }

    /** Marks every slice of {@code v} in place with {@code id}. */
    void embed(Volume v, long id) {
        int down = v.rows() / 8;
        int across = v.columns() / 8;
        if (down == 0 || across == 0) {
            throw new IllegalArgumentException("layer D needs slices of at least 8x8 pixels, got "
                    + v.rows() + "x" + v.columns());
        }
        int[] wanted = channelSigns(id);
        long margin = strength(v.format());
        int[] host = new int[down * across * BLOCK];
        int[] delta = new int[host.length];
        for (int s = 0; s < v.slices(); s++) {
            backend.dctForward(v, s, 0, 0, host);
            Arrays.fill(delta, 0);
            for (int by = 0; by < down; by++) {
                for (int bx = 0; bx < across; bx++) {
                    int block = (by * across + bx) * BLOCK;
                    int firstSlot = ((by % TILE) * TILE + bx % TILE) * CHIPS_PER_BLOCK;
                    for (int slot = firstSlot; slot < firstSlot + CHIPS_PER_BLOCK; slot++) {
                        int at = block + coefficientOf[slot];
                        long sign = (long) wanted[bitOf[slot]] * signOf[slot];
                        long shown = sign * host[at];
                        long push = margin - shown;
                        if (push > 0 && push <= GIVE_UP * margin) {
                            delta[at] = (int) (sign * push);
                        }
                    }
                }
            }
            backend.dctAddInverse(v, s, delta);
        }
    }

    /** Looks for an identifier in every slice, trying the eight flips and quarter turns of each. */
    RobustDetection detect(Volume v) {
        return detect(v, false);
    }

    /**
     * As {@link #detect(Volume)}; with {@code searchGridShifts} also tries every block-grid origin (0..7 in each
     * direction) and every position within the repeating tile, which finds the mark in a crop at the cost of
     * 64 DCTs per orientation instead of one.
     */
    RobustDetection detect(Volume v, boolean searchGridShifts) {
        Map<Long, Tally> tallies = new LinkedHashMap<>();
        for (int s = 0; s < v.slices(); s++) {
            Found found = detectSlice(v, s, searchGridShifts);
            if (found != null) {
                Tally tally = tallies.computeIfAbsent(found.id(), k -> new Tally());
                tally.slices++;
                tally.byOrientation[found.orientation().ordinal()]++;
            }
        }
        Map.Entry<Long, Tally> best = null;
        for (Map.Entry<Long, Tally> entry : tallies.entrySet()) {
            if (best == null || entry.getValue().slices > best.getValue().slices) {
                best = entry;
            }
        }
        if (best == null) {
            return RobustDetection.notFound(v.slices());
        }
        Tally tally = best.getValue();
        Dihedral orientation = Dihedral.IDENTITY;
        for (Dihedral d : Dihedral.values()) {
            if (tally.byOrientation[d.ordinal()] > tally.byOrientation[orientation.ordinal()]) {
                orientation = d;
            }
        }
        return new RobustDetection(true, best.getKey(), v.slices(), tally.slices, orientation.label());
    }

    private record Found(long id, Dihedral orientation) {
    }

    /** Slices that decoded one id, and under which orientation. */
    private static final class Tally {
        int slices;
        final int[] byOrientation = new int[Dihedral.values().length];
    }

    private Found detectSlice(Volume v, int slice, boolean searchGridShifts) {
        int shifts = searchGridShifts ? 8 : 1;
        int phases = searchGridShifts ? TILE : 1;
        for (Dihedral orientation : Dihedral.values()) {
            Volume upright = orientation.undo(v, slice);
            for (int originRow = 0; originRow < shifts; originRow++) {
                for (int originColumn = 0; originColumn < shifts; originColumn++) {
                    int down = Math.max(0, upright.rows() - originRow) / 8;
                    int across = Math.max(0, upright.columns() - originColumn) / 8;
                    if (down == 0 || across == 0) {
                        continue;
                    }
                    int[] coefficients = new int[down * across * BLOCK];
                    backend.dctForward(upright, 0, originRow, originColumn, coefficients);
                    Fold fold = new Fold(coefficients, down, across);
                    for (int phaseRow = 0; phaseRow < phases; phaseRow++) {
                        for (int phaseColumn = 0; phaseColumn < phases; phaseColumn++) {
                            Long id = decode(fold, phaseRow, phaseColumn);
                            if (id != null) {
                                return new Found(id, orientation);
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * Coefficient signs summed over the blocks that share a position in the tile: {@code sum[(p * 64) + i]} adds
     * sign(coefficient i) and {@code nonzero[...]} counts the non-zero ones, for tile position p of the examined
     * grid and i in BAND. Folding once and reading all 64 tile phases from the same sums is what keeps the crop
     * search affordable; the aligned case reads phase (0, 0) only.
     *
     * <p>A coefficient larger than CUTOFF times the median band magnitude does not vote: it got its size from the
     * host (an edge, or a contrast change clipping part of a block), and the informed embedder leaves such chips
     * alone whether their sign is right or wrong, so their votes are noise. The median tracks the margin at any
     * gain because in most blocks the chips sit at the margin.
     */
    private static final class Fold {
        final int[] sum = new int[TILE * TILE * BLOCK];
        final int[] nonzero = new int[TILE * TILE * BLOCK];

        Fold(int[] coefficients, int down, int across) {
            long limit = CUTOFF * medianMagnitude(coefficients, down * across);
            for (int by = 0; by < down; by++) {
                for (int bx = 0; bx < across; bx++) {
                    int block = (by * across + bx) * BLOCK;
                    int position = ((by % TILE) * TILE + bx % TILE) * BLOCK;
                    for (int i : BAND) {
                        int c = coefficients[block + i];
                        if (Math.abs(c) <= limit) {
                            int sign = Integer.signum(c);
                            sum[position + i] += sign;
                            nonzero[position + i] += sign * sign;
                        }
                    }
                }
            }
        }

        /** Of the non-zero |coefficient| at BAND positions of all blocks, sorted: element n / 2; 0 if none. */
        private static int medianMagnitude(int[] coefficients, int blocks) {
            int[] magnitudes = new int[blocks * BAND.length];
            int n = 0;
            for (int b = 0; b < blocks; b++) {
                for (int i : BAND) {
                    int c = Math.abs(coefficients[b * BLOCK + i]);
                    if (c != 0) {
                        magnitudes[n++] = c;
                    }
                }
            }
            if (n == 0) {
                return 0;
            }
            Arrays.sort(magnitudes, 0, n);
            return magnitudes[n / 2];
        }
    }

    /**
     * Reads the codeword with the examined grid's tile position (r, c) taken as the marked tile position
     * ((r + phaseRow) mod TILE, (c + phaseColumn) mod TILE), and returns the identifier if it passes every check.
     */
    private Long decode(Fold fold, int phaseRow, int phaseColumn) {
        long[] correlation = new long[CODE_BITS];
        long nonzero = 0;
        for (int r = 0; r < TILE; r++) {
            for (int c = 0; c < TILE; c++) {
                int position = (r * TILE + c) * BLOCK;
                int firstSlot = (((r + phaseRow) % TILE) * TILE + (c + phaseColumn) % TILE) * CHIPS_PER_BLOCK;
                for (int slot = firstSlot; slot < firstSlot + CHIPS_PER_BLOCK; slot++) {
                    int at = position + coefficientOf[slot];
                    correlation[bitOf[slot]] += (long) signOf[slot] * fold.sum[at];
                    nonzero += fold.nonzero[at];
                }
            }
        }
        int[] received = new int[CODE_BYTES];
        for (int bit = 0; bit < CODE_BITS; bit++) {
            if (correlation[bit] > 0) {
                received[bit >> 3] |= 0x80 >>> (bit & 7);
            }
        }
        for (int i = 0; i < CODE_BYTES; i++) {
            received[i] ^= whitening[i];
        }
        try {
            new ReedSolomonDecoder(GenericGF.QR_CODE_FIELD_256).decode(received, EC_BYTES);
        } catch (ReedSolomonException e) {
            return null;
        }
        long id = 0;
        for (int i = 0; i < DATA_BYTES; i++) {
            id = (id << 8) | received[i];
        }
        int[] wanted = channelSigns(id);
        long agreement = 0;
        for (int bit = 0; bit < CODE_BITS; bit++) {
            agreement += wanted[bit] * correlation[bit];
        }
        boolean strong = agreement > 0 && agreement * RHO_DIVISOR >= nonzero
                && agreement * agreement >= Z_MIN * Z_MIN * nonzero;
        return strong ? id : null;
    }

    /**
     * The codeword of {@code id} as chip signs: the 8 id bytes big-endian, 16 Reed-Solomon check bytes
     * (QR-code field GF(256)), each byte XORed with the keyed whitening byte, bits most significant first; bit 1
     * is sign +1.
     */
    private int[] channelSigns(long id) {
        int[] code = new int[CODE_BYTES];
        for (int i = 0; i < DATA_BYTES; i++) {
            code[i] = (int) (id >>> (8 * (DATA_BYTES - 1 - i))) & 0xFF;
        }
        new ReedSolomonEncoder(GenericGF.QR_CODE_FIELD_256).encode(code, EC_BYTES);
        int[] signs = new int[CODE_BITS];
        for (int bit = 0; bit < CODE_BITS; bit++) {
            int value = code[bit >> 3] ^ whitening[bit >> 3];
            signs[bit] = ((value << (bit & 7)) & 0x80) != 0 ? 1 : -1;
        }
        return signs;
    }
}
