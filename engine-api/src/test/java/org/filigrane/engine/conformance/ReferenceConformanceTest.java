package org.filigrane.engine.conformance;

import org.filigrane.engine.spi.Backend;

/**
 * The suite on the reference itself. Dueling the reference against itself could not fail, so the backend under
 * test is the reference run one slice at a time: the duels then check that slices are independent, and the
 * pipelines that embedding and restoring agree across the two.
 */
class ReferenceConformanceTest extends BackendConformanceTest {
    private final Backend backend = new SliceBySliceReference();

    @Override
    protected Backend backend() {
        return backend;
    }
}
