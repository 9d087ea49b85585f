package org.filigrane.engine.reference;

import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;

/** Always available; the fallback of {@code auto}. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend create() {
        return new ReferenceBackend();
    }
}
