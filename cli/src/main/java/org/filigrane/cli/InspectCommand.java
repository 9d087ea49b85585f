package org.filigrane.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.FiligraneHeader;
import org.filigrane.dicom.SeriesSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "inspect", description = "List the series among the inputs and what Filigrane headers say "
        + "(no key needed; nothing is verified).")
final class InspectCommand extends CommandBase {
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
                DicomSeries s = DicomReader.read(sum, true, i -> { });
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
