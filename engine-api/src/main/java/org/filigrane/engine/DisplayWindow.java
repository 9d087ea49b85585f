package org.filigrane.engine;

/**
 * The window an image is viewed in, in stored sample values (convert DICOM Window Center/Width through Rescale
 * Slope/Intercept first): values {@code center - width / 2 .. center - width / 2 + width} span the display.
 * Layer D keeps its pattern invisible in this window and hides more of it where the window clips.
 */
public record DisplayWindow(int center, int width) {

    public DisplayWindow {
        if (width < 1) {
            throw new IllegalArgumentException("window width must be at least 1, got " + width);
        }
    }

    /** Lowest value shown above black. */
    int low() {
        return center - width / 2;
    }

    /** Highest value shown below white. */
    int high() {
        return low() + width;
    }
}
