package org.filigrane.engine;

/** Placeholder, replaced by the D-layer work. */
public record RobustDetection(boolean found, long id, int slicesTried, int slicesDecoded, String orientation) {
}
