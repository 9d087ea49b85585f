package org.filigrane.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "restore", description = "Remove the watermark: original pixel data bit for bit, original "
        + "attributes and UIDs. Refuses unless verification says AUTHENTIC.")
final class RestoreCommand extends CommandBase {
    @Mixin
    InputOptions in = new InputOptions();
    @Mixin
    TrustOptions trust = new TrustOptions();
    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    Integer execute() throws Exception {
        OutputPlan plan = output.plan();
        TrustedIssuers trusted = trust.trusted(err());
        if (finishInterruptedRun(in, plan)) {
            return ExitCode.OK;
        }
        DicomSeries s = read(in, in.allowGaps);
        Watermarker wm = openVerifier(trusted, trust.keys.backend);
        DicomWatermarking.Restored restored;
        try (Progress p = Progress.start("writing", s.objects().size(), !quiet && !json)) {
            restored = DicomWatermarking.restore(s, wm, plan, p.consumer());
        }
        List<Path> written = restored.outputs();
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("command", "restore");
            m.put("exitCode", 0);
            m.put("series", seriesJson(s));
            m.put("outputs", written.stream().map(Path::toString).toList());
            m.put("original", restored.original());
            out().println(Json.write(m));
        } else {
            out().println(seriesLine(s));
            String where = plan.inPlace() ? " in place" : " to " + plan.directory();
            if (restored.original()) {
                out().println("restored " + written.size() + " file(s)" + where + ": original pixel data (every "
                        + "stored bit) and attributes, original UIDs");
            } else {
                out().println("removed layers R and T from " + written.size() + " file(s)" + where + ". NOT THE "
                        + "ORIGINAL: layer D (robust recipient ID) cannot be removed, so the pixels still differ "
                        + "from the original; the files carry new UIDs and Image Type DERIVED");
            }
        }
        return ExitCode.OK;
    }
}
