package org.filigrane.bench;

import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clReleaseProgram;
import static org.jocl.CL.clSetKernelArg;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.Volume;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The OpenCL yardsticks, on the device {@code auto} would take (first GPU, else the first device): a plain copy
 * kernel over the volume's bytes (the device's practical memory rate, which OpenCL kernel rates are read against)
 * and a blocking upload and download of the same bytes (the host-device rate, for end-to-end figures).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpenClBaselineBench {
    private static final String COPY = "__kernel void copy(__global const uint* a, __global uint* b) {"
            + " size_t i = get_global_id(0); b[i] = a[i]; }";

    @Param({"256x256x48/12", "512x512x200/16"})
    public String volume;

    private short[] host;
    private short[] back;
    private long bytes;
    private cl_context context;
    private cl_command_queue queue;
    private cl_program program;
    private cl_kernel kernel;
    private cl_mem source;
    private cl_mem target;

    @Setup
    public void setup() {
        CL.setExceptionsEnabled(true);
        Volume v = Volumes.phantom(volume);
        int perSlice = v.rows() * v.columns();
        host = new short[Math.toIntExact((long) perSlice * v.slices() + 1) & ~1];
        for (int s = 0; s < v.slices(); s++) {
            System.arraycopy(v.slice(s), 0, host, s * perSlice, perSlice);
        }
        back = new short[host.length];
        bytes = 2L * host.length;
        cl_device_id device = pickDevice();
        context = clCreateContext(null, 1, new cl_device_id[] {device}, null, null, null);
        @SuppressWarnings("deprecation") // the OpenCL 1.2 call, as the backend uses
        cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
        queue = q;
        program = clCreateProgramWithSource(context, 1, new String[] {COPY}, null, null);
        clBuildProgram(program, 0, null, "-cl-std=CL1.2", null, null);
        kernel = clCreateKernel(program, "copy", null);
        source = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        target = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        clEnqueueWriteBuffer(queue, source, CL_TRUE, 0, bytes, Pointer.to(host), 0, null, null);
        clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(source));
        clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(target));
    }

    private static cl_device_id pickDevice() {
        int[] count = new int[1];
        clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (long type : new long[] {CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ALL}) {
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, type, 0, null, n);
                } catch (org.jocl.CLException none) {
                    continue; // CL_DEVICE_NOT_FOUND: this platform has no device of that type
                }
                cl_device_id[] devices = new cl_device_id[n[0]];
                clGetDeviceIDs(p, type, devices.length, devices, null);
                return devices[0];
            }
        }
        throw new IllegalStateException("no OpenCL device");
    }

    @Benchmark
    public void copyKernel() {
        clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {bytes / 4}, null, 0, null, null);
        clFinish(queue);
    }

    @Benchmark
    public void upload() {
        clEnqueueWriteBuffer(queue, target, CL_TRUE, 0, bytes, Pointer.to(host), 0, null, null);
    }

    @Benchmark
    public short[] download() {
        clEnqueueReadBuffer(queue, target, CL_TRUE, 0, bytes, Pointer.to(back), 0, null, null);
        return back;
    }

    @TearDown
    public void release() {
        // Whatever ran last, target must now hold the volume: the copy kernel and the upload both put it there.
        clEnqueueReadBuffer(queue, target, CL_TRUE, 0, bytes, Pointer.to(back), 0, null, null);
        boolean same = Arrays.equals(host, back);
        clReleaseMemObject(target);
        clReleaseMemObject(source);
        clReleaseKernel(kernel);
        clReleaseProgram(program);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
        if (!same) {
            throw new IllegalStateException("the device copy did not reproduce the volume");
        }
    }
}
