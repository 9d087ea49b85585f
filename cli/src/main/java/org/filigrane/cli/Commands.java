package org.filigrane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.FiligraneHeader;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.dicom.SeriesSummary;
import org.filigrane.engine.Capacity;
import org.filigrane.engine.Layer;
import org.filigrane.engine.MasterKey;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The subcommands that work on a user's series. */
final class Commands {
    private Commands() {
    }

    static int statusCode(Status s) {
        return switch (s) {
            case AUTHENTIC -> ExitCode.OK;
            case TAMPERED -> ExitCode.TAMPERED;
            case NOT_AUTHENTIC -> ExitCode.NOT_AUTHENTIC;
            case NOT_WATERMARKED -> ExitCode.NOT_WATERMARKED;
        };
    }

    /** Inputs and series selection. */
    static final class InputOptions {
        @Parameters(paramLabel = "INPUT", arity = "1..*",
                description = "DICOM files, directories (searched recursively) or @list.txt files naming one path a line")
        List<Path> inputs;

        @Option(names = "--series", paramLabel = "UID",
                description = "Series Instance UID (or a unique prefix) to use when the inputs hold several")
        String series;

        @Option(names = "--allow-gaps", description = "go on with a series whose slice positions leave a gap")
        boolean allowGaps;
    }

    /** Key and backend. */
    static final class EngineOptions {
        @Option(names = "--key-file", paramLabel = "FILE",
                description = "master key file (hex or raw bytes); default: the FILIGRANE_KEY environment variable (hex)")
        Path keyFile;

        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
                description = "auto, reference, vector or opencl (default: ${DEFAULT-VALUE})")
        String backend;

        MasterKey key() throws IOException {
            if (keyFile != null) {
                return MasterKey.fromFile(keyFile);
            }
            String hex = Main.env.apply("FILIGRANE_KEY");
            if (hex == null || hex.isBlank()) {
                throw new Main.UsageException("no key: pass --key-file FILE or set FILIGRANE_KEY (hex); make one with "
                        + "'filigrane keygen -o FILE'");
            }
            String h = hex.replaceAll("\\s+", "");
            if (!h.matches("([0-9a-fA-F]{2})+")) {
                throw new Main.UsageException("FILIGRANE_KEY must be hex (e.g. from 'openssl rand -hex 32')");
            }
            try {
                return MasterKey.of(HexFormat.of().parseHex(h));
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException("FILIGRANE_KEY: " + e.getMessage());
            }
        }

    }

    /** Output placement. */
    static final class OutputOptions {
        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (file names kept)")
        Path output;

        @Option(names = "--in-place", description = "replace the input files themselves (atomically)")
        boolean inPlace;

        @Option(names = "--force", description = "replace existing files in the output directory")
        boolean force;

        OutputPlan plan() {
            if (output == null && !inPlace) {
                throw new Main.UsageException("say where to write: --output DIR (or --in-place)");
            }
            return new OutputPlan(output, inPlace, force);
        }
    }

    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print a JSON report on standard output")
        boolean json;

        @Option(names = {"-q", "--quiet"}, description = "no progress bar")
        boolean quiet;

        /** Watermarkers this run opened (a backend may hold native resources), closed when it ends. */
        private final List<Watermarker> opened = new ArrayList<>();

        @Override
        public final Integer call() throws Exception {
            try {
                return execute();
            } finally {
                for (Watermarker w : opened) {
                    w.close();
                }
            }
        }

        abstract Integer execute() throws Exception;

        Watermarker open(MasterKey key, String backend) {
            Watermarker w = Watermarker.create(key, backend);
            opened.add(w);
            return w;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        DicomSeries read(InputOptions in, boolean allowGaps) throws DicomInputException {
            List<SeriesSummary> all = DicomReader.survey(in.inputs);
            SeriesSummary chosen = DicomReader.choose(all, in.series);
            try (Progress p = Progress.start("reading", chosen.files().size(), !quiet && !json)) {
                return DicomReader.read(chosen.files(), new DicomReader.Options(chosen.seriesUid(), allowGaps),
                        p.consumer());
            }
        }

        Map<String, Object> seriesJson(DicomSeries s) {
            Map<String, Object> m = Json.object();
            m.put("seriesInstanceUid", s.seriesUid());
            m.put("objects", s.objects().size());
            m.put("slices", s.volume().slices());
            m.put("rows", s.volume().rows());
            m.put("columns", s.volume().columns());
            m.put("pixelFormat", s.volume().format().toString());
            m.put("ordering", s.ordering());
            m.put("gaps", s.gaps());
            return m;
        }

        String seriesLine(DicomSeries s) {
            return "series " + (s.seriesUid().isEmpty() ? "(no UID)" : s.seriesUid()) + ": " + s.volume().slices()
                    + " slice(s) of " + s.volume().rows() + "x" + s.volume().columns() + " " + s.volume().format()
                    + " in " + s.objects().size() + " file(s), ordered by " + s.ordering();
        }
    }

    static String fileOf(DicomSeries s, int slice) {
        if (slice < 0 || slice >= s.slices().size()) {
            return "?";
        }
        DicomSeries.Slice sl = s.slices().get(slice);
        DicomObject o = s.objects().get(sl.object());
        return o.path().getFileName() + (o.frames() > 1 ? " frame " + (sl.frame() + 1) : "");
    }

    // ---------------------------------------------------------------------------------------------------------

    @Command(name = "embed", description = "Watermark a series (layers R and T; lossless) and write the copy.")
    static final class Embed extends Base {
        @Mixin
        InputOptions in = new InputOptions();
        @Mixin
        EngineOptions engine = new EngineOptions();
        @Mixin
        OutputOptions output = new OutputOptions();

        @Option(names = "--recipient", required = true, description = "who receives this copy")
        String recipient;

        @Option(names = "--message", defaultValue = "", description = "text carried in the watermark")
        String message;

        @Option(names = "--profile", defaultValue = "DEFAULT",
                description = "layer T profile: DEFAULT (16x16 blocks) or PAPER (Tan et al., 18x18)")
        TamperProfile profile;

        @Option(names = "--no-tamper", description = "layer R only (no block localization)")
        boolean noTamper;

        @Option(names = "--robust-id", paramLabel = "ID", description = "also embed layer D with this 64-bit ID")
        Long robustId;

        @Option(names = "--keep-uids", description = "keep the original SOP/Series Instance UIDs on the copy")
        boolean keepUids;

        @Override
        Integer execute() throws Exception {
            OutputPlan plan = output.plan();
            MasterKey key = engine.key();
            DicomSeries s = read(in, in.allowGaps);
            WatermarkSpec spec = WatermarkSpec.reversible(recipient, message).withProfile(profile);
            if (noTamper) {
                spec = spec.withLayers(EnumSet.of(Layer.REVERSIBLE));
            }
            if (robustId != null) {
                spec = spec.withRobustId(robustId);
            }
            Watermarker wm = open(key, engine.backend);
            long t0 = System.nanoTime();
            DicomWatermarking.Embedded e;
            try (Progress p = Progress.start("writing", s.objects().size(), !quiet && !json)) {
                e = DicomWatermarking.embed(s, wm, key, spec, plan, keepUids, p.consumer());
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
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "verify", description = "Check a series: AUTHENTIC, TAMPERED (where), NOT_AUTHENTIC or "
            + "NOT_WATERMARKED.")
    static final class Verify extends Base {
        @Mixin
        InputOptions in = new InputOptions();
        @Mixin
        EngineOptions engine = new EngineOptions();

        @Option(names = "--png", paramLabel = "FILE", description = "write the slices with tampered blocks outlined")
        Path png;

        @Option(names = "--robust", description = "also look for layer D's recipient ID (done anyway when the "
                + "Filigrane header lists layer D)")
        boolean robust;

        @Option(names = "--quick", description = "layer T's integrity screen only (CRCs of every block and of every "
                + "column through the stack; no signature check): INTACT or TAMPERED (where)")
        boolean quick;

        @Override
        Integer execute() throws Exception {
            MasterKey key = engine.key();
            // Verification reports gaps (a removed file) rather than refusing them.
            DicomSeries s = read(in, true);
            Watermarker wm = open(key, engine.backend);
            if (quick) {
                return quick(wm.checkIntegrity(s.volume()), s);
            }
            DicomWatermarking.Verification v = DicomWatermarking.verify(s, wm);
            boolean headerSaysD = v.header() != null && v.header().layers().contains("D");
            org.filigrane.engine.RobustDetection d = robust || headerSaysD ? wm.detectRobust(s.volume()) : null;
            List<Integer> pictured = png != null ? TamperPicture.write(s.volume(), v.pixels().tamperedCells(), png)
                    : null;
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
                List<Object> cells = new ArrayList<>();
                for (TamperedCell c : r.cells()) {
                    Map<String, Object> cm = Json.object();
                    cm.put("slice", c.slice());
                    cm.put("file", fileOf(s, c.slice()));
                    cm.put("top", c.top());
                    cm.put("left", c.left());
                    cm.put("height", c.height());
                    cm.put("width", c.width());
                    cells.add(cm);
                }
                m.put("tamperedCells", cells);
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
            List<Object> cells = new ArrayList<>();
            for (TamperedCell c : r.tamperedCells()) {
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
            m.put("tamperedCells", cells);
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
                out.println("  attributes changed: slice " + f.slice() + " (" + f.file().getFileName() + "): "
                        + f.detail());
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

    static Map<String, Object> headerJson(FiligraneHeader h) {
        Map<String, Object> m = Json.object();
        m.put("formatVersion", h.version());
        m.put("layers", h.layers());
        m.put("keyId", h.keyId());
        m.put("profile", h.profile());
        m.put("recipient", h.recipient());
        m.put("embeddedAt", h.embeddedAt());
        m.put("software", h.software());
        m.put("originalSopInstanceUid", h.originalSopInstanceUid());
        m.put("originalSeriesInstanceUid", h.originalSeriesInstanceUid());
        m.put("originalTransferSyntax", h.originalTransferSyntax());
        m.put("objectIndex", h.objectIndex());
        m.put("objectCount", h.objectCount());
        return m;
    }

    @Command(name = "restore", description = "Remove the watermark: original pixel data bit for bit, original "
            + "attributes and UIDs. Refuses unless verification says AUTHENTIC.")
    static final class Restore extends Base {
        @Mixin
        InputOptions in = new InputOptions();
        @Mixin
        EngineOptions engine = new EngineOptions();
        @Mixin
        OutputOptions output = new OutputOptions();

        @Override
        Integer execute() throws Exception {
            OutputPlan plan = output.plan();
            MasterKey key = engine.key();
            DicomSeries s = read(in, in.allowGaps);
            Watermarker wm = open(key, engine.backend);
            List<Path> written;
            try (Progress p = Progress.start("writing", s.objects().size(), !quiet && !json)) {
                written = DicomWatermarking.restore(s, wm, plan, p.consumer());
            }
            if (json) {
                Map<String, Object> m = Json.object();
                m.put("command", "restore");
                m.put("exitCode", 0);
                m.put("series", seriesJson(s));
                m.put("outputs", written.stream().map(Path::toString).toList());
                out().println(Json.write(m));
            } else {
                out().println(seriesLine(s));
                out().println("restored " + written.size() + " file(s)" + (plan.inPlace() ? " in place"
                        : " to " + plan.directory()) + ": original pixel data and attributes");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "inspect", description = "List the series among the inputs and what Filigrane headers say "
            + "(no key needed; nothing is verified).")
    static final class Inspect extends Base {
        @Mixin
        InputOptions in = new InputOptions();

        @Override
        Integer execute() throws Exception {
            List<SeriesSummary> all = DicomReader.survey(in.inputs);
            List<Object> list = new ArrayList<>();
            for (SeriesSummary sum : all) {
                if (in.series != null && !sum.seriesUid().startsWith(in.series)) {
                    continue;
                }
                Map<String, Object> m = Json.object();
                m.put("seriesInstanceUid", sum.seriesUid());
                m.put("description", sum.description());
                m.put("files", sum.files().size());
                try {
                    DicomSeries s = DicomReader.read(sum.files(), new DicomReader.Options(sum.seriesUid(), true));
                    m.put("volume", seriesJson(s));
                    m.put("transferSyntax", s.objects().get(0).transferSyntax());
                    FiligraneHeader h = FiligraneHeader.read(s.objects().get(0).attributes());
                    m.put("filigrane", h == null ? null : headerJson(h));
                } catch (DicomInputException e) {
                    m.put("problem", e.getMessage());
                }
                list.add(m);
                if (!json) {
                    out().println(sum.seriesUid().isEmpty() ? "(no Series Instance UID)" : sum.seriesUid());
                    out().println("  " + sum.description());
                    if (m.get("volume") instanceof Map<?, ?> v) {
                        out().println("  " + v.get("slices") + " slice(s) " + v.get("rows") + "x" + v.get("columns")
                                + " " + v.get("pixelFormat") + ", transfer syntax " + m.get("transferSyntax")
                                + ", ordered by " + v.get("ordering"));
                        for (Object g : (List<?>) v.get("gaps")) {
                            out().println("  slice positions: " + g);
                        }
                    }
                    if (m.get("problem") != null) {
                        out().println("  cannot be watermarked: " + m.get("problem"));
                    }
                    if (m.get("filigrane") instanceof Map<?, ?> h) {
                        out().println("  Filigrane watermark header: layers " + h.get("layers") + ", key id "
                                + h.get("keyId") + ", recipient " + h.get("recipient") + ", format "
                                + h.get("formatVersion") + ", embedded " + h.get("embeddedAt")
                                + " (unverified: run 'filigrane verify')");
                    } else if (m.containsKey("filigrane")) {
                        out().println("  no Filigrane header");
                    }
                }
            }
            if (json) {
                Map<String, Object> m = Json.object();
                m.put("command", "inspect");
                m.put("series", list);
                out().println(Json.write(m));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "capacity", description = "How long a message fits a series (no key needed).")
    static final class CapacityCmd extends Base {
        @Mixin
        InputOptions in = new InputOptions();

        @Option(names = "--recipient", defaultValue = "recipient", description = "recipient name (its length counts)")
        String recipient;

        @Option(names = "--profile", defaultValue = "DEFAULT", description = "layer T profile")
        TamperProfile profile;

        @Option(names = "--no-tamper", description = "layer R only")
        boolean noTamper;

        @Option(names = "--backend", defaultValue = "auto", description = "backend")
        String backend;

        @Override
        Integer execute() throws Exception {
            DicomSeries s = read(in, in.allowGaps);
            byte[] throwaway = new byte[32];
            new SecureRandom().nextBytes(throwaway);
            Watermarker wm = open(MasterKey.of(throwaway), backend);
            WatermarkSpec spec = WatermarkSpec.reversible(recipient, "").withProfile(profile);
            if (noTamper) {
                spec = spec.withLayers(EnumSet.of(Layer.REVERSIBLE));
            }
            // The DICOM adapter also carries one attribute digest per file in the message.
            int dicomOverhead = DicomWatermarking.dicomSpec(s, spec).message().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length;
            Capacity c = wm.capacity(s.volume(), spec);
            long message = Math.max(0, c.messageBytes() - dicomOverhead);
            if (json) {
                Map<String, Object> m = Json.object();
                m.put("command", "capacity");
                m.put("series", seriesJson(s));
                m.put("totalBits", c.totalBits());
                m.put("overheadBits", c.overheadBits() + 8L * dicomOverhead);
                m.put("messageBytes", message);
                m.put("fits", c.messageBytes() >= dicomOverhead);
                out().println(Json.write(m));
            } else {
                out().println(seriesLine(s));
                out().println("layer R capacity " + c.totalBits() + " bits; watermark overhead "
                        + (c.overheadBits() + 8L * dicomOverhead) + " bits (attribute digests included)");
                out().println(c.messageBytes() >= dicomOverhead ? "a message of up to " + message
                        + " UTF-8 bytes fits" : "these images are too small to carry a watermark");
            }
            return c.messageBytes() >= dicomOverhead ? ExitCode.OK : ExitCode.CAPACITY;
        }
    }

    @Command(name = "keygen", description = "Write a new random 256-bit master key (hex, owner-only permissions).")
    static final class Keygen extends Base {
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "key file to create")
        Path file;

        @Override
        Integer execute() throws Exception {
            if (Files.exists(file)) {
                throw new DicomInputException(DicomInputException.Kind.OUTPUT_EXISTS, file,
                        "exists already; a key is never overwritten");
            }
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, HexFormat.of().formatHex(k) + "\n");
            out().println("wrote a new master key to " + file + " (keep it secret; back it up: without it nothing "
                    + "can be verified or restored)");
            return ExitCode.OK;
        }
    }
}
