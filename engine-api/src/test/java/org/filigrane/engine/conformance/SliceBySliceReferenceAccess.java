package org.filigrane.engine.conformance;

import org.filigrane.engine.spi.Backend;

/** Hands {@link SliceBySliceReference} to tests of other packages. */
public final class SliceBySliceReferenceAccess {
    private SliceBySliceReferenceAccess() {
    }

    public static Backend create() {
        return new SliceBySliceReference();
    }
}
