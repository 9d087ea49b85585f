package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object's attribute manifest: for every covered attribute (see {@link AttributeDigest#covered}) its tag and
 * the 128-bit hash of its canonical encoding, in tag order, plus one entry under the Pixel Data tag for the pixel
 * bits the volume does not carry (bits above Bits Stored, padding samples). Stored in the object's Filigrane block;
 * the list of all manifests' hashes is stored in every object and its SHA-256 is signed inside layer R's payload.
 *
 * <p>Bytes: entries of 20 bytes each: group (2, big endian), element (2, big endian), hash (16).
 */
record Manifest(Map<AttributeTag, byte[]> entries) {
    static final int ENTRY_BYTES = 4 + AttributeDigest.HASH_BYTES;

    Manifest {
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The manifest of {@code list} (an object's attributes as they are now) and its unstored-bits hash. */
    static Manifest of(AttributeList list, byte[] unstoredBitsHash) {
        int block = FiligraneHeader.block(list);
        Map<AttributeTag, byte[]> ordered = new java.util.TreeMap<>();
        for (Attribute a : list.values()) {
            AttributeTag t = a.getTag();
            if (AttributeDigest.covered(t, block)) {
                ordered.put(t, AttributeDigest.hash(a));
            }
        }
        ordered.put(TagFromName.PixelData, Arrays.copyOf(unstoredBitsHash, AttributeDigest.HASH_BYTES));
        return new Manifest(ordered);
    }

    byte[] toBytes() {
        byte[] out = new byte[entries.size() * ENTRY_BYTES];
        int k = 0;
        for (Map.Entry<AttributeTag, byte[]> e : entries.entrySet()) {
            int g = e.getKey().getGroup();
            int el = e.getKey().getElement();
            out[k] = (byte) (g >> 8);
            out[k + 1] = (byte) g;
            out[k + 2] = (byte) (el >> 8);
            out[k + 3] = (byte) el;
            System.arraycopy(e.getValue(), 0, out, k + 4, AttributeDigest.HASH_BYTES);
            k += ENTRY_BYTES;
        }
        return out;
    }

    /** Parses manifest bytes; null when they are not a whole number of entries in strictly increasing tag order. */
    static Manifest parse(byte[] b) {
        if (b == null || b.length == 0 || b.length % ENTRY_BYTES != 0) {
            return null;
        }
        Map<AttributeTag, byte[]> m = new LinkedHashMap<>();
        AttributeTag last = null;
        for (int k = 0; k < b.length; k += ENTRY_BYTES) {
            AttributeTag t = new AttributeTag((b[k] & 0xFF) << 8 | b[k + 1] & 0xFF, (b[k + 2] & 0xFF) << 8
                    | b[k + 3] & 0xFF);
            if (last != null && t.compareTo(last) <= 0) {
                return null;
            }
            last = t;
            m.put(t, Arrays.copyOfRange(b, k + 4, k + ENTRY_BYTES));
        }
        return new Manifest(m);
    }

    /** SHA-256 of the bytes, cut to {@link AttributeDigest#HASH_BYTES}: this manifest's entry in the series list. */
    static byte[] hashOf(byte[] manifestBytes) {
        MessageDigest md = AttributeDigest.sha256();
        return Arrays.copyOf(md.digest(manifestBytes), AttributeDigest.HASH_BYTES);
    }

    /**
     * What differs between {@code recorded} (this manifest) and {@code now}, for people: each attribute changed,
     * added or removed, by keyword and tag.
     */
    List<String> differences(Manifest now) {
        List<String> out = new ArrayList<>();
        java.util.TreeSet<AttributeTag> all = new java.util.TreeSet<>(entries.keySet());
        all.addAll(now.entries.keySet());
        for (AttributeTag t : all) {
            byte[] a = entries.get(t);
            byte[] b = now.entries.get(t);
            if (a == null) {
                out.add(AttributeDigest.name(t) + " added");
            } else if (b == null) {
                out.add(AttributeDigest.name(t) + " removed");
            } else if (!Arrays.equals(a, b)) {
                out.add(AttributeDigest.name(t) + (t.equals(TagFromName.PixelData)
                        ? " bits outside Bits Stored (or padding) changed" : " changed"));
            }
        }
        return out;
    }
}
