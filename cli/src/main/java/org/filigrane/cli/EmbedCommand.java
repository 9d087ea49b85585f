package org.filigrane.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", description = "Watermark a series (layers R and T; lossless) and write the copy.")
final class EmbedCommand extends CommandBase {
    @Mixin
    InputOptions in = new InputOptions();
    @Mixin
    KeyOptions engine = new KeyOptions();
    @Mixin
    OutputOptions output = new OutputOptions();
    @Mixin
    LedgerOptions ledgerOptions = new LedgerOptions();

    @Option(names = "--no-ledger", description = "do not record this watermark in the ledger")
    boolean noLedger;

    @Option(names = "--recipient", required = true, description = "who receives this copy")
    String recipient;

    @Mixin
    WatermarkOptions watermark = new WatermarkOptions();

    @Option(names = "--keep-uids", description = "keep the original SOP/Series Instance UIDs on the copy")
    boolean keepUids;

    @Override
    Integer execute() throws Exception {
        OutputPlan plan = output.plan();
        // The key's errors come first; its derivation runs beside the reading of the inputs.
        KeyOptions.Pending pendingKey = engine.keyInBackground(err());
        if (finishInterruptedRun(in, plan)) {
            return ExitCode.OK;
        }
        DicomSeries s = read(in, in.allowGaps);
        WatermarkSpec spec = watermark.spec(recipient);
        IssuerKey key = pendingKey.get();
        Watermarker wm = open(key, BackendChoice.forOneShot(engine.backend, s.volume().pixelCount()));
        // Opened before anything is written: an unusable ledger stops the embed, not the record after it.
        org.filigrane.ledger.Ledger ledger = noLedger ? null : ledgerOptions.open();
        org.filigrane.ledger.LedgerEntry entry = null;
        long t0 = System.nanoTime();
        DicomWatermarking.Embedded e;
        try (ledger; Progress p = Progress.start("writing", s.objects().size(), !quiet && !json)) {
            e = DicomWatermarking.embed(s, wm, key, spec, plan, keepUids, p.consumer());
            if (ledger != null) {
                entry = LedgerRecording.record(ledger, key, s, spec, e, java.time.Instant.now());
                if (!entry.record().recipient().equals(recipient)) {
                    err().println("filigrane: warning: the ledger already records series " + e.seriesUid() + " for '"
                            + entry.record().recipient() + "' (--keep-uids); this copy is not recorded");
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("command", "embed");
            m.put("exitCode", 0);
            m.put("backend", wm.backendName());
            m.put("series", seriesJson(s));
            m.put("outputSeriesInstanceUid", e.seriesUid());
            m.put("keyId", e.keyId());
            m.put("payloadBits", e.result().payloadBits());
            m.put("capacityBits", e.result().capacityBits());
            m.put("tamperBlocks", e.result().blocks());
            m.put("fullyProtectedBlocks", e.result().fullyProtected());
            m.put("unprotectedBlocks", e.result().unprotected());
            m.put("outputs", e.outputs().stream().map(Path::toString).toList());
            m.put("ledgerEntry", entry == null ? null : entry.seq());
            m.put("seconds", seconds);
            out().println(Json.write(m));
        } else {
            out().println(seriesLine(s));
            out().printf(Locale.ROOT, "embedded for '%s' (key id %s) with backend %s in %.2f s: %d of %d bits "
                    + "of layer R used%s%n", recipient, e.keyId(), wm.backendName(), seconds,
                    e.result().payloadBits(), e.result().capacityBits(),
                    e.result().blocks() > 0 ? String.format(Locale.ROOT, "; layer T: %d blocks, %d fully "
                    + "protected, %d unprotected", e.result().blocks(), e.result().fullyProtected(),
                    e.result().unprotected()) : "");
            out().println("wrote " + e.outputs().size() + " file(s)" + (plan.inPlace() ? " in place"
                    : " to " + plan.directory()) + "; new Series Instance UID " + e.seriesUid());
            if (entry != null) {
                out().println("recorded as entry " + entry.seq() + " in the ledger " + ledger.describe());
            }
        }
        return ExitCode.OK;
    }
}
