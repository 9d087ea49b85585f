package org.filigrane.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.filigrane.engine.RobustCandidate;
import org.filigrane.engine.TraceResult;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.ledger.Ledger;
import org.filigrane.ledger.LedgerEntry;

/**
 * Names the recipient of a found image: the engine scores every ledger record this issuer made with layer D (its
 * recipient and robust ID give the pattern) and reports the best with a false-positive bound. Only records whose
 * hash and signature check out become candidates, so a row slipped into or edited in the database never names
 * anyone; the records skipped that way are reported.
 */
final class Tracer {
    /**
     * What tracing one image found.
     *
     * @param trace       the engine's answer (best candidate, score, false-positive bound, orientation, scale)
     * @param matches     ledger entries issued as the found candidate (empty when none was found)
     * @param slicesTried slices of the image examined
     */
    record Result(TraceResult trace, List<LedgerEntry> matches, int slicesTried) {
        boolean found() {
            return trace.found() && !matches.isEmpty();
        }
    }

    private final Watermarker watermarker;
    private final Map<RobustCandidate, List<LedgerEntry>> byCandidate = new LinkedHashMap<>();
    private final List<String> rejected = new ArrayList<>();
    private int otherIssuers;

    /**
     * @param issuerKeyId the tracing issuer's key id: records of other issuers are not candidates (their patterns
     *                    come from keys this run does not hold)
     */
    Tracer(Watermarker watermarker, TrustedIssuers trusted, String issuerKeyId, Collection<LedgerEntry> entries) {
        this.watermarker = watermarker;
        for (LedgerEntry e : entries) {
            if (e.record().robustId() == null) {
                continue;
            }
            if (!issuerKeyId.equals(e.record().issuerKeyId())) {
                otherIssuers++;
                continue;
            }
            Optional<String> problem = Ledger.checkEntry(e, trusted);
            if (problem.isPresent()) {
                rejected.add(problem.get());
                continue;
            }
            RobustCandidate c;
            try {
                c = new RobustCandidate(e.record().recipient(), e.record().robustId());
            } catch (IllegalArgumentException x) {
                rejected.add("entry " + e.seq() + " names no usable recipient: " + x.getMessage());
                continue;
            }
            byCandidate.computeIfAbsent(c, k -> new ArrayList<>()).add(e);
        }
    }

    /** Ledger entries that became candidates. */
    int candidates() {
        return byCandidate.values().stream().mapToInt(List::size).sum();
    }

    /** Why records with a robust ID were not scored (edited, unsigned, malformed). */
    List<String> rejected() {
        return rejected;
    }

    /** Records of other issuers, not scored. */
    int otherIssuers() {
        return otherIssuers;
    }

    Result trace(Volume image) {
        TraceResult t = watermarker.trace(image, byCandidate.keySet());
        List<LedgerEntry> matches = t.found()
                ? byCandidate.getOrDefault(new RobustCandidate(t.recipient(), t.robustId()), List.of())
                : List.of();
        return new Result(t, matches, image.slices());
    }
}
