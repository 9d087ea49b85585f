package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
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
    /** Separates the user's message from the attribute digests inside the embedded message. */
    static final String MESSAGE_MARK = "\n\u0001filigrane-dicom/1 attrs=";
    static final String SOFTWARE = "Filigrane 0.1.0";

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
     * headers (object index and count). Unauthenticated, so only a hint, but it names a removed file even when the
     * pixel watermark can no longer be decoded.
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

    static String encodeMessage(String userMessage, List<byte[]> digests) {
        StringBuilder sb = new StringBuilder(userMessage).append(MESSAGE_MARK);
        byte[] all = new byte[digests.size() * AttributeDigest.BYTES];
        for (int i = 0; i < digests.size(); i++) {
            System.arraycopy(digests.get(i), 0, all, i * AttributeDigest.BYTES, AttributeDigest.BYTES);
        }
        return sb.append(Base64.getUrlEncoder().withoutPadding().encodeToString(all)).toString();
    }

    /** The user's part of an embedded message. */
    public static String userMessage(String embedded) {
        if (embedded == null) {
            return null;
        }
        int i = embedded.lastIndexOf(MESSAGE_MARK);
        return i < 0 ? embedded : embedded.substring(0, i);
    }

    /** The recorded attribute digests, or null when the message carries none. */
    static List<byte[]> digests(String embedded) {
        int i = embedded == null ? -1 : embedded.lastIndexOf(MESSAGE_MARK);
        if (i < 0) {
            return null;
        }
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(embedded.substring(i + MESSAGE_MARK.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k + AttributeDigest.BYTES <= all.length; k += AttributeDigest.BYTES) {
            out.add(Arrays.copyOfRange(all, k, k + AttributeDigest.BYTES));
        }
        return out;
    }

    /** The message actually embedded for {@code spec} on {@code series} (user message plus attribute digests). */
    public static WatermarkSpec dicomSpec(DicomSeries series, WatermarkSpec spec) {
        List<byte[]> digests = new ArrayList<>();
        for (DicomObject o : series.objects()) {
            digests.add(AttributeDigest.ofOriginal(o.attributes()));
        }
        return new WatermarkSpec(spec.recipient(), encodeMessage(spec.message(), digests), spec.layers(),
                spec.profile(), spec.robustId());
    }

    // ---- embed ----

    /** Watermarks {@code series} and writes it as {@code plan} says; nothing is written if anything fails. */
    public static Embedded embed(DicomSeries series, Watermarker watermarker, IssuerKey key, WatermarkSpec spec,
            OutputPlan plan, boolean keepUids, IntConsumer progress)
            throws WatermarkException, DicomInputException, IOException {
        List<Path> targets = plan.targets(series.objects().stream().map(DicomObject::path).toList());
        refuseWatermarked(series);
        WatermarkSpec full = dicomSpec(series, spec);
        EmbedResult result = watermarker.embed(series.volume(), full);
        String keyId = key.keyId();
        String newSeries = writeWatermarked(series, result.volume(), spec, keyId, targets, keepUids, progress);
        return new Embedded(result, targets, newSeries, keyId);
    }

    /**
     * Writes {@code watermarked} (the series' volume after the engine) with the series' attributes, the Filigrane
     * header and, unless {@code keepUids}, new UIDs. Returns the Series Instance UID written.
     */
    static String writeWatermarked(DicomSeries series, Volume watermarked, WatermarkSpec spec, String keyId,
            List<Path> targets, boolean keepUids, IntConsumer progress) throws IOException {
        Uids uids = keepUids ? null : Uids.random();
        String newSeries = keepUids ? series.seriesUid() : uids.series();
        String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        List<AttributeList> lists = new ArrayList<>();
        List<String> syntaxes = new ArrayList<>();
        for (int i = 0; i < series.objects().size(); i++) {
            lists.add(watermarkedObject(series, i, watermarked, spec, keyId, uids, now));
            syntaxes.add(series.objects().get(i).outputTransferSyntax());
        }
        OutputPlan.writeAll(lists, syntaxes, targets,
                series.objects().stream().map(DicomObject::path).toList(), progress);
        return newSeries;
    }

    /** Output object {@code i}: its attributes, the watermarked pixels, the Filigrane header, new UIDs unless null. */
    private static AttributeList watermarkedObject(DicomSeries series, int i, Volume watermarked, WatermarkSpec spec,
            String keyId, Uids uids, String now) throws IOException {
        List<String> layers = new ArrayList<>();
        for (Layer l : java.util.EnumSet.copyOf(spec.layers())) {
            layers.add(switch (l) {
                case ROBUST -> "D";
                case REVERSIBLE -> "R";
                case TAMPER -> "T";
            });
        }
        DicomObject o = series.objects().get(i);
        AttributeList out = new AttributeList();
        out.putAll(o.attributes());
        try {
            out.put(o.pixelDataWith(frames(series, i, watermarked)));
            new FiligraneHeader(FiligraneHeader.FORMAT_VERSION, layers, keyId,
                    spec.layers().contains(Layer.TAMPER) ? spec.profile().name() : "",
                    o.string(TagFromName.SOPInstanceUID), o.string(TagFromName.SeriesInstanceUID), i,
                    spec.recipient(), now, SOFTWARE, o.transferSyntax(), series.objects().size()).writeInto(out);
            if (uids != null) {
                FiligraneHeader.replace(out, TagFromName.SOPInstanceUID, uids.instance(i));
                FiligraneHeader.replace(out, TagFromName.SeriesInstanceUID, uids.series());
            }
            finish(out, o.outputTransferSyntax());
        } catch (DicomException e) {
            throw new IOException("cannot build the output for " + o.path() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The UIDs a watermarked copy gets: one Series Instance UID and one SOP Instance UID per object. A batch derives
     * them from a seed it journals first, so that a series redone after a crash gets the same UIDs (and the ledger,
     * keyed by the new Series Instance UID, no second record).
     */
    public interface Uids {
        String series();

        String instance(int objectIndex);

        /** Fresh random UIDs. */
        static Uids random() {
            String series = newUid();
            return new Uids() {
                @Override
                public String series() {
                    return series;
                }

                @Override
                public String instance(int objectIndex) {
                    return newUid();
                }
            };
        }

        /** UIDs under 2.25 derived from {@code seed} (at least 16 random bytes) with SHA-256: same seed, same UIDs. */
        static Uids fromSeed(byte[] seed) {
            byte[] s = seed.clone();
            return new Uids() {
                @Override
                public String series() {
                    return derived(s, "series", 0);
                }

                @Override
                public String instance(int objectIndex) {
                    return derived(s, "instance", objectIndex);
                }
            };
        }
    }

    private static String derived(byte[] seed, String what, int index) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(seed);
            md.update((what + "/" + index).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // 128 bits as a decimal integer: at most 39 digits, 44 characters with the root.
            return "2.25." + new BigInteger(1, Arrays.copyOf(md.digest(), 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The engine half of a staged embed: refuses a series that carries a watermark, then watermarks its volume with
     * the DICOM message (user message plus attribute digests). The input volume is not changed.
     */
    public static EmbedResult embedVolume(DicomSeries series, Watermarker watermarker, WatermarkSpec spec)
            throws WatermarkException, DicomInputException {
        refuseWatermarked(series);
        return watermarker.embed(series.volume(), dicomSpec(series, spec));
    }

    /**
     * The writing half of a staged embed: writes each output object straight to {@code targets} (one per object, in
     * {@link DicomSeries#objects()} order), one object at a time, each synced to disk, for a caller that stages
     * outputs and renames them into place itself (a batch). Returns the new Series Instance UID.
     */
    public static String writeEmbedded(DicomSeries series, Volume watermarked, WatermarkSpec spec, String keyId,
            List<Path> targets, Uids uids, IntConsumer progress) throws IOException {
        String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        for (int i = 0; i < series.objects().size(); i++) {
            AttributeList out = watermarkedObject(series, i, watermarked, spec, keyId, uids, now);
            OutputPlan.writeSynced(out, series.objects().get(i).outputTransferSyntax(), targets.get(i));
            progress.accept(i + 1);
        }
        return uids == null ? series.seriesUid() : uids.series();
    }

    /** The new SOP Instance UIDs {@code uids} gives the objects of {@code series} (for a ledger record). */
    public static List<String> newInstanceUids(DicomSeries series, Uids uids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < series.objects().size(); i++) {
            out.add(uids == null ? series.objects().get(i).string(TagFromName.SOPInstanceUID) : uids.instance(i));
        }
        return out;
    }

    /**
     * Writes the restored objects (pixels {@code original}, attributes as before watermarking) straight to
     * {@code targets}, one at a time, synced (see {@link #writeEmbedded}). The caller verified first.
     */
    public static void writeRestoredTo(DicomSeries series, Volume original, List<Path> targets, IntConsumer progress)
            throws IOException {
        for (int i = 0; i < series.objects().size(); i++) {
            OutputPlan.writeSynced(restoredObject(series, i, original),
                    series.objects().get(i).outputTransferSyntax(), targets.get(i));
            progress.accept(i + 1);
        }
    }

    private static void refuseWatermarked(DicomSeries series) throws DicomInputException {
        for (DicomObject o : series.objects()) {
            FiligraneHeader h = FiligraneHeader.read(o.attributes());
            if (h != null) {
                throw new DicomInputException(DicomInputException.Kind.ALREADY_WATERMARKED, o.path(),
                        "carries a Filigrane watermark already (key id " + h.keyId() + ", recipient " + h.recipient()
                        + "); restore it first, then watermark the original");
            }
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

    /** Verifies pixels (engine) and attributes (recorded digests); never throws on a foreign series. */
    public static Verification verify(DicomSeries series, Watermarker watermarker) {
        VerificationReport report = watermarker.verify(series.volume());
        FiligraneHeader header = FiligraneHeader.read(series.objects().get(0).attributes());
        List<AttributeFinding> findings = new ArrayList<>();
        List<byte[]> recorded = report.status() == Status.NOT_WATERMARKED ? null : digests(report.message());
        if (recorded != null) {
            boolean[] seen = new boolean[recorded.size()];
            for (int i = 0; i < series.objects().size(); i++) {
                DicomObject o = series.objects().get(i);
                int slice = series.firstSliceOf(i);
                FiligraneHeader h = FiligraneHeader.read(o.attributes());
                int index = h == null ? -1 : h.objectIndex();
                if (index < 0 || index >= recorded.size()) {
                    findings.add(new AttributeFinding(slice, o.path(), "Filigrane header missing or damaged "
                            + "(object index " + index + ")"));
                    continue;
                }
                if (seen[index]) {
                    findings.add(new AttributeFinding(slice, o.path(), "a second object claims to be object "
                            + index + " of the watermarked series"));
                }
                seen[index] = true;
                if (!Arrays.equals(recorded.get(index), AttributeDigest.ofOriginal(o.attributes()))) {
                    findings.add(new AttributeFinding(slice, o.path(), "attributes differ from those recorded "
                            + "when it was watermarked (object " + index + ")"));
                }
            }
        }
        Status status = report.status();
        List<Integer> missing = missingObjects(series);
        if (status == Status.AUTHENTIC && (!findings.isEmpty() || !missing.isEmpty())) {
            status = Status.TAMPERED;
        }
        return new Verification(status, report, userMessage(report.message()), findings, series.gaps(), header,
                series, missing);
    }

    // ---- restore ----

    /**
     * Writes the original objects back: pixel data bit for bit, the private block removed, the original UIDs back.
     * Refuses (writing nothing) unless verification says AUTHENTIC, pixels and attributes alike.
     */
    public static List<Path> restore(DicomSeries series, Watermarker watermarker, OutputPlan plan,
            IntConsumer progress) throws WatermarkException, DicomInputException, IOException {
        List<Path> targets = plan.targets(series.objects().stream().map(DicomObject::path).toList());
        Verification v = verify(series, watermarker);
        if (v.status() != Status.AUTHENTIC) {
            throw new RestoreRefusedException(v);
        }
        Volume original = watermarker.restore(series.volume());
        writeRestored(series, original, targets, progress);
        return targets;
    }

    /** Writes {@code original} (the restored volume) with the attributes as they were before watermarking. */
    static void writeRestored(DicomSeries series, Volume original, List<Path> targets, IntConsumer progress)
            throws IOException {
        List<AttributeList> lists = new ArrayList<>();
        List<String> syntaxes = new ArrayList<>();
        for (int i = 0; i < series.objects().size(); i++) {
            lists.add(restoredObject(series, i, original));
            syntaxes.add(series.objects().get(i).outputTransferSyntax());
        }
        OutputPlan.writeAll(lists, syntaxes, targets,
                series.objects().stream().map(DicomObject::path).toList(), progress);
    }

    private static AttributeList restoredObject(DicomSeries series, int i, Volume original) throws IOException {
        DicomObject o = series.objects().get(i);
        AttributeList out = FiligraneHeader.originalView(o.attributes());
        try {
            out.put(o.pixelDataWith(frames(series, i, original)));
            finish(out, o.outputTransferSyntax());
        } catch (DicomException e) {
            throw new IOException("cannot build the output for " + o.path() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Restoration refused because verification did not say AUTHENTIC; carries that verification. */
    public static final class RestoreRefusedException extends WatermarkException {
        private static final long serialVersionUID = 1L;
        private final transient Verification verification;

        public RestoreRefusedException(Verification v) {
            super("not restored: verification says " + v.status() + " (" + v.pixels().detail()
                    + (v.attributes().isEmpty() ? "" : "; " + v.attributes().size() + " object(s) with changed "
                    + "attributes") + ")");
            this.verification = v;
        }

        public Verification verification() {
            return verification;
        }
    }
}
