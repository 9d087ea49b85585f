package org.filigrane.vector;

import org.filigrane.engine.conformance.BackendConformanceTest;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.BeforeAll;

/** The engine's conformance suite on the vector backend with one thread (no pool, whole slices). */
class VectorSingleThreadConformanceTest extends BackendConformanceTest {
    private static final Backend BACKEND = VectorTesting.backend(1);

    @BeforeAll
    static void announce() {
        System.out.println("VectorSingleThreadConformanceTest on " + BACKEND.description());
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
