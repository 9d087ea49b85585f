package org.filigrane.cli;

import java.util.EnumSet;
import org.filigrane.engine.Layer;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.WatermarkSpec;
import picocli.CommandLine.Option;

/** What to embed besides the recipient, for {@code embed} and {@code batch embed}: message, layers, T's profile. */
final class WatermarkOptions {
    @Option(names = "--message", defaultValue = "", description = "text carried in the watermark")
    String message;

    @Option(names = "--profile", defaultValue = "DEFAULT",
            description = "layer T profile: DEFAULT (32x32 blocks) or PAPER (Tan et al., 18x18)")
    TamperProfile profile;

    @Option(names = "--no-tamper", description = "layer R only (no block localization)")
    boolean noTamper;

    @Option(names = "--robust-id", paramLabel = "ID", description = "also embed layer D with this 64-bit ID (kept "
            + "invisible in the series' own display window)")
    Long robustId;

    /** The spec for {@code recipient}: R and T (or R alone), the profile, and D where an ID is given. */
    WatermarkSpec spec(String recipient) {
        WatermarkSpec spec = WatermarkSpec.reversible(recipient, message).withProfile(profile);
        if (noTamper) {
            spec = spec.withLayers(EnumSet.of(Layer.REVERSIBLE));
        }
        return robustId == null ? spec : spec.withRobustId(robustId);
    }
}
