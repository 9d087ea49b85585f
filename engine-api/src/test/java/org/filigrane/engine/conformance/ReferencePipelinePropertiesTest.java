package org.filigrane.engine.conformance;

import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;

class ReferencePipelinePropertiesTest extends PipelinePropertiesTest {
    private final Backend backend = new ReferenceBackend();

    @Override
    protected Backend backend() {
        return backend;
    }
}
