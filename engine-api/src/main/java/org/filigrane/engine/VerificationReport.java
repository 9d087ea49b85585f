package org.filigrane.engine;

import java.util.List;

/**
 * The verdict on a volume. Verification never throws on a foreign or damaged image: it says so here.
 *
 * @param status          the verdict
 * @param recipient       who the volume was issued to, when the payload could be read (else null)
 * @param message         the embedded message, when the payload could be read (else null)
 * @param keyId           id of the recipient key the payload names (else null)
 * @param profile         layer T's profile found, or null when the volume carries no T layer
 * @param tamperedCells   blocks whose code failed
 * @param alteredSlices   slices (received order) whose restored content does not match their recorded hash
 * @param missingSlices   recorded slices (original order) found nowhere in the received volume
 * @param unexpectedSlices received slices that match no recorded slice
 * @param slicesReordered whether recorded slices appear in another order
 * @param movedSlices     received slices that stand for a recorded slice at another place in the order (a swap
 *                        names both)
 * @param failedColumns   column codes through the stack that failed
 * @param unprotectedBlocks blocks too busy to carry any code bit (checked only through R's hashes)
 * @param detail          one line for people
 */
public record VerificationReport(Status status, String recipient, String message, String keyId,
        TamperProfile profile, List<TamperedCell> tamperedCells, List<Integer> alteredSlices,
        List<Integer> missingSlices, List<Integer> unexpectedSlices, boolean slicesReordered,
        List<Integer> movedSlices, int failedColumns,
        int unprotectedBlocks, String detail) {

    public enum Status {
        /** Watermark intact, MAC valid with the key, every pixel as recorded. */
        AUTHENTIC,
        /** Watermarked, but pixels, slices or their order changed; see the cells and slice lists. */
        TAMPERED,
        /** A watermark is there but its MAC does not verify with this key (wrong key or forged). */
        NOT_AUTHENTIC,
        /** No watermark of this library was found. */
        NOT_WATERMARKED
    }

    public VerificationReport {
        tamperedCells = List.copyOf(tamperedCells);
        alteredSlices = List.copyOf(alteredSlices);
        missingSlices = List.copyOf(missingSlices);
        unexpectedSlices = List.copyOf(unexpectedSlices);
        movedSlices = List.copyOf(movedSlices);
    }

    static VerificationReport notWatermarked() {
        return new VerificationReport(Status.NOT_WATERMARKED, null, null, null, null, List.of(), List.of(), List.of(),
                List.of(), false, List.of(), 0, 0, "no Filigrane watermark found");
    }
}
