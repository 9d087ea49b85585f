package org.filigrane.engine;

/**
 * Layer D's false-positive bound (docs/FORMAT-D.md, "False-positive bound"): {@link #chance}, the probability that
 * one score reaches t by chance, and the budget of a trace, split between two kinds of (candidate, geometry) pairs:
 * {@code leading} pairs, at each slice's best sync geometry of each pass (its first kept geometry) and, for volumes,
 * at the slices together, share {@link #LEADING_SHARE} of it; the {@code others}, at the other kept geometries, the
 * rest. The split depends on the sync scores, hence on the image and the issuer-wide layout alone, never on a
 * candidate, so a pair's chance of a false match is still bounded by {@link #chance} and the weighted union bound
 * holds.
 */
record RobustBound(long leading, long others) {
    /**
     * Bentkus and Dzindzalieta's constant, {@code 1 / (4 P(Z >= sqrt 2))} for Z standard normal: a sum of independent
     * fair signs with weights of unit norm reaches t with probability at most this times {@code P(Z >= t)}, for
     * every t and every weights ("A tight Gaussian bound for weighted sums of Rademacher random variables",
     * Bernoulli 21(2), 2015, 1231-1237). Rounded up.
     */
    static final double RADEMACHER_GAUSSIAN = 3.1787;

    /**
     * Bound on the probability that one score (candidate or sync, at one geometry) reaches {@code t} by chance: the
     * chips are fair signs independent of the weights, so {@code P(T >= t) <= min(exp(-t^2/2), c P(Z >= t))}
     * (Hoeffding; Bentkus and Dzindzalieta, {@link #RADEMACHER_GAUSSIAN}), and {@code P(Z >= t) <= phi(t) / t} for
     * t > 0 (Mills' ratio). At t = 7.3 the second is 0.17 times the first: it lowers every threshold by about 0.23.
     */
    static double chance(double t) {
        if (!(t > 0)) {
            return 1;
        }
        double hoeffding = Math.exp(-t * t / 2);
        return hoeffding * Math.min(1, RADEMACHER_GAUSSIAN / (t * Math.sqrt(2 * Math.PI)));
    }

    /**
     * Share of the false-positive budget given to the leading pairs. A mark is found at its slice's best sync
     * geometry of the pass in nearly every case (474 of 484 finds of the full table on 2026-12-01, the others at the
     * second to fourth, with scores of 8.8 and more), so that is where the budget buys most; the others keep a
     * tenth, which raises their threshold by about 0.3 (7.63 for 20 candidates on one image).
     */
    static final double LEADING_SHARE = 0.9;

    /** Bound on a false match anywhere in the trace, for a pair of the given kind reaching {@code score}. */
    double probability(double score, boolean lead) {
        double pairs = lead ? leading / LEADING_SHARE : others / (1 - LEADING_SHARE);
        return Math.min(1, pairs * chance(score));
    }

    /**
     * The pairs the three passes may score: {@code keep} geometries per slice in the first two,
     * {@link RobustTracer#ROTATION_KEEP} in the third, the first of each leading, and for volumes the slices' leading
     * geometries together once per pass, a leading pair too.
     */
    static RobustBound planned(int candidates, int slices) {
        int keep = RobustTracer.keep(candidates, slices);
        long together = slices > 1 ? 1 : 0;
        long perPass = (long) slices + together;
        long others = (long) slices * (2L * (keep - 1) + Math.min(keep, RobustTracer.ROTATION_KEEP) - 1);
        return new RobustBound((long) candidates * 3 * perPass, (long) candidates * others);
    }

    /**
     * Sync translations whose exact score can be reported, for the "mark present" bound: the 8 orientations at scale
     * 1, every trial scale and its four refinements, and the 8 orientations at every grid angle of the rotation pass
     * (which ones are searched depends on the image).
     */
    static long translations(int slices) {
        int orientations = Dihedral.values().length;
        long angles = (long) orientations * RobustRotation.ANGLES;
        long tile = RobustLayer.TILE_PIXELS;
        return slices * tile * tile * (orientations + 5L * RobustScalePass.SCALES.length + angles);
    }
}
