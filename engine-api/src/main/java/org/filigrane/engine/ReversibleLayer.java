package org.filigrane.engine;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.Checksums;

/**
 * Layer R: prediction-error histogram shifting, two checkerboard passes, one bit stream over the whole volume
 * (pass 0 of every slice, then pass 1). The 144-bit header sits in the low bits of the first pixels of the volume
 * (the reserved rows, never predicted from); their original low bits travel in the stream. FORMAT.md has the layout.
 */
final class ReversibleLayer {
    static final int HEADER_BITS = 160;
    static final int MAGIC = 0x4647;
    static final int VERSION = 2;
    /** Header flag: a clamp map leads the stream (the range had no gap to use at one of its ends). */
    static final int FLAG_CLAMP_MAP = 8;
    /** Header flag: the range was prepared (gaps or clamp) with headroom 1 + T's threshold. */
    static final int FLAG_PREPARED = 16;
    /** Header flag: the stream carries the low gap (16 bits) after the map. */
    static final int FLAG_LOW_GAP = 32;
    /** Header flag: the stream carries the high gap (16 bits) after the low gap. */
    static final int FLAG_HIGH_GAP = 64;
    /** Layer T block sizes by their 2-bit code in the header (0: no T). */
    static final int[] BLOCK_SIZES = {0, 16, 32, 18};
    /** R's thresholds, fewest bins (least distortion) first: the first whose capacity carries the stream is used. */
    static final int[] THRESHOLDS = {1, 2, 3, 4};
    static final int MAX_THRESHOLD = 4;

    private final Backend backend;

    ReversibleLayer(Backend backend) {
        this.backend = backend;
    }

    /**
     * The header. {@code threshold} is R's own (its bins), {@code tBlock}/{@code tThreshold} layer T's parameters
     * (0 without T).
     */
    record Header(int flags, int threshold, int tBlock, int tThreshold, int peak0, int peak1, long bits0,
            long bits1) {
        /** Headroom the range was prepared with, 0 when it needed none. */
        int shrink() {
            return (flags & FLAG_PREPARED) == 0 ? 0 : threshold + tThreshold;
        }
    }

    /** Smallest right peak P with the marked bins P - 2t .. P + 2t - 1 inside the histogram window. */
    static int peakMin(int t) {
        return Backend.HIST_MIN + 2 * t;
    }

    static int peakMax(int t) {
        return Backend.HIST_MIN + Backend.HIST_BINS - 2 * t;
    }

    /** What embedding used and left over, for the report. */
    record Embedded(Header header, long streamBits, long capacityBits) {
    }

    /** What decoding found: the payload bytes and the header that framed them. */
    record Decoded(Header header, byte[] payload) {
    }

    // ---- geometry ----

    static int reservedRows(Volume v) {
        return (HEADER_BITS + v.columns() - 1) / v.columns();
    }

    /** True when the volume can hold the header at all. */
    static boolean fits(Volume v) {
        return (long) v.slices() * v.rows() > reservedRows(v);
    }

    static int[] firstRows(Volume v) {
        int[] first = new int[v.slices()];
        long reserved = reservedRows(v);
        for (int s = 0; s < first.length; s++) {
            first[s] = (int) Math.max(0, Math.min(v.rows(), reserved - (long) s * v.rows()));
        }
        return first;
    }

    /** Whether the stored range leaves room for {@code shrink} steps at both ends and one value between. */
    static boolean rangeAllows(PixelFormat f, int shrink) {
        return (long) f.max() - f.min() >= 2L * shrink + 1;
    }

    // ---- capacity ----

    /** Length of the stream for a shrink map of {@code mapBits} and a payload of {@code payloadBytes}. */
    static long streamBits(long mapBits, long payloadBytes) {
        long lengthCode = 2L * (63 - Long.numberOfLeadingZeros(payloadBytes + 1)) + 1;
        return mapBits + HEADER_BITS + lengthCode + 8 * payloadBytes;
    }

    /** Bits the two passes can carry, and the bits of the shrink map embedding would write. */
    record Room(long capacityBits, long mapBits) {
    }

    /**
     * Pass 0 exactly; pass 1 measured after filling pass 0 with a fixed pseudo-random pattern (the real payload's
     * pass-0 bits can move it by a few bits; embedding re-checks).
     */
    Room capacity(Volume input, int tHeadroom, int threshold) {
        int shrink = threshold + tHeadroom;
        if (!fits(input) || !rangeAllows(input.format(), shrink)) {
            return new Room(0, 0);
        }
        Volume w = input.copy();
        long mapBits = Shrink.apply(w, shrink, null).sideBits();
        int[] first = firstRows(w);
        // An unbounded need makes the plans look at every slice: the volume's whole capacity.
        Plan plan0 = plan(w, first, 0, Long.MAX_VALUE, threshold);
        long cap0 = plan0.capacity();
        long[] noise = new long[(int) ((cap0 + 63) >>> 6) + 1];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < noise.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            noise[i] = x;
        }
        int[] limits0 = cutoff(plan0.counts(), cap0);
        backend.embedPass(w, first, 0, plan0.peak(), threshold, noise, offsets(limits0, 0), limits0);
        long cap1 = plan(w, first, 1, Long.MAX_VALUE, threshold).capacity();
        return new Room(cap0 + cap1, mapBits);
    }

    // ---- embed ----

    /**
     * Embeds {@code payload} into {@code w} in place. {@code w} must be the engine's own copy; {@code range} is its
     * value range when known (else null).
     */
    Embedded embed(Volume w, byte[] payload, int threshold, int flags, int tBlock, int tThreshold, int[] range)
            throws CapacityExceededException {
        int shrink = threshold + tThreshold;
        if (!fits(w)) {
            throw new CapacityExceededException("volume too small for the " + HEADER_BITS + "-bit header",
                    HEADER_BITS, 0);
        }
        if (!rangeAllows(w.format(), shrink)) {
            throw new CapacityExceededException("stored range of " + w.format() + " too narrow for reversible layers",
                    1, 0);
        }
        Shrink.Prepared prepared = Shrink.apply(w, shrink, range);
        BitWriter map = prepared.map();
        PixelFormat f = w.format();
        int[] first = firstRows(w);
        BitWriter stream = new BitWriter();
        if (map != null) {
            stream.append(map);
        }
        if (prepared.lowGapUsed()) {
            stream.bits(prepared.lowGap() & 0xFFFF, 16);
        }
        if (prepared.highGapUsed()) {
            stream.bits(prepared.highGap() & 0xFFFF, 16);
        }
        for (int i = 0; i < HEADER_BITS; i++) {
            stream.bit(reservedSample(w, i) & 1);
        }
        stream.gamma(payload.length + 1L);
        stream.bytes(payload);
        long total = stream.length();
        long[] words = stream.words();

        Plan plan0 = plan(w, first, 0, total, threshold);
        long bits0 = Math.min(total, plan0.capacity());
        int[] limits0 = cutoff(plan0.counts(), bits0);
        backend.embedPass(w, first, 0, plan0.peak(), threshold, words, offsets(limits0, 0), limits0);

        long bits1 = total - bits0;
        Plan plan1 = plan(w, first, 1, bits1, threshold);
        if (bits1 > plan1.capacity()) {
            throw new CapacityExceededException("payload does not fit", total, plan0.capacity() + plan1.capacity());
        }
        int[] limits1 = cutoff(plan1.counts(), bits1);
        backend.embedPass(w, first, 1, plan1.peak(), threshold, words, offsets(limits1, bits0), limits1);
        int peak0 = plan0.peak();
        int peak1 = plan1.peak();

        int more = (map != null ? FLAG_CLAMP_MAP : 0) | (prepared.changed() ? FLAG_PREPARED : 0)
                | (prepared.lowGapUsed() ? FLAG_LOW_GAP : 0) | (prepared.highGapUsed() ? FLAG_HIGH_GAP : 0);
        Header header = new Header(flags | more, threshold, tBlock, tThreshold, peak0, peak1, bits0, bits1);
        writeHeader(w, header);
        return new Embedded(header, total, plan0.capacity() + plan1.capacity());
    }

    /** A pass's peak and what each slice can carry with it, over the slices the plan looked at. */
    record Plan(int peak, long[] counts, long capacity) {
    }

    /**
     * Chooses a pass's peak over the fewest leading slices that can carry {@code need} bits: histograms are gathered
     * in chunks of 1, 2, 4... slices until the best peak of the slices gathered so far covers the need, or every
     * slice is in. A small payload so reads the first slices, not the volume; a payload too large for any prefix
     * gets the peak of the whole volume. Slices not gathered count 0.
     */
    private Plan plan(Volume w, int[] first, int parity, long need, int threshold) {
        int n = w.slices();
        long[][] hist = new long[n][];
        int gathered = 0;
        for (int chunk = 1; ; chunk *= 2) {
            int to = Math.min(n, gathered + chunk);
            long[][] part = new long[to - gathered][Backend.HIST_BINS];
            backend.errorHistograms(slices(w, gathered, to), Arrays.copyOfRange(first, gathered, to), parity, part);
            System.arraycopy(part, 0, hist, gathered, part.length);
            gathered = to;
            long[][] seen = Arrays.copyOf(hist, gathered);
            int peak = choosePeak(seen, threshold);
            long[] counts = Arrays.copyOf(embeddable(seen, peak, threshold, false), n);
            long capacity = sum(counts);
            if (capacity >= need || gathered == n) {
                return new Plan(peak, counts, capacity);
            }
        }
    }

    // ---- decode ----

    /**
     * Reads the header; null when there is none (never watermarked, or another layer is still on top).
     */
    static Header readHeader(Volume w) {
        if (!fits(w)) {
            return null;
        }
        BitWriter bits = new BitWriter();
        for (int i = 0; i < HEADER_BITS; i++) {
            bits.bit(reservedSample(w, i) & 1);
        }
        BitReader r = new BitReader(bits.words(), HEADER_BITS);
        int magic = (int) r.bits(16);
        int version = (int) r.bits(8);
        int flags = (int) r.bits(8);
        int threshold = (int) r.bits(8);
        int tParams = (int) r.bits(8);
        int tBlock = BLOCK_SIZES[tParams >>> 6];
        int tThreshold = tBlock == 0 ? 0 : (tParams & 63) + 1;
        int peak0 = (short) r.bits(16);
        int peak1 = (short) r.bits(16);
        long bits0 = r.bits(32);
        long bits1 = r.bits(32);
        int crc = (int) r.bits(16);
        if (magic != MAGIC || version != VERSION || crc != headerCrc(bits.words())) {
            return null;
        }
        if (threshold < 1 || threshold > MAX_THRESHOLD) {
            return null;
        }
        if (peak0 < peakMin(threshold) || peak0 > peakMax(threshold) || peak1 < peakMin(threshold)
                || peak1 > peakMax(threshold)) {
            return null;
        }
        Header h = new Header(flags, threshold, tBlock, tThreshold, peak0, peak1, bits0, bits1);
        if (h.shrink() > 0 && !rangeAllows(w.format(), h.shrink())) {
            return null;
        }
        return h;
    }

    /** Restores {@code w} in place to the layer's input and returns the payload. */
    Decoded decode(Volume w, Header h) {
        int[] first = firstRows(w);
        BitWriter all = new BitWriter();
        BitWriter part1 = extract(w, first, 1, h.peak1(), h.threshold(), h.bits1());
        all.append(extract(w, first, 0, h.peak0(), h.threshold(), h.bits0()));
        all.append(part1);
        BitReader stream = new BitReader(all.words(), all.length());
        byte[] symbols = (h.flags() & FLAG_CLAMP_MAP) != 0 ? Shrink.readMap(stream, w.pixelCount(), h.shrink())
                : null;
        PixelFormat f = w.format();
        int lowGap = (h.flags() & FLAG_LOW_GAP) != 0 ? f.value((short) stream.bits(16)) : f.min();
        int highGap = (h.flags() & FLAG_HIGH_GAP) != 0 ? f.value((short) stream.bits(16)) : f.max();
        int[] lsb = new int[HEADER_BITS];
        for (int i = 0; i < HEADER_BITS; i++) {
            lsb[i] = stream.bit();
        }
        long length = stream.gamma() - 1;
        if (length < 0 || length * 8 > stream.remaining()) {
            throw new MalformedWatermarkException("payload length " + length + " exceeds the stream");
        }
        byte[] payload = stream.bytes((int) length);
        for (int i = 0; i < HEADER_BITS; i++) {
            setReservedLowBit(w, i, lsb[i]);
        }
        if (h.shrink() > 0) {
            Shrink.undo(w, h.shrink(), lowGap, highGap, symbols);
        }
        return new Decoded(h, payload);
    }

    /**
     * Extracts {@code total} bits of one pass, slices in order, and restores the pass. Only the slices the stream
     * reaches are counted and touched (in chunks of 1, 2, 4... slices), so decoding a small payload reads the first
     * slices, not the volume.
     */
    private BitWriter extract(Volume w, int[] first, int parity, int peak, int threshold, long total) {
        BitWriter joined = new BitWriter();
        if (total == 0) {
            return joined;
        }
        int n = w.slices();
        long[] counts = new long[n];
        int counted = 0;
        long found = 0;
        for (int chunk = 1; found < total && counted < n; chunk *= 2) {
            int to = Math.min(n, counted + chunk);
            long[][] hist = new long[to - counted][Backend.HIST_BINS];
            backend.errorHistograms(slices(w, counted, to), Arrays.copyOfRange(first, counted, to), parity, hist);
            long[] part = embeddable(hist, peak, threshold, true);
            for (int i = 0; i < part.length; i++) {
                counts[counted + i] = part[i];
                found += part[i];
            }
            counted = to;
        }
        if (found < total) {
            throw new MalformedWatermarkException("pass " + parity + " holds fewer bits than its header says");
        }
        int[] limits = cutoff(Arrays.copyOf(counts, counted), total);
        long[][] out = new long[counted][];
        for (int s = 0; s < counted; s++) {
            out[s] = new long[(limits[s] + 63) / 64 + 1];
        }
        backend.extractPass(slices(w, 0, counted), Arrays.copyOf(first, counted), parity, peak, threshold, out,
                limits);
        for (int s = 0; s < counted; s++) {
            BitReader r = new BitReader(out[s], limits[s]);
            for (int i = 0; i < limits[s]; i++) {
                joined.bit(r.bit());
            }
        }
        return joined;
    }

    private static Volume slices(Volume w, int from, int to) {
        return from == 0 && to == w.slices() ? w : w.withSlices(IntStream.range(from, to).toArray());
    }

    // ---- planning helpers ----

    /**
     * The right peak P maximising the count of errors P-t .. P+t-1; ties go to the P nearest 0, then the lower.
     */
    static int choosePeak(long[][] hist, int t) {
        long[] total = new long[Backend.HIST_BINS];
        for (long[] h : hist) {
            for (int i = 0; i < total.length; i++) {
                total[i] += h[i];
            }
        }
        int best = 0;
        long bestCount = -1;
        for (int p = peakMin(t); p <= peakMax(t); p++) {
            long count = 0;
            for (int e = p - t; e < p + t; e++) {
                count += total[e - Backend.HIST_MIN];
            }
            if (count > bestCount || (count == bestCount && Math.abs(p) < Math.abs(best))) {
                best = p;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * Per slice, pixels that carry a bit: errors P-t..P+t-1 before embedding, P-2t..P+2t-1 in a marked image.
     */
    static long[] embeddable(long[][] hist, int peak, int t, boolean marked) {
        long[] c = new long[hist.length];
        int lo = marked ? peak - 2 * t : peak - t;
        int hi = marked ? peak + 2 * t - 1 : peak + t - 1;
        for (int s = 0; s < hist.length; s++) {
            for (int e = lo; e <= hi; e++) {
                c[s] += hist[s][e - Backend.HIST_MIN];
            }
        }
        return c;
    }

    /** Bits per slice when {@code total} bits fill the slices in order. */
    static int[] cutoff(long[] counts, long total) {
        int[] limits = new int[counts.length];
        long remaining = total;
        for (int s = 0; s < counts.length; s++) {
            limits[s] = (int) Math.min(counts[s], remaining);
            remaining -= limits[s];
        }
        return limits;
    }

    static long[] offsets(int[] limits, long start) {
        long[] off = new long[limits.length];
        long at = start;
        for (int s = 0; s < limits.length; s++) {
            off[s] = at;
            at += limits[s];
        }
        return off;
    }

    static long sum(long[] a) {
        long t = 0;
        for (long x : a) {
            t += x;
        }
        return t;
    }

    // ---- header in the reserved low bits ----

    private static int reservedSample(Volume w, int i) {
        int perSlice = w.rows() * w.columns();
        return w.format().value(w.slice(i / perSlice)[i % perSlice]);
    }

    private static void setReservedLowBit(Volume w, int i, int bit) {
        int perSlice = w.rows() * w.columns();
        short[] px = w.slice(i / perSlice);
        int v = w.format().value(px[i % perSlice]);
        px[i % perSlice] = w.format().store((v & ~1) | bit);
    }

    /** Writes {@code h} into the reserved pixels' low bits (package-private for the adversarial tests' forger). */
    static void writeHeader(Volume w, Header h) {
        BitWriter bits = new BitWriter();
        bits.bits(MAGIC, 16);
        bits.bits(VERSION, 8);
        bits.bits(h.flags(), 8);
        bits.bits(h.threshold(), 8);
        int code = java.util.stream.IntStream.range(0, BLOCK_SIZES.length).filter(i -> BLOCK_SIZES[i] == h.tBlock())
                .findFirst().orElseThrow();
        bits.bits(code == 0 ? 0 : (code << 6) | (h.tThreshold() - 1), 8);
        bits.bits(h.peak0(), 16);
        bits.bits(h.peak1(), 16);
        bits.bits(h.bits0(), 32);
        bits.bits(h.bits1(), 32);
        bits.bits(headerCrc(bits.words()), 16);
        BitReader r = new BitReader(bits.words(), HEADER_BITS);
        for (int i = 0; i < HEADER_BITS; i++) {
            setReservedLowBit(w, i, r.bit());
        }
    }

    /** CRC-16 of the header bits before the CRC, taken as bytes in stream order. */
    private static int headerCrc(long[] words) {
        int crc = Checksums.CRC16_INIT;
        for (int i = 0; i < (HEADER_BITS - 16) / 8; i++) {
            crc = Checksums.crc16(crc, (int) (words[i / 8] >>> (8 * (i % 8))));
        }
        return crc;
    }
}
