package org.filigrane.vector;

import org.filigrane.engine.spi.Backend;

/** Creates the backend under test; never skips: the build always enables jdk.incubator.vector. */
final class VectorTesting {
    /** More threads than the CI machine's cores, so that even three slices split into bands. */
    static final int MANY_THREADS = Math.max(3, Runtime.getRuntime().availableProcessors());

    private VectorTesting() {
    }

    static Backend backend(int threads) {
        if (ModuleLayer.boot().findModule(VectorBackendProvider.MODULE).isEmpty()) {
            throw new AssertionError("the vector tests need " + VectorBackendProvider.FIX
                    + " (the cpu-vector pom passes it to Surefire)");
        }
        return new VectorBackend(threads);
    }
}
