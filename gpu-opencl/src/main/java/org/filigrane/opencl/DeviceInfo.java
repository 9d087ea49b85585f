package org.filigrane.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device and what the host code needs to know before using it.
 *
 * @param index position in the list of all devices of all platforms (what a numeric selector names)
 * @param platformIndex position of its platform; {@code deviceIndex} its position within the platform
 */
record DeviceInfo(cl_platform_id platform, cl_device_id device, int index, int platformIndex, int deviceIndex,
        String platformName, String deviceName, String version, long type, long globalMemory, long maxAllocation,
        long maxWorkGroupSize, int computeUnits) {

    static DeviceInfo query(cl_platform_id platform, cl_device_id device, int index, int platformIndex,
            int deviceIndex) {
        return new DeviceInfo(platform, device, index, platformIndex, deviceIndex,
                platformString(platform, CL_PLATFORM_NAME), deviceString(device, CL_DEVICE_NAME),
                deviceString(device, CL_DEVICE_VERSION), deviceLong(device, CL_DEVICE_TYPE),
                deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceSize(device, CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceInt(device, CL_DEVICE_MAX_COMPUTE_UNITS));
    }

    /** GPUs and accelerators: where this backend beats the CPU backends. */
    boolean isGpu() {
        return (type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
    }

    /** OpenCL 1.2 or later: the kernels use clEnqueueFillBuffer and the 1.2 C dialect. */
    boolean supportsOpenCl12() {
        // "OpenCL <major>.<minor> <vendor text>"
        String[] parts = version.split("[ .]");
        try {
            int major = Integer.parseInt(parts[1]);
            int minor = Integer.parseInt(parts[2]);
            return major > 1 || (major == 1 && minor >= 2);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "#" + index + " (" + platformIndex + ":" + deviceIndex + ") " + deviceName + " [" + platformName + ", "
                + version.strip() + (isGpu() ? ", GPU" : "") + "]";
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).strip();
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }
}
