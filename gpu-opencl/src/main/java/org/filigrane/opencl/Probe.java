package org.filigrane.opencl;

import java.util.Map;
import java.util.SplittableRandom;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.filigrane.opencl.BufferPool.Slot;

/** Runs Probe.cl on a session's device and compares with the same arithmetic done here, exactly. */
final class Probe {
    private static final int SIZE = 1024;
    private static final int WG = 16;

    private Probe() {
    }

    static void run(ClSession session) throws BackendUnavailableException {
        int[] in = new SplittableRandom(0x9E3779B9L).ints(SIZE).toArray();
        in[0] = Integer.MIN_VALUE;
        in[1] = -1;
        in[2] = -7;
        long[] out = new long[SIZE];
        ClProgram program = session.program(Probe.class, Map.of(), "Probe.cl");
        ClBuffer input = session.write(Slot.PROBE_IN, in, 0, SIZE);
        ClBuffer output = session.buffer(Slot.PROBE_OUT, 8L * SIZE);
        session.run(program.kernel("probe"), new long[] {SIZE}, new long[] {WG}, input, output);
        session.read(output, out, SIZE);
        for (int i = 0; i < SIZE; i++) {
            long expected = expected(in[i], i);
            if (out[i] != expected) {
                throw new BackendUnavailableException("the probe kernel gave wrong integers on " + session.device()
                        + ": at " + i + " expected " + expected + ", got " + out[i]
                        + "; the driver cannot be trusted with bit-exact work");
            }
        }
    }

    private static long expected(int x, int i) {
        long y = (long) x * 2654435761L ^ ((long) i << 17);
        int h = (short) (x >>> 3);
        return y + h + x / 7 + x % 7 + WG;
    }
}
