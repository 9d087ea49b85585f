package org.filigrane.engine;

/**
 * Makes room at both ends of the stored range before any histogram shifting, so that no later layer step (one
 * for R, {@code t} for T) can leave the range and no pixel needs excluding. FORMAT.md ("range headroom") has the
 * layout. Three steps, each only when needed:
 * <ol>
 *   <li><b>Low gap</b>: when values lie below {@code min + s} and the histogram has {@code s} empty bins
 *       {@code [E, E + s)} above them, every value below {@code E} moves up by {@code s}. Recorded as E alone: the
 *       background of a real image (zeros, noise near zero) costs 16 bits, not a bit per pixel.</li>
 *   <li><b>High gap</b>: the same at the top, values above {@code F} move down by {@code s}.</li>
 *   <li><b>Clamp</b>: only when an end has no such gap (the data fills the range): values beyond the edge are
 *       clamped and a run-length map records, for every pixel on an edge, how far it moved.</li>
 * </ol>
 * Untouched when no sample lies within {@code s} of either end (the common case).
 */
final class Shrink {
    private Shrink() {
    }

    /** What was done: the gaps (lowGap = min and highGap = max when unused) and the clamp map, or null. */
    record Prepared(int lowGap, int highGap, BitWriter map, boolean lowGapUsed, boolean highGapUsed) {
        Prepared(int lowGap, int highGap, BitWriter map, PixelFormat f) {
            this(lowGap, highGap, map, lowGap != f.min(), highGap != f.max());
        }

        boolean changed() {
            return lowGapUsed || highGapUsed || map != null;
        }

        /** Bits this costs in layer R's stream: the map and the gaps used (16 bits each). */
        long sideBits() {
            return (map != null ? map.length() : 0) + (lowGapUsed ? 16 : 0) + (highGapUsed ? 16 : 0);
        }
    }

    /** Bits of one clamp-map symbol (a distance 0..s). */
    static int symbolBits(int s) {
        return 32 - Integer.numberOfLeadingZeros(s);
    }

    /**
     * Prepares {@code w} in place. {@code range} is w's {@link Volume#valueRange()} when the caller has it, else
     * null.
     */
    static Prepared apply(Volume w, int s, int[] range) {
        PixelFormat f = w.format();
        int lo = f.min();
        int hi = f.max();
        int low = lo + s;
        int high = hi - s;
        int[] r = range != null ? range : w.valueRange();
        if (r[0] >= low && r[1] <= high) {
            return new Prepared(lo, hi, null, f);
        }
        long[] hist = histogram(w);
        int lowGap = lo;
        int highGap = hi;
        if (r[0] < low) {
            // Smallest E with [E, E + s) empty, values below E present, and the moved values staying below high.
            int run = 0;
            for (int v = r[0] + 1; v + s - 1 <= high; v++) {
                run = hist[v - lo] == 0 ? run + 1 : 0;
                if (run == s) {
                    lowGap = v - s + 1;
                    break;
                }
            }
            if (lowGap != lo) {
                shiftBelow(hist, lo, lowGap, s);
            }
        }
        int max = r[1] + (lowGap != lo && r[1] < lowGap ? s : 0);
        if (max > high) {
            int run = 0;
            // The values moved down must stay above those the low gap moved up.
            int floor = lowGap != lo ? Math.max(low, lowGap + s) : low;
            for (int v = max - 1; v >= floor; v--) {
                run = hist[v - lo] == 0 ? run + 1 : 0;
                if (run == s) {
                    highGap = v + s - 1;
                    break;
                }
            }
        }
        if (lowGap != lo || highGap != hi) {
            for (int sl = 0; sl < w.slices(); sl++) {
                short[] px = w.slice(sl);
                for (int i = 0; i < px.length; i++) {
                    int x = f.value(px[i]);
                    if (x < lowGap) {
                        px[i] = f.store(x + s);
                    } else if (x > highGap) {
                        px[i] = f.store(x - s);
                    }
                }
            }
        }
        int[] now = w.valueRange();
        BitWriter map = now[0] < low || now[1] > high ? clamp(w, s) : null;
        return new Prepared(lowGap, highGap, map, f);
    }

    private static long[] histogram(Volume w) {
        PixelFormat f = w.format();
        long[] hist = new long[f.max() - f.min() + 1];
        for (int sl = 0; sl < w.slices(); sl++) {
            for (short x : w.slice(sl)) {
                hist[f.value(x) - f.min()]++;
            }
        }
        return hist;
    }

    private static void shiftBelow(long[] hist, int lo, int gap, int s) {
        for (int v = gap - 1; v >= lo; v--) {
            hist[v + s - lo] = hist[v - lo];
            hist[v - lo] = 0;
        }
    }

    /** Clamps to [min + s, max - s] and returns the map of every edge pixel's distance moved. */
    private static BitWriter clamp(Volume w, int s) {
        PixelFormat f = w.format();
        int low = f.min() + s;
        int high = f.max() - s;
        int width = symbolBits(s);
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
                        runs.bits(current, width);
                        runs.gamma(runLength);
                    }
                    current = symbol;
                    runLength = 1;
                }
            }
        }
        runs.bits(current, width);
        runs.gamma(runLength);
        BitWriter map = new BitWriter();
        map.gamma(count + 1);
        map.append(runs);
        return map;
    }

    /** Reads a map written by {@link #apply}: one symbol per edge pixel, raster order. */
    static byte[] readMap(BitReader r, long pixels, int s) {
        long count = r.gamma() - 1;
        if (count < 0 || count > pixels) {
            throw new MalformedWatermarkException("shrink map too long");
        }
        int width = symbolBits(s);
        byte[] symbols = new byte[(int) count];
        int at = 0;
        while (at < count) {
            int symbol = (int) r.bits(width);
            long run = r.gamma();
            if (run > count - at || symbol > s) {
                throw new MalformedWatermarkException("shrink map run overflows");
            }
            java.util.Arrays.fill(symbols, at, at + (int) run, (byte) symbol);
            at += (int) run;
        }
        return symbols;
    }

    /** Undoes {@link #apply}: the clamp (when {@code symbols} is not null), then the gaps. */
    static void undo(Volume w, int s, int lowGap, int highGap, byte[] symbols) {
        PixelFormat f = w.format();
        int low = f.min() + s;
        int high = f.max() - s;
        if (symbols != null) {
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
        if (lowGap == f.min() && highGap == f.max()) {
            return;
        }
        for (int sl = 0; sl < w.slices(); sl++) {
            short[] px = w.slice(sl);
            for (int i = 0; i < px.length; i++) {
                int x = f.value(px[i]);
                if (x > highGap - s) {
                    px[i] = f.store(x + s);
                } else if (x < lowGap + s) {
                    px[i] = f.store(x - s);
                }
            }
        }
    }
}
