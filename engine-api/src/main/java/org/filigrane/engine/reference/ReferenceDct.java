package org.filigrane.engine.reference;

import org.filigrane.engine.Volume;

/** Placeholder replaced by the D-layer work. */
public final class ReferenceDct {
    private ReferenceDct() {
    }

    public static void forward(Volume v, int slice, int originRow, int originColumn, int[] coefficients) {
        throw new UnsupportedOperationException();
    }

    public static void addInverse(Volume v, int slice, int[] deltaCoefficients) {
        throw new UnsupportedOperationException();
    }
}
