package org.filigrane.cli;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.Layer;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.ledger.IssueRecord;
import org.filigrane.ledger.Ledger;
import org.filigrane.ledger.LedgerEntry;

/**
 * Builds the ledger record of one embedded series and appends it (used by embed; batch and router can call it the
 * same way). The record holds no secret:
 * <ul>
 * <li>originalPixelSha256: the volume hash layer R's signed payload carries (docs/FORMAT.md): SHA-256 over slices,
 * rows, columns (4 bytes each, big-endian), bits allocated, bits stored, signedness (1 byte each) and each slice's
 * SHA-256 over its samples as 16-bit little-endian words; a restored copy hashes to it again;</li>
 * <li>payloadSha256: SHA-256 over the issuer key id, the recipient, the user's message and the layers (R, T, D as
 * letters, in that order), each as UTF-8 followed by a 0 byte: what the watermark says, without the pixels. (The
 * signed digest of the DICOM manifests is not exposed by {@code DicomWatermarking.Embedded} yet.)</li>
 * </ul>
 */
public final class LedgerRecording {
    private LedgerRecording() {
    }

    /**
     * Appends the record of {@code embedded} (made from {@code original} with {@code spec}) signed by {@code issuer}.
     * Idempotent per (issuer, new series UID): embedding the same output again returns the existing entry.
     */
    public static LedgerEntry record(Ledger ledger, IssuerKey issuer, DicomSeries original, WatermarkSpec spec,
            DicomWatermarking.Embedded embedded, Instant time) throws IOException {
        return ledger.append(issueRecord(issuer, original, spec, embedded, time), issuer);
    }

    public static IssueRecord issueRecord(IssuerKey issuer, DicomSeries original, WatermarkSpec spec,
            DicomWatermarking.Embedded embedded, Instant time) throws IOException {
        List<String> originalSops = new ArrayList<>();
        for (DicomObject o : original.objects()) {
            originalSops.add(o.string(TagFromName.SOPInstanceUID));
        }
        List<String> newSops = new ArrayList<>();
        for (Path p : embedded.outputs()) {
            newSops.add(sopInstanceUid(p));
        }
        StringBuilder layers = new StringBuilder();
        for (Layer l : List.of(Layer.REVERSIBLE, Layer.TAMPER, Layer.ROBUST)) {
            if (spec.layers().contains(l)) {
                layers.append(l == Layer.REVERSIBLE ? 'R' : l == Layer.TAMPER ? 'T' : 'D');
            }
        }
        MessageDigest payload = sha256();
        for (String s : new String[] {issuer.keyId(), spec.recipient(), spec.message(), layers.toString()}) {
            payload.update(s.getBytes(StandardCharsets.UTF_8));
            payload.update((byte) 0);
        }
        return new IssueRecord(time, issuer.keyId(), spec.recipient(), spec.robustId(), original.seriesUid(),
                embedded.seriesUid(), originalSops, newSops, volumeHash(original.volume()),
                HexFormat.of().formatHex(payload.digest()));
    }

    /** The output's SOP Instance UID, read from its header only (reading stops before the pixel data). */
    private static String sopInstanceUid(Path file) throws IOException {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toString(), TagFromName.PixelData);
        } catch (DicomException e) {
            throw new IOException("cannot read back " + file + ": " + e.getMessage(), e);
        }
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
    }

    /** The volume hash of docs/FORMAT.md (the one layer R signs), in hex. */
    static String volumeHash(Volume v) {
        return HexFormat.of().formatHex(v.sha256());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
