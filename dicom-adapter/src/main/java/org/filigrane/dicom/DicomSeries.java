package org.filigrane.dicom;

import java.util.List;
import org.filigrane.engine.Volume;

/**
 * One series (or one multi-frame object) as a volume: the objects in volume order, where each slice comes from, how
 * the order was found, and any gap or duplicate in the slice positions.
 *
 * @param seriesUid Series Instance UID shared by the objects (empty when they carry none)
 * @param objects   the objects, in volume order
 * @param slices    for each volume slice, the object and frame it comes from
 * @param volume    the samples, one slice per frame
 * @param ordering  how the order was decided, for people
 * @param gaps      gaps or duplicates in slice positions, for people (empty when the spacing is regular)
 */
public record DicomSeries(String seriesUid, List<DicomObject> objects, List<Slice> slices, Volume volume,
        String ordering, List<String> gaps) {

    /**
     * Where a volume slice comes from.
     *
     * @param object   index in {@link #objects()}
     * @param frame    frame of that object (0 for single-frame objects)
     * @param position position along the slice normal in mm, or null when the geometry is missing
     */
    public record Slice(int object, int frame, Double position) {
    }

    public DicomSeries {
        objects = List.copyOf(objects);
        slices = List.copyOf(slices);
        gaps = List.copyOf(gaps);
    }

    /** The volume slice of frame 0 of object {@code objectIndex}. */
    public int firstSliceOf(int objectIndex) {
        for (int s = 0; s < slices.size(); s++) {
            if (slices.get(s).object() == objectIndex) {
                return s;
            }
        }
        return -1;
    }
}
