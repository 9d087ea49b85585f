package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.filigrane.dicom.DicomInputException.Kind;
import org.filigrane.engine.PixelFormat;

/**
 * One DICOM file read with PixelMed and checked: a Part 10 file of one-sample (monochrome) images, 8 or 16 bits
 * allocated, native, deflated, RLE or JPEG 2000 lossless, whose pixel data is all there. The raw sample words or
 * bytes are kept exactly as read, so that bits outside Bits Stored (old overlay planes, non-canonical sign bits)
 * travel through watermarking and restoration unchanged.
 */
public final class DicomObject {
    /** Native encodings: written back in the same transfer syntax. */
    static final Set<String> NATIVE = Set.of(TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian,
            TransferSyntax.DeflatedExplicitVRLittleEndian);
    /** Lossless encapsulated encodings PixelMed decodes here: written back as Explicit VR Little Endian. */
    static final Set<String> ENCAPSULATED_LOSSLESS = Set.of(TransferSyntax.RLE, "1.2.840.10008.1.2.4.90");
    /** Lossless encodings no decoder on this class path handles (PixelMed's own codec is not in Debian). */
    static final Set<String> LOSSLESS_WITHOUT_DECODER = Set.of("1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.201",
            "1.2.840.10008.1.2.4.203");

    private final Path path;
    private final AttributeList attributes;
    private final String transferSyntax;
    private final int rows;
    private final int columns;
    private final int frames;
    private final PixelFormat format;
    private final short[] words;
    private final byte[] bytes;
    /**
     * Set on a lean object ({@link #lean}): the length of the original pixel array (words or bytes) and its samples
     * past the last frame (padding); the samples themselves were canonical and live in the series' volume only.
     */
    private final int leanLength;
    private final boolean leanWords;
    private final short[] leanTail;

    private DicomObject(Path path, AttributeList attributes, String transferSyntax, int rows, int columns, int frames,
            PixelFormat format, short[] words, byte[] bytes) {
        this(path, attributes, transferSyntax, rows, columns, frames, format, words, bytes, -1, false, null);
    }

    private DicomObject(Path path, AttributeList attributes, String transferSyntax, int rows, int columns, int frames,
            PixelFormat format, short[] words, byte[] bytes, int leanLength, boolean leanWords, short[] leanTail) {
        this.path = path;
        this.attributes = attributes;
        this.transferSyntax = transferSyntax;
        this.rows = rows;
        this.columns = columns;
        this.frames = frames;
        this.format = format;
        this.words = words;
        this.bytes = bytes;
        this.leanLength = leanLength;
        this.leanWords = leanWords;
        this.leanTail = leanTail;
    }

    /**
     * This object without its pixel data, for batch runs that keep a series' samples only in its volume (one copy
     * instead of two): possible when every raw sample is canonical (no bits outside Bits Stored set differently from
     * the sign extension), 16-bit in OW or 8-bit in OB, since the raw words can then be rebuilt exactly from the
     * values. Otherwise returns this object unchanged (the raw words stay, as they must to be carried through).
     * Call after the frames were copied out ({@link #frameValues}).
     */
    public DicomObject lean() {
        if (leanLength >= 0) {
            return this;
        }
        boolean wordsOk = format.bitsAllocated() == 16 && words != null;
        boolean bytesOk = format.bitsAllocated() == 8 && bytes != null;
        if (!wordsOk && !bytesOk) {
            return this;
        }
        int n = rows * columns * frames;
        if (wordsOk) {
            if (!canonical16(n)) {
                return this;
            }
        } else {
            for (int i = 0; i < n; i++) {
                int r = raw(i);
                if (r != canonical(value(r))) {
                    return this;
                }
            }
        }
        int length = wordsOk ? words.length : bytes.length;
        short[] tail = new short[Math.max(0, length - n)];
        for (int i = 0; i < tail.length; i++) {
            tail[i] = wordsOk ? words[n + i] : bytes[n + i];
        }
        AttributeList without = new AttributeList();
        for (Attribute a : attributes.values()) {
            if (!a.getTag().equals(TagFromName.PixelData)) {
                without.put(a);
            }
        }
        return new DicomObject(path, without, transferSyntax, rows, columns, frames, format, null, null, length,
                wordsOk, tail);
    }

    /** Whether {@code file} starts like a DICOM Part 10 file (preamble then "DICM"). */
    public static boolean looksLikeDicom(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads only the header (no pixel data): enough to group and order files. */
    static AttributeList readHeader(Path file) throws DicomInputException {
        checkPart10(file);
        AttributeList list = new AttributeList();
        try {
            list.read(file.toString(), TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomInputException(Kind.NOT_DICOM, file, "cannot be read as DICOM: " + e.getMessage(), e);
        }
        return list;
    }

    private static void checkPart10(Path file) throws DicomInputException {
        if (!Files.isRegularFile(file)) {
            throw new DicomInputException(Kind.NOT_DICOM, file, "not a regular file");
        }
        if (!looksLikeDicom(file)) {
            throw new DicomInputException(Kind.NOT_DICOM, file, "not a DICOM Part 10 file (no 'DICM' after the "
                    + "128-byte preamble); raw data sets without a file meta header are not accepted");
        }
    }

    /** Reads and checks one file, pixel data included. */
    public static DicomObject read(Path file) throws DicomInputException {
        checkPart10(file);
        AttributeList list = new AttributeList();
        try {
            list.readOnlyMetaInformationHeader(file.toString());
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomInputException(Kind.NOT_DICOM, file, "unreadable file meta header: " + e.getMessage(), e);
        }
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim();
        checkTransferSyntax(file, ts);
        boolean littleEndianNative = TransferSyntax.ExplicitVRLittleEndian.equals(ts)
                || TransferSyntax.ImplicitVRLittleEndian.equals(ts);
        list = littleEndianNative ? readNative(file) : null;
        if (list != null) {
            return check(file, list, ts);
        }
        list = new AttributeList();
        try {
            list.read(file.toString());
        } catch (IOException | DicomException | RuntimeException e) {
            Kind kind = e.getMessage() != null && e.getMessage().contains("No reader") ? Kind.UNSUPPORTED
                    : Kind.NOT_DICOM;
            throw new DicomInputException(kind, file, "cannot be read: " + e.getMessage(), e);
        }
        return check(file, list, ts);
    }

    /** Files up to this size are read whole and, when {@link NativePixels} takes them, parsed there. */
    private static final long NATIVE_READ_LIMIT = 1L << 30;

    /** The file's attributes through {@link NativePixels}, or null when PixelMed must read it. */
    private static AttributeList readNative(Path file) {
        try {
            if (!NativePixels.ENABLED || Files.size(file) > NATIVE_READ_LIMIT) {
                return null;
            }
            return NativePixels.read(Files.readAllBytes(file));
        } catch (IOException e) {
            return null; // PixelMed's read then says what is wrong
        }
    }

    /**
     * Reads and checks one file held in memory ({@code bytes}, a whole Part 10 file); {@code name} names it in
     * messages. Used to decode an output before it is written.
     */
    static DicomObject parse(Path name, byte[] bytes) throws DicomInputException {
        AttributeList list = NativePixels.read(bytes);
        if (list == null) {
            list = new AttributeList();
            try {
                list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(bytes)));
            } catch (IOException | DicomException | RuntimeException e) {
                throw new DicomInputException(Kind.NOT_DICOM, name, "cannot be read back: " + e.getMessage(), e);
            }
        }
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim();
        checkTransferSyntax(name, ts);
        return check(name, list, ts);
    }

    /** An object from an attribute list already read, checked as {@link #read} checks it (tests: other readers). */
    static DicomObject of(Path name, AttributeList list) throws DicomInputException {
        return check(name, list, Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID)
                .trim());
    }

    /**
     * SHA-256 of the pixel bits the volume does not carry: for each sample its bits outside Bits Stored as a
     * deviation from the canonical form ({@code raw ^ canonical(value(raw))}, 2 bytes big endian for 16-bit
     * samples, 1 byte for 8-bit), then the raw samples past the last frame (padding). With the volume's values
     * these give back every stored bit of Pixel Data; watermarking and restoring never change them.
     */
    byte[] unstoredBitsHash() {
        // A lean object without padding, or any object whose samples are all canonical with no padding (the usual
        // case): the hashed bytes are all zeros, the same hash for every object of this shape.
        boolean zeros = leanLength >= 0 ? leanTail.length == 0
                : unstoredLength() == rows * columns * frames && allCanonical();
        if (zeros) {
            return ZERO_HASHES.computeIfAbsent((long) unstoredLength() << 1 | (format.bitsAllocated() == 16 ? 1 : 0),
                    k -> computeUnstoredBitsHash()).clone();
        }
        return computeUnstoredBitsHash();
    }

    /**
     * Hashes of all-zero unstored bits by length and width (a batch meets a few shapes, many times each; a one-shot
     * command hashes its inputs and then its decoded outputs, of one shape).
     */
    private static final java.util.Map<Long, byte[]> ZERO_HASHES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether no sample has a bit outside Bits Stored that deviates from its canonical form: always so when Bits
     * Stored fills the sample (the value is the raw sample); 16-bit samples are scanned by {@link #canonical16};
     * other layouts (8-bit samples below 8 stored bits) answer false and are hashed in full.
     */
    private boolean allCanonical() {
        if (format.bitsStored() == format.bitsAllocated()) {
            return true;
        }
        if (format.bitsAllocated() != 16 || words == null) {
            return false;
        }
        return canonical16(words.length);
    }

    /**
     * Whether the first {@code n} 16-bit samples are canonical ({@code raw == canonical(value(raw))}), in one tight
     * loop: unsigned, no bit above Bits Stored is set; signed, those bits repeat the sign bit.
     */
    private boolean canonical16(int n) {
        int bits = format.bitsStored();
        int shift = 32 - bits;
        if (format.signed()) {
            for (int i = 0; i < n; i++) {
                short w = words[i];
                if ((short) ((w << shift) >> shift) != w) {
                    return false;
                }
            }
        } else {
            int high = ~((1 << bits) - 1) & 0xFFFF;
            for (int i = 0; i < n; i++) {
                if ((words[i] & high) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private byte[] computeUnstoredBitsHash() {
        java.security.MessageDigest md = AttributeDigest.sha256();
        int total = unstoredLength();
        boolean wide = format.bitsAllocated() == 16;
        if (wide && leanLength < 0) {
            return unstoredBitsHash16(md, rows * columns * frames);
        }
        byte[] buf = new byte[8192];
        int k = 0;
        for (int i = 0; i < total; i++) {
            int v = unstored(i);
            if (wide) {
                buf[k++] = (byte) (v >> 8);
            }
            buf[k++] = (byte) v;
            if (k >= buf.length - 2) {
                md.update(buf, 0, k);
                k = 0;
            }
        }
        md.update(buf, 0, k);
        return md.digest();
    }

    /**
     * {@link #unstoredBitsHash} of 16-bit samples in one tight loop (the same bytes): a sample's deviation from
     * its canonical form is its bits above Bits Stored when unsigned, and those bits XOR the sign extension when
     * signed.
     */
    private byte[] unstoredBitsHash16(java.security.MessageDigest md, int n) {
        int bits = format.bitsStored();
        int low = (1 << bits) - 1;
        boolean signed = format.signed();
        int shift = 32 - bits;
        byte[] buf = new byte[16384];
        int k = 0;
        for (int i = 0; i < words.length; i++) {
            int r = words[i] & 0xFFFF;
            int v;
            if (i >= n) {
                v = r;
            } else if (signed) {
                v = r ^ ((((r & low) << shift) >> shift) & 0xFFFF);
            } else {
                v = r & ~low;
            }
            buf[k] = (byte) (v >> 8);
            buf[k + 1] = (byte) v;
            k += 2;
            if (k == buf.length) {
                md.update(buf, 0, k);
                k = 0;
            }
        }
        md.update(buf, 0, k);
        return md.digest();
    }

    /**
     * Whether this object's raw Pixel Data samples are exactly those of {@code built} (an attribute made by
     * {@link #pixelDataWith}): a decoded output against what was encoded, one array comparison. False when the two
     * hold their samples differently (then compare values and unstored bits instead).
     */
    boolean hasRawPixels(Attribute built) throws DicomException {
        if (leanLength >= 0) {
            return false;
        }
        if (words != null && built instanceof OtherWordAttribute) {
            return java.util.Arrays.equals(words, built.getShortValues());
        }
        if (bytes != null && built instanceof OtherByteAttribute) {
            return java.util.Arrays.equals(bytes, built.getByteValues());
        }
        return false;
    }

    /** How many raw samples Pixel Data holds (frames and padding): the length {@link #unstored} runs over. */
    private int unstoredLength() {
        if (leanLength >= 0) {
            return leanLength;
        }
        return format.bitsAllocated() == 16 ? words.length : bytes != null ? bytes.length : 2 * words.length;
    }

    /** Sample {@code i}'s bits outside the volume: its deviation from canonical, or the raw padding sample. */
    private int unstored(int i) {
        int n = rows * columns * frames;
        if (leanLength >= 0) {
            // A lean object's samples were all canonical (no deviation); only its padding was kept.
            return i < n ? 0 : leanTail[i - n] & (format.bitsAllocated() == 16 ? 0xFFFF : 0xFF);
        }
        int r = raw(i);
        return i < n ? r ^ canonical(value(r)) : r;
    }

    /**
     * Whether {@code other} has the same pixel bits outside the volume as this object (what
     * {@link #unstoredBitsHash} hashes), compared sample by sample: the streamed write's self-check, which would
     * otherwise hash every output once more.
     */
    boolean sameUnstoredBits(DicomObject other) {
        int total = unstoredLength();
        if (other.unstoredLength() != total || other.rows * other.columns * other.frames != rows * columns * frames
                || other.format.bitsAllocated() != format.bitsAllocated()) {
            return false;
        }
        for (int i = 0; i < total; i++) {
            if (unstored(i) != other.unstored(i)) {
                return false;
            }
        }
        return true;
    }

    private static void checkTransferSyntax(Path file, String ts) throws DicomInputException {
        if (ts.isEmpty()) {
            throw new DicomInputException(Kind.NOT_DICOM, file, "file meta header names no Transfer Syntax UID");
        }
        if (NATIVE.contains(ts) || ENCAPSULATED_LOSSLESS.contains(ts)) {
            return;
        }
        if (LOSSLESS_WITHOUT_DECODER.contains(ts)) {
            throw new DicomInputException(Kind.UNSUPPORTED, file, "transfer syntax " + ts + " (" + describe(ts)
                    + ") is lossless but no decoder for it is available; convert the file to a native transfer "
                    + "syntax first, e.g. dcmdjpeg/dcmdjpls (dcmtk) or gdcmconv --raw");
        }
        boolean lossy;
        try {
            lossy = new TransferSyntax(ts).isLossy();
        } catch (RuntimeException e) {
            lossy = false;
        }
        if (lossy) {
            throw new DicomInputException(Kind.LOSSY, file, "lossy-compressed pixel data (transfer syntax " + ts
                    + ", " + describe(ts) + "): a reversible watermark on lossy pixels would certify an already "
                    + "degraded copy; watermark the original lossless images instead");
        }
        throw new DicomInputException(Kind.UNSUPPORTED, file, "unsupported transfer syntax " + ts + " ("
                + describe(ts) + ")");
    }

    private static String describe(String ts) {
        try {
            return new TransferSyntax(ts).getDescription();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static DicomObject check(Path file, AttributeList list, String ts) throws DicomInputException {
        Attribute pixelData = list.get(TagFromName.PixelData);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        if (pixelData == null) {
            if (rows > 0 && columns > 0 && list.get(TagFromName.BitsAllocated) != null) {
                throw new DicomInputException(Kind.TRUNCATED, file, "image attributes present (" + rows + "x"
                        + columns + ") but no pixel data could be read: the file is truncated or damaged");
            }
            throw new DicomInputException(Kind.NO_PIXELS, file, "no Pixel Data (7FE0,0010): not an image ("
                    + Attribute.getSingleStringValueOrDefault(list, TagFromName.SOPClassUID, "no SOP Class") + ")");
        }
        String lossyFlag = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.LossyImageCompression);
        if ("01".equals(lossyFlag.trim())) {
            throw new DicomInputException(Kind.LOSSY, file, "Lossy Image Compression (0028,2110) is 01: these "
                    + "pixels went through lossy compression; a reversible watermark would certify a degraded copy");
        }
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        String photometric = Attribute.getSingleStringValueOrEmptyString(list,
                TagFromName.PhotometricInterpretation).trim().toUpperCase(Locale.ROOT);
        if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
            throw new DicomInputException(Kind.COLOR, file, "colour or multi-sample image (Samples per Pixel "
                    + samples + ", Photometric Interpretation " + photometric + "): only MONOCHROME1/2 images "
                    + "are watermarked; colour images are refused rather than changed plane by plane");
        }
        int allocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int stored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, allocated);
        int highBit = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.HighBit, stored - 1);
        int representation = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0);
        if (allocated != 8 && allocated != 16) {
            throw new DicomInputException(Kind.UNSUPPORTED, file, "Bits Allocated " + allocated
                    + " not supported: only 8- and 16-bit samples are watermarked");
        }
        if (stored < 1 || stored > allocated || highBit != stored - 1) {
            throw new DicomInputException(Kind.UNSUPPORTED, file, "Bits Stored " + stored + " / High Bit " + highBit
                    + " not supported with Bits Allocated " + allocated + " (High Bit must be Bits Stored - 1)");
        }
        if (rows < 1 || columns < 1) {
            throw new DicomInputException(Kind.UNSUPPORTED, file, "bad image size " + rows + "x" + columns);
        }
        int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        if (frames < 1) {
            frames = 1;
        }
        PixelFormat format = new PixelFormat(allocated, stored, representation == 1);
        long needed = (long) rows * columns * frames;
        short[] words = null;
        byte[] bytes = null;
        long have;
        try {
            // By VR rather than class: PixelMed also hands out frame-array attributes for decompressed pixels.
            String vr = new String(pixelData.getVR(), java.nio.charset.StandardCharsets.US_ASCII);
            if (vr.equals("OW")) {
                words = pixelData.getShortValues();
                have = words == null ? 0 : allocated == 16 ? words.length : 2L * words.length;
            } else if (vr.equals("OB") || vr.equals("UN")) {
                bytes = pixelData.getByteValues();
                have = bytes == null ? 0 : allocated == 16 ? bytes.length / 2 : bytes.length;
            } else {
                throw new DicomInputException(Kind.UNSUPPORTED, file, "Pixel Data of VR " + vr + " not supported");
            }
        } catch (DicomException e) {
            throw new DicomInputException(Kind.TRUNCATED, file, "pixel data unreadable: " + e.getMessage(), e);
        }
        if (have < needed) {
            throw new DicomInputException(Kind.TRUNCATED, file, "pixel data holds " + have + " samples but "
                    + rows + " rows x " + columns + " columns x " + frames + " frame(s) need " + needed
                    + ": the file is truncated");
        }
        if (allocated == 16 && bytes != null) {
            // 16-bit samples in an OB attribute (rare): PixelMed keeps the bytes in file order, little endian here.
            throw new DicomInputException(Kind.UNSUPPORTED, file, "16-bit samples stored as OB not supported");
        }
        return new DicomObject(file, list, ts, rows, columns, frames, format, words, bytes);
    }

    public Path path() {
        return path;
    }

    /**
     * This object known under another path: the same attributes and samples, for a file that was moved after it
     * was read (a receiver that checks a data set, then renames it into place), so that it need not be read again.
     */
    public DicomObject at(Path newPath) {
        return new DicomObject(newPath, attributes, transferSyntax, rows, columns, frames, format, words, bytes);
    }

    /** Every attribute as read (pixel data included, decompressed for encapsulated input). */
    public AttributeList attributes() {
        return attributes;
    }

    public String transferSyntax() {
        return transferSyntax;
    }

    /** The transfer syntax outputs derived from this object are written in (lossless always). */
    public String outputTransferSyntax() {
        return NATIVE.contains(transferSyntax) ? transferSyntax : TransferSyntax.ExplicitVRLittleEndian;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public int frames() {
        return frames;
    }

    public PixelFormat format() {
        return format;
    }

    public String string(com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(attributes, tag).trim();
    }

    // ---- samples ----

    private boolean bigEndianWords() {
        return TransferSyntax.ExplicitVRBigEndian.equals(transferSyntax);
    }

    /** Raw stored bits of sample {@code i} (0..frames*rows*columns), as an unsigned 8- or 16-bit value. */
    int raw(int i) {
        if (format.bitsAllocated() == 16) {
            return words[i] & 0xFFFF;
        }
        if (bytes != null) {
            return bytes[i] & 0xFF;
        }
        // 8-bit samples packed two to an OW word, in the transfer syntax's byte order.
        int w = words[i >> 1] & 0xFFFF;
        boolean first = (i & 1) == 0;
        return (bigEndianWords() == first ? w >>> 8 : w) & 0xFF;
    }

    /** The sample's value: the Bits Stored low bits, sign-extended when Pixel Representation is 1. */
    int value(int raw) {
        int bits = format.bitsStored();
        int low = raw & ((1 << bits) - 1);
        return format.signed() ? (low << (32 - bits)) >> (32 - bits) : low;
    }

    /** The canonical raw form of a value: sign-extended (or zero-extended) over all allocated bits. */
    int canonical(int value) {
        return value & ((1 << format.bitsAllocated()) - 1);
    }

    /** Fills {@code out} (rows*columns) with the values of frame {@code f}. */
    void frameValues(int f, short[] out) {
        int base = f * rows * columns;
        // value(raw(i)) in one tight loop: the low Bits Stored bits, sign-extended when signed. A one-shot command
        // runs these loops once, mostly in the interpreter: three calls per sample cost it a tenth of a second on
        // a million 8-bit samples.
        int shift = 32 - format.bitsStored();
        int low = (1 << format.bitsStored()) - 1;
        if (format.bitsAllocated() == 16) {
            if (format.signed()) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (short) ((words[base + i] << shift) >> shift);
                }
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (short) (words[base + i] & low);
                }
            }
            return;
        }
        if (bytes != null) {
            // 8-bit samples in OB: the same, on the byte (Bits Stored <= 8, so the byte's own sign bits are
            // shifted out or masked off).
            if (format.signed()) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (short) ((bytes[base + i] << shift) >> shift);
                }
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (short) (bytes[base + i] & low);
                }
            }
            return;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = format.store(value(raw(base + i)));
        }
    }

    /**
     * Pixel Data values with frame {@code f} replaced by {@code values[f]}. Bits outside Bits Stored keep their
     * deviation from the canonical form ({@code raw ^ canonical(value(raw))}), so restoring the original values
     * gives back the original raw bits exactly; samples past the last frame (padding) are copied unchanged.
     */
    Attribute pixelDataWith(short[][] values) throws DicomException {
        int n = rows * columns;
        if (leanLength >= 0) {
            return leanPixelDataWith(values, n);
        }
        Attribute original = attributes.get(TagFromName.PixelData);
        if (format.bitsAllocated() == 16) {
            short[] out = words.clone();
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < n; i++) {
                    int idx = f * n + i;
                    int r = out[idx] & 0xFFFF;
                    int dev = r ^ canonical(value(r));
                    out[idx] = (short) (canonical(format.value(values[f][i])) ^ dev);
                }
            }
            OtherWordAttribute a = new OtherWordAttribute(original.getTag());
            a.setValues(out);
            return a;
        }
        if (bytes != null) {
            // canonical(value(r)) and canonical(format.value(v)) inlined (8 allocated bits: the low byte), in one
            // tight loop per frame, as in frameValues.
            byte[] out = bytes.clone();
            int shift = 32 - format.bitsStored();
            int low = (1 << format.bitsStored()) - 1;
            boolean signed = format.signed();
            for (int f = 0; f < frames; f++) {
                short[] v = values[f];
                int base = f * n;
                for (int i = 0; i < n; i++) {
                    int r = out[base + i] & 0xFF;
                    int canonical = (signed ? (r << shift) >> shift : r & low) & 0xFF;
                    out[base + i] = (byte) (v[i] ^ r ^ canonical);
                }
            }
            OtherByteAttribute a = new OtherByteAttribute(original.getTag());
            a.setValues(out);
            return a;
        }
        short[] out = words.clone();
        boolean be = bigEndianWords();
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) {
                int idx = f * n + i;
                int r = raw(idx);
                int dev = r ^ canonical(value(r));
                int b = (canonical(format.value(values[f][i])) ^ dev) & 0xFF;
                int w = out[idx >> 1] & 0xFFFF;
                boolean high = be == ((idx & 1) == 0);
                w = high ? (w & 0x00FF) | (b << 8) : (w & 0xFF00) | b;
                out[idx >> 1] = (short) w;
            }
        }
        OtherWordAttribute a = new OtherWordAttribute(original.getTag());
        a.setValues(out);
        return a;
    }

    /** {@link #pixelDataWith} for a lean object: every raw sample was canonical, so the raw form is the value's. */
    private Attribute leanPixelDataWith(short[][] values, int n) throws DicomException {
        int total = frames * n;
        if (leanWords) {
            short[] out = new short[leanLength];
            for (int f = 0; f < frames; f++) {
                if (format.bitsAllocated() == 16) {
                    // A 16-bit sample's canonical raw form is its stored short itself.
                    System.arraycopy(values[f], 0, out, f * n, n);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    out[f * n + i] = (short) canonical(format.value(values[f][i]));
                }
            }
            System.arraycopy(leanTail, 0, out, total, leanTail.length);
            OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
            a.setValues(out);
            return a;
        }
        byte[] out = new byte[leanLength];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) {
                out[f * n + i] = (byte) canonical(format.value(values[f][i]));
            }
        }
        for (int i = 0; i < leanTail.length; i++) {
            out[total + i] = (byte) leanTail[i];
        }
        OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
        a.setValues(out);
        return a;
    }

    @Override
    public String toString() {
        return path + " [" + frames + "x" + rows + "x" + columns + " " + format + ", " + transferSyntax + "]";
    }
}
