package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.filigrane.engine.PixelFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NativePixels} against PixelMed, its oracle: on pydicom's test files and on files pydicom writes here for
 * the layouts those lack (8-bit OB of odd length, signed 12-bit with set high bits, 16-bit Implicit VR, 8-bit
 * Implicit VR, 8-bit samples packed in OW, a private element after Pixel Data), a direct read gives the attribute list
 * PixelMed's read gives (same encoding, byte for byte) or declines, and a direct write gives PixelMed's bytes or
 * declines. Each declined layout is named, so that a path taking a file it should leave to PixelMed fails here.
 * Also the 16-bit tight loops of {@link DicomObject} (frame values, the canonical test of a lean read, the lean
 * object's Pixel Data) against the sample-by-sample arithmetic on random raw words.
 */
class NativePixelsTest {
    @TempDir
    static Path generated;

    /** Files pydicom writes (name: what the layout is). */
    private static final String MAKE = String.join("\n",
            "import sys, numpy as np, pydicom",
            "from pydicom.dataset import Dataset, FileMetaDataset",
            "from pydicom.uid import ExplicitVRLittleEndian as E, ImplicitVRLittleEndian as I, generate_uid",
            "out = sys.argv[1]",
            "rng = np.random.default_rng(int(sys.argv[2]))",
            "def make(name, ts, rows, cols, alloc, stored, signed, raw, vr=None, trailing=False):",
            "    ds = Dataset(); meta = FileMetaDataset(); meta.TransferSyntaxUID = ts",
            "    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'",
            "    meta.MediaStorageSOPInstanceUID = generate_uid()",
            "    ds.file_meta = meta; ds.SOPClassUID = meta.MediaStorageSOPClassUID",
            "    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID; ds.SeriesInstanceUID = generate_uid()",
            "    ds.StudyInstanceUID = generate_uid(); ds.Modality = 'OT'; ds.PatientName = 'Native^Test'",
            "    ds.Rows = rows; ds.Columns = cols; ds.SamplesPerPixel = 1",
            "    ds.PhotometricInterpretation = 'MONOCHROME2'",
            "    ds.BitsAllocated = alloc; ds.BitsStored = stored; ds.HighBit = stored - 1",
            "    ds.PixelRepresentation = 1 if signed else 0",
            "    ds.PixelData = raw.tobytes()",
            "    if vr: ds['PixelData'].VR = vr",
            "    if trailing: ds.add_new(0x7FE10010, 'LO', 'AFTER PIXELS')",
            "    ds.is_little_endian = True; ds.is_implicit_VR = ts == I",
            "    ds.save_as(out + '/' + name + '.dcm', write_like_original=False)",
            "make('u8-odd-ob', E, 5, 7, 8, 8, False, rng.integers(0, 256, 35, dtype=np.uint8))",
            "make('u8-odd-ob-7bits', E, 3, 3, 8, 7, False, rng.integers(0, 256, 9, dtype=np.uint8))",
            "make('s16-12bits-high-bits', E, 5, 7, 16, 12, True, rng.integers(0, 65536, 35, dtype=np.uint16))",
            "make('s16-odd', E, 3, 5, 16, 16, True, rng.integers(-32768, 32768, 15, dtype=np.int16))",
            "make('u16-implicit', I, 3, 5, 16, 16, False, rng.integers(0, 65536, 15, dtype=np.uint16))",
            "make('s16-10bits-implicit', I, 4, 4, 16, 10, True, rng.integers(0, 65536, 16, dtype=np.uint16))",
            "make('u8-implicit', I, 5, 7, 8, 8, False, rng.integers(0, 256, 35, dtype=np.uint8))",
            "make('u8-packed-ow', E, 2, 3, 8, 8, False, rng.integers(0, 256, 6, dtype=np.uint8), vr='OW')",
            "make('u16-trailing-element', E, 4, 4, 16, 12, False, rng.integers(0, 4096, 16, dtype=np.uint16),",
            "     trailing=True)",
            "");

    /** Layouts the direct read must leave to PixelMed. */
    private static final List<String> DECLINED = List.of("u8-implicit", "u16-trailing-element",
            "MR_small_bigendian",
            "ExplVR_BigEnd", "image_dfl", "MR_small_RLE", "JPEG2000", "MR_small_expb");

    @BeforeAll
    static void make() {
        Tools.require();
        long seed = System.nanoTime();
        System.out.println("NativePixelsTest seed " + seed);
        Tools.Result r = Tools.run(Tools.PYTHON, "-c", MAKE, generated.toString(), Long.toString(seed));
        assertEquals(0, r.code(), r.output());
    }

    private static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Tools.TEST_FILES, generated)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static String name(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.length() - 4);
    }

    private static AttributeList pixelMedRead(byte[] b) {
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new ByteArrayInputStream(b)));
            return list;
        } catch (IOException | DicomException | RuntimeException e) {
            return null;
        }
    }

    /** The list as PixelMed writes it, attribute by attribute (tag, VR and encoded value). */
    private static Map<AttributeTag, String> encoded(AttributeList list, String ts) throws Exception {
        Map<AttributeTag, String> m = new TreeMap<>();
        for (Attribute a : list.values()) {
            AttributeList one = new AttributeList();
            one.put(a);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            one.write(new com.pixelmed.dicom.DicomOutputStream(buf, null, ts));
            m.put(a.getTag(), new String(a.getVR(), java.nio.charset.StandardCharsets.US_ASCII) + " "
                    + java.util.HexFormat.of().formatHex(buf.toByteArray()));
        }
        return m;
    }

    @Test
    void aDirectReadGivesPixelMedsAttributesOrDeclines() throws Exception {
        int taken = 0;
        List<String> declined = new ArrayList<>();
        for (Path f : files()) {
            byte[] b = Files.readAllBytes(f);
            AttributeList direct = NativePixels.read(b);
            if (direct == null) {
                declined.add(name(f));
                continue;
            }
            AttributeList oracle = pixelMedRead(b);
            assertNotNull(oracle, f + ": read directly but PixelMed cannot read it");
            String ts = Attribute.getSingleStringValueOrEmptyString(oracle, TagFromName.TransferSyntaxUID).trim();
            assertEquals(encoded(oracle, ts), encoded(direct, ts), f.toString());
            taken++;
        }
        System.out.println("direct read: " + taken + " files taken, declined: " + declined);
        for (String n : DECLINED) {
            assertTrue(declined.contains(n), n + " must be left to PixelMed");
        }
        for (String n : List.of("CT_small", "MR_small", "MR_small_implicit", "MR_small_padded", "u8-odd-ob",
                "u8-odd-ob-7bits", "s16-12bits-high-bits", "s16-odd", "u16-implicit", "s16-10bits-implicit",
                "u8-packed-ow")) {
            assertTrue(!declined.contains(n), n + " should be read directly");
        }
        assertTrue(taken >= 15, taken + " files taken");
    }

    @Test
    void aDirectWriteGivesPixelMedsBytesOrDeclines() throws Exception {
        int written = 0;
        List<String> declined = new ArrayList<>();
        for (Path f : files()) {
            AttributeList full = pixelMedRead(Files.readAllBytes(f));
            if (full == null || full.get(TagFromName.PixelData) == null) {
                continue;
            }
            String ts = Attribute.getSingleStringValueOrEmptyString(full, TagFromName.TransferSyntaxUID).trim();
            Attribute pixels = full.get(TagFromName.PixelData);
            AttributeList header = new AttributeList();
            header.putAll(full);
            header.remove(TagFromName.PixelData);
            byte[] direct;
            try {
                direct = NativePixels.encode(header, pixels, ts);
            } catch (DicomException | RuntimeException e) {
                continue; // PixelMed cannot write this header (either path refuses it alike)
            }
            if (direct == null) {
                declined.add(name(f));
                continue;
            }
            ByteArrayOutputStream oracle = new ByteArrayOutputStream();
            full.write(oracle, ts, true, true);
            assertArrayEquals(oracle.toByteArray(), direct, f.toString());
            // And what is written directly reads back directly (where that path takes it) to the same attributes.
            AttributeList back = NativePixels.read(direct);
            if (back != null) {
                assertEquals(encoded(full, ts), encoded(back, ts), f + " read back");
            }
            written++;
        }
        System.out.println("direct write: " + written + " files, declined: " + declined);
        for (String n : List.of("u16-trailing-element", "MR_small_bigendian", "ExplVR_BigEnd",
                "image_dfl")) {
            assertTrue(declined.contains(n), n + " must be written by PixelMed");
        }
        for (String n : List.of("CT_small", "MR_small", "MR_small_padded", "u8-odd-ob", "s16-12bits-high-bits",
                "u16-implicit", "liver_1frame", "SC_rgb_small_odd", "u8-packed-ow")) {
            assertTrue(!declined.contains(n), n + " should be written directly");
        }
        assertTrue(written >= 12, written + " files written");
    }

    @Test
    void objectsReadDirectlyAreThoseReadByPixelMed() throws Exception {
        int compared = 0;
        for (Path f : files()) {
            byte[] b = Files.readAllBytes(f);
            if (NativePixels.read(b) == null) {
                continue;
            }
            DicomObject direct;
            try {
                direct = DicomObject.read(f);
            } catch (DicomInputException e) {
                continue; // refused (colour, lossy flag...): the oracle below is refused alike in the test above
            }
            DicomObject oracle = DicomObject.of(f, pixelMedRead(b));
            assertEquals(oracle.format(), direct.format());
            short[] a = new short[oracle.rows() * oracle.columns()];
            short[] c = new short[a.length];
            for (int k = 0; k < oracle.frames(); k++) {
                oracle.frameValues(k, a);
                direct.frameValues(k, c);
                assertArrayEquals(a, c, f + " frame " + k);
            }
            assertArrayEquals(oracle.unstoredBitsHash(), direct.unstoredBitsHash(), f.toString());
            compared++;
        }
        assertTrue(compared >= 8, compared + " objects");
    }

    @Test
    void sixteenBitLoopsMatchTheSampleBySampleArithmetic() throws Exception {
        long seed = System.nanoTime();
        System.out.println("NativePixelsTest loops seed " + seed);
        Random rnd = new Random(seed);
        int lean = 0;
        int kept = 0;
        for (int trial = 0; trial < 400; trial++) {
            int bits = 9 + rnd.nextInt(8);
            boolean signed = rnd.nextBoolean();
            int rows = 1 + rnd.nextInt(9);
            int columns = 1 + rnd.nextInt(9);
            int n = rows * columns;
            PixelFormat format = new PixelFormat(16, bits, signed);
            short[] words = new short[n + rnd.nextInt(2)];
            for (int i = 0; i < words.length; i++) {
                int v = signed ? format.min() + rnd.nextInt(format.max() - format.min() + 1)
                        : rnd.nextInt(format.max() + 1);
                words[i] = (short) (v & 0xFFFF);
            }
            if (bits < 16 && rnd.nextInt(3) == 0) {
                words[rnd.nextInt(n)] ^= (short) (1 << (bits + rnd.nextInt(16 - bits))); // a bit above Bits Stored
            }
            DicomObject o = DicomObject.of(Path.of("t" + trial), image(rows, columns, bits, signed, words));
            short[] values = new short[n];
            o.frameValues(0, values);
            boolean canonical = true;
            int low = (1 << bits) - 1;
            for (int i = 0; i < n; i++) {
                int r = words[i] & 0xFFFF;
                int v = signed ? ((r & low) << (32 - bits)) >> (32 - bits) : r & low;
                assertEquals((short) v, values[i], "sample " + i + " bits " + bits + " signed " + signed);
                canonical &= r == (v & 0xFFFF);
            }
            DicomObject l = o.lean();
            assertEquals(canonical, l != o, "lean or not, bits " + bits + " signed " + signed);
            if (l != o) {
                lean++;
                Attribute rebuilt = l.pixelDataWith(new short[][] {values});
                assertArrayEquals(words, rebuilt.getShortValues(), "lean Pixel Data, bits " + bits);
            } else {
                kept++;
            }
        }
        assertTrue(lean > 50 && kept > 50, lean + " lean, " + kept + " kept");
    }

    private static AttributeList image(int rows, int columns, int bits, boolean signed, short[] words)
            throws DicomException {
        AttributeList list = new AttributeList();
        putInt(list, TagFromName.Rows, rows);
        putInt(list, TagFromName.Columns, columns);
        putInt(list, TagFromName.BitsAllocated, 16);
        putInt(list, TagFromName.BitsStored, bits);
        putInt(list, TagFromName.HighBit, bits - 1);
        putInt(list, TagFromName.PixelRepresentation, signed ? 1 : 0);
        putInt(list, TagFromName.SamplesPerPixel, 1);
        com.pixelmed.dicom.CodeStringAttribute pi = new com.pixelmed.dicom.CodeStringAttribute(
                TagFromName.PhotometricInterpretation);
        pi.addValue("MONOCHROME2");
        list.put(pi);
        OtherWordAttribute px = new OtherWordAttribute(TagFromName.PixelData);
        px.setValues(words.clone());
        list.put(px);
        return list;
    }

    private static void putInt(AttributeList list, AttributeTag tag, int v) throws DicomException {
        com.pixelmed.dicom.UnsignedShortAttribute a = new com.pixelmed.dicom.UnsignedShortAttribute(tag);
        a.addValue(v);
        list.put(a);
    }

    @Test
    void otherTransferSyntaxesAndLayoutsAreDeclinedForWriting() throws Exception {
        // (a padding element alone after Pixel Data is taken: CT_small above)
        AttributeList header = new AttributeList();
        putInt(header, TagFromName.Rows, 1);
        OtherWordAttribute px = new OtherWordAttribute(TagFromName.PixelData);
        px.setValues(new short[] {1, 2});
        for (String ts : List.of(TransferSyntax.ExplicitVRBigEndian, TransferSyntax.DeflatedExplicitVRLittleEndian,
                TransferSyntax.RLE)) {
            assertNull(NativePixels.encode(header, px, ts), ts);
        }
        AttributeList trailing = new AttributeList();
        trailing.putAll(header);
        com.pixelmed.dicom.OtherByteAttribute after = new com.pixelmed.dicom.OtherByteAttribute(
                new AttributeTag(0x7FE1, 0x0010));
        after.setValues(new byte[2]);
        trailing.put(after);
        assertNull(NativePixels.encode(trailing, px, TransferSyntax.ExplicitVRLittleEndian), "element after pixels");
    }
}
