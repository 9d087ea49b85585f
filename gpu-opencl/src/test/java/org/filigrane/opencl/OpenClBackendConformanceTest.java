package org.filigrane.opencl;

import org.filigrane.engine.conformance.BackendConformanceTest;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.BeforeAll;

class OpenClBackendConformanceTest extends BackendConformanceTest {

    @BeforeAll
    static void device() {
        OpenClTestDevice.backend();
    }

    @Override
    protected Backend backend() {
        return OpenClTestDevice.backend();
    }
}
