package org.filigrane.opencl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.opencl.BufferPool.Slot;
import org.jocl.cl_kernel;

/**
 * Layer R on the device (ShiftKernels.cl): histograms, embedding and extraction of one pass over a batch of
 * slices {@code from .. to-1} that fits the device. Per-slice arrays ({@code firstRow}, limits, offsets) are indexed
 * by absolute slice number, as in the SPI.
 */
final class ShiftKernels {
    private static final int PREFERRED_GROUP = 128;
    private static final List<String> GROUP_KERNELS = List.of("histogram", "count_carriers", "embed_rows",
            "extract_rows");

    private final ClSession session;
    private final ClProgram program;
    private final int group;

    ShiftKernels(ClSession session) {
        this.session = session;
        int g = powerOfTwoAtMost(Math.min(PREFERRED_GROUP, session.device().maxWorkGroupSize()));
        ClProgram p = build(session, g);
        // Registers or local memory may cap a kernel below the device's limit; the scan needs the whole group.
        long limit = GROUP_KERNELS.stream().mapToLong(k -> session.workGroupLimit(p.kernel(k))).min().orElseThrow();
        while (g > limit) {
            g /= 2;
        }
        this.group = g;
        this.program = build(session, g);
    }

    private static ClProgram build(ClSession session, int group) {
        Map<String, Object> defines = new LinkedHashMap<>();
        defines.put("WG", group);
        defines.put("HIST_MIN", "(" + Backend.HIST_MIN + ")");
        defines.put("HIST_BINS", Backend.HIST_BINS);
        return session.program(ShiftKernels.class, defines, "Predictor.cl", "ShiftKernels.cl");
    }

    static int powerOfTwoAtMost(long n) {
        return Integer.highestOneBit((int) Math.max(1, Math.min(n, 1 << 20)));
    }

    int group() {
        return group;
    }

    void histograms(Volume v, int from, int to, int[] firstRow, int parity, long[][] hist) {
        int n = to - from;
        int rows = v.rows();
        // Enough groups per slice to keep every compute unit busy on short stacks, few enough that the partial
        // histograms stay small next to the pixels.
        int groups = (int) Math.max(1, Math.min(rows, (4L * session.device().computeUnits() + n - 1) / n));
        ClBuffer px = session.upload(v, from, to);
        ClBuffer first = session.write(Slot.FIRST_ROWS, firstRow, from, n);
        ClBuffer partial = session.buffer(Slot.PARTIAL, 4L * n * groups * Backend.HIST_BINS);
        ClBuffer sums = session.buffer(Slot.RESULTS, 8L * n * Backend.HIST_BINS);
        session.run(program.kernel("histogram"), new long[] {(long) groups * group, n}, new long[] {group, 1}, px,
                rows, v.columns(), first, parity, signed(v), groups, partial);
        session.run(program.kernel("sum_histograms"), new long[] {Backend.HIST_BINS, n},
                new long[] {Math.min(64, group), 1}, partial, groups, sums);
        long[] out = new long[n * Backend.HIST_BINS];
        session.read(sums, out, out.length);
        for (int s = 0; s < n; s++) {
            long[] h = hist[from + s];
            for (int b = 0; b < Backend.HIST_BINS; b++) {
                h[b] += out[s * Backend.HIST_BINS + b];
            }
        }
    }

    void embed(Volume v, int from, int to, int[] firstRow, int parity, int peak, int threshold, long[] bits,
            long[] bitOffset, int[] bitLimit) {
        if (!anyPositive(bitLimit, from, to)) {
            return;
        }
        int n = to - from;
        ClBuffer px = session.upload(v, from, to);
        ClBuffer first = session.write(Slot.FIRST_ROWS, firstRow, from, n);
        ClBuffer limits = session.write(Slot.LIMITS, bitLimit, from, n);
        int[] totals = rank(v, n, px, first, parity, peak, threshold, 0);
        // Upload only the words this batch reads: the reference reads bit offset + k for k below
        // min(carriers, limit), and throws past the end of the stream, so this does too.
        long lo = Long.MAX_VALUE;
        long hi = -1;
        for (int s = 0; s < n; s++) {
            int used = Math.min(totals[s], bitLimit[from + s]);
            if (used > 0) {
                lo = Math.min(lo, bitOffset[from + s] >>> 6);
                hi = Math.max(hi, (bitOffset[from + s] + used - 1) >>> 6);
            }
        }
        if (hi >= bits.length) {
            throw new ArrayIndexOutOfBoundsException("the bit stream holds " + bits.length + " words; slices "
                    + from + ".." + (to - 1) + " read up to word " + hi);
        }
        if (hi < 0) {
            lo = 0;
        }
        ClBuffer words = session.write(Slot.BITS, bits, (int) lo, (int) (hi - lo + 1));
        ClBuffer offsets = session.write(Slot.OFFSETS, bitOffset, from, n);
        session.run(program.kernel("embed_rows"), new long[] {(long) v.rows() * group, n}, new long[] {group, 1},
                px, v.rows(), v.columns(), first, parity, peak, threshold, signed(v),
                session.buffer(Slot.ROW_STARTS, 4L * n * v.rows()), words, lo, offsets, limits);
        session.download(v, from, to);
    }

    void extract(Volume v, int from, int to, int[] firstRow, int parity, int peak, int threshold, long[][] bitsOut,
            int[] bitLimit) {
        if (!anyPositive(bitLimit, from, to)) {
            return;
        }
        int n = to - from;
        ClBuffer px = session.upload(v, from, to);
        ClBuffer first = session.write(Slot.FIRST_ROWS, firstRow, from, n);
        ClBuffer limits = session.write(Slot.LIMITS, bitLimit, from, n);
        int[] totals = rank(v, n, px, first, parity, peak, threshold, 1);
        // Two 32-bit device words per 64-bit stream word, so that whole longs come back.
        int[] bases = new int[n];
        int[] used = new int[n];
        long words = 0;
        for (int s = 0; s < n; s++) {
            used[s] = Math.max(0, Math.min(totals[s], bitLimit[from + s]));
            bases[s] = Math.toIntExact(words);
            words += 2L * ((used[s] + 63) / 64);
        }
        ClBuffer out = session.buffer(Slot.BITS, 4 * words);
        session.zero(out, out.bytes());
        ClBuffer outBases = session.write(Slot.OUT_BASES, bases, 0, n);
        session.run(program.kernel("extract_rows"), new long[] {(long) v.rows() * group, n},
                new long[] {group, 1}, px, v.rows(), v.columns(), first, parity, peak, threshold, signed(v),
                session.buffer(Slot.ROW_STARTS, 4L * n * v.rows()), out, outBases, limits);
        session.download(v, from, to);
        int[] got = new int[(int) words];
        session.read(out, got, got.length);
        for (int s = 0; s < n; s++) {
            merge(got, bases[s], used[s], bitsOut[from + s]);
        }
    }

    /**
     * Counts each row's carriers and turns the counts into row starts on the device (left in ROW_STARTS); returns
     * each slice's number of carriers.
     */
    private int[] rank(Volume v, int n, ClBuffer px, ClBuffer first, int parity, int peak, int threshold,
            int marked) {
        int rows = v.rows();
        ClBuffer starts = session.buffer(Slot.ROW_STARTS, 4L * n * rows);
        ClBuffer totals = session.buffer(Slot.TOTALS, 4L * n);
        session.run(program.kernel("count_carriers"), new long[] {(long) rows * group, n}, new long[] {group, 1},
                px, rows, v.columns(), first, parity, peak, threshold, marked, signed(v), starts);
        cl_kernel scan = program.kernel("scan_rows");
        session.run(scan, new long[] {ClSession.padded(n, 32)}, new long[] {Math.min(32, group)}, starts, rows, n,
                totals);
        int[] counts = new int[n];
        session.read(totals, counts, n);
        return counts;
    }

    /** Writes bits {@code 0 .. used-1} into {@code out}, keeping the bits after them as the reference does. */
    private static void merge(int[] words, int base, int used, long[] out) {
        int whole = used >>> 6;
        for (int w = 0; w < whole; w++) {
            out[w] = word(words, base + 2 * w);
        }
        int rest = used & 63;
        if (rest > 0) {
            long mask = (1L << rest) - 1;
            out[whole] = (out[whole] & ~mask) | (word(words, base + 2 * whole) & mask);
        }
    }

    private static long word(int[] words, int at) {
        return (words[at] & 0xFFFF_FFFFL) | ((long) words[at + 1] << 32);
    }

    private static boolean anyPositive(int[] limits, int from, int to) {
        for (int s = from; s < to; s++) {
            if (limits[s] > 0) {
                return true;
            }
        }
        return false;
    }

    static int signed(Volume v) {
        return v.format().signed() ? 1 : 0;
    }
}
