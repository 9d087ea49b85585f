package org.filigrane.vector;

import org.filigrane.engine.conformance.AdversarialTest;
import org.filigrane.engine.spi.Backend;

class VectorAdversarialTest extends AdversarialTest {
    private final Backend backend = VectorTesting.backend(VectorTesting.MANY_THREADS);

    @Override
    protected Backend backend() {
        return backend;
    }
}
