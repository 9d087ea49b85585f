package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.filigrane.engine.spi.Backend;

/**
 * The public facade: embed, verify, restore, capacity and robust-ID detection. It validates every argument, never
 * changes the caller's volume (it works on copies) and hands the per-pixel work to the selected {@link Backend}.
 *
 * <pre>{@code
 * Watermarker wm = Watermarker.create(MasterKey.fromFile(keyFile));      // backend "auto"
 * EmbedResult r = wm.embed(volume, WatermarkSpec.reversible("hospital-b", "second opinion, case 42"));
 * VerificationReport report = wm.verify(r.volume());                    // AUTHENTIC
 * Volume original = wm.restore(r.volume());                             // bit for bit
 * }</pre>
 */
public final class Watermarker implements AutoCloseable {
    private static final String MAC_PURPOSE = "R-mac";
    /** Layer D: the issuer-wide layout and sync pattern, and each recipient's own pattern. */
    private static final String ROBUST_LAYOUT_PURPOSE = "D-layout";
    private static final String ROBUST_PURPOSE = "D-pattern";
    private static final int FLAG_ROBUST = 4;

    private final Backend backend;
    private final boolean ownsBackend;
    private final MasterKey key;
    private final ReversibleLayer reversible;
    private final TamperLayer tamper;
    private final RobustLayer robust;
    private final RobustTracer tracer;
    /**
     * Recipient-slot chips of recently traced candidates (LRU, at most {@link #CHIP_CACHE} entries, 512 bytes each):
     * tracing many images against one ledger derives each candidate's pattern once. Memory only, never written.
     */
    private final Map<RobustCandidate, byte[]> chips = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<RobustCandidate, byte[]> eldest) {
                    return size() > CHIP_CACHE;
                }
            });
    private static final int CHIP_CACHE = 50_000;

    private Watermarker(Backend backend, boolean ownsBackend, MasterKey key) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.key = key;
        this.reversible = new ReversibleLayer(backend);
        this.tamper = new TamperLayer(backend);
        // Layer D: one layout for all recipients (the detector finds the geometry once), signs per recipient.
        this.robust = new RobustLayer(backend, key.derive(ROBUST_LAYOUT_PURPOSE, ""));
        this.tracer = new RobustTracer(robust);
    }

    /** With the fastest backend that runs here ({@code auto}). */
    public static Watermarker create(MasterKey key) {
        return create(key, "auto");
    }

    /** With the backend named {@code backendName}: {@code auto}, {@code reference}, {@code vector}, {@code opencl}. */
    public static Watermarker create(MasterKey key, String backendName) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(backendName, "backendName");
        return new Watermarker(Backends.select(backendName), true, key);
    }

    /** With a backend instance the caller owns (and closes): for tests, benchmarks and shared backends. */
    public static Watermarker create(MasterKey key, Backend backend) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(backend, "backend");
        return new Watermarker(backend, false, key);
    }

    /** Releases the backend's native resources when this watermarker selected it by name. */
    @Override
    public void close() {
        if (ownsBackend) {
            backend.close();
        }
    }

    public String backendName() {
        return backend.name();
    }

    // ---- capacity ----

    public Capacity capacity(Volume volume, WatermarkSpec spec) {
        check(volume, spec);
        if (!spec.has(Layer.REVERSIBLE)) {
            return new Capacity(0, 0, 0);
        }
        Volume input = volume;
        if (spec.has(Layer.ROBUST)) {
            // R rides on D's output, so measure that.
            input = volume.copy();
            embedRobust(input, spec);
        }
        ReversibleLayer.Room room = reversible.capacity(input, spec.shrink());
        long overhead = ReversibleLayer.streamBits(room.mapBits(), Payload.size(spec.recipient(), "",
                volume.slices()));
        // 64 spare bits cover the payload's length code growing with the message.
        long bytes = Math.max(0, (room.capacityBits() - overhead - 64) / 8);
        return new Capacity(room.capacityBits(), overhead, bytes);
    }

    // ---- embed ----

    /**
     * Returns a watermarked copy. The input is validated first (shape, every sample in its stored range) and never
     * changed; a payload that does not fit is refused with {@link CapacityExceededException}.
     */
    public EmbedResult embed(Volume volume, WatermarkSpec spec) throws WatermarkException {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(spec, "spec");
        int[] range = new int[2];
        // The working copy and the range check share one read of the input.
        Volume w = volume.copyWithRange(range);
        if (!volume.format().inRange(range[0]) || !volume.format().inRange(range[1])) {
            volume.checkRange();
        }
        if (spec.has(Layer.ROBUST)) {
            embedRobust(w, spec);
            range = null;
        }
        if (!spec.has(Layer.REVERSIBLE)) {
            return new EmbedResult(w, 0, 0, false, 0, 0, 0);
        }
        int flags = (spec.has(Layer.TAMPER) ? spec.profile().id() : 0) | (spec.has(Layer.ROBUST) ? FLAG_ROBUST : 0);
        byte[] macKey = key.derive(MAC_PURPOSE, spec.recipient());
        byte[] keyId = HexFormat.of().parseHex(key.keyId(spec.recipient()));
        Payload payload = Payload.create(w, spec.recipient(), spec.message(), keyId, flags, macKey);
        ReversibleLayer.Embedded r = reversible.embed(w, payload.toBytes(), spec.shrink(), flags, range);
        TamperLayer.Coverage t = spec.has(Layer.TAMPER) ? tamper.embed(w, spec.profile())
                : new TamperLayer.Coverage(0, 0, 0, 0);
        return new EmbedResult(w, r.streamBits(), r.capacityBits(), r.header().shrink() > 0, t.blocks(),
                t.fullyProtected(), t.unprotected());
    }

    // ---- verify ----

    /** Says whether the volume is authentic, tampered (and where), foreign to this key, or not watermarked. */
    public VerificationReport verify(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        Found found = find(volume);
        if (found == null) {
            return VerificationReport.notWatermarked();
        }
        if (found.header == null) {
            TamperLayer.Check t = found.check;
            return new VerificationReport(VerificationReport.Status.TAMPERED, null, null, null, found.profile,
                    t.cells(), List.of(), List.of(), List.of(), false, t.failedColumns(), t.unprotectedBlocks(),
                    "layer T found but layer R's header is damaged; " + t.cells().size() + " block(s) failed");
        }
        List<TamperedCell> cells = found.check != null ? found.check.cells() : List.of();
        int failedColumns = found.check != null ? found.check.failedColumns() : 0;
        int unprotected = found.check != null ? found.check.unprotectedBlocks() : 0;
        Payload payload;
        try {
            payload = Payload.parse(reversible.decode(found.volume, found.header).payload());
        } catch (MalformedWatermarkException e) {
            return new VerificationReport(VerificationReport.Status.TAMPERED, null, null, null, found.profile, cells,
                    List.of(), List.of(), List.of(), false, failedColumns, unprotected,
                    "layer R cannot be decoded (" + e.getMessage() + "); " + cells.size() + " block(s) failed");
        }
        boolean authentic = payload.macValid(key.derive(MAC_PURPOSE, payload.recipient()));
        byte[][] digests = Payload.sliceDigests(found.volume);
        SliceMatch match = SliceMatch.of(payload, digests);
        boolean hashOk = match.clean() && Arrays.equals(payload.volumeHash(),
                Payload.volumeHash(found.volume, digests));
        String keyId = HexFormat.of().formatHex(payload.keyId());
        VerificationReport.Status status;
        String detail;
        if (!cells.isEmpty() || !hashOk || failedColumns > 0) {
            status = VerificationReport.Status.TAMPERED;
            detail = cells.size() + " block(s) failed, " + match.altered().size() + " slice(s) altered, "
                    + match.missing().size() + " missing, " + match.unexpected().size() + " unexpected"
                    + (match.reordered() ? ", slices reordered" : "") + (failedColumns > 0 ? ", " + failedColumns
                    + " column code(s) failed" : "") + (authentic ? "" : "; MAC does not verify with this key");
        } else if (!authentic) {
            status = VerificationReport.Status.NOT_AUTHENTIC;
            detail = "watermark present but its MAC does not verify with this key (key id " + keyId + ")";
        } else {
            status = VerificationReport.Status.AUTHENTIC;
            detail = "authentic: every pixel as recorded for " + payload.recipient();
        }
        return new VerificationReport(status, payload.recipient(), payload.message(), keyId, found.profile, cells,
                match.altered(), match.missing(), match.unexpected(), match.reordered(), failedColumns, unprotected,
                detail);
    }

    /**
     * Screens the volume with layer T's codes, as a PACS would on every read: decodes the leading slice and sums
     * the columns of the others (one read-only pass, no key); opens every block only when a column code fails.
     */
    public IntegrityReport checkIntegrity(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        for (TamperProfile p : TamperProfile.values()) {
            TamperLayer.Check quick = tamper.screen(volume, p);
            if (quick == null) {
                continue;
            }
            if (quick.cells().isEmpty() && quick.failedColumns() == 0 && quick.uncheckedColumns() == 0) {
                return new IntegrityReport(true, true, p, List.of(), 0, true);
            }
            TamperLayer.Check full = tamper.verifyAndRestore(volume.copy(), p);
            return new IntegrityReport(true, full.cells().isEmpty() && full.failedColumns() == 0, p, full.cells(),
                    full.failedColumns(), false);
        }
        return new IntegrityReport(false, false, null, List.of(), 0, false);
    }

    // ---- restore ----

    /**
     * Removes layers T and R and returns the volume they were embedded into, bit for bit (layer D, not reversible,
     * stays). Refuses, leaving the input unchanged, when the volume is not watermarked, its MAC does not verify
     * with this key, or the restored pixels do not match their recorded SHA-256.
     */
    public Volume restore(Volume volume) throws WatermarkException {
        Objects.requireNonNull(volume, "volume");
        Found found = find(volume);
        if (found == null || found.header == null) {
            throw new WatermarkException(found == null ? "no Filigrane watermark found"
                    : "layer R's header is damaged: the volume was altered");
        }
        Payload payload;
        try {
            payload = Payload.parse(reversible.decode(found.volume, found.header).payload());
        } catch (MalformedWatermarkException e) {
            throw new WatermarkException("layer R cannot be decoded: " + e.getMessage());
        }
        if (!payload.macValid(key.derive(MAC_PURPOSE, payload.recipient()))) {
            throw new WatermarkException("the watermark's MAC does not verify with this key");
        }
        if (!Arrays.equals(payload.volumeHash(), Payload.volumeHash(found.volume,
                Payload.sliceDigests(found.volume)))) {
            throw new WatermarkException("restored pixels do not match the recorded SHA-256: the volume was altered");
        }
        return found.volume;
    }

    // ---- layer D ----

    private void embedRobust(Volume w, WatermarkSpec spec) {
        RobustLayer.RecipientKey recipientKey = new RobustLayer.RecipientKey(key.derive(ROBUST_PURPOSE,
                spec.recipient()));
        robust.embed(w, robust.pattern(recipientKey, spec.robustId()), spec.displayWindow());
    }

    /**
     * Finds which of {@code candidates} (the ledger's issued layer-D watermarks) an image or volume carries, also in
     * an 8-bit export that was windowed, flipped, turned, cropped, rescaled (0.5x to 2x), blurred, noised or saved as
     * JPEG. Reports the best candidate with a bound on the probability that a candidate list of this size reaches its
     * score by chance; {@code found} only when that bound is at most {@link TraceResult#FALSE_POSITIVE_LIMIT}.
     * Duplicate candidates are scored once. Never changes {@code image}.
     */
    public TraceResult trace(Volume image, java.util.Collection<RobustCandidate> candidates) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(candidates, "candidates");
        java.util.Map<String, RobustLayer.RecipientKey> keys = new java.util.HashMap<>();
        java.util.LinkedHashSet<RobustCandidate> unique = new java.util.LinkedHashSet<>();
        for (RobustCandidate c : candidates) {
            unique.add(Objects.requireNonNull(c, "candidate"));
        }
        List<RobustTracer.Prepared> prepared = new ArrayList<>(unique.size());
        for (RobustCandidate c : unique) {
            byte[] known = chips.get(c);
            if (known == null) {
                RobustLayer.RecipientKey k = keys.computeIfAbsent(c.recipient(),
                        r -> new RobustLayer.RecipientKey(key.derive(ROBUST_PURPOSE, r)));
                known = RobustTracer.markChips(robust.pattern(k, c.robustId()));
                chips.put(c, known);
            }
            prepared.add(new RobustTracer.Prepared(c, known));
        }
        return tracer.trace(image, prepared);
    }

    /**
     * Reads layer D's robust ID blind for the recipient named by layer R's payload (format 2 keys D's pattern per
     * recipient, so a volume without a readable layer R gives "not found": use {@link #trace} with the ledger's
     * candidates for exports). Also on flipped or turned copies.
     */
    public RobustDetection detectRobust(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        Found found = find(volume);
        if (found == null || found.header == null) {
            return RobustDetection.notFound(volume.slices());
        }
        String recipient;
        try {
            recipient = Payload.parse(reversible.decode(found.volume, found.header).payload()).recipient();
        } catch (MalformedWatermarkException e) {
            return RobustDetection.notFound(volume.slices());
        }
        return detectRobust(volume, recipient);
    }

    /** Reads layer D's robust ID blind for {@code recipient}, slice by slice, at scale 1 (see {@link #trace}). */
    public RobustDetection detectRobust(Volume volume, String recipient) {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(recipient, "recipient");
        RobustLayer.RecipientKey k = new RobustLayer.RecipientKey(key.derive(ROBUST_PURPOSE, recipient));
        java.util.Map<Long, int[]> tallies = new java.util.LinkedHashMap<>();
        for (int s = 0; s < volume.slices(); s++) {
            for (RobustTracer.Geometry g : tracer.search(volume, s, false, RobustTracer.KEEP)) {
                Long id = tracer.decode(k, g);
                if (id == null || g.squares() <= 0) {
                    continue;
                }
                double score = RobustTracer.correlation(RobustTracer.markChips(robust.pattern(k, id)), g)
                        / Math.sqrt(g.squares());
                if (RobustTracer.KEEP * Math.exp(-score * score / 2) <= TraceResult.FALSE_POSITIVE_LIMIT) {
                    int[] t = tallies.computeIfAbsent(id, x -> new int[1 + Dihedral.values().length]);
                    t[0]++;
                    t[1 + g.orientation().ordinal()]++;
                    break;
                }
            }
        }
        Map.Entry<Long, int[]> best = null;
        for (Map.Entry<Long, int[]> e : tallies.entrySet()) {
            if (best == null || e.getValue()[0] > best.getValue()[0]) {
                best = e;
            }
        }
        if (best == null) {
            return RobustDetection.notFound(volume.slices());
        }
        Dihedral orientation = Dihedral.IDENTITY;
        for (Dihedral d : Dihedral.values()) {
            if (best.getValue()[1 + d.ordinal()] > best.getValue()[1 + orientation.ordinal()]) {
                orientation = d;
            }
        }
        return new RobustDetection(true, best.getKey(), volume.slices(), best.getValue()[0], orientation.label());
    }

    // ---- discovery ----

    private record Found(Volume volume, TamperProfile profile, TamperLayer.Check check,
            ReversibleLayer.Header header) {
    }

    /**
     * Peels layer T with each profile (and with none) until layer R's header appears and names that profile.
     * Null when nothing was found; a result without header when T decoded well but R's header did not.
     */
    private Found find(Volume volume) {
        Found bestT = null;
        List<TamperProfile> tries = new ArrayList<>(List.of(TamperProfile.values()));
        tries.add(null);
        for (TamperProfile p : tries) {
            Volume w = volume.copy();
            TamperLayer.Check check = p != null ? tamper.verifyAndRestore(w, p) : null;
            ReversibleLayer.Header header = ReversibleLayer.readHeader(w);
            if (header != null && (header.flags() & 3) == (p == null ? 0 : p.id())) {
                return new Found(w, p, check, header);
            }
            if (check != null && 2L * check.validBlocks() > check.totalBlocks()
                    && (bestT == null || check.validBlocks() > bestT.check.validBlocks())) {
                bestT = new Found(w, p, check, null);
            }
        }
        return bestT;
    }

    private static void check(Volume volume, WatermarkSpec spec) {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(spec, "spec");
        volume.checkRange();
    }
}
