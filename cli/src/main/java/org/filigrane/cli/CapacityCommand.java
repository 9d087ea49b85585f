package org.filigrane.cli;

import java.util.EnumSet;
import java.util.Map;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.engine.Capacity;
import org.filigrane.engine.Layer;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "capacity", description = "How long a message fits a series (no key needed).")
final class CapacityCommand extends CommandBase {
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
        Watermarker wm = open(IssuerKey.generate(), backend);
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
