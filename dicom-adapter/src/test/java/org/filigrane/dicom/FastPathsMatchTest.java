package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter's faster internals against the straightforward code they replaced, kept here as the oracle, so that
 * format 2 stays byte for byte what it was: each attribute's canonical hash (a reused digest and encoder per thread
 * instead of new ones per attribute) on every attribute of pydicom's test files and of the sample series, and the
 * unstored-bits hash of 16-bit samples (one tight loop; all-canonical samples: the hash of zeros kept per shape) on
 * random raw words, signed and unsigned, with padding, and of 8-bit samples; 8-bit samples' values and rebuilt
 * Pixel Data (tight loops instead of three calls per sample).
 */
class FastPathsMatchTest {
    @TempDir
    Path tmp;

    @Test
    void attributeHashesMatchAFreshEncoderOnRealFiles() throws Exception {
        Tools.require();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Tools.TEST_FILES)) {
            s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
        }
        files.addAll(SampleSeries.write(tmp.resolve("s"), 5, 3, 32, 32));
        int attributes = 0;
        int objects = 0;
        for (Path f : files) {
            AttributeList list = new AttributeList();
            try {
                list.read(f.toString());
            } catch (IOException | DicomException | RuntimeException e) {
                continue; // a file PixelMed cannot read is not an input the manifest ever sees
            }
            objects++;
            for (Attribute a : list.values()) {
                byte[] expected;
                try {
                    expected = oracleHash(a);
                } catch (IllegalStateException e) {
                    continue; // an attribute PixelMed cannot encode: both paths refuse it alike
                }
                assertArrayEquals(expected, AttributeDigest.hash(a), f.getFileName() + " " + a.getTag());
                attributes++;
            }
        }
        System.out.println("attribute hashes compared: " + attributes + " attributes of " + objects + " objects");
        assertTrue(objects > 20 && attributes > 1000, objects + " objects, " + attributes + " attributes");
    }

    @Test
    void unstoredBitsHashOf16BitSamplesMatchesTheSampleBySampleForm() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FastPathsMatchTest seed " + seed);
        Random rnd = new Random(seed);
        for (int bitsStored : new int[] {8, 10, 12, 15, 16}) {
            for (boolean signed : new boolean[] {false, true}) {
                for (int padding : new int[] {0, 1, 7}) {
                    // noisy: some samples with any bits at all above Bits Stored; else all canonical (the hash of
                    // zeros, kept per shape), except at most one sample when oneOff
                    for (int kind = 0; kind < 3; kind++) {
                        int rows = 1 + rnd.nextInt(40);
                        int columns = 1 + rnd.nextInt(40);
                        short[] words = new short[rows * columns + padding];
                        for (int i = 0; i < words.length; i++) {
                            int v = rnd.nextInt(1 << bitsStored);
                            words[i] = (short) (kind == 0 && rnd.nextInt(4) == 0 ? rnd.nextInt(1 << 16) : signed
                                    ? ((v << (32 - bitsStored)) >> (32 - bitsStored)) : v);
                        }
                        if (kind == 2) {
                            words[rnd.nextInt(rows * columns)] ^= (short) (1 << (15 - rnd.nextInt(16)));
                        }
                        DicomObject o = object(rows, columns, bitsStored, signed, words);
                        assertArrayEquals(oracleUnstoredBits(o), o.unstoredBitsHash(), "seed " + seed + ", "
                                + bitsStored + " bits, signed " + signed + ", padding " + padding + ", kind " + kind);
                    }
                }
            }
        }
    }

    @Test
    void unstoredBitsHashOf8BitSamplesMatchesTheSampleBySampleForm() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FastPathsMatchTest 8-bit seed " + seed);
        Random rnd = new Random(seed);
        for (int bitsStored : new int[] {5, 7, 8}) {
            for (boolean signed : new boolean[] {false, true}) {
                for (boolean noisy : new boolean[] {false, true}) {
                    int rows = 1 + rnd.nextInt(40);
                    int columns = 2 * (1 + rnd.nextInt(20));
                    byte[] bytes = randomBytes8(rnd, rows * columns, bitsStored, signed, noisy);
                    DicomObject o = object8(rows, columns, bitsStored, signed, bytes);
                    MessageDigest md = AttributeDigest.sha256();
                    for (int i = 0; i < bytes.length; i++) {
                        int r = o.raw(i);
                        md.update((byte) (r ^ o.canonical(o.value(r))));
                    }
                    assertArrayEquals(md.digest(), o.unstoredBitsHash(), "seed " + seed + ", " + bitsStored
                            + " bits, signed " + signed + ", noisy " + noisy);
                }
            }
        }
    }

    @Test
    void valuesAndRebuiltPixelDataOf8BitSamplesMatchTheSampleBySampleForm() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FastPathsMatchTest 8-bit values seed " + seed);
        Random rnd = new Random(seed);
        for (int bitsStored : new int[] {1, 5, 7, 8}) {
            for (boolean signed : new boolean[] {false, true}) {
                for (boolean noisy : new boolean[] {false, true}) {
                    int rows = 1 + rnd.nextInt(40);
                    int columns = 2 * (1 + rnd.nextInt(20));
                    byte[] bytes = randomBytes8(rnd, rows * columns, bitsStored, signed, noisy);
                    DicomObject o = object8(rows, columns, bitsStored, signed, bytes);
                    String what = "seed " + seed + ", " + bitsStored + " bits, signed " + signed + ", noisy " + noisy;
                    // frameValues: format.store(value(raw(i))) per sample, as it was
                    short[] values = new short[bytes.length];
                    o.frameValues(0, values);
                    short[] expected = new short[bytes.length];
                    for (int i = 0; i < bytes.length; i++) {
                        expected[i] = o.format().store(o.value(o.raw(i)));
                    }
                    assertArrayEquals(expected, values, what);
                    // pixelDataWith: new values in range, each raw sample keeping its bits outside Bits Stored
                    short[] next = new short[bytes.length];
                    for (int i = 0; i < next.length; i++) {
                        int v = rnd.nextInt(1 << bitsStored);
                        next[i] = o.format().store(signed ? (v << (32 - bitsStored)) >> (32 - bitsStored) : v);
                    }
                    byte[] rebuilt = new byte[bytes.length];
                    for (int i = 0; i < bytes.length; i++) {
                        int r = o.raw(i);
                        int dev = r ^ o.canonical(o.value(r));
                        rebuilt[i] = (byte) (o.canonical(o.format().value(next[i])) ^ dev);
                    }
                    assertArrayEquals(rebuilt, o.pixelDataWith(new short[][] {next}).getByteValues(), what);
                }
            }
        }
    }

    // ---- the oracles: the code as it was before it was made faster ----

    private static byte[] oracleHash(Attribute a) {
        MessageDigest md = AttributeDigest.sha256();
        oracleEncode(md, a);
        return Arrays.copyOf(md.digest(), AttributeDigest.HASH_BYTES);
    }

    private static void oracleEncode(MessageDigest md, Attribute a) {
        md.update(tag(a.getTag().getGroup(), a.getTag().getElement()));
        if (a instanceof SequenceAttribute sq) {
            md.update("SQ".getBytes(StandardCharsets.US_ASCII));
            md.update(new byte[] {0, 0, -1, -1, -1, -1});
            Iterator<SequenceItem> it = sq.iterator();
            while (it.hasNext()) {
                md.update(tag(0xFFFE, 0xE000));
                md.update(new byte[] {-1, -1, -1, -1});
                for (Attribute inner : it.next().getAttributeList().values()) {
                    if (inner.getTag().getElement() != 0) {
                        oracleEncode(md, inner);
                    }
                }
                md.update(tag(0xFFFE, 0xE00D));
                md.update(new byte[4]);
            }
            md.update(tag(0xFFFE, 0xE0DD));
            md.update(new byte[4]);
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            DicomOutputStream out = new DicomOutputStream(buf, null, TransferSyntax.ExplicitVRLittleEndian);
            a.write(out);
            out.flush();
        } catch (IOException | DicomException e) {
            throw new IllegalStateException(e);
        }
        byte[] all = buf.toByteArray();
        String vr = new String(all, 4, 2, StandardCharsets.US_ASCII);
        int header = List.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV")
                .contains(vr) ? 12 : 8;
        byte[] value = Arrays.copyOfRange(all, header, all.length);
        md.update(AttributeDigest.canonicalVr(a).getBytes(StandardCharsets.US_ASCII));
        int n = value.length;
        md.update(new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        md.update(value);
    }

    private static byte[] tag(int group, int element) {
        return new byte[] {(byte) group, (byte) (group >> 8), (byte) element, (byte) (element >> 8)};
    }

    private static byte[] oracleUnstoredBits(DicomObject o) {
        MessageDigest md = AttributeDigest.sha256();
        int n = o.rows() * o.columns() * o.frames();
        int total;
        try {
            total = o.attributes().get(TagFromName.PixelData).getShortValues().length;
        } catch (DicomException e) {
            throw new AssertionError(e);
        }
        for (int i = 0; i < total; i++) {
            int r = o.raw(i);
            int v = i < n ? r ^ o.canonical(o.value(r)) : r;
            md.update((byte) (v >> 8));
            md.update((byte) v);
        }
        return md.digest();
    }

    private static DicomObject object(int rows, int columns, int bitsStored, boolean signed, short[] words)
            throws Exception {
        AttributeList l = new AttributeList();
        put(l, TagFromName.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7");
        put(l, TagFromName.SOPInstanceUID, DicomWatermarking.newUid());
        put(l, TagFromName.SeriesInstanceUID, DicomWatermarking.newUid());
        put(l, TagFromName.SamplesPerPixel, "1");
        put(l, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(l, TagFromName.Rows, Integer.toString(rows));
        put(l, TagFromName.Columns, Integer.toString(columns));
        put(l, TagFromName.BitsAllocated, "16");
        put(l, TagFromName.BitsStored, Integer.toString(bitsStored));
        put(l, TagFromName.HighBit, Integer.toString(bitsStored - 1));
        put(l, TagFromName.PixelRepresentation, signed ? "1" : "0");
        OtherWordAttribute px = new OtherWordAttribute(TagFromName.PixelData);
        px.setValues(words);
        l.put(px);
        FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "FILIGRANE");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        l.write(b, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return DicomObject.parse(Path.of("random.dcm"), b.toByteArray());
    }

    /**
     * 8-bit samples of {@code bitsStored} bits (sign-extended to the byte when signed); when {@code noisy}, a quarter
     * of them random bytes, i.e. with bits above Bits Stored that are not the sign's.
     */
    private static byte[] randomBytes8(Random rnd, int n, int bitsStored, boolean signed, boolean noisy) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            int v = rnd.nextInt(1 << bitsStored);
            bytes[i] = (byte) (noisy && rnd.nextInt(4) == 0 ? rnd.nextInt(256) : signed
                    ? ((v << (32 - bitsStored)) >> (32 - bitsStored)) : v);
        }
        return bytes;
    }

    private static DicomObject object8(int rows, int columns, int bitsStored, boolean signed, byte[] bytes)
            throws Exception {
        AttributeList l = new AttributeList();
        put(l, TagFromName.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7");
        put(l, TagFromName.SOPInstanceUID, DicomWatermarking.newUid());
        put(l, TagFromName.SeriesInstanceUID, DicomWatermarking.newUid());
        put(l, TagFromName.SamplesPerPixel, "1");
        put(l, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(l, TagFromName.Rows, Integer.toString(rows));
        put(l, TagFromName.Columns, Integer.toString(columns));
        put(l, TagFromName.BitsAllocated, "8");
        put(l, TagFromName.BitsStored, Integer.toString(bitsStored));
        put(l, TagFromName.HighBit, Integer.toString(bitsStored - 1));
        put(l, TagFromName.PixelRepresentation, signed ? "1" : "0");
        com.pixelmed.dicom.OtherByteAttribute px = new com.pixelmed.dicom.OtherByteAttribute(TagFromName.PixelData);
        px.setValues(bytes);
        l.put(px);
        FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "FILIGRANE");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        l.write(b, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return DicomObject.parse(Path.of("random8.dcm"), b.toByteArray());
    }

    private static void put(AttributeList l, com.pixelmed.dicom.AttributeTag tag, String value) throws Exception {
        Attribute a = com.pixelmed.dicom.AttributeFactory.newAttribute(tag);
        a.addValue(value);
        l.put(a);
    }
}
