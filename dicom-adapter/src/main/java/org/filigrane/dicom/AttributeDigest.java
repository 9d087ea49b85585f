package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Set;

/**
 * The canonical encoding of one attribute, in the spirit of the DICOM MAC and Digital Signature encoding (PS3.15
 * Annex C): tag, VR, value length and value bytes as Explicit VR Little Endian writes them, sequences with undefined
 * length, each item between an Item tag and an Item Delimitation tag and the sequence closed by a Sequence
 * Delimitation tag. Every element carries its length (or is delimited), so the encoding of a data set is a prefix
 * code: no two different data sets encode alike, and a value cannot be folded into its neighbour.
 *
 * <p>What a lossless transcode (Implicit VR, Explicit Big Endian, RLE, Deflate) may change is canonicalised, nothing
 * else (docs/FORMAT.md, "Attribute manifest"):
 * <ul>
 *   <li>the VR of private attributes (odd groups) and of attributes read as UN is encoded as UN: an Implicit VR
 *       file does not say it, and a reader without the private dictionary reads UN; the value bytes stay
 *       authenticated;</li>
 *   <li>VRs that the dictionary leaves open are one class: US/SS as {@code xs}, OB/OW as {@code ox} (their Little
 *       Endian bytes do not depend on the choice);</li>
 *   <li>numbers are encoded in Little Endian whatever the file's byte order.</li>
 * </ul>
 * The file meta group (0002), group lengths, Pixel Data and Data Set Trailing Padding are not attributes of the
 * manifest (Pixel Data is authenticated by the pixel watermark and the unstored-bits entry).
 */
final class AttributeDigest {
    /** Bytes kept of each SHA-256 in a manifest: 128 bits. */
    static final int HASH_BYTES = 16;
    private static final Set<String> LONG_LENGTH = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");

    private AttributeDigest() {
    }

    /** Whether a top-level attribute is listed in the manifest. */
    static boolean covered(AttributeTag t, int filigraneBlock) {
        return t.getGroup() != 0x0002 && t.getElement() != 0 && !t.equals(TagFromName.PixelData)
                && !t.equals(TagFromName.DataSetTrailingPadding)
                && !FiligraneHeader.isManifestElement(t, filigraneBlock);
    }

    /** SHA-256 of the canonical encoding of {@code a}, cut to {@link #HASH_BYTES}. */
    static byte[] hash(Attribute a) {
        MessageDigest md = sha256();
        encode(md, a);
        return java.util.Arrays.copyOf(md.digest(), HASH_BYTES);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void encode(MessageDigest md, Attribute a) {
        AttributeTag t = a.getTag();
        tag(md, t.getGroup(), t.getElement());
        if (a instanceof SequenceAttribute sq) {
            md.update("SQ".getBytes(StandardCharsets.US_ASCII));
            md.update(new byte[] {0, 0, -1, -1, -1, -1});
            Iterator<SequenceItem> it = sq.iterator();
            while (it.hasNext()) {
                tag(md, 0xFFFE, 0xE000);
                md.update(new byte[] {-1, -1, -1, -1});
                for (Attribute inner : it.next().getAttributeList().values()) {
                    if (inner.getTag().getElement() != 0) {
                        encode(md, inner);
                    }
                }
                tag(md, 0xFFFE, 0xE00D);
                md.update(new byte[4]);
            }
            tag(md, 0xFFFE, 0xE0DD);
            md.update(new byte[4]);
            return;
        }
        byte[] value = valueBytes(a);
        md.update(canonicalVr(a).getBytes(StandardCharsets.US_ASCII));
        int n = value.length;
        md.update(new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        md.update(value);
    }

    private static void tag(MessageDigest md, int group, int element) {
        md.update(new byte[] {(byte) group, (byte) (group >> 8), (byte) element, (byte) (element >> 8)});
    }

    static String canonicalVr(Attribute a) {
        String vr = new String(a.getVR(), StandardCharsets.US_ASCII);
        if ((a.getTag().getGroup() & 1) == 1 || vr.equals("UN")) {
            return "UN";
        }
        return switch (vr) {
            case "US", "SS" -> "xs";
            case "OB", "OW" -> "ox";
            default -> vr;
        };
    }

    /** The value as Explicit VR Little Endian writes it (padded to even length), without tag, VR and length. */
    private static byte[] valueBytes(Attribute a) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            DicomOutputStream out = new DicomOutputStream(buf, null, TransferSyntax.ExplicitVRLittleEndian);
            a.write(out);
            out.flush();
        } catch (IOException | DicomException e) {
            throw new IllegalStateException("cannot encode " + a.getTag() + ": " + e.getMessage(), e);
        }
        byte[] all = buf.toByteArray();
        String vr = new String(all, 4, 2, StandardCharsets.US_ASCII);
        int header = LONG_LENGTH.contains(vr) ? 12 : 8;
        return java.util.Arrays.copyOfRange(all, header, all.length);
    }

    /** Keyword and tag of an attribute for people: {@code RescaleIntercept (0028,1052)}. */
    static String name(AttributeTag t) {
        String hex = String.format("(%04X,%04X)", t.getGroup(), t.getElement());
        if (t.equals(TagFromName.PixelData)) {
            return "PixelData " + hex;
        }
        String filigrane = FiligraneHeader.keyword(t);
        if (filigrane != null) {
            return filigrane + " " + hex;
        }
        String n = (t.getGroup() & 1) == 0 ? AttributeList.getDictionary().getNameFromTag(t) : null;
        return (n != null ? n : (t.getGroup() & 1) == 1 ? "private" : "unknown") + " " + hex;
    }
}
