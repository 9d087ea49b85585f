package org.filigrane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.filigrane.dicom.Journal;
import org.filigrane.dicom.OutputPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.FiligraneHeader;
import org.filigrane.dicom.SeriesSummary;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What every series command shares: --json, --quiet, the Watermarkers it opened, reading and reporting. */
abstract class CommandBase implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON report on standard output")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Option(names = "--debug", description = "print the stack trace of an error (for bug reports)")
    boolean debug;

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

    Watermarker open(IssuerKey key, String backend) {
        Watermarker w = Watermarker.create(key, backend);
        opened.add(w);
        return w;
    }

    Watermarker openVerifier(TrustedIssuers trusted, String backend) {
        Watermarker w = Watermarker.verifier(trusted, backend);
        opened.add(w);
        return w;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Completes or rolls back an interrupted write (see {@link Journal}) in the inputs' directories and in the
     * output directory, before anything is read. True when it completed exactly the write this command would do
     * (the same command run again after a crash): then there is nothing left to do.
     */
    boolean finishInterruptedRun(InputOptions in, OutputPlan plan) throws DicomInputException, IOException {
        List<Path> trees = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        for (Path p : in.inputs) {
            // An input that does not exist has no interrupted write to finish (reading reports it): its parent,
            // e.g. the working directory for a mistyped name, or "/", is no series directory to walk and repair.
            if (!p.toString().startsWith("@") && Files.exists(p)) {
                if (Files.isDirectory(p)) {
                    trees.add(p);
                } else {
                    // A file's folder may be a home directory or a shared one: only its own entries, where an
                    // in-place write of this file would have left its journal and temporary files.
                    folders.add(p.toAbsolutePath().getParent());
                }
            }
        }
        List<Path> files = in.inputs.stream().filter(p -> !p.toString().startsWith("@") && Files.isRegularFile(p))
                .toList();
        if (files.size() > 1) {
            // An in-place write of files from several folders keeps its journal in their common parent.
            folders.add(OutputPlan.commonParent(files));
        }
        if (plan != null && plan.directory() != null) {
            trees.add(plan.directory());
        }
        java.io.PrintStream log = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                err().write(b);
            }
        }, true);
        Set<Path> completed = new java.util.LinkedHashSet<>(Journal.recover(trees, log));
        completed.addAll(Journal.recover(folders, 1, log));
        err().flush();
        if (completed.isEmpty() || plan == null) {
            return false;
        }
        SeriesSummary chosen = DicomReader.choose(DicomReader.survey(in.inputs), in.series);
        List<Path> targets = plan.wouldWrite(chosen.files());
        if (!completed.containsAll(targets)) {
            return false;
        }
        out().println("completed the interrupted run of this command: " + targets.size() + " file(s) written"
                + (plan.inPlace() ? " in place" : " to " + plan.directory()) + "; nothing else to do");
        return true;
    }

    DicomSeries read(InputOptions in, boolean allowGaps) throws DicomInputException {
        List<SeriesSummary> all = DicomReader.survey(in.inputs);
        SeriesSummary chosen = DicomReader.choose(all, in.series);
        try (Progress p = Progress.start("reading", chosen.files().size(), !quiet && !json)) {
            return DicomReader.read(chosen, allowGaps, p.consumer());
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

    static int statusCode(Status s) {
        return switch (s) {
            case AUTHENTIC -> ExitCode.OK;
            case TAMPERED -> ExitCode.TAMPERED;
            case NOT_AUTHENTIC -> ExitCode.NOT_AUTHENTIC;
            case NOT_WATERMARKED -> ExitCode.NOT_WATERMARKED;
        };
    }

    static String fileOf(DicomSeries s, int slice) {
        if (slice < 0 || slice >= s.slices().size()) {
            return "?";
        }
        DicomSeries.Slice sl = s.slices().get(slice);
        DicomObject o = s.objects().get(sl.object());
        return o.path().getFileName() + (o.frames() > 1 ? " frame " + (sl.frame() + 1) : "");
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
}
