package org.filigrane.opencl;

import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetPlatformIDs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Lists the OpenCL devices and picks candidates by a selector: {@code auto} (GPUs and accelerators first, then the
 * rest), an index over all devices ({@code 1}), platform and device indices ({@code 0:1}), or a case-insensitive
 * part of "platform device" names ({@code nvidia}, {@code pocl}). The selector comes from the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}, else {@code auto}.
 */
final class Devices {
    static final String PROPERTY = "filigrane.opencl.device";
    static final String ENVIRONMENT = "FILIGRANE_OPENCL_DEVICE";
    private static final String FIX = "install an OpenCL driver (a GPU vendor's, or on any CPU: apt-get install "
            + "pocl-opencl-icd ocl-icd-opencl-dev)";

    private Devices() {
    }

    static String selector() {
        String s = System.getProperty(PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(ENVIRONMENT);
        }
        return s == null || s.isBlank() ? "auto" : s.strip();
    }

    /** Every device of every platform; never empty. */
    static List<DeviceInfo> all() throws BackendUnavailableException {
        // Before anything loads a driver: PoCL's LLVM replaces the JVM's signal handlers on the first query.
        JvmSignals.save();
        try {
            return list();
        } finally {
            JvmSignals.restore();
        }
    }

    private static List<DeviceInfo> list() throws BackendUnavailableException {
        try {
            CL.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            throw new BackendUnavailableException("the OpenCL library (libOpenCL.so, via JOCL) cannot be loaded: "
                    + e + "; " + FIX, e);
        }
        cl_platform_id[] platforms;
        try {
            int[] n = new int[1];
            clGetPlatformIDs(0, null, n);
            platforms = new cl_platform_id[n[0]];
            clGetPlatformIDs(n[0], platforms, null);
        } catch (CLException e) {
            throw new BackendUnavailableException("no OpenCL platform is installed (" + e.getMessage() + "); " + FIX,
                    e);
        }
        List<DeviceInfo> list = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            cl_device_id[] devices;
            try {
                int[] n = new int[1];
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, n);
                devices = new cl_device_id[n[0]];
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, n[0], devices, null);
                // A driver initialises here (PoCL loads LLVM): shrink the window its signal handlers are in place.
                JvmSignals.restore();
            } catch (CLException e) {
                if (e.getStatus() == CL_DEVICE_NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            for (int d = 0; d < devices.length; d++) {
                list.add(DeviceInfo.query(platforms[p], devices[d], list.size(), p, d));
            }
        }
        if (list.isEmpty()) {
            throw new BackendUnavailableException("OpenCL platforms are installed but offer no device; " + FIX);
        }
        return list;
    }

    /** The devices the selector names, best first; never empty. */
    static List<DeviceInfo> candidates(String selector, List<DeviceInfo> all) throws BackendUnavailableException {
        String s = selector.toLowerCase(Locale.ROOT).strip();
        List<DeviceInfo> picked = new ArrayList<>();
        if (s.equals("auto")) {
            picked.addAll(all);
            picked.sort(Comparator.comparing((DeviceInfo d) -> !d.isGpu()));
        } else if (s.matches("\\d+")) {
            int i = Integer.parseInt(s);
            if (i < all.size()) {
                picked.add(all.get(i));
            }
        } else if (s.matches("\\d+:\\d+")) {
            int p = Integer.parseInt(s.substring(0, s.indexOf(':')));
            int d = Integer.parseInt(s.substring(s.indexOf(':') + 1));
            all.stream().filter(x -> x.platformIndex() == p && x.deviceIndex() == d).forEach(picked::add);
        } else {
            all.stream().filter(x -> (x.platformName() + " " + x.deviceName()).toLowerCase(Locale.ROOT).contains(s))
                    .forEach(picked::add);
        }
        if (picked.isEmpty()) {
            throw new BackendUnavailableException("no OpenCL device matches " + PROPERTY + "/" + ENVIRONMENT + " = '"
                    + selector + "'; devices here: " + all + "; use auto, an index, platform:device or a name part");
        }
        return picked;
    }
}
