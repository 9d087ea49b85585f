package org.filigrane.opencl;

import java.util.Map;
import org.filigrane.engine.Volume;
import org.filigrane.opencl.BufferPool.Slot;

/**
 * Layer D on the device (DctKernels.cl): one slice per call, as the SPI asks, every whole 8x8 block in one launch.
 * Only the slice travels: the DCT reads nothing else.
 */
final class DctKernels {
    private static final int GROUP = 64;
    private static final int BLOCK = 64;

    private final ClSession session;
    private final ClProgram program;
    private final int group;

    DctKernels(ClSession session) {
        this.session = session;
        this.program = session.program(DctKernels.class, Map.of(), "Predictor.cl", "DctKernels.cl");
        long limit = Math.min(session.workGroupLimit(program.kernel("dct_forward")),
                session.workGroupLimit(program.kernel("dct_add_inverse")));
        this.group = ShiftKernels.powerOfTwoAtMost(Math.min(GROUP, limit));
    }

    void forward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        if (originRow < 0 || originColumn < 0) {
            throw new IllegalArgumentException("grid origin must not be negative: " + originRow + ", "
                    + originColumn);
        }
        int down = v.rows() > originRow ? (v.rows() - originRow) / 8 : 0;
        int across = v.columns() > originColumn ? (v.columns() - originColumn) / 8 : 0;
        int blocks = checkLength(coefficients, down * across);
        if (blocks == 0) {
            return;
        }
        ClBuffer px = session.write(Slot.PIXELS, v.slice(slice));
        ClBuffer out = session.buffer(Slot.RESULTS, 4L * BLOCK * blocks);
        session.run(program.kernel("dct_forward"), new long[] {ClSession.padded(blocks, group)},
                new long[] {group}, px, v.columns(), originRow, originColumn, across, blocks,
                ShiftKernels.signed(v), out);
        session.read(out, coefficients, BLOCK * blocks);
    }

    void addInverse(Volume v, int slice, int[] delta) {
        int across = v.columns() / 8;
        int blocks = checkLength(delta, v.rows() / 8 * across);
        if (blocks == 0) {
            return;
        }
        ClBuffer px = session.write(Slot.PIXELS, v.slice(slice));
        ClBuffer in = session.write(Slot.BITS, delta, 0, BLOCK * blocks);
        session.run(program.kernel("dct_add_inverse"), new long[] {ClSession.padded(blocks, group)},
                new long[] {group}, px, v.columns(), across, blocks, ShiftKernels.signed(v), v.format().min(),
                v.format().max(), in);
        session.download(v, slice, slice + 1);
    }

    /** As the reference: too short an array is the caller's error, named before anything runs. */
    private static int checkLength(int[] coefficients, int blocks) {
        if (coefficients.length < blocks * BLOCK) {
            throw new IllegalArgumentException("coefficient array holds " + coefficients.length + " ints, " + blocks
                    + " blocks need " + blocks * BLOCK);
        }
        return blocks;
    }
}
