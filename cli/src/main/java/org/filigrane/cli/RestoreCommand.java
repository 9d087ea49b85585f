package org.filigrane.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "restore", description = "Remove the watermark: original pixel data bit for bit, original "
        + "attributes and UIDs. Refuses unless verification says AUTHENTIC.")
final class RestoreCommand extends CommandBase {
    @Mixin
    InputOptions in = new InputOptions();
    @Mixin
    EngineOptions engine = new EngineOptions();
    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    Integer execute() throws Exception {
        OutputPlan plan = output.plan();
        IssuerKey key = engine.key();
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
