package org.filigrane.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", description = "Check a series: AUTHENTIC, TAMPERED (where), NOT_AUTHENTIC or "
        + "NOT_WATERMARKED.")
final class VerifyCommand extends CommandBase {
    @Mixin
    InputOptions in = new InputOptions();
    @Mixin
    TrustOptions trust = new TrustOptions();

    @Option(names = "--png", paramLabel = "FILE", description = "write the slices with tampered blocks outlined")
    Path png;

    @Option(names = "--robust", description = "also look for layer D's recipient ID (done anyway when the "
            + "Filigrane header lists layer D)")
    boolean robust;

    @Option(names = "--quick", description = "layer T's integrity screen only (CRCs of every block and of every "
            + "column through the stack; no key, no signature check): INTACT or TAMPERED (where)")
    boolean quick;

    @Override
    Integer execute() throws Exception {
        if (quick) {
            finishInterruptedRun(in, null);
            DicomSeries s = read(in, true);
            // The screen reads layer T's CRCs only: no key is used, so none is asked for.
            return quick(openVerifier(TrustedIssuers.none(), trust.keys.backend).checkIntegrity(s.volume()), s);
        }
        TrustedIssuers trusted = trust.trusted(err());
        IssuerKey key = trust.privateKeyIfGiven(err());
        finishInterruptedRun(in, null);
        // Verification reports gaps (a removed file) rather than refusing them.
        DicomSeries s = read(in, true);
        Watermarker wm = openVerifier(trusted, trust.keys.backend);
        DicomWatermarking.Verification v = DicomWatermarking.verify(s, wm);
        boolean headerSaysD = v.header() != null && v.header().layers().contains("D");
        boolean lookForD = robust || headerSaysD;
        if (lookForD && key == null) {
            // Layer D's pattern is derived from the issuer's secret: public keys cannot read it.
            err().println("filigrane: note: layer D's recipient ID needs the issuer's private key (--key-file); "
                    + "not looked for");
        }
        org.filigrane.engine.RobustDetection d = lookForD && key != null ? open(key, trust.keys.backend)
                .detectRobust(s.volume()) : null;
        List<Integer> pictured = null;
        if (png != null) {
            // The verdict matters more than the picture: a picture that cannot be written costs one line.
            try {
                pictured = TamperPicture.write(s.volume(), v.pixels().tamperedCells(), png);
            } catch (java.io.IOException | RuntimeException e) {
                err().println("filigrane: warning: cannot write the picture " + png + ": "
                        + (e instanceof java.nio.file.FileSystemException f ? OutputPlanReason.of(f)
                        : Main.message(e)) + " (the verdict stands)");
            }
        }
        int code = statusCode(v.status());
        if (json) {
            Map<String, Object> m = verificationJson(v, s, wm.backendName(), code, pictured);
            if (d != null) {
                Map<String, Object> dm = Json.object();
                dm.put("found", d.found());
                dm.put("id", d.found() ? Long.toUnsignedString(d.id()) : null);
                dm.put("slicesDecoded", d.slicesDecoded());
                dm.put("slicesTried", d.slicesTried());
                dm.put("orientation", d.orientation());
                m.put("robust", dm);
            }
            out().println(Json.write(m));
        } else {
            printVerification(out(), v, s, pictured);
            if (d != null) {
                out().println(d.found() ? "  layer D: recipient ID " + Long.toUnsignedString(d.id()) + " ("
                        + d.slicesDecoded() + " of " + d.slicesTried() + " slices, " + d.orientation() + ")"
                        : "  layer D: no recipient ID found (" + d.slicesTried() + " slices tried)");
            }
        }
        return code;
    }

    private int quick(org.filigrane.engine.IntegrityReport r, DicomSeries s) {
        int code = !r.watermarked() ? ExitCode.NOT_WATERMARKED : r.intact() ? ExitCode.OK : ExitCode.TAMPERED;
        String verdict = !r.watermarked() ? "NOT_WATERMARKED" : r.intact() ? "INTACT" : "TAMPERED";
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("status", verdict);
            m.put("exitCode", code);
            m.put("fastPath", r.fastPath());
            m.put("failedColumns", r.failedColumns());
            m.put("tamperedCells", cellsJson(r.cells(), s));
            out().println(Json.write(m));
        } else {
            out().println(verdict + " (quick screen" + (r.fastPath() ? ", one pass" : ", every block opened")
                    + (r.failedColumns() > 0 ? ", " + r.failedColumns() + " column code(s) failed" : "") + ")");
            for (TamperedCell c : r.cells()) {
                out().println("  " + fileOf(s, c.slice()) + ": " + c);
            }
        }
        return code;
    }

    /** The tampered cells as the JSON reports of both the full verification and the quick screen give them. */
    private static List<Object> cellsJson(List<TamperedCell> tampered, DicomSeries s) {
        List<Object> cells = new ArrayList<>();
        for (TamperedCell c : tampered) {
            Map<String, Object> cm = Json.object();
            cm.put("slice", c.slice());
            cm.put("file", fileOf(s, c.slice()));
            cm.put("blockRow", c.blockRow());
            cm.put("blockColumn", c.blockColumn());
            cm.put("top", c.top());
            cm.put("left", c.left());
            cm.put("height", c.height());
            cm.put("width", c.width());
            cells.add(cm);
        }
        return cells;
    }

    private Map<String, Object> verificationJson(DicomWatermarking.Verification v, DicomSeries s,
            String backend, int code, List<Integer> pictured) {
        VerificationReport r = v.pixels();
        Map<String, Object> m = Json.object();
        m.put("command", "verify");
        m.put("status", v.status().name());
        m.put("exitCode", code);
        m.put("detail", r.detail());
        m.put("backend", backend);
        m.put("series", seriesJson(s));
        m.put("recipient", r.recipient());
        m.put("message", v.message());
        m.put("keyId", r.keyId());
        m.put("profile", r.profile() == null ? null : r.profile().name());
        m.put("tamperedCells", cellsJson(r.tamperedCells(), s));
        m.put("alteredSlices", r.alteredSlices());
        m.put("missingSlices", r.missingSlices());
        m.put("unexpectedSlices", r.unexpectedSlices());
        m.put("slicesReordered", r.slicesReordered());
        m.put("failedColumns", r.failedColumns());
        m.put("unprotectedBlocks", r.unprotectedBlocks());
        List<Object> attrs = new ArrayList<>();
        for (DicomWatermarking.AttributeFinding f : v.attributes()) {
            Map<String, Object> am = Json.object();
            am.put("slice", f.slice());
            am.put("file", f.file().toString());
            am.put("detail", f.detail());
            attrs.add(am);
        }
        m.put("changedAttributes", attrs);
        m.put("gaps", v.gaps());
        m.put("missingObjects", v.missingObjects());
        if (v.header() != null) {
            m.put("header", headerJson(v.header()));
        }
        if (pictured != null) {
            m.put("png", png.toString());
            m.put("pngSlices", pictured);
        }
        return m;
    }

    private void printVerification(PrintWriter out, DicomWatermarking.Verification v, DicomSeries s,
            List<Integer> pictured) {
        VerificationReport r = v.pixels();
        out.println(v.status() + ": " + r.detail()
                + (v.attributes().isEmpty() ? "" : "; " + v.attributes().size() + " file(s) with changed attributes"));
        out.println("  " + seriesLine(s));
        if (r.recipient() != null) {
            out.println("  recipient: " + r.recipient() + ", key id " + r.keyId()
                    + (r.profile() != null ? ", layer T profile " + r.profile() : ""));
            if (v.message() != null && !v.message().isEmpty()) {
                out.println("  message: " + v.message());
            }
        }
        for (TamperedCell c : r.tamperedCells()) {
            out.println("  tampered: " + c + " (" + fileOf(s, c.slice()) + ")");
        }
        for (int a : r.alteredSlices()) {
            out.println("  altered slice " + a + " (" + fileOf(s, a) + ")");
        }
        if (!r.missingSlices().isEmpty()) {
            out.println("  missing slice(s), in the original order: " + r.missingSlices());
        }
        for (int u : r.unexpectedSlices()) {
            out.println("  unexpected slice " + u + " (" + fileOf(s, u) + ")");
        }
        if (r.slicesReordered()) {
            out.println("  slices are in another order than when watermarked");
        }
        for (DicomWatermarking.AttributeFinding f : v.attributes()) {
            out.println("  " + f.detail() + (f.slice() >= 0 ? " (slice " + f.slice() + ")" : ""));
        }
        if (!v.missingObjects().isEmpty()) {
            out.println("  missing file(s), by the Filigrane headers of the others: object(s) "
                    + v.missingObjects() + " of " + v.header().objectCount() + " (object = slice for single-frame "
                    + "series)");
        }
        for (String g : v.gaps()) {
            out.println("  slice positions: " + g);
        }
        if (pictured != null) {
            out.println("  picture: " + png + " (slices " + pictured + ")");
        }
    }
}
