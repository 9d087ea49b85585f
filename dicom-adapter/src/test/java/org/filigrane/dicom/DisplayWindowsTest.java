package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.nio.file.Path;
import java.util.List;
import org.filigrane.engine.DisplayWindow;
import org.filigrane.engine.WatermarkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window Center/Width in modality values become the stored-value window layer D keeps its mark invisible in. */
class DisplayWindowsTest {
    @TempDir
    Path tmp;

    @Test
    void windowIsBroughtBackThroughRescale() throws Exception {
        // SampleSeries: Window 1100/400 in HU, Rescale Intercept -1024, Slope 1: stored center 2124.
        List<Path> files = SampleSeries.write(tmp.resolve("s"), 3, 1, 32, 32);
        DicomObject o = DicomObject.read(files.get(0));
        assertEquals(new DisplayWindow(2124, 400), DisplayWindows.of(o));

        set(o, TagFromName.RescaleSlope, "2");
        set(o, TagFromName.WindowCenter, "40\\80");
        set(o, TagFromName.WindowWidth, "400\\2000");
        assertEquals(new DisplayWindow(532, 200), DisplayWindows.of(o), "first pair, (40 + 1024) / 2 and 400 / 2");

        set(o, TagFromName.RescaleSlope, "0");
        assertNull(DisplayWindows.of(o), "a zero slope names no window");
        set(o, TagFromName.RescaleSlope, "1");
        set(o, TagFromName.WindowWidth, "0.5");
        assertNull(DisplayWindows.of(o), "a width below one stored value names no window");
        o.attributes().remove(TagFromName.WindowWidth);
        assertNull(DisplayWindows.of(o), "no width, no window");
    }

    /**
     * Every DICOM embed of layer D (the embed command, the batch, the router) keeps it invisible in the series' own
     * window: the spec the engine is given carries it, unless the caller chose one; without layer D there is none.
     */
    @Test
    void theEngineIsGivenTheSeriesWindowForLayerD() throws Exception {
        SampleSeries.write(tmp.resolve("w"), 3, 1, 32, 32);
        DicomSeries series = DicomReader.read(List.of(tmp.resolve("w")), DicomReader.Options.defaults());
        WatermarkSpec plain = WatermarkSpec.reversible("partner", "why");
        assertEquals(new DisplayWindow(2124, 400),
                DicomWatermarking.dicomSpec(series, plain.withRobustId(7)).displayWindow());
        assertEquals(new DisplayWindow(100, 50),
                DicomWatermarking.dicomSpec(series, plain.withRobustId(7).withDisplayWindow(100, 50)).displayWindow(),
                "the caller's window is kept");
        assertNull(DicomWatermarking.dicomSpec(series, plain).displayWindow(), "no layer D, no window");
    }

    private static void set(DicomObject o, com.pixelmed.dicom.AttributeTag tag, String value) throws DicomException {
        AttributeList l = o.attributes();
        com.pixelmed.dicom.Attribute a = l.get(tag);
        a.removeValues();
        for (String v : value.split("\\\\")) {
            a.addValue(v);
        }
    }
}
