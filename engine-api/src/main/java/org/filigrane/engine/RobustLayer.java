package org.filigrane.engine;

import org.filigrane.engine.spi.Backend;

/** Placeholder, replaced by the D-layer work. */
final class RobustLayer {
    RobustLayer(Backend backend, byte[] layerKey) {
    }

    void embed(Volume v, long id) {
        throw new UnsupportedOperationException();
    }

    RobustDetection detect(Volume v) {
        throw new UnsupportedOperationException();
    }
}
