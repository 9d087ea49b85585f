package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Pixel Data element of native little-endian files (Explicit or Implicit VR Little Endian), read and written
 * here instead of by PixelMed, whose sample-by-sample stream is most of the cost of a batch's DICOM input and
 * output. Only the common layout is taken: Pixel Data of defined length, OW (or OB in Explicit VR), the last
 * element of the file but for Data Set Trailing Padding. PixelMed still parses and writes every other attribute;
 * anything else (big endian, deflate, encapsulated pixels, other elements after Pixel Data, odd OW lengths, 8-bit
 * Implicit VR on reading) returns null and the caller takes PixelMed's path. The result is the same attribute
 * list, and written files are the same bytes, as PixelMed gives (NativePixelsTest compares both on real files of
 * every width).
 */
final class NativePixels {
    private static final int PIXEL_GROUP = 0x7FE0;
    private static final int PIXEL_ELEMENT = 0x0010;
    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    /**
     * {@code -Dfiligrane.nativePixels=false} sends every file through PixelMed (to measure what this path saves, or
     * to rule it out when a file misbehaves).
     */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("filigrane.nativePixels", "true"));

    private NativePixels() {
    }

    private static boolean littleEndianNative(String ts) {
        return TransferSyntax.ExplicitVRLittleEndian.equals(ts) || TransferSyntax.ImplicitVRLittleEndian.equals(ts);
    }

    /**
     * Every attribute of the Part 10 file {@code file}, Pixel Data decoded here; null when the file is not of the
     * layout this path takes (or PixelMed cannot parse its header): read it with PixelMed then.
     */
    static AttributeList read(byte[] file) {
        if (!ENABLED) {
            return null;
        }
        AttributeList list = new AttributeList();
        long end;
        try {
            // PixelMed stops at the top-level Pixel Data tag, having read the tag itself: `end` is the offset of
            // the bytes after it (checked below, not assumed).
            end = list.read(new DicomInputStream(new ByteArrayInputStream(file)), TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            return null;
        }
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim();
        if (!littleEndianNative(ts) || list.get(TagFromName.PixelData) != null || end < 136 || end > file.length) {
            return null;
        }
        int p = (int) end;
        if (u16(file, p - 4) != PIXEL_GROUP || u16(file, p - 2) != PIXEL_ELEMENT) {
            return null;
        }
        boolean words;
        long length;
        if (TransferSyntax.ExplicitVRLittleEndian.equals(ts)) {
            if (p + 8 > file.length || file[p + 2] != 0 || file[p + 3] != 0) {
                return null;
            }
            if (file[p] == 'O' && file[p + 1] == 'W') {
                words = true;
            } else if (file[p] == 'O' && file[p + 1] == 'B') {
                words = false;
            } else {
                return null;
            }
            length = u32(file, p + 4);
            p += 8;
        } else {
            // Implicit VR: PixelMed makes 16-bit Pixel Data OW; other widths are left to it.
            if (p + 4 > file.length
                    || Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0) != 16) {
                return null;
            }
            words = true;
            length = u32(file, p);
            p += 4;
        }
        if (length == UNDEFINED_LENGTH || p + length > file.length || words && (length & 1) != 0) {
            return null;
        }
        int valueEnd = p + (int) length;
        if (valueEnd < file.length) {
            // What follows Pixel Data: taken only when it is Data Set Trailing Padding alone (PixelMed reads it).
            AttributeList tail = new AttributeList();
            try {
                tail.read(new DicomInputStream(new ByteArrayInputStream(file, valueEnd, file.length - valueEnd), ts,
                        false));
            } catch (IOException | DicomException | RuntimeException e) {
                return null;
            }
            if (tail.size() != 1 || tail.get(TagFromName.DataSetTrailingPadding) == null) {
                return null;
            }
            list.putAll(tail);
        }
        try {
            Attribute pixels;
            if (words) {
                short[] s = new short[(int) (length / 2)];
                ByteBuffer.wrap(file, p, (int) length).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
                OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
                a.setValues(s);
                pixels = a;
            } else {
                OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
                a.setValues(Arrays.copyOfRange(file, p, p + (int) length));
                pixels = a;
            }
            list.put(pixels);
        } catch (DicomException e) {
            return null;
        }
        return list;
    }

    /**
     * The Part 10 file of {@code header} (no Pixel Data) with {@code pixels} as its Pixel Data, in transfer syntax
     * {@code ts}: the header encoded by PixelMed, the Pixel Data element appended here. Null when PixelMed must
     * write the whole file (not this path's layout; see the class comment).
     */
    static byte[] encode(AttributeList header, Attribute pixels, String ts) throws IOException, DicomException {
        if (!ENABLED || !littleEndianNative(ts) || header.get(TagFromName.PixelData) != null) {
            return null;
        }
        // After Pixel Data, only Data Set Trailing Padding (written after the pixels, as PixelMed does).
        AttributeList tail = null;
        if (!header.isEmpty() && ((AttributeTag) header.lastKey()).compareTo(TagFromName.PixelData) > 0) {
            Attribute padding = header.get(TagFromName.DataSetTrailingPadding);
            AttributeTag before = (AttributeTag) header.lowerKey(TagFromName.DataSetTrailingPadding);
            if (padding == null || header.lastKey() != padding.getTag()
                    || before != null && before.compareTo(TagFromName.PixelData) > 0) {
                return null;
            }
            tail = new AttributeList();
            tail.put(padding);
            AttributeList rest = new AttributeList();
            rest.putAll(header);
            rest.remove(TagFromName.DataSetTrailingPadding);
            header = rest;
        }
        boolean explicit = TransferSyntax.ExplicitVRLittleEndian.equals(ts);
        short[] words = null;
        byte[] bytes = null;
        long length;
        if (pixels instanceof OtherWordAttribute) {
            words = pixels.getShortValues();
            length = 2L * words.length;
        } else if (pixels instanceof OtherByteAttribute && explicit) {
            bytes = pixels.getByteValues();
            length = bytes.length + (bytes.length & 1); // OB is padded to an even length with a zero byte
        } else {
            return null;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        header.write(buf, ts, true, true);
        int head = buf.size();
        byte[] trailer = new byte[0];
        if (tail != null) {
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            tail.write(new DicomOutputStream(t, null, ts));
            trailer = t.toByteArray();
        }
        int elementHeader = explicit ? 12 : 8;
        if (head + elementHeader + length + trailer.length > Integer.MAX_VALUE - 16) {
            return null;
        }
        byte[] out = Arrays.copyOf(buf.toByteArray(), head + elementHeader + (int) length + trailer.length);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.position(head);
        b.putShort((short) PIXEL_GROUP).putShort((short) PIXEL_ELEMENT);
        if (explicit) {
            b.put((byte) 'O').put((byte) (words != null ? 'W' : 'B')).putShort((short) 0);
        }
        b.putInt((int) length);
        if (words != null) {
            b.asShortBuffer().put(words);
        } else {
            b.put(bytes); // the pad byte, if any, is already zero
        }
        System.arraycopy(trailer, 0, out, out.length - trailer.length, trailer.length);
        return out;
    }

    private static int u16(byte[] b, int at) {
        return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xFFFFFFFFL;
    }
}
