package org.filigrane.opencl;

import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/** A program built for one device, with its kernels created once and reused. */
final class ClProgram implements AutoCloseable {
    /**
     * OpenCL 1.2 C so that every 1.2 device takes the same source. Deliberately no -cl-fast-relaxed-math,
     * -cl-mad-enable or -cl-unsafe-math-optimizations: results must match the reference bit for bit.
     */
    static final String OPTIONS = "-cl-std=CL1.2";

    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
    private boolean closed;

    private ClProgram(cl_program program) {
        this.program = program;
    }

    static ClProgram build(cl_context context, cl_device_id device, String source, String what) {
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        LiveObjects.created();
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, OPTIONS, null, null);
        } catch (CLException e) {
            JvmSignals.restore();
            String log = buildLog(p, device);
            clReleaseProgram(p);
            LiveObjects.released();
            throw new ProgramBuildException(what + " did not build (" + e.getMessage() + "); build log:\n" + log, e);
        }
        // The compiler (LLVM in PoCL) may install its handlers when it first runs.
        JvmSignals.restore();
        return new ClProgram(p);
    }

    private static String buildLog(cl_program p, cl_device_id device) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).strip();
    }

    cl_kernel kernel(String name) {
        if (closed) {
            throw new IllegalStateException("program released");
        }
        return kernels.computeIfAbsent(name, n -> {
            cl_kernel k = clCreateKernel(program, n, null);
            LiveObjects.created();
            return k;
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (cl_kernel k : kernels.values()) {
            clReleaseKernel(k);
            LiveObjects.released();
        }
        kernels.clear();
        clReleaseProgram(program);
        LiveObjects.released();
    }
}
