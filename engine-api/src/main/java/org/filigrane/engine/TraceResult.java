package org.filigrane.engine;

/**
 * What {@link Watermarker#trace} found: the best-scoring candidate and how likely a score that high is by chance.
 *
 * @param found                    whether the best candidate's false-positive probability is at most
 *                                 {@link #FALSE_POSITIVE_LIMIT} (the decision threshold, docs/FORMAT-D.md); when
 *                                 false, {@code recipient} is null and the other fields describe the best attempt
 * @param recipient                the recipient of the matching candidate, or null
 * @param robustId                 its robust ID (0 when not found)
 * @param score                    normalised correlation of the best candidate, in standard deviations of the
 *                                 no-watermark model (a chance score s has probability at most
 *                                 min(exp(-s^2 / 2), 3.1787 P(Z >= s)), Z standard normal: docs/FORMAT-D.md)
 * @param falsePositiveProbability bound on the probability that any candidate of the list reaches its threshold in
 *                                 an image that does not carry it, at this score: the probability above times the
 *                                 (candidate, geometry) pairs of this pair's kind over the kind's share of the budget
 *                                 (pairs at each slice's best sync geometry share nine tenths, the others a tenth;
 *                                 docs/FORMAT-D.md), at most 1
 * @param markPresent              whether the issuer-wide synchronisation pattern of layer D was found, whoever the
 *                                 recipient (lets a caller tell "marked, but by no listed candidate" from "unmarked")
 * @param orientation              how the examined copy was turned relative to the marked original ({@code identity},
 *                                 {@code flipH}, {@code flipV}, {@code rot180}, {@code rot90}, {@code rot270},
 *                                 {@code transpose}, {@code antiTranspose}), or {@code none}; when the copy was
 *                                 also turned by an angle that is not a quarter turn, the angle found follows,
 *                                 as in {@code identity+rotate 45.0} (that orientation, then turned clockwise on
 *                                 screen by 45.0 degrees)
 * @param scale                    size of the examined copy relative to the original (1 for no rescale)
 * @param offsetRow                row of the examined (upright, rescaled or turned back) copy where a marked
 *                                 128-pixel tile starts, 0..127: a crop's offset modulo the tile
 * @param offsetColumn             the same for columns
 * @param slicesMatched            slices whose own best candidate was this one
 * @param candidatesScored         candidates scored (after de-duplication)
 */
public record TraceResult(boolean found, String recipient, long robustId, double score,
        double falsePositiveProbability, boolean markPresent, String orientation, double scale, int offsetRow,
        int offsetColumn, int slicesMatched, int candidatesScored) {

    /** Largest false-positive probability accepted for the whole candidate list: 1e-9 per image. */
    public static final double FALSE_POSITIVE_LIMIT = 1e-9;
}
