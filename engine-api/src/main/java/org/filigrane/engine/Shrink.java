package org.filigrane.engine;

/**
 * Makes room at both ends of the stored range before any histogram shifting, so that no later layer step (one
 * for R, one for T) can leave the range and no pixel needs excluding: values below {@code min + s} become
 * {@code min + s}, values above {@code max - s} become {@code max - s}. For every pixel that then sits on one of
 * those two edges, the map records how far it moved (0..s), run-length coded; FORMAT.md has the layout.
 * Untouched when no sample lies within {@code s} of either end (the common case), and then no map is written.
 */
final class Shrink {
    private Shrink() {
    }

    /**
     * Shrinks {@code w} in place; returns the map, or null when nothing needed moving. {@code range} is w's
     * {@link Volume#valueRange()} when the caller has it, else null.
     */
    static BitWriter apply(Volume w, int s, int[] range) {
        PixelFormat f = w.format();
        int low = f.min() + s;
        int high = f.max() - s;
        int[] r = range != null ? range : w.valueRange();
        if (r[0] >= low && r[1] <= high) {
            return null;
        }
        BitWriter runs = new BitWriter();
        long count = 0;
        int current = -1;
        long runLength = 0;
        for (int sl = 0; sl < w.slices(); sl++) {
            short[] px = w.slice(sl);
            for (int i = 0; i < px.length; i++) {
                int x = f.value(px[i]);
                int symbol;
                if (x <= low) {
                    symbol = low - x;
                    px[i] = f.store(low);
                } else if (x >= high) {
                    symbol = x - high;
                    px[i] = f.store(high);
                } else {
                    continue;
                }
                count++;
                if (symbol == current) {
                    runLength++;
                } else {
                    if (runLength > 0) {
                        runs.bits(current, 2);
                        runs.gamma(runLength);
                    }
                    current = symbol;
                    runLength = 1;
                }
            }
        }
        runs.bits(current, 2);
        runs.gamma(runLength);
        BitWriter map = new BitWriter();
        map.gamma(count + 1);
        map.append(runs);
        return map;
    }

    /** Reads a map written by {@link #apply}: one symbol per edge pixel, raster order. */
    static byte[] readMap(BitReader r, long pixels) {
        long count = r.gamma() - 1;
        if (count < 0 || count > pixels) {
            throw new MalformedWatermarkException("shrink map too long");
        }
        byte[] symbols = new byte[(int) count];
        int at = 0;
        while (at < count) {
            int symbol = (int) r.bits(2);
            long run = r.gamma();
            if (run > count - at) {
                throw new MalformedWatermarkException("shrink map run overflows");
            }
            java.util.Arrays.fill(symbols, at, at + (int) run, (byte) symbol);
            at += (int) run;
        }
        return symbols;
    }

    /** Moves every edge pixel back by its symbol. */
    static void undo(Volume w, int s, byte[] symbols) {
        PixelFormat f = w.format();
        int low = f.min() + s;
        int high = f.max() - s;
        int at = 0;
        for (int sl = 0; sl < w.slices(); sl++) {
            short[] px = w.slice(sl);
            for (int i = 0; i < px.length; i++) {
                int x = f.value(px[i]);
                if (x != low && x != high) {
                    continue;
                }
                if (at == symbols.length) {
                    throw new MalformedWatermarkException("shrink map shorter than the edge pixels");
                }
                int symbol = symbols[at++];
                px[i] = f.store(x == low ? low - symbol : high + symbol);
            }
        }
        if (at != symbols.length) {
            throw new MalformedWatermarkException("shrink map longer than the edge pixels");
        }
    }
}
