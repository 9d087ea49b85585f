package org.filigrane.vector;

import org.filigrane.engine.conformance.BackendConformanceTest;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine's conformance suite on the vector backend with more threads than this machine has cores, so that the
 * small test volumes split into bands of rows and blocks (the two-phase R passes run). The width is the one this JVM
 * was started with (the build runs one JVM per forced width: 128, 256, 512).
 */
class VectorBackendConformanceTest extends BackendConformanceTest {
    private static final Backend BACKEND = VectorTesting.backend(VectorTesting.MANY_THREADS);

    @BeforeAll
    static void announce() {
        System.out.println("VectorBackendConformanceTest on " + BACKEND.description());
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
