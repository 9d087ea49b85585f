package org.filigrane.vector;

import org.filigrane.engine.conformance.PipelinePropertiesTest;
import org.filigrane.engine.spi.Backend;

/** The engine's pipeline properties on the vector backend ({@code filigrane.roundTrips} random volumes). */
class VectorPipelinePropertiesTest extends PipelinePropertiesTest {
    private static final Backend BACKEND = VectorTesting.backend(VectorTesting.MANY_THREADS);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
