package org.filigrane.opencl;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.jocl.CLException;

/**
 * Opens the OpenCL backend on the selected device ({@link Devices}): builds every program, runs the probe kernel,
 * and under {@code auto} moves on to the next device when one fails. Priority: {@value #GPU_PRIORITY} when a driver
 * that may offer a GPU or accelerator is registered (ahead of the vector backend's 100), {@value #CPU_PRIORITY}
 * when only CPU drivers such as PoCL are, where the Vector API backend runs the same loops without the copies. The
 * rank is read from the ICD registry files ({@link IcdRegistry}); OpenCL itself is loaded only by {@link #create()}.
 *
 * <p>System properties: {@value Devices#PROPERTY} (or env {@value Devices#ENVIRONMENT}) picks the device;
 * {@value #CHUNK_PROPERTY} caps the pixel bytes per launch (default: a quarter of device memory, at most the
 * largest allocation).
 */
public final class OpenClBackendProvider implements BackendProvider {
    static final int GPU_PRIORITY = 150;
    static final int CPU_PRIORITY = 50;
    static final String CHUNK_PROPERTY = "filigrane.opencl.chunkBytes";
    private static final System.Logger LOG = System.getLogger("org.filigrane.opencl");

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return Preference.PRIORITY;
    }

    /**
     * Read once from the ICD registry ({@link IcdRegistry}), without loading OpenCL: ranking must not start drivers
     * that {@code auto} will not use.
     */
    private static final class Preference {
        static final int PRIORITY = IcdRegistry.mayHaveGpu() ? GPU_PRIORITY : CPU_PRIORITY;
    }

    @Override
    public Backend create() throws BackendUnavailableException {
        return open(Devices.selector(), Long.getLong(CHUNK_PROPERTY, 0), false);
    }

    /**
     * Under {@code auto} with the GPU rank, only a GPU or accelerator deserves it: when the drivers offer CPU
     * devices only, refuse before any context is made, and {@code auto} goes on to the Vector API backend.
     */
    @Override
    public Backend createForAuto() throws BackendUnavailableException {
        return open(Devices.selector(), Long.getLong(CHUNK_PROPERTY, 0), priority() == GPU_PRIORITY);
    }

    /** The backend on the first candidate device that builds and passes the probe; chunkBytes 0 means default. */
    static OpenClBackend open(String selector, long chunkBytes) throws BackendUnavailableException {
        return open(selector, chunkBytes, false);
    }

    private static OpenClBackend open(String selector, long chunkBytes, boolean gpuOnly)
            throws BackendUnavailableException {
        List<DeviceInfo> candidates = Devices.candidates(selector, Devices.all());
        if (gpuOnly && !candidates.getFirst().isGpu()) {
            throw new BackendUnavailableException("a GPU driver is registered but the OpenCL devices here are "
                    + candidates + "; under auto a CPU device is left to the Vector API backend (--backend opencl "
                    + "uses it anyway)");
        }
        List<String> failures = new ArrayList<>();
        BackendUnavailableException last = null;
        for (DeviceInfo d : candidates) {
            if (!d.supportsOpenCl12()) {
                failures.add(d + ": needs OpenCL 1.2 or later");
                continue;
            }
            try {
                OpenClBackend backend = start(d, chunkBytes);
                if (!failures.isEmpty()) {
                    LOG.log(Level.INFO, "OpenCL devices passed over: " + failures);
                }
                return backend;
            } catch (BackendUnavailableException e) {
                last = e;
                failures.add(d + ": " + e.getMessage());
            } catch (ProgramBuildException | CLException e) {
                last = new BackendUnavailableException(d + ": " + e.getMessage(), e);
                failures.add(d + ": " + e.getMessage());
            }
        }
        throw new BackendUnavailableException("no usable OpenCL device for '" + selector + "': "
                + String.join("; ", failures), last);
    }

    private static OpenClBackend start(DeviceInfo d, long chunkBytes) throws BackendUnavailableException {
        ClSession session = new ClSession(d);
        boolean started = false;
        try {
            Probe.run(session);
            JvmSignals.restore();
            long chunk = chunkBytes > 0 ? chunkBytes : Math.min(d.maxAllocation(), d.globalMemory() / 4);
            OpenClBackend backend = new OpenClBackend(session, chunk);
            started = true;
            return backend;
        } finally {
            if (!started) {
                session.close();
            }
        }
    }
}
