package org.filigrane.opencl;

import java.util.EnumMap;
import java.util.Map;
import org.jocl.cl_context;

/**
 * Device buffers kept across calls, one per role, grown (never shrunk) when a call needs more. Allocating per call
 * costs more than the kernels on small volumes and fragments device memory on large ones.
 */
final class BufferPool implements AutoCloseable {

    enum Slot {
        PIXELS, FIRST_ROWS, LIMITS, OFFSETS, ROW_STARTS, TOTALS, PARTIAL, RESULTS, BITS, OUT_BASES, CARRIED, CRC_TABLE,
        PROBE_IN, PROBE_OUT
    }

    private final cl_context context;
    private final long maxAlloc;
    private final Map<Slot, ClBuffer> held = new EnumMap<>(Slot.class);

    BufferPool(cl_context context, long maxAlloc) {
        this.context = context;
        this.maxAlloc = maxAlloc;
    }

    ClBuffer get(Slot slot, long bytes) {
        ClBuffer b = held.get(slot);
        if (b != null && b.bytes() >= bytes) {
            return b;
        }
        if (bytes > maxAlloc) {
            throw new IllegalArgumentException(slot + " needs " + bytes + " bytes, more than the device's largest "
                    + "allocation (" + maxAlloc + "); lower filigrane.opencl.chunkBytes");
        }
        long size = bytes;
        if (b != null) {
            // Headroom so that a slowly growing workload does not reallocate on every call.
            size = Math.min(maxAlloc & -64L, Math.max(bytes, b.bytes() + b.bytes() / 2));
            held.remove(slot);
            b.close();
        }
        ClBuffer fresh = new ClBuffer(context, size);
        held.put(slot, fresh);
        return fresh;
    }

    @Override
    public void close() {
        held.values().forEach(ClBuffer::close);
        held.clear();
    }
}
