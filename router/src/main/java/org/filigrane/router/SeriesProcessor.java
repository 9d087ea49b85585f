package org.filigrane.router;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.VerificationReport.Status;

/**
 * What a route does to a complete series: embed (watermark for the recipient, outputs in {@code out/}), verify
 * (the received files themselves are the outputs when AUTHENTIC) or restore (original pixels in {@code out/}).
 * Anything that cannot be forwarded raises {@link Rejected} with a report for the quarantine.
 */
final class SeriesProcessor {
    /** The series cannot be forwarded on this route; {@code report} says why (goes into the quarantine). */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Map<String, Object> report;

        Rejected(String reason, Map<String, Object> report) {
            super(reason);
            this.report = report;
        }
    }

    /** The outputs, written and fsynced (not yet journaled), and what to record in the ledger (embed only). */
    record Processed(List<Batch.Output> outputs, IssueRecorder.Issued issued) {
    }

    private final String backend;

    SeriesProcessor(String backend) {
        this.backend = backend;
    }

    /** Processes {@code b} on {@code route}. */
    Processed process(Batch b, RouterConfig.Route route) throws Rejected, IOException {
        Durable.deleteTree(b.out());
        DicomSeries series;
        try {
            series = DicomReader.read(b.inputFiles(), new DicomReader.Options(b.seriesUid, false));
        } catch (DicomInputException e) {
            String reason = (e.kind() == DicomInputException.Kind.SLICE_GAP ? "incomplete series: " : "bad input: ")
                    + e.getMessage();
            throw new Rejected(reason, report(reason));
        }
        return switch (route.mode()) {
            case EMBED -> embed(b, route, series);
            case VERIFY -> new Processed(verify(b, route, series), null);
            case RESTORE -> new Processed(restore(b, route, series), null);
        };
    }

    private Processed embed(Batch b, RouterConfig.Route route, DicomSeries series)
            throws Rejected, IOException {
        WatermarkSpec spec = WatermarkSpec.reversible(route.recipient(), route.message());
        if (route.robustId() != null) {
            spec = spec.withRobustId(route.robustId());
        }
        DicomWatermarking.Embedded e;
        try (Watermarker wm = Watermarker.create(route.issuer(), backend)) {
            e = DicomWatermarking.embed(series, wm, route.issuer(), spec, OutputPlan.into(b.out()), false, i -> { });
        } catch (WatermarkException | DicomInputException ex) {
            String reason = "cannot watermark: " + ex.getMessage();
            throw new Rejected(reason, report(reason));
        }
        List<Batch.Output> outs = outputs(b, e.outputs());
        List<String> originals = new ArrayList<>();
        for (DicomObject o : series.objects()) {
            originals.add(Attribute.getSingleStringValueOrEmptyString(o.attributes(), TagFromName.SOPInstanceUID)
                    .trim());
        }
        String message = DicomWatermarking.dicomSpec(series, spec).message();
        return new Processed(outs, new IssueRecorder.Issued(Instant.now(), e.keyId(), route.recipient(),
                route.robustId(), series.seriesUid(), e.seriesUid(), originals,
                outs.stream().map(Batch.Output::sopUid).toList(), pixelSha256(series.volume()),
                sha256((route.recipient() + "\n" + message).getBytes(StandardCharsets.UTF_8))));
    }

    private List<Batch.Output> verify(Batch b, RouterConfig.Route route, DicomSeries series) throws Rejected,
            IOException {
        DicomWatermarking.Verification v;
        try (Watermarker wm = Watermarker.verifier(route.trusted(), backend)) {
            v = DicomWatermarking.verify(series, wm);
        }
        if (v.status() != Status.AUTHENTIC) {
            String reason = "verification says " + v.status() + ": " + v.pixels().detail();
            throw new Rejected(reason, verificationReport(reason, v));
        }
        return outputs(b, series.objects().stream().map(DicomObject::path).toList());
    }

    private List<Batch.Output> restore(Batch b, RouterConfig.Route route, DicomSeries series) throws Rejected,
            IOException {
        List<Path> written;
        try (Watermarker wm = Watermarker.verifier(route.trusted(), backend)) {
            written = DicomWatermarking.restore(series, wm, OutputPlan.into(b.out()), i -> { }).outputs();
        } catch (DicomWatermarking.RestoreRefusedException ex) {
            String reason = "not restored: verification says " + ex.verification().status() + ": "
                    + ex.verification().pixels().detail();
            throw new Rejected(reason, verificationReport(reason, ex.verification()));
        } catch (WatermarkException | DicomInputException ex) {
            String reason = "cannot restore: " + ex.getMessage();
            throw new Rejected(reason, report(reason));
        }
        return outputs(b, written);
    }

    /** The outputs with their SOP Instance UIDs, fsynced (in parallel: the disk merges them) with their directory. */
    private static List<Batch.Output> outputs(Batch b, List<Path> files) throws IOException {
        List<Batch.Output> outs = new ArrayList<>();
        for (Path f : files) {
            AttributeList h = new AttributeList();
            try {
                h.read(f.toString(), TagFromName.PixelData);
            } catch (DicomException e) {
                throw new IOException("cannot read back " + f + ": " + e.getMessage(), e);
            }
            outs.add(new Batch.Output(Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SOPInstanceUID)
                    .trim(), b.dir.relativize(f).toString()));
        }
        try {
            files.parallelStream().forEach(f -> {
                try {
                    Durable.fsync(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        if (!files.isEmpty()) {
            Durable.fsyncDirectory(files.get(0).getParent());
        }
        return outs;
    }

    static Map<String, Object> report(String reason) {
        Map<String, Object> m = Json.object();
        m.put("reason", reason);
        return m;
    }

    private static Map<String, Object> verificationReport(String reason, DicomWatermarking.Verification v) {
        Map<String, Object> m = report(reason);
        m.put("status", v.status().name());
        m.put("detail", v.pixels().detail());
        m.put("recipient", v.pixels().recipient());
        m.put("keyId", v.pixels().keyId());
        List<Object> cells = new ArrayList<>();
        for (TamperedCell c : v.pixels().tamperedCells()) {
            cells.add(c.toString());
        }
        m.put("tamperedCells", cells);
        m.put("alteredSlices", v.pixels().alteredSlices());
        m.put("missingSlices", v.pixels().missingSlices());
        m.put("unexpectedSlices", v.pixels().unexpectedSlices());
        List<Object> attrs = new ArrayList<>();
        for (DicomWatermarking.AttributeFinding f : v.attributes()) {
            attrs.add("slice " + f.slice() + " (" + f.file().getFileName() + "): " + f.detail());
        }
        m.put("changedAttributes", attrs);
        m.put("missingObjects", v.missingObjects());
        return m;
    }

    static String pixelSha256(Volume v) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int s = 0; s < v.slices(); s++) {
                short[] px = v.slice(s);
                ByteBuffer buf = ByteBuffer.allocate(px.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                buf.asShortBuffer().put(px);
                md.update(buf.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
