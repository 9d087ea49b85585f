package org.filigrane.opencl;

import org.filigrane.engine.conformance.PipelinePropertiesTest;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline properties on OpenCL; the module's pom keeps filigrane.roundTrips low for PoCL on two cores. */
class OpenClPipelinePropertiesTest extends PipelinePropertiesTest {

    @BeforeAll
    static void device() {
        OpenClTestDevice.backend();
    }

    @Override
    protected Backend backend() {
        return OpenClTestDevice.backend();
    }
}
