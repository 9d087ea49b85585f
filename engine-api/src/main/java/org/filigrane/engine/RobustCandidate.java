package org.filigrane.engine;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One issued layer-D watermark that {@link Watermarker#trace} may find: the recipient it was issued to and the
 * 64-bit robust ID given at embedding ({@link WatermarkSpec#withRobustId}). A ledger lists one per embed. Holds no
 * secret: the pattern is derived from the issuer key, the recipient and the ID when tracing.
 */
public record RobustCandidate(String recipient, long robustId) {

    public RobustCandidate {
        Objects.requireNonNull(recipient, "recipient");
        if (recipient.isBlank()) {
            throw new IllegalArgumentException("recipient must not be blank");
        }
        if (recipient.getBytes(StandardCharsets.UTF_8).length > WatermarkSpec.MAX_RECIPIENT_BYTES) {
            throw new IllegalArgumentException("recipient longer than " + WatermarkSpec.MAX_RECIPIENT_BYTES
                    + " UTF-8 bytes");
        }
    }
}
