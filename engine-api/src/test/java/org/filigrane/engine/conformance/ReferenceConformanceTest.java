package org.filigrane.engine.conformance;

import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;

/** The suite against the reference itself: proves the suite runs and the pipelines hold on the oracle. */
class ReferenceConformanceTest extends BackendConformanceTest {
    private final Backend backend = new ReferenceBackend();

    @Override
    protected Backend backend() {
        return backend;
    }
}
