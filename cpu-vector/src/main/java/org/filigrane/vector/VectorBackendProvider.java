package org.filigrane.vector;

import java.util.Optional;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;

/**
 * Finds the Vector API backend for {@link java.util.ServiceLoader}. It touches no {@code jdk.incubator.vector} class
 * until it has checked that the module is readable: the kernels live in {@code VectorBackend} and {@code Kernels},
 * loaded only after the check (as Lucene's VectorizationProvider does).
 *
 * <p>System properties: {@code filigrane.vector.threads} (default: available processors) and
 * {@code filigrane.vector.bits} (128, 256 or 512: the int-lane width; the preferred width when the CPU lacks it).
 */
public final class VectorBackendProvider implements BackendProvider {
    static final String MODULE = "jdk.incubator.vector";
    static final String FIX = "start java with --add-modules " + MODULE;

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Backend create() throws BackendUnavailableException {
        Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
        if (module.isEmpty() || !VectorBackendProvider.class.getModule().canRead(module.get())) {
            throw new BackendUnavailableException("the Java module " + MODULE + " is not enabled in this JVM; " + FIX
                    + " (Maven Surefire/exec: add it to argLine; an application: to its java command line or "
                    + "JDK_JAVA_OPTIONS)");
        }
        int threads = threads();
        // First use of the vector classes: only now that the module is known to be there.
        if (VectorBackend.vectorBits() < 128) {
            throw new BackendUnavailableException("this CPU offers only " + VectorBackend.vectorBits()
                    + "-bit vectors to Java (at least 128 are useful); the reference backend is as fast here");
        }
        return new VectorBackend(threads);
    }

    private static int threads() throws BackendUnavailableException {
        String value = System.getProperty("filigrane.vector.threads", "").strip();
        if (value.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(value);
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BackendUnavailableException("system property filigrane.vector.threads=" + value
                + " is not a thread count; set it to a positive integer or remove it");
    }
}
