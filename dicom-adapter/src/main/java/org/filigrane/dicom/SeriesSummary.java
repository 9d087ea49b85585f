package org.filigrane.dicom;

import java.nio.file.Path;
import java.util.List;

/**
 * A series found among the inputs, from headers only (no pixel data read).
 *
 * @param seriesUid   Series Instance UID (empty when the files carry none)
 * @param description Series Description, Modality and size, for people
 * @param files       its files
 */
public record SeriesSummary(String seriesUid, String description, List<Path> files) {
    public SeriesSummary {
        files = List.copyOf(files);
    }
}
