package org.filigrane.engine;

import java.util.List;

/**
 * The fast integrity screen of layer T: whether the volume still matches the codes it carries. Checksums catch
 * accidental change and naive edits, not a forger who recomputes them; {@link Watermarker#verify} adds the keyed
 * check. A screened volume that fails is re-checked block by block, so the cells are as precise as verify's.
 *
 * @param watermarked  whether layer T was found
 * @param intact       whether every checked code matched (false when not watermarked)
 * @param profile      the profile found, or null
 * @param cells        blocks whose code failed
 * @param failedColumns column codes through the stack that failed
 * @param fastPath     true when the column codes alone settled it (one read-only pass over the volume)
 */
public record IntegrityReport(boolean watermarked, boolean intact, TamperProfile profile, List<TamperedCell> cells,
        int failedColumns, boolean fastPath) {
    public IntegrityReport {
        cells = List.copyOf(cells);
    }
}
