package org.filigrane.opencl;

import org.filigrane.engine.conformance.AdversarialTest;
import org.filigrane.engine.spi.Backend;

class OpenClAdversarialTest extends AdversarialTest {
    @Override
    protected Backend backend() {
        return OpenClTestDevice.backend();
    }

    /** PoCL runs each call with transfers: every 4th payload byte past the first 60. */
    @Override
    protected int payloadStride() {
        return 4;
    }
}
