package org.filigrane.engine;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What to embed: who receives the volume and why (the message), which layers, the tamper profile and, for layer D,
 * the 64-bit robust ID (the ledger's record of this export) and optionally the display window the volume is read
 * in (null: layer D uses the 1st..99th percentile of the volume's values).
 */
public record WatermarkSpec(String recipient, String message, Set<Layer> layers, TamperProfile profile,
        long robustId, DisplayWindow displayWindow) {

    public static final int MAX_RECIPIENT_BYTES = 255;

    public WatermarkSpec {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(profile, "profile");
        if (recipient.isBlank()) {
            throw new IllegalArgumentException("recipient must not be blank");
        }
        if (recipient.getBytes(StandardCharsets.UTF_8).length > MAX_RECIPIENT_BYTES) {
            throw new IllegalArgumentException("recipient longer than " + MAX_RECIPIENT_BYTES + " UTF-8 bytes");
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layer selected");
        }
        if (layers.contains(Layer.TAMPER) && !layers.contains(Layer.REVERSIBLE)) {
            throw new IllegalArgumentException("layer T rides on layer R (its range headroom and keyed MAC): "
                    + "select REVERSIBLE with TAMPER");
        }
        layers = Set.copyOf(EnumSet.copyOf(layers));
    }

    /** Without a display window (layer D then uses a percentile window). */
    public WatermarkSpec(String recipient, String message, Set<Layer> layers, TamperProfile profile, long robustId) {
        this(recipient, message, layers, profile, robustId, null);
    }

    /** R and T with the default profile: the archive stack, fully removable. */
    public static WatermarkSpec reversible(String recipient, String message) {
        return new WatermarkSpec(recipient, message, EnumSet.of(Layer.REVERSIBLE, Layer.TAMPER),
                TamperProfile.DEFAULT, 0L);
    }

    public WatermarkSpec withLayers(Set<Layer> newLayers) {
        return new WatermarkSpec(recipient, message, newLayers, profile, robustId, displayWindow);
    }

    public WatermarkSpec withProfile(TamperProfile newProfile) {
        return new WatermarkSpec(recipient, message, layers, newProfile, robustId, displayWindow);
    }

    /** Adds layer D carrying {@code id}. */
    public WatermarkSpec withRobustId(long id) {
        EnumSet<Layer> more = EnumSet.copyOf(layers);
        more.add(Layer.ROBUST);
        return new WatermarkSpec(recipient, message, more, profile, id, displayWindow);
    }

    /**
     * The window the volume is read in, in stored values (DICOM Window Center/Width after Rescale Slope/Intercept):
     * layer D keeps its pattern invisible there. Without one it uses the 1st..99th percentile of the values.
     */
    public WatermarkSpec withDisplayWindow(int center, int width) {
        return new WatermarkSpec(recipient, message, layers, profile, robustId, new DisplayWindow(center, width));
    }

    boolean has(Layer layer) {
        return layers.contains(layer);
    }
}
