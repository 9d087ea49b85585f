package org.filigrane.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.ledger.Ledger;
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
     * @param rejected                  entries with that ID whose hash or signature does not check out (named
     *                                  nobody: someone may have slipped them into the database)
     */
    record Result(boolean detected, Long robustId, List<LedgerEntry> matches, double score,
            Double falsePositiveProbability, String orientation, int slicesDecoded, int slicesTried,
            List<String> rejected) {
        boolean found() {
            return !matches.isEmpty();
        }
    }

    private final Watermarker watermarker;
    private final TrustedIssuers trusted;
    private final Map<Long, List<LedgerEntry>> byRobustId = new HashMap<>();

    Tracer(Watermarker watermarker, TrustedIssuers trusted, Collection<LedgerEntry> candidates) {
        this.watermarker = watermarker;
        this.trusted = trusted;
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
            return new Result(false, null, List.of(), 0, null, d.orientation(), 0, d.slicesTried(), List.of());
        }
        double score = d.slicesTried() == 0 ? 0 : (double) d.slicesDecoded() / d.slicesTried();
        List<LedgerEntry> matches = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (LedgerEntry e : byRobustId.getOrDefault(d.id(), List.of())) {
            Optional<String> problem = Ledger.checkEntry(e, trusted);
            if (problem.isEmpty()) {
                matches.add(e);
            } else {
                rejected.add(problem.get());
            }
        }
        return new Result(true, d.id(), matches, score, null, d.orientation(), d.slicesDecoded(), d.slicesTried(),
                rejected);
    }
}
