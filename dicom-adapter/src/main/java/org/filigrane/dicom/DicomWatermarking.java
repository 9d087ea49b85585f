package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.filigrane.engine.DisplayWindow;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.Layer;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;

/**
 * Watermarks, verifies and restores DICOM series: the volume goes through the engine, the attributes through
 * {@link AttributeDigest} (their digests ride in layer R's keyed payload) and {@link FiligraneHeader}.
 *
 * <p>UID policy: a watermarked object has new pixel data, so by default it gets a new SOP Instance UID, and each
 * watermarked series a new Series Instance UID (2.25 UUID-derived UIDs), so that a PACS holding both never confuses
 * the copy with the original. The original UIDs are kept in the private block and restoration puts them back.
 * {@code keepUids} keeps the original UIDs on the watermarked copy instead (for workflows that replace the
 * original in place).
 */
public final class DicomWatermarking {
    /** Separates the user's message from the signed digest of the series' manifests inside the embedded message. */
    static final String MESSAGE_MARK = "\n\u0001filigrane-dicom/2 manifests=";
    static final String SOFTWARE = "Filigrane 0.2.0";
    static final int SIGNED_DIGEST_BYTES = 32;

    private DicomWatermarking() {
    }

    /** What embedding wrote. */
    public record Embedded(EmbedResult result, List<Path> outputs, String seriesUid, String keyId) {
        public Embedded {
            outputs = List.copyOf(outputs);
        }
    }

    /** An attribute that differs from what was recorded at embedding. */
    public record AttributeFinding(int slice, Path file, String detail) {
    }

    /**
     * A verification: the engine's report on the pixels, the findings on the attributes and slice positions, and
     * the overall status (TAMPERED when either found something).
     */
    public record Verification(Status status, VerificationReport pixels, String message,
            List<AttributeFinding> attributes, List<String> gaps, FiligraneHeader header, DicomSeries series,
            List<Integer> missingObjects) {
        public Verification {
            attributes = List.copyOf(attributes);
            gaps = List.copyOf(gaps);
            missingObjects = List.copyOf(missingObjects);
        }
    }

    /**
     * Objects of the watermarked series that none of the received files claims to be, from the files' Filigrane
     * headers (object index and count). Unauthenticated, so only a hint for when the payload cannot be read.
     */
    static List<Integer> missingObjects(DicomSeries series) {
        int count = -1;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (DicomObject o : series.objects()) {
            FiligraneHeader h = FiligraneHeader.read(o.attributes());
            if (h == null || h.objectCount() < 1 || (count >= 0 && h.objectCount() != count)) {
                return List.of();
            }
            count = h.objectCount();
            seen.add(h.objectIndex());
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!seen.contains(i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    // ---- message ----

    static String encodeMessage(String userMessage, byte[] seriesDigest) {
        return userMessage + MESSAGE_MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(seriesDigest);
    }

    /** The user's part of an embedded message. */
    public static String userMessage(String embedded) {
        if (embedded == null) {
            return null;
        }
        int i = embedded.lastIndexOf(MESSAGE_MARK);
        return i < 0 ? embedded : embedded.substring(0, i);
    }

    /** The signed SHA-256 of the series manifest list, or null when the message carries none. */
    static byte[] signedDigest(String embedded) {
        int i = embedded == null ? -1 : embedded.lastIndexOf(MESSAGE_MARK);
        if (i < 0) {
            return null;
        }
        try {
            byte[] d = Base64.getUrlDecoder().decode(embedded.substring(i + MESSAGE_MARK.length()));
            return d.length == SIGNED_DIGEST_BYTES ? d : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The spec actually embedded for {@code spec} in {@code series}: the user message plus the signed digest (same
     * length; zeros here), and layer D's display window ({@link #engineSpec}).
     */
    public static WatermarkSpec dicomSpec(DicomSeries series, WatermarkSpec spec) {
        return engineSpec(series, spec, new byte[SIGNED_DIGEST_BYTES]);
    }

    /**
     * What the engine embeds in {@code series}: the message carries the attribute digest, and layer D, asked for
     * without a display window, stays invisible in the window the series asks viewers for (its first object's Window
     * Center/Width, after Rescale), else in the engine's percentile window. Every embedder (the embed command, the
     * batch, the router) comes through here.
     */
    private static WatermarkSpec engineSpec(DicomSeries series, WatermarkSpec spec, byte[] digest) {
        WatermarkSpec out = new WatermarkSpec(spec.recipient(), encodeMessage(spec.message(), digest), spec.layers(),
                spec.profile(), spec.robustId(), spec.displayWindow());
        if (out.displayWindow() == null && out.layers().contains(Layer.ROBUST)) {
            DisplayWindow window = DisplayWindows.of(series.objects().get(0));
            if (window != null) {
                out = out.withDisplayWindow(window.center(), window.width());
            }
        }
        return out;
    }

    // ---- embed ----

    /**
     * Watermarks {@code series} and writes it as {@code plan} says. Every input is checked before any work; the
     * outputs are encoded, decoded again and verified in memory (pixels, attributes, unstored bits, restoration)
     * before anything is written; the write is journaled. Nothing is written if anything fails.
     */
    public static Embedded embed(DicomSeries series, Watermarker watermarker, IssuerKey key, WatermarkSpec spec,
            OutputPlan plan, boolean keepUids, IntConsumer progress)
            throws WatermarkException, DicomInputException, IOException {
        List<Path> sources = series.objects().stream().map(DicomObject::path).toList();
        List<Path> targets = plan.targets(sources);
        checkEmbeddable(series);
        plan.checkWritable(targets);
        String keyId = key.keyId();
        String newSeries = keepUids ? series.seriesUid() : newUid();
        List<AttributeList> lists = headers(series, spec, keyId, keepUids, newSeries);
        // Manifests of the outputs as a reader will see them: computed on the encoded and decoded header.
        List<byte[]> manifests = new ArrayList<>();
        java.io.ByteArrayOutputStream seriesList = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lists.size(); i++) {
            DicomObject o = series.objects().get(i);
            byte[] m = Manifest.of(reparse(lists.get(i), o), o.unstoredBitsHash()).toBytes();
            manifests.add(m);
            seriesList.writeBytes(Manifest.hashOf(m));
        }
        byte[] list = seriesList.toByteArray();
        byte[] digest = AttributeDigest.sha256().digest(list);
        EmbedResult result = watermarker.embed(series.volume(), engineSpec(series, spec, digest));
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < lists.size(); i++) {
            DicomObject o = series.objects().get(i);
            AttributeList out = lists.get(i);
            try {
                FiligraneHeader.writeManifests(out, manifests.get(i), list);
                out.put(o.pixelDataWith(frames(series, i, result.volume())));
            } catch (DicomException e) {
                throw new IOException("cannot build the output for " + o.path() + ": " + e.getMessage(), e);
            }
            files.add(encode(out, o.outputTransferSyntax(), o.path()));
        }
        checkOutput(series, files, targets, watermarker, spec.layers().contains(Layer.ROBUST));
        plan.writeAll(files, targets, sources, progress);
        return new Embedded(result, targets, newSeries, keyId);
    }

    /**
     * Writes {@code watermarked} as watermarked objects with their header and manifests, without the engine and
     * without journal or self-check (tests of the DICOM encoding only). Returns the Series Instance UID written.
     */
    static String writeWatermarked(DicomSeries series, Volume watermarked, WatermarkSpec spec, String keyId,
            List<Path> targets, boolean keepUids) throws IOException {
        String newSeries = keepUids ? series.seriesUid() : newUid();
        List<AttributeList> lists = headers(series, spec, keyId, keepUids, newSeries);
        List<byte[]> manifests = new ArrayList<>();
        java.io.ByteArrayOutputStream seriesList = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lists.size(); i++) {
            DicomObject o = series.objects().get(i);
            byte[] m = Manifest.of(reparse(lists.get(i), o), o.unstoredBitsHash()).toBytes();
            manifests.add(m);
            seriesList.writeBytes(Manifest.hashOf(m));
        }
        for (int i = 0; i < lists.size(); i++) {
            DicomObject o = series.objects().get(i);
            try {
                FiligraneHeader.writeManifests(lists.get(i), manifests.get(i), seriesList.toByteArray());
                lists.get(i).put(o.pixelDataWith(frames(series, i, watermarked)));
            } catch (DicomException e) {
                throw new IOException(e);
            }
            java.nio.file.Files.createDirectories(targets.get(i).getParent());
            java.nio.file.Files.write(targets.get(i), encode(lists.get(i), o.outputTransferSyntax(), o.path()));
        }
        return newSeries;
    }

    /** Writes {@code original} with the attributes as they were before watermarking (tests only; no journal). */
    static void writeRestored(DicomSeries series, Volume original, List<Path> targets) throws IOException {
        for (int i = 0; i < series.objects().size(); i++) {
            DicomObject o = series.objects().get(i);
            AttributeList out = FiligraneHeader.originalView(o.attributes());
            try {
                out.put(o.pixelDataWith(frames(series, i, original)));
                finish(out, o.outputTransferSyntax());
            } catch (DicomException e) {
                throw new IOException(e);
            }
            java.nio.file.Files.createDirectories(targets.get(i).getParent());
            java.nio.file.Files.write(targets.get(i), encode(out, o.outputTransferSyntax(), o.path()));
        }
    }

    /** Refuses, before any work, objects that lack the UIDs the output needs or carry a watermark already. */
    static void checkEmbeddable(DicomSeries series) throws DicomInputException {
        for (DicomObject o : series.objects()) {
            for (AttributeTag t : List.of(TagFromName.SOPInstanceUID, TagFromName.SeriesInstanceUID)) {
                if (o.string(t).isEmpty()) {
                    throw new DicomInputException(DicomInputException.Kind.MISSING_UID, o.path(), "has no "
                            + AttributeDigest.name(t) + ": the watermarked copy and its restoration could not be "
                            + "told apart from other objects; add the UID (e.g. dcmodify -gin / -gse) first");
                }
            }
            FiligraneHeader h = FiligraneHeader.read(o.attributes());
            if (h != null) {
                throw new DicomInputException(DicomInputException.Kind.ALREADY_WATERMARKED, o.path(),
                        "carries a Filigrane watermark already (key id " + h.keyId() + ", recipient " + h.recipient()
                        + "); restore it first, then watermark the original");
            }
        }
    }

    /** The outputs' attributes without Pixel Data: the input's, the Filigrane header, new UIDs, new file meta. */
    private static List<AttributeList> headers(DicomSeries series, WatermarkSpec spec, String keyId,
            boolean keepUids, String newSeries) throws IOException {
        List<String> layers = new ArrayList<>();
        for (Layer l : java.util.EnumSet.copyOf(spec.layers())) {
            layers.add(switch (l) {
                case ROBUST -> "D";
                case REVERSIBLE -> "R";
                case TAMPER -> "T";
            });
        }
        String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        List<AttributeList> lists = new ArrayList<>();
        for (int i = 0; i < series.objects().size(); i++) {
            DicomObject o = series.objects().get(i);
            AttributeList out = new AttributeList();
            out.putAll(o.attributes());
            out.remove(TagFromName.PixelData);
            try {
                new FiligraneHeader(FiligraneHeader.FORMAT_VERSION, layers, keyId,
                        spec.layers().contains(Layer.TAMPER) ? spec.profile().name() : "",
                        o.string(TagFromName.SOPInstanceUID), o.string(TagFromName.SeriesInstanceUID), i,
                        spec.recipient(), now, SOFTWARE, o.transferSyntax(), series.objects().size()).writeInto(out);
                if (!keepUids) {
                    FiligraneHeader.replace(out, TagFromName.SOPInstanceUID, newUid());
                    FiligraneHeader.replace(out, TagFromName.SeriesInstanceUID, newSeries);
                }
                finish(out, o.outputTransferSyntax());
            } catch (DicomException e) {
                throw new IOException("cannot build the output for " + o.path() + ": " + e.getMessage(), e);
            }
            lists.add(out);
        }
        return lists;
    }

    /** {@code list} (no Pixel Data) encoded in the output's transfer syntax and read back. */
    private static AttributeList reparse(AttributeList list, DicomObject o) throws IOException {
        byte[] b = encode(list, o.outputTransferSyntax(), o.path());
        AttributeList back = new AttributeList();
        try {
            back.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(b)));
        } catch (DicomException e) {
            throw new IOException("cannot read back the output for " + o.path() + ": " + e.getMessage(), e);
        }
        return back;
    }

    /** A whole Part 10 file in memory. */
    static byte[] encode(AttributeList list, String transferSyntax, Path source) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            list.write(buf, transferSyntax, true, true);
        } catch (DicomException e) {
            throw new IOException("cannot encode the output for " + source + ": " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /**
     * {@code header} (no Pixel Data) with {@code pixels} as a whole Part 10 file: the Pixel Data element written by
     * {@link NativePixels} where it takes the layout (the same bytes as PixelMed's, without its per-sample stream),
     * else the whole file by PixelMed.
     */
    static byte[] encode(AttributeList header, Attribute pixels, String transferSyntax, Path source)
            throws IOException {
        try {
            byte[] b = NativePixels.encode(header, pixels, transferSyntax);
            if (b != null) {
                return b;
            }
        } catch (DicomException e) {
            throw new IOException("cannot encode the output for " + source + ": " + e.getMessage(), e);
        }
        AttributeList whole = new AttributeList();
        whole.putAll(header);
        whole.put(pixels);
        return encode(whole, transferSyntax, source);
    }

    /**
     * Decodes the encoded outputs as a reader would and checks them before anything is written: the series
     * verifies AUTHENTIC with no finding, and restoration gives back the input's volume and unstored bits.
     */
    private static void checkOutput(DicomSeries input, List<byte[]> files, List<Path> targets,
            Watermarker watermarker, boolean robust) throws IOException {
        try {
            List<DicomObject> objects = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                objects.add(DicomObject.parse(targets.get(i), files.get(i)));
            }
            DicomSeries back = DicomReader.assemble("", objects, true);
            // One search of the volume gives the verification and, when AUTHENTIC, the restored volume.
            Watermarker.Checked checked = watermarker.verifyAndRestore(back.volume());
            Verification v = verify(back, checked.report());
            if (v.status() != Status.AUTHENTIC || !v.attributes().isEmpty()) {
                throw new IOException("self-check of the output failed: it verifies as " + v.status() + " ("
                        + v.pixels().detail() + (v.attributes().isEmpty() ? "" : "; " + v.attributes().get(0)
                        .detail()) + "); nothing was written");
            }
            Volume restored = checked.restored();
            // With layer D, restoration gives D's output (D is not removable); the engine checked it by its hash.
            if (!robust && !restored.sameContent(input.volume())) {
                throw new IOException("self-check of the output failed: restoration does not give back the input's "
                        + "pixels; nothing was written");
            }
        } catch (DicomInputException e) {
            throw new IOException("self-check of the output failed: " + e.getMessage() + "; nothing was written", e);
        }
    }

    /** Group lengths dropped (retired, recomputed by readers), file meta rebuilt for the new SOP Instance UID. */
    private static void finish(AttributeList out, String transferSyntax) throws DicomException {
        String aet = Attribute.getSingleStringValueOrDefault(out, TagFromName.SourceApplicationEntityTitle,
                "FILIGRANE").trim();
        out.removeGroupLengthAttributes();
        out.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(out, transferSyntax, aet.isEmpty() ? "FILIGRANE" : aet);
    }

    private static short[][] frames(DicomSeries series, int object, Volume volume) {
        DicomObject o = series.objects().get(object);
        short[][] frames = new short[o.frames()][];
        for (int s = 0; s < series.slices().size(); s++) {
            DicomSeries.Slice slice = series.slices().get(s);
            if (slice.object() == object) {
                frames[slice.frame()] = volume.slice(s);
            }
        }
        return frames;
    }

    /** A new UID under the 2.25 root (UUID as a decimal integer), at most 64 characters. */
    static String newUid() {
        UUID u = UUID.randomUUID();
        BigInteger v = new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
        return "2.25." + v;
    }

    // ---- verify ----

    /**
     * Refuses, in one line, a series whose Filigrane private block names another format version (format 1 series
     * written by earlier releases): their pixels carry layers this version does not read, and a verdict of
     * NOT_WATERMARKED or TAMPERED would mislead. Series without a Filigrane block pass (the pixels decide).
     */
    public static void requireReadableFormat(DicomSeries series) throws DicomInputException {
        DicomObject first = series.objects().get(0);
        FiligraneHeader header = FiligraneHeader.read(first.attributes());
        String version = header == null || header.version() == null ? "" : header.version().strip();
        if (!version.isEmpty() && !FiligraneHeader.FORMAT_VERSION.equals(version)) {
            throw new DicomInputException(DicomInputException.Kind.UNSUPPORTED, first.path(), "watermarked with "
                    + "Filigrane format version " + version + "; this release reads format version "
                    + FiligraneHeader.FORMAT_VERSION + " only (verify or restore it with the release that wrote it)");
        }
    }

    /**
     * Verifies pixels (engine) and attributes (manifests, their signed digest, unstored pixel bits); never throws on
     * a foreign series.
     */
    public static Verification verify(DicomSeries series, Watermarker watermarker) {
        return verify(series, watermarker.verify(series.volume()));
    }

    /** {@link #verify} with the engine's report on the series' volume already made. */
    private static Verification verify(DicomSeries series, VerificationReport report) {
        FiligraneHeader header = FiligraneHeader.read(series.objects().get(0).attributes());
        List<AttributeFinding> findings = new ArrayList<>();
        List<Integer> missing = missingObjects(series);
        byte[] signed = report.status() == Status.NOT_WATERMARKED ? null : signedDigest(report.message());
        if (report.message() != null && signed == null) {
            findings.add(new AttributeFinding(-1, series.objects().get(0).path(), "the payload carries no digest of "
                    + "attribute manifests (not a format 2 DICOM watermark): attributes unchecked"));
        }
        if (signed != null) {
            missing = checkManifests(series, signed, findings);
        }
        Status status = report.status();
        if (status == Status.AUTHENTIC && (!findings.isEmpty() || !missing.isEmpty())) {
            status = Status.TAMPERED;
        }
        return new Verification(status, report, userMessage(report.message()), findings, series.gaps(), header,
                series, missing);
    }

    /**
     * Checks every object against the signed digest: finds the authentic series list (a copy whose SHA-256 is the
     * signed digest), each object's manifest in it, and the object's attributes against its manifest. Returns the
     * object indices no received object holds.
     */
    private static List<Integer> checkManifests(DicomSeries series, byte[] signed, List<AttributeFinding> findings) {
        byte[] authentic = null;
        for (DicomObject o : series.objects()) {
            byte[] l = FiligraneHeader.bytes(o.attributes(), FiligraneHeader.SERIES_MANIFESTS);
            if (l != null && Arrays.equals(AttributeDigest.sha256().digest(l), signed)) {
                authentic = l;
                break;
            }
        }
        if (authentic == null || authentic.length % AttributeDigest.HASH_BYTES != 0) {
            findings.add(new AttributeFinding(-1, series.objects().get(0).path(), "FiligraneSeriesManifests: no "
                    + "file holds the signed list of attribute manifests (it was edited or removed in every file)"));
            return List.of();
        }
        int count = authentic.length / AttributeDigest.HASH_BYTES;
        boolean[] seen = new boolean[count];
        for (int i = 0; i < series.objects().size(); i++) {
            DicomObject o = series.objects().get(i);
            int slice = series.firstSliceOf(i);
            String file = o.path().getFileName().toString();
            byte[] l = FiligraneHeader.bytes(o.attributes(), FiligraneHeader.SERIES_MANIFESTS);
            if (!Arrays.equals(l, authentic)) {
                findings.add(new AttributeFinding(slice, o.path(), "FiligraneSeriesManifests " + (l == null
                        ? "removed" : "changed") + " in " + file));
            }
            byte[] mb = FiligraneHeader.bytes(o.attributes(), FiligraneHeader.MANIFEST);
            Manifest recorded = Manifest.parse(mb);
            int index = mb == null ? -1 : indexOf(authentic, Manifest.hashOf(mb));
            if (recorded == null || index < 0) {
                findings.add(new AttributeFinding(slice, o.path(), "FiligraneManifest " + (mb == null ? "missing"
                        : "edited, or the file comes from another watermarked series") + " in " + file
                        + ": its attributes cannot be checked"));
                continue;
            }
            if (seen[index]) {
                findings.add(new AttributeFinding(slice, o.path(), "object " + index + " of the watermarked series "
                        + "appears twice (" + file + " duplicates another file)"));
            }
            seen[index] = true;
            Manifest now = Manifest.of(o.attributes(), o.unstoredBitsHash());
            for (String d : recorded.differences(now)) {
                findings.add(new AttributeFinding(slice, o.path(), d + " in " + file));
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            if (!seen[k]) {
                missing.add(k);
            }
        }
        return missing;
    }

    private static int indexOf(byte[] list, byte[] hash) {
        for (int k = 0; k + hash.length <= list.length; k += hash.length) {
            if (Arrays.equals(list, k, k + hash.length, hash, 0, hash.length)) {
                return k / hash.length;
            }
        }
        return -1;
    }

    // ---- restore ----

    /**
     * What restoration wrote.
     *
     * @param outputs  the files written
     * @param original true when they hold the original pixels and attributes (bit for bit); false when layer D
     *                 remains (not removable): then the pixels are not the original, the objects carry new UIDs
     *                 and Image Type DERIVED
     */
    public record Restored(List<Path> outputs, boolean original) {
        public Restored {
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * Writes the original objects back: pixel data bit for bit, the private block removed, the original UIDs back.
     * With layer D present, the pixels are not the original: they get new UIDs and Image Type DERIVED instead, so
     * that the original UIDs only ever go onto the original pixels. Refuses (writing nothing) unless verification
     * says AUTHENTIC, pixels and attributes alike.
     */
    public static Restored restore(DicomSeries series, Watermarker watermarker, OutputPlan plan,
            IntConsumer progress) throws WatermarkException, DicomInputException, IOException {
        requireReadableFormat(series);
        List<Path> sources = series.objects().stream().map(DicomObject::path).toList();
        List<Path> targets = plan.targets(sources);
        Watermarker.Checked checked = watermarker.verifyAndRestore(series.volume());
        Verification v = verify(series, checked.report());
        if (v.status() != Status.AUTHENTIC) {
            throw new RestoreRefusedException(v);
        }
        plan.checkWritable(targets);
        boolean robust = v.header() != null && v.header().layers().contains("D");
        Volume restored = checked.restored();
        String derivedSeries = newUid();
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < series.objects().size(); i++) {
            DicomObject o = series.objects().get(i);
            AttributeList out = robust ? derivedView(o.attributes(), derivedSeries)
                    : FiligraneHeader.originalView(o.attributes());
            try {
                out.put(o.pixelDataWith(frames(series, i, restored)));
                finish(out, o.outputTransferSyntax());
            } catch (DicomException e) {
                throw new IOException("cannot build the output for " + o.path() + ": " + e.getMessage(), e);
            }
            byte[] b = encode(out, o.outputTransferSyntax(), o.path());
            DicomObject back = DicomObject.parse(targets.get(i), b);
            if (!Arrays.equals(back.unstoredBitsHash(), o.unstoredBitsHash())) {
                throw new IOException("self-check of the restored output failed for " + o.path()
                        + ": pixel bits outside Bits Stored differ; nothing was written");
            }
            files.add(b);
        }
        plan.writeAll(files, targets, sources, progress);
        return new Restored(targets, !robust);
    }

    /**
     * The attributes of a restored object whose pixels still carry layer D: the Filigrane block removed, new SOP
     * Instance and Series Instance UIDs (the watermarked copy's and the original's belong to other pixels), Image
     * Type DERIVED, and a Derivation Description that says so.
     */
    static AttributeList derivedView(AttributeList list, String seriesUid) throws IOException {
        AttributeList copy = new AttributeList();
        copy.putAll(list);
        FiligraneHeader.removeFrom(copy);
        try {
            FiligraneHeader.replace(copy, TagFromName.SOPInstanceUID, newUid());
            FiligraneHeader.replace(copy, TagFromName.SeriesInstanceUID, seriesUid);
            String[] type = Attribute.getStringValues(copy, TagFromName.ImageType);
            com.pixelmed.dicom.CodeStringAttribute it = new com.pixelmed.dicom.CodeStringAttribute(
                    TagFromName.ImageType);
            it.addValue("DERIVED");
            if (type != null && type.length > 1) {
                for (int k = 1; k < type.length; k++) {
                    it.addValue(type[k]);
                }
            } else {
                it.addValue("SECONDARY");
            }
            copy.put(it);
            com.pixelmed.dicom.ShortTextAttribute dd = new com.pixelmed.dicom.ShortTextAttribute(
                    TagFromName.DerivationDescription);
            dd.addValue("Filigrane: watermark layers R and T removed; layer D (robust recipient ID) remains, "
                    + "so these are not the original pixels");
            copy.put(dd);
        } catch (DicomException e) {
            throw new IOException("cannot build the derived attributes: " + e.getMessage(), e);
        }
        return copy;
    }

    // ---- streamed (batch) ----

    /**
     * {@link #embed} for a caller that holds a series once in memory (a batch): the same outputs (Filigrane header,
     * manifests and their signed digest, new UIDs) written through the same {@link Journal}, but each output is
     * built, encoded, checked and written a few at a time (up to 4, in parallel), so the peak is the input and
     * watermarked volumes plus those files instead of every encoded file and a decoded copy of the series.
     * {@code targets} (one per object, under {@code root}, the journal's directory) are given by the caller, which
     * may stage them and move them into place itself.
     *
     * <p>Self-check, before a file is written: it is decoded again and must carry exactly the watermarked pixels,
     * the same unstored bits and the attributes its manifest records (what verification reads). With
     * {@code verifyVolume} the watermarked volume is also verified by the engine before anything is written
     * (AUTHENTIC, which includes its restoration hashing to the signed hash of the input); that needs room for one
     * more copy of the volume, which a caller bounding memory may not have.
     */
    public static Embedded embedStreamed(DicomSeries series, Watermarker watermarker, IssuerKey key,
            WatermarkSpec spec, Path root, List<Path> targets, boolean verifyVolume, IntConsumer progress)
            throws WatermarkException, DicomInputException, IOException {
        return watermarkInMemory(series, watermarker, key, spec, verifyVolume).write(root, targets, progress);
    }

    /**
     * The first half of {@link #embedStreamed}, apart so that a caller can time the engine and the writing: the
     * headers and manifests, the engine's embedding and (with {@code verifyVolume}) its verification.
     */
    public static StreamedEmbed watermarkInMemory(DicomSeries series, Watermarker watermarker, IssuerKey key,
            WatermarkSpec spec, boolean verifyVolume) throws WatermarkException, DicomInputException, IOException {
        return watermarkInMemory(series, watermarker, key, spec, verifyVolume ? VolumeCheck.FULL : VolumeCheck.NONE);
    }

    /**
     * How much of the engine's own check a streamed embed does on the watermarked volume before anything is
     * written (every output file is decoded and checked whatever this says; see {@link StreamedEmbed#write}).
     */
    public enum VolumeCheck {
        /**
         * The engine verifies the volume: AUTHENTIC, which includes decoding layer R's header and payload, the
         * issuer's signature, layer T's codes and the restored pixels hashing to the signed SHA-256 of the input.
         * Proves the output verifies and restores to the input bit for bit. Needs one more copy of the volume.
         */
        FULL,
        /**
         * Layer T's screen ({@link Watermarker#checkIntegrity}: one read-only pass over the column codes) when the
         * spec has layer T; nothing when it has not. Proves the written pixels are the engine's output and carry
         * consistent layer T codes; it does not decode layer R, so it does not prove that they restore.
         */
        QUICK,
        /** None (a caller whose heap cannot hold the extra copy FULL needs). */
        NONE
    }

    /** {@link #watermarkInMemory(DicomSeries, Watermarker, IssuerKey, WatermarkSpec, boolean)} with a chosen check. */
    public static StreamedEmbed watermarkInMemory(DicomSeries series, Watermarker watermarker, IssuerKey key,
            WatermarkSpec spec, VolumeCheck check) throws WatermarkException, DicomInputException, IOException {
        checkEmbeddable(series);
        String keyId = key.keyId();
        String newSeries = newUid();
        List<AttributeList> lists = headers(series, spec, keyId, false, newSeries);
        List<byte[]> manifests = new ArrayList<>();
        List<byte[]> unstoredHashes = new ArrayList<>();
        java.io.ByteArrayOutputStream seriesList = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lists.size(); i++) {
            DicomObject o = series.objects().get(i);
            unstoredHashes.add(o.unstoredBitsHash());
            byte[] m = Manifest.of(reparse(lists.get(i), o), unstoredHashes.get(i)).toBytes();
            manifests.add(m);
            seriesList.writeBytes(Manifest.hashOf(m));
        }
        byte[] list = seriesList.toByteArray();
        EmbedResult result = watermarker.embed(series.volume(), engineSpec(series, spec,
                AttributeDigest.sha256().digest(list)));
        // The outputs' manifests are checked with the inputs' hash of unstored bits, once those bits are found
        // equal sample by sample (see checkFile): no output is hashed again.
        if (check == VolumeCheck.FULL) {
            VerificationReport r = watermarker.verify(result.volume());
            if (r.status() != Status.AUTHENTIC) {
                throw new IOException("self-check of the output failed: it verifies as " + r.status() + " ("
                        + r.detail() + "); nothing was written");
            }
        } else if (check == VolumeCheck.QUICK && spec.layers().contains(Layer.TAMPER)) {
            org.filigrane.engine.IntegrityReport r = watermarker.checkIntegrity(result.volume());
            if (!r.watermarked() || !r.intact()) {
                throw new IOException("self-check of the output failed: layer T's integrity screen says "
                        + (r.watermarked() ? "not intact" : "no layer T") + "; nothing was written");
            }
        }
        return new StreamedEmbed(series, lists, manifests, unstoredHashes, list, result, newSeries, keyId);
    }

    /** A watermarked series in memory, not yet written (see {@link #watermarkInMemory}). */
    public static final class StreamedEmbed {
        private final DicomSeries series;
        private final List<AttributeList> lists;
        private final List<byte[]> manifests;
        private final List<byte[]> unstoredHashes;
        private final byte[] list;
        private final EmbedResult result;
        private final String newSeries;
        private final String keyId;

        private StreamedEmbed(DicomSeries series, List<AttributeList> lists, List<byte[]> manifests,
                List<byte[]> unstoredHashes, byte[] list, EmbedResult result, String newSeries, String keyId) {
            this.series = series;
            this.lists = lists;
            this.manifests = manifests;
            this.unstoredHashes = unstoredHashes;
            this.list = list;
            this.result = result;
            this.newSeries = newSeries;
            this.keyId = keyId;
        }

        public EmbedResult result() {
            return result;
        }

        /**
         * Writes the outputs to {@code targets} (one per object, in {@link DicomSeries#objects()} order, under
         * {@code root}, the journal's directory), each built, encoded and checked just before it is written.
         */
        public Embedded write(Path root, List<Path> targets, IntConsumer progress) throws IOException {
            List<Path> sources = series.objects().stream().map(DicomObject::path).toList();
            if (targets.size() != sources.size()) {
                throw new IllegalArgumentException("one target per object: " + targets.size() + " for "
                        + sources.size());
            }
            List<byte[]> files = new AheadList(lists.size(), new java.util.function.IntFunction<byte[]>() {
                @Override
                public byte[] apply(int i) {
                    DicomObject o = series.objects().get(i);
                    AttributeList out = new AttributeList();
                    out.putAll(lists.get(i));
                    try {
                        FiligraneHeader.writeManifests(out, manifests.get(i), list);
                        short[][] frames = frames(series, i, result.volume());
                        Attribute pixels = o.pixelDataWith(frames);
                        byte[] b = encode(out, pixels, o.outputTransferSyntax(), o.path());
                        checkFile(DicomObject.parse(targets.get(i), b), pixels, frames, o, manifests.get(i),
                                unstoredHashes.get(i));
                        return b;
                    } catch (DicomException | IOException | DicomInputException e) {
                        throw new java.io.UncheckedIOException(new IOException("self-check of the output for "
                                + o.path() + " failed: " + e.getMessage() + "; nothing was written", e));
                    }
                }
            });
            try {
                Journal.write(root, files, targets, sources, progress);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            return new Embedded(result, targets, newSeries, keyId);
        }
    }

    /**
     * The outputs of a streamed write, built {@link FewAtATime} as the journal asks for them in order: at most
     * {@link #AHEAD} encoded files in memory. A failure is thrown on the caller's thread, for the first failing file
     * in order.
     */
    private static final class AheadList extends java.util.AbstractList<byte[]> {
        static final int AHEAD = 4;
        private final int size;
        private final java.util.function.IntFunction<byte[]> build;
        private final int width = FewAtATime.width(AHEAD);
        private List<byte[]> chunk = List.of();
        private int from;

        AheadList(int size, java.util.function.IntFunction<byte[]> build) {
            this.size = size;
            this.build = build;
        }

        @Override
        public byte[] get(int i) {
            if (i < from || i >= from + chunk.size()) {
                chunk = List.of();
                try {
                    chunk = FewAtATime.run(i, Math.min(width, size - i), build::apply);
                } catch (DicomInputException e) {
                    throw new IllegalStateException("building an output threw a checked exception", e);
                }
                from = i;
            }
            return chunk.get(i - from);
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * One decoded output against what was meant: its pixel values (the watermarked volume's), its unstored bits
     * (the source's: when the decoded raw samples are exactly the encoded ones, {@code built}, they are those
     * {@link DicomObject#pixelDataWith} kept; otherwise compared sample by sample) and its manifest (computed with
     * the source's hash of those bits, {@code sourceHash}).
     */
    private static void checkFile(DicomObject back, Attribute built, short[][] frames, DicomObject source,
            byte[] manifest, byte[] sourceHash) throws IOException, DicomException {
        short[] values = new short[back.rows() * back.columns()];
        if (back.frames() != frames.length || values.length != frames[0].length) {
            throw new IOException("the decoded object has another shape");
        }
        for (int f = 0; f < frames.length; f++) {
            back.frameValues(f, values);
            if (!Arrays.equals(values, frames[f])) {
                throw new IOException("the decoded frame " + f + " differs from the watermarked pixels");
            }
        }
        if (!back.hasRawPixels(built) && !source.sameUnstoredBits(back)) {
            throw new IOException("pixel bits outside Bits Stored differ");
        }
        if (!Arrays.equals(Manifest.of(back.attributes(), sourceHash).toBytes(), manifest)) {
            throw new IOException("its attributes do not match their manifest");
        }
    }

    /**
     * {@link #restore} one output at a time (see {@link #embedStreamed}): verification first (AUTHENTIC or
     * nothing), then each restored object built, encoded, checked for its unstored bits and written through the
     * journal under {@code root} to its target.
     */
    public static Restored restoreStreamed(DicomSeries series, Watermarker watermarker, Path root,
            List<Path> targets, IntConsumer progress) throws WatermarkException, IOException {
        List<Path> sources = series.objects().stream().map(DicomObject::path).toList();
        Watermarker.Checked checked = watermarker.verifyAndRestore(series.volume());
        Verification v = verify(series, checked.report());
        if (v.status() != Status.AUTHENTIC) {
            throw new RestoreRefusedException(v);
        }
        boolean robust = v.header() != null && v.header().layers().contains("D");
        Volume restored = checked.restored();
        String derivedSeries = newUid();
        List<byte[]> files = new java.util.AbstractList<>() {
            @Override
            public byte[] get(int i) {
                DicomObject o = series.objects().get(i);
                try {
                    AttributeList out = robust ? derivedView(o.attributes(), derivedSeries)
                            : FiligraneHeader.originalView(o.attributes());
                    finish(out, o.outputTransferSyntax());
                    byte[] b = encode(out, o.pixelDataWith(frames(series, i, restored)), o.outputTransferSyntax(),
                            o.path());
                    if (!o.sameUnstoredBits(DicomObject.parse(targets.get(i), b))) {
                        throw new IOException("pixel bits outside Bits Stored differ");
                    }
                    return b;
                } catch (DicomException | IOException | DicomInputException e) {
                    throw new java.io.UncheckedIOException(new IOException("self-check of the restored output for "
                            + o.path() + " failed: " + e.getMessage() + "; nothing was written", e));
                }
            }

            @Override
            public int size() {
                return sources.size();
            }
        };
        try {
            Journal.write(root, files, targets, sources, progress);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return new Restored(targets, !robust);
    }

    /** Restoration refused because verification did not say AUTHENTIC; carries that verification. */
    public static final class RestoreRefusedException extends WatermarkException {
        private static final long serialVersionUID = 1L;
        private final transient Verification verification;

        public RestoreRefusedException(Verification v) {
            super("not restored: verification says " + v.status() + " (" + v.pixels().detail()
                    + (v.attributes().isEmpty() ? "" : "; " + v.attributes().get(0).detail()
                    + (v.attributes().size() > 1 ? " and " + (v.attributes().size() - 1) + " more finding(s)" : ""))
                    + ")");
            this.verification = v;
        }

        public Verification verification() {
            return verification;
        }
    }
}
