package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.demo.Phantom;

/**
 * Writes the bundled sample: a synthetic CT series of the engine's {@link Phantom} (12-bit, one file per slice,
 * Explicit VR Little Endian), deterministic for a seed except for its UIDs. Used by {@code filigrane demo} and the
 * tests; it is generated on demand rather than shipped, so the repository carries no binary DICOM.
 */
public final class SampleSeries {
    private SampleSeries() {
    }

    public static List<Path> write(Path directory, long seed, int slices, int rows, int columns) throws IOException {
        PixelFormat format = PixelFormat.unsigned(16, 12);
        Volume v = Phantom.generate(seed, slices, rows, columns, format);
        Files.createDirectories(directory);
        String study = DicomWatermarking.newUid();
        String series = DicomWatermarking.newUid();
        String frame = DicomWatermarking.newUid();
        List<Path> files = new ArrayList<>();
        try {
            for (int s = 0; s < slices; s++) {
                AttributeList l = new AttributeList();
                put(l, TagFromName.SpecificCharacterSet, "ISO_IR 100");
                put(l, TagFromName.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
                put(l, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
                put(l, TagFromName.SOPInstanceUID, DicomWatermarking.newUid());
                put(l, TagFromName.StudyDate, "20250101");
                put(l, TagFromName.SeriesDate, "20250101");
                put(l, TagFromName.ContentDate, "20250101");
                put(l, TagFromName.StudyTime, "120000");
                put(l, TagFromName.SeriesTime, "120000");
                put(l, TagFromName.ContentTime, "120000");
                put(l, TagFromName.AccessionNumber, "FILIGRANE1");
                put(l, TagFromName.Modality, "CT");
                put(l, TagFromName.Manufacturer, "Filigrane synthetic phantom");
                put(l, TagFromName.ReferringPhysicianName, "");
                put(l, TagFromName.SeriesDescription, "Filigrane phantom head");
                put(l, TagFromName.PatientName, "PHANTOM^FILIGRANE");
                put(l, TagFromName.PatientID, "PHANTOM-" + seed);
                put(l, TagFromName.PatientBirthDate, "19700101");
                put(l, TagFromName.PatientSex, "O");
                put(l, TagFromName.SliceThickness, "2.5");
                put(l, new AttributeTag(0x0018, 0x0060), "120");
                put(l, TagFromName.StudyInstanceUID, study);
                put(l, TagFromName.SeriesInstanceUID, series);
                put(l, TagFromName.StudyID, "1");
                put(l, TagFromName.SeriesNumber, "1");
                put(l, TagFromName.AcquisitionNumber, "1");
                put(l, TagFromName.InstanceNumber, Integer.toString(s + 1));
                put(l, TagFromName.ImagePositionPatient, "-100", "-100", String.format(Locale.ROOT, "%.1f", 2.5 * s));
                put(l, TagFromName.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
                put(l, TagFromName.FrameOfReferenceUID, frame);
                put(l, TagFromName.PositionReferenceIndicator, "");
                put(l, TagFromName.SliceLocation, String.format(Locale.ROOT, "%.1f", 2.5 * s));
                put(l, TagFromName.SamplesPerPixel, "1");
                put(l, TagFromName.PhotometricInterpretation, "MONOCHROME2");
                put(l, TagFromName.Rows, Integer.toString(rows));
                put(l, TagFromName.Columns, Integer.toString(columns));
                put(l, TagFromName.PixelSpacing, "0.8", "0.8");
                put(l, TagFromName.BitsAllocated, "16");
                put(l, TagFromName.BitsStored, "12");
                put(l, TagFromName.HighBit, "11");
                put(l, TagFromName.PixelRepresentation, "0");
                put(l, TagFromName.WindowCenter, "1100");
                put(l, TagFromName.WindowWidth, "400");
                put(l, TagFromName.RescaleIntercept, "-1024");
                put(l, TagFromName.RescaleSlope, "1");
                OtherWordAttribute px = new OtherWordAttribute(TagFromName.PixelData);
                px.setValues(v.slice(s).clone());
                l.put(px);
                FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "FILIGRANE");
                Path f = directory.resolve(String.format(Locale.ROOT, "IM%04d.dcm", s + 1));
                l.write(f.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
                files.add(f);
            }
        } catch (DicomException e) {
            throw new IOException("cannot write the sample series: " + e.getMessage(), e);
        }
        return files;
    }

    private static void put(AttributeList l, AttributeTag tag, String... values) throws DicomException {
        Attribute a = AttributeList.getDictionary().getValueRepresentationFromTag(tag) == null ? null
                : com.pixelmed.dicom.AttributeFactory.newAttribute(tag);
        if (a == null) {
            throw new DicomException("no dictionary entry for " + tag);
        }
        for (String v : values) {
            a.addValue(v);
        }
        l.put(a);
    }
}
