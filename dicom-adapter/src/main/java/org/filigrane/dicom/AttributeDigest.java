package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A digest of every attribute of a data set that a reader relies on: all of them except the file meta group
 * (0002), group lengths (gggg,0000), Pixel Data (carried by the pixel watermark itself), Data Set Trailing Padding
 * and Filigrane's own private block. Values are hashed as values (numbers as decimal text, strings as read, binary
 * as bytes), never as encoded bytes, so the digest does not depend on the transfer syntax.
 *
 * <p>The digests of the original objects travel inside layer R's keyed payload; verification recomputes them on the
 * received objects (with the original UIDs put back from the private block), so a changed patient name, position,
 * rescale or UID is reported against its slice.
 */
final class AttributeDigest {
    /** Bytes kept of each SHA-256. 64 bits: a forged match needs a 2^64 second preimage. */
    static final int BYTES = 8;

    private AttributeDigest() {
    }

    /** Digest of {@code list} as it was before watermarking (private block removed, original UIDs back). */
    static byte[] ofOriginal(AttributeList list) {
        return of(FiligraneHeader.originalView(list));
    }

    static byte[] of(AttributeList list) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        feed(md, list, true);
        return Arrays.copyOf(md.digest(), BYTES);
    }

    private static void feed(MessageDigest md, AttributeList list, boolean top) {
        for (Attribute a : list.values()) {
            AttributeTag t = a.getTag();
            if (top && excluded(t)) {
                continue;
            }
            if (t.getElement() == 0) {
                continue;
            }
            md.update(new byte[] {(byte) (t.getGroup() >> 8), (byte) t.getGroup(), (byte) (t.getElement() >> 8),
                    (byte) t.getElement()});
            if (a instanceof SequenceAttribute sq) {
                md.update(("SQ" + sq.getNumberOfItems()).getBytes(StandardCharsets.US_ASCII));
                Iterator<SequenceItem> it = sq.iterator();
                while (it.hasNext()) {
                    md.update((byte) 0xFE);
                    feed(md, it.next().getAttributeList(), false);
                }
                md.update((byte) 0xFD);
                continue;
            }
            md.update(valueBytes(a));
            md.update((byte) 0);
        }
    }

    private static boolean excluded(AttributeTag t) {
        return t.getGroup() == 0x0002 || t.equals(TagFromName.PixelData) || t.equals(TagFromName.DataSetTrailingPadding)
                || FiligraneHeader.isFiligraneTag(t);
    }

    private static byte[] valueBytes(Attribute a) {
        String vr = new String(a.getVR(), StandardCharsets.US_ASCII);
        try {
            switch (vr) {
                case "US", "SS", "UL", "SL", "UV", "SV" -> {
                    long[] v = a.getLongValues();
                    StringBuilder sb = new StringBuilder();
                    for (long x : v != null ? v : new long[0]) {
                        sb.append(x).append('\\');
                    }
                    return sb.toString().getBytes(StandardCharsets.US_ASCII);
                }
                case "FL", "FD" -> {
                    double[] v = a.getDoubleValues();
                    StringBuilder sb = new StringBuilder();
                    for (double x : v != null ? v : new double[0]) {
                        sb.append(Double.toString(x)).append('\\');
                    }
                    return sb.toString().getBytes(StandardCharsets.US_ASCII);
                }
                case "OB", "OW", "UN", "OF", "OD", "OL", "OV" -> {
                    byte[] b = a.getByteValues();
                    return b != null ? b : new byte[0];
                }
                default -> {
                    String[] v = a.getStringValues();
                    return v == null ? new byte[0]
                            : String.join("\\", v).strip().getBytes(StandardCharsets.UTF_8);
                }
            }
        } catch (DicomException | RuntimeException e) {
            return Attribute.getDelimitedStringValuesOrEmptyString(a).getBytes(StandardCharsets.UTF_8);
        }
    }
}
