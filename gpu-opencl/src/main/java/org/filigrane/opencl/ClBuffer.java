package org.filigrane.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import org.jocl.cl_context;
import org.jocl.cl_mem;

/** One device buffer; closing it releases the memory object exactly once. */
final class ClBuffer implements AutoCloseable {
    private final cl_mem mem;
    private final long bytes;
    private boolean closed;

    ClBuffer(cl_context context, long bytes) {
        // OpenCL refuses empty buffers (a batch with nothing to carry still binds one), and fills need a size that
        // is a multiple of the pattern.
        this.bytes = Math.max(64, (bytes + 63) & -64L);
        this.mem = clCreateBuffer(context, CL_MEM_READ_WRITE, this.bytes, null, null);
        LiveObjects.created();
    }

    cl_mem mem() {
        return mem;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clReleaseMemObject(mem);
            LiveObjects.released();
        }
    }
}
