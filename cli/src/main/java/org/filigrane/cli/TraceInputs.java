package org.filigrane.cli;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.SeriesSummary;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/** What {@code trace} reads: a PNG or JPEG image (one slice), or DICOM (a file, or a folder: each series in it). */
final class TraceInputs {
    /** One image or series to trace, named for the report. */
    record Item(String name, Volume volume) {
    }

    private TraceInputs() {
    }

    static List<Item> read(Path path) throws DicomInputException, IOException {
        if (!Files.exists(path)) {
            throw new DicomInputException(DicomInputException.Kind.NOT_DICOM, path, "does not exist");
        }
        if (Files.isRegularFile(path) && !DicomObject.looksLikeDicom(path)) {
            return List.of(new Item(path.toString(), image(path)));
        }
        List<Item> items = new ArrayList<>();
        List<SeriesSummary> all = DicomReader.survey(List.of(path));
        for (SeriesSummary s : all) {
            DicomSeries series = DicomReader.read(s, true, i -> { });
            items.add(new Item(path + (all.size() > 1 ? " (series " + s.seriesUid() + ")" : ""), series.volume()));
        }
        return items;
    }

    /**
     * A PNG or JPEG as one unsigned slice: grey levels as they are (8 or 16 bits), colour as integer luma
     * (ITU-R BT.601 weights, rounded), as a viewer's screenshot of a grey image gives back its grey.
     */
    static Volume image(Path file) throws IOException, DicomInputException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            img = null;
        }
        if (img == null) {
            throw new DicomInputException(DicomInputException.Kind.NOT_DICOM, file,
                    "is neither DICOM nor a PNG or JPEG image");
        }
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        boolean wide = bands == 1 && r.getSampleModel().getSampleSize(0) > 8;
        Volume v = Volume.allocate(1, img.getHeight(), img.getWidth(),
                wide ? PixelFormat.unsigned(16, 16) : PixelFormat.unsigned(8, 8));
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int value;
                if (bands < 3) {
                    value = r.getSample(x, y, 0);
                } else {
                    value = (299 * r.getSample(x, y, 0) + 587 * r.getSample(x, y, 1) + 114 * r.getSample(x, y, 2)
                            + 500) / 1000;
                }
                v.set(0, y, x, value);
            }
        }
        return v;
    }
}
