package org.filigrane.opencl;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clSetKernelArg;

import java.util.HashMap;
import java.util.Map;
import org.filigrane.engine.Volume;
import org.filigrane.opencl.BufferPool.Slot;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;

/**
 * A context and in-order queue on one device, the programs built for it (cached by their full source text, which
 * includes the defines) and the reused device buffers. Not thread-safe: the backend serializes calls.
 */
final class ClSession implements AutoCloseable {
    private final DeviceInfo device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, ClProgram> programs = new HashMap<>();
    private final BufferPool buffers;
    private boolean closed;

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties is 2.0; the 1.2 call works everywhere
    ClSession(DeviceInfo device) {
        this.device = device;
        JvmSignals.save();
        try {
            this.context = clCreateContext(null, 1, new cl_device_id[] {device.device()}, null, null, null);
        } finally {
            JvmSignals.restore();
        }
        LiveObjects.created();
        try {
            this.queue = clCreateCommandQueue(context, device.device(), 0, null);
            LiveObjects.created();
        } catch (RuntimeException e) {
            clReleaseContext(context);
            LiveObjects.released();
            throw e;
        }
        this.buffers = new BufferPool(context, device.maxAllocation());
    }

    DeviceInfo device() {
        return device;
    }

    ClProgram program(Class<?> owner, Map<String, ?> defines, String... sources) {
        String text = Sources.compose(owner, defines, sources);
        ClProgram p = programs.get(text);
        if (p == null) {
            p = ClProgram.build(context, device.device(), text, String.join(" + ", sources) + " " + defines);
            programs.put(text, p);
        }
        return p;
    }

    ClBuffer buffer(Slot slot, long bytes) {
        return buffers.get(slot, bytes);
    }

    ClBuffer write(Slot slot, int[] data, int from, int count) {
        ClBuffer b = buffers.get(slot, 4L * count);
        if (count > 0) {
            clEnqueueWriteBuffer(queue, b.mem(), CL_TRUE, 0, 4L * count, Pointer.to(data).withByteOffset(4L * from),
                    0, null, null);
        }
        return b;
    }

    ClBuffer write(Slot slot, long[] data, int from, int count) {
        ClBuffer b = buffers.get(slot, 8L * count);
        if (count > 0) {
            clEnqueueWriteBuffer(queue, b.mem(), CL_TRUE, 0, 8L * count, Pointer.to(data).withByteOffset(8L * from),
                    0, null, null);
        }
        return b;
    }

    ClBuffer write(Slot slot, short[] data) {
        ClBuffer b = buffers.get(slot, 2L * data.length);
        clEnqueueWriteBuffer(queue, b.mem(), CL_TRUE, 0, 2L * data.length, Pointer.to(data), 0, null, null);
        return b;
    }

    /** Slices {@code from .. to-1} of {@code v}, packed one after the other into the pixel buffer. */
    ClBuffer upload(Volume v, int from, int to) {
        long sliceBytes = 2L * v.rows() * v.columns();
        ClBuffer b = buffers.get(Slot.PIXELS, sliceBytes * (to - from));
        for (int s = from; s < to; s++) {
            clEnqueueWriteBuffer(queue, b.mem(), CL_TRUE, sliceBytes * (s - from), sliceBytes,
                    Pointer.to(v.slice(s)), 0, null, null);
        }
        return b;
    }

    void download(Volume v, int from, int to) {
        long sliceBytes = 2L * v.rows() * v.columns();
        ClBuffer b = buffers.get(Slot.PIXELS, sliceBytes * (to - from));
        for (int s = from; s < to; s++) {
            clEnqueueReadBuffer(queue, b.mem(), CL_TRUE, sliceBytes * (s - from), sliceBytes,
                    Pointer.to(v.slice(s)), 0, null, null);
        }
    }

    void read(ClBuffer b, int[] into, int count) {
        if (count > 0) {
            clEnqueueReadBuffer(queue, b.mem(), CL_TRUE, 0, 4L * count, Pointer.to(into), 0, null, null);
        }
    }

    void read(ClBuffer b, long[] into, int count) {
        if (count > 0) {
            clEnqueueReadBuffer(queue, b.mem(), CL_TRUE, 0, 8L * count, Pointer.to(into), 0, null, null);
        }
    }

    void zero(ClBuffer b, long bytes) {
        clEnqueueFillBuffer(queue, b.mem(), Pointer.to(new int[1]), Sizeof.cl_int, 0, bytes, 0, null, null);
    }

    /**
     * Sets the arguments (Integer as int, Long as long, ClBuffer as its memory object) and enqueues the kernel. A
     * global size of zero in any dimension launches nothing.
     */
    void run(cl_kernel kernel, long[] global, long[] local, Object... args) {
        for (long g : global) {
            if (g == 0) {
                return;
            }
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case Integer x -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {x}));
                case Long x -> clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {x}));
                case ClBuffer x -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(x.mem()));
                default -> throw new IllegalArgumentException("kernel argument " + i + ": " + args[i]);
            }
        }
        clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
    }

    /** The largest work-group this kernel can run with on the device (registers and local memory decide it). */
    long workGroupLimit(cl_kernel kernel) {
        long[] size = new long[1];
        clGetKernelWorkGroupInfo(kernel, device.device(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size),
                null);
        return size[0];
    }

    void finish() {
        clFinish(queue);
    }

    /** Rounds {@code n} up to a multiple of {@code m}. */
    static long padded(long n, long m) {
        return (n + m - 1) / m * m;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            clFinish(queue);
        } finally {
            programs.values().forEach(ClProgram::close);
            programs.clear();
            buffers.close();
            clReleaseCommandQueue(queue);
            LiveObjects.released();
            clReleaseContext(context);
            LiveObjects.released();
        }
    }
}
