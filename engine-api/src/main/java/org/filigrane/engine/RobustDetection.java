package org.filigrane.engine;

/**
 * What the robust layer (D) found in a volume, without the original.
 *
 * @param found          whether at least one slice decoded an identifier that passed the error-correction and
 *                       correlation checks; when false, {@code id} is 0 and {@code orientation} is {@code "none"}
 * @param id             the 64-bit identifier decoded by the most slices (ties go to the one seen first)
 * @param slicesTried    slices examined (every slice of the volume)
 * @param slicesDecoded  slices that decoded {@code id}
 * @param orientation    how the examined copy was turned relative to the marked original, for the slices that
 *                       decoded {@code id}: {@code identity}, {@code flipH} (left-right mirror), {@code flipV},
 *                       {@code rot180}, {@code rot90} (quarter turn counterclockwise), {@code rot270},
 *                       {@code transpose} or {@code antiTranspose}
 */
public record RobustDetection(boolean found, long id, int slicesTried, int slicesDecoded, String orientation) {

    static RobustDetection notFound(int slicesTried) {
        return new RobustDetection(false, 0, slicesTried, 0, "none");
    }
}
