package org.filigrane.bench;

import org.filigrane.engine.Backends;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;

/** The benchmark volumes, named {@code columns x rows x slices / bits stored} (16 bits allocated, unsigned). */
final class Volumes {
    static final long SEED = 20261121L;

    private Volumes() {
    }

    static Volume phantom(String name) {
        String[] shapeBits = name.split("/");
        String[] dims = shapeBits[0].split("x");
        int columns = Integer.parseInt(dims[0]);
        int rows = Integer.parseInt(dims[1]);
        int slices = Integer.parseInt(dims[2]);
        return Phantom.generate(SEED, slices, rows, columns, PixelFormat.unsigned(16, Integer.parseInt(shapeBits[1])));
    }

    /** The backend by name, through ServiceLoader for anything but the reference, as an application gets it. */
    static Backend backend(String name) {
        return name.equals("reference") ? new ReferenceBackend() : Backends.select(name);
    }

    static void copyInto(Volume from, Volume to) {
        for (int s = 0; s < from.slices(); s++) {
            System.arraycopy(from.slice(s), 0, to.slice(s), 0, from.slice(s).length);
        }
    }

    /** Throws (failing the run) when a fast kernel produced other bytes than the reference. */
    static void requireSame(Volume expected, Volume actual, String what) {
        if (!expected.sameContent(actual)) {
            throw new IllegalStateException(what + ": result differs from the reference");
        }
    }
}
