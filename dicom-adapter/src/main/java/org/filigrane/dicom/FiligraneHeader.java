package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateTimeAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.UnlimitedTextAttribute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a watermarked object says about itself, in a private block of group {@value #GROUP_HEX} reserved by the
 * private creator {@value #CREATOR} (usually (0F17,0010), elements (0F17,10xx)); see dicom-adapter/README.md:
 *
 * <pre>
 *  xx01 LO format version ("1")
 *  xx02 CS layers, one value each: R (reversible), T (tamper localization), D (robust)
 *  xx03 LO key id of the recipient key (16 hex digits; public, reveals nothing about the key)
 *  xx04 CS layer T profile (DEFAULT or PAPER), absent without T
 *  xx05 UI original SOP Instance UID
 *  xx06 UI original Series Instance UID
 *  xx07 IS index of this object in the watermarked volume (0-based, in slice order)
 *  xx08 UT recipient
 *  xx09 DT when it was watermarked
 *  xx0A LO software ("Filigrane" and version)
 *  xx0B UI original Transfer Syntax UID
 *  xx0C IS number of objects in the watermarked series
 *  xx0D OB this object's attribute manifest ({@link Manifest}; format 2)
 *  xx0E OB the series manifest list: the 16-byte hash of every object's manifest, by object index (format 2)
 * </pre>
 *
 * The block is the only attribute added; SOP Instance UID and Series Instance UID are the only ones changed (unless
 * UIDs are kept). Restoration removes the block and puts the original UIDs back.
 */
public record FiligraneHeader(String version, List<String> layers, String keyId, String profile,
        String originalSopInstanceUid, String originalSeriesInstanceUid, int objectIndex, String recipient,
        String embeddedAt, String software, String originalTransferSyntax, int objectCount) {

    public static final int GROUP = 0x0F17;
    static final String GROUP_HEX = "0F17";
    public static final String CREATOR = "FILIGRANE 1";
    public static final String FORMAT_VERSION = "2";
    static final int MANIFEST = 0x0D;
    static final int SERIES_MANIFESTS = 0x0E;
    private static final String[] KEYWORDS = {null, "FiligraneFormatVersion", "FiligraneLayers", "FiligraneKeyId",
        "FiligraneProfile", "FiligraneOriginalSOPInstanceUID", "FiligraneOriginalSeriesInstanceUID",
        "FiligraneObjectIndex", "FiligraneRecipient", "FiligraneEmbeddedAt", "FiligraneSoftware",
        "FiligraneOriginalTransferSyntax", "FiligraneObjectCount", "FiligraneManifest", "FiligraneSeriesManifests"};

    public FiligraneHeader {
        layers = List.copyOf(layers);
    }

    static boolean isFiligraneTag(AttributeTag t) {
        return t.getGroup() == GROUP;
    }

    /** The two elements of our block that hold manifests (not themselves in the manifest). */
    static boolean isManifestElement(AttributeTag t, int block) {
        return block >= 0 && t.getGroup() == GROUP && (t.getElement() == (block << 8 | MANIFEST)
                || t.getElement() == (block << 8 | SERIES_MANIFESTS));
    }

    /** A keyword for an element of a Filigrane block, or null. */
    static String keyword(AttributeTag t) {
        if (t.getGroup() != GROUP) {
            return null;
        }
        int e = t.getElement();
        if (e >= 0x10 && e <= 0xFF) {
            return "FiligranePrivateCreator";
        }
        int off = e & 0xFF;
        return e >= 0x1000 && off < KEYWORDS.length && KEYWORDS[off] != null ? KEYWORDS[off] : null;
    }

    /** The bytes of element {@code offset} of our block (manifest, series list), also when read as UN; or null. */
    static byte[] bytes(AttributeList list, int offset) {
        int b = block(list);
        Attribute a = b < 0 ? null : list.get(tag(b, offset));
        if (a == null) {
            return null;
        }
        try {
            return a.getByteValues();
        } catch (DicomException e) {
            return null;
        }
    }

    /** Puts the manifest and the series list into the Filigrane block already written into {@code list}. */
    static void writeManifests(AttributeList list, byte[] manifest, byte[] seriesList) throws DicomException {
        int b = block(list);
        if (b < 0) {
            throw new DicomException("no Filigrane block to hold the manifest");
        }
        com.pixelmed.dicom.OtherByteAttribute m = new com.pixelmed.dicom.OtherByteAttribute(tag(b, MANIFEST));
        m.setValues(manifest);
        list.put(m);
        com.pixelmed.dicom.OtherByteAttribute s = new com.pixelmed.dicom.OtherByteAttribute(tag(b,
                SERIES_MANIFESTS));
        s.setValues(seriesList);
        list.put(s);
    }

    /** The block number (0x10..0xFF) our creator holds in {@code list}, or -1. */
    static int block(AttributeList list) {
        for (int e = 0x10; e <= 0xFF; e++) {
            Attribute a = list.get(new AttributeTag(GROUP, e));
            if (a != null && CREATOR.equals(text(a))) {
                return e;
            }
        }
        return -1;
    }

    private static AttributeTag tag(int block, int offset) {
        return new AttributeTag(GROUP, block << 8 | offset);
    }

    /** The header of a watermarked object, or null when it carries none. */
    public static FiligraneHeader read(AttributeList list) {
        int b = block(list);
        if (b < 0) {
            return null;
        }
        String layers = get(list, b, 0x02);
        int objectIndex = integer(get(list, b, 0x07));
        return new FiligraneHeader(get(list, b, 0x01), layers.isEmpty() ? List.of() : List.of(layers.split("\\\\")),
                get(list, b, 0x03), get(list, b, 0x04), get(list, b, 0x05), get(list, b, 0x06), objectIndex,
                get(list, b, 0x08), get(list, b, 0x09), get(list, b, 0x0A), get(list, b, 0x0B),
                integer(get(list, b, 0x0C)));
    }

    private static int integer(String s) {
        try {
            return s.isEmpty() ? -1 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String get(AttributeList list, int block, int offset) {
        Attribute a = list.get(tag(block, offset));
        return a == null ? "" : text(a);
    }

    /** String value of an attribute, also when read as UN from an implicit VR file. */
    private static String text(Attribute a) {
        if (a instanceof UnknownAttribute) {
            try {
                byte[] b = a.getByteValues();
                return b == null ? "" : new String(b, StandardCharsets.UTF_8).replace("\0", "").strip();
            } catch (DicomException e) {
                return "";
            }
        }
        return Attribute.getDelimitedStringValuesOrEmptyString(a).strip();
    }

    /** Writes this header into {@code list} (replacing an older Filigrane block). */
    void writeInto(AttributeList list) throws DicomException {
        removeFrom(list);
        int b = -1;
        for (int e = 0x10; e <= 0xFF; e++) {
            if (list.get(new AttributeTag(GROUP, e)) == null) {
                b = e;
                break;
            }
        }
        if (b < 0) {
            throw new DicomException("no free private block in group " + GROUP_HEX);
        }
        LongStringAttribute creator = new LongStringAttribute(new AttributeTag(GROUP, b));
        creator.addValue(CREATOR);
        list.put(creator);
        put(list, new LongStringAttribute(tag(b, 0x01)), version);
        CodeStringAttribute l = new CodeStringAttribute(tag(b, 0x02));
        for (String layer : layers) {
            l.addValue(layer);
        }
        list.put(l);
        put(list, new LongStringAttribute(tag(b, 0x03)), keyId);
        if (profile != null && !profile.isEmpty()) {
            put(list, new CodeStringAttribute(tag(b, 0x04)), profile);
        }
        put(list, new UniqueIdentifierAttribute(tag(b, 0x05)), originalSopInstanceUid);
        put(list, new UniqueIdentifierAttribute(tag(b, 0x06)), originalSeriesInstanceUid);
        put(list, new IntegerStringAttribute(tag(b, 0x07)), Integer.toString(objectIndex));
        put(list, new UnlimitedTextAttribute(tag(b, 0x08)), recipient);
        put(list, new DateTimeAttribute(tag(b, 0x09)), embeddedAt);
        put(list, new LongStringAttribute(tag(b, 0x0A)), software);
        put(list, new UniqueIdentifierAttribute(tag(b, 0x0B)), originalTransferSyntax);
        put(list, new IntegerStringAttribute(tag(b, 0x0C)), Integer.toString(objectCount));
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        if (value != null && !value.isEmpty()) {
            a.addValue(value);
        }
        list.put(a);
    }

    /** Removes the Filigrane block (creator and elements), leaving other private blocks of the group alone. */
    static void removeFrom(AttributeList list) {
        int b;
        while ((b = block(list)) >= 0) {
            list.remove(new AttributeTag(GROUP, b));
            List<AttributeTag> drop = new ArrayList<>();
            for (AttributeTag t : list.keySet()) {
                if (t.getGroup() == GROUP && (t.getElement() >> 8) == b) {
                    drop.add(t);
                }
            }
            drop.forEach(list::remove);
        }
    }

    /**
     * A shallow copy of {@code list} as it was before watermarking: the Filigrane block removed and, when it
     * names them, the original SOP Instance and Series Instance UIDs back in place (also in the file meta).
     */
    static AttributeList originalView(AttributeList list) {
        AttributeList copy = new AttributeList();
        copy.putAll(list);
        FiligraneHeader h = read(list);
        if (h == null) {
            return copy;
        }
        removeFrom(copy);
        try {
            if (!h.originalSopInstanceUid().isEmpty()) {
                replace(copy, TagFromName.SOPInstanceUID, h.originalSopInstanceUid());
                if (copy.get(TagFromName.MediaStorageSOPInstanceUID) != null) {
                    replace(copy, TagFromName.MediaStorageSOPInstanceUID, h.originalSopInstanceUid());
                }
            }
            if (!h.originalSeriesInstanceUid().isEmpty()) {
                replace(copy, TagFromName.SeriesInstanceUID, h.originalSeriesInstanceUid());
            }
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        return copy;
    }

    static void replace(AttributeList list, AttributeTag tag, String uid) throws DicomException {
        UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(tag);
        a.addValue(uid);
        list.put(a);
    }
}
