package org.filigrane.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.filigrane.engine.RobustDetection;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.ledger.LedgerEntry;

/**
 * Names the recipient of a found image from the ledger's candidates. Today: layer D's blind detection reads one ID,
 * looked up among the candidates' robust IDs. This is the one place to switch to per-candidate scoring (with a
 * false-positive probability) when the engine offers it.
 */
final class Tracer {
    /**
     * What tracing one image found.
     *
     * @param detected                  whether layer D decoded an ID at all
     * @param robustId                  that ID (null when none)
     * @param matches                   ledger entries issued with that ID (empty: unknown ID, or none decoded)
     * @param score                     share of the examined slices that decoded the ID (0..1)
     * @param falsePositiveProbability  null until the engine's scoring gives one
     * @param orientation               how the image is turned relative to the issued copy
     */
    record Result(boolean detected, Long robustId, List<LedgerEntry> matches, double score,
            Double falsePositiveProbability, String orientation, int slicesDecoded, int slicesTried) {
        boolean found() {
            return !matches.isEmpty();
        }
    }

    private final Watermarker watermarker;
    private final Map<Long, List<LedgerEntry>> byRobustId = new HashMap<>();

    Tracer(Watermarker watermarker, Collection<LedgerEntry> candidates) {
        this.watermarker = watermarker;
        for (LedgerEntry e : candidates) {
            byRobustId.computeIfAbsent(e.record().robustId(), k -> new ArrayList<>()).add(e);
        }
    }

    int candidates() {
        return byRobustId.values().stream().mapToInt(List::size).sum();
    }

    Result trace(Volume image) {
        RobustDetection d = watermarker.detectRobust(image);
        if (!d.found()) {
            return new Result(false, null, List.of(), 0, null, d.orientation(), 0, d.slicesTried());
        }
        double score = d.slicesTried() == 0 ? 0 : (double) d.slicesDecoded() / d.slicesTried();
        return new Result(true, d.id(), byRobustId.getOrDefault(d.id(), List.of()), score, null, d.orientation(),
                d.slicesDecoded(), d.slicesTried());
    }
}
