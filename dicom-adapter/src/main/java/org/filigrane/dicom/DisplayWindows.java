package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import org.filigrane.engine.DisplayWindow;

/**
 * The display window a DICOM object asks viewers for, in stored values: what layer D keeps its mark invisible in and
 * what a "DICOM window" export of the series shows.
 */
public final class DisplayWindows {
    private DisplayWindows() {
    }

    /**
     * The first Window Center/Width pair, brought from modality values back to stored values through Rescale
     * Slope/Intercept ({@code stored = (value - intercept) / slope}); null when the object names no usable window
     * (layer D then uses the 1st..99th percentile window).
     */
    public static DisplayWindow of(DicomObject o) {
        double[] centers = Attribute.getDoubleValues(o.attributes(), TagFromName.WindowCenter);
        double[] widths = Attribute.getDoubleValues(o.attributes(), TagFromName.WindowWidth);
        if (centers == null || widths == null || centers.length == 0 || widths.length == 0) {
            return null;
        }
        double slope = Attribute.getSingleDoubleValueOrDefault(o.attributes(), TagFromName.RescaleSlope, 1);
        double intercept = Attribute.getSingleDoubleValueOrDefault(o.attributes(), TagFromName.RescaleIntercept, 0);
        if (!Double.isFinite(slope) || slope == 0 || !Double.isFinite(intercept)) {
            return null;
        }
        double center = (centers[0] - intercept) / slope;
        double width = widths[0] / Math.abs(slope);
        if (!Double.isFinite(center) || !Double.isFinite(width) || width < 1 || Math.abs(center) > 1 << 20
                || width > 1 << 20) {
            return null;
        }
        return new DisplayWindow((int) Math.round(center), (int) Math.round(width));
    }
}
