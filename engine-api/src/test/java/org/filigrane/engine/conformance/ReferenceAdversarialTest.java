package org.filigrane.engine.conformance;

import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;

class ReferenceAdversarialTest extends AdversarialTest {
    private final Backend backend = new ReferenceBackend();

    @Override
    protected Backend backend() {
        return backend;
    }
}
