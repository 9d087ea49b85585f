package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.filigrane.engine.spi.Backend;

/**
 * The public facade: embed, verify, restore, capacity and robust-ID detection. It validates every argument, never
 * changes the caller's volume (it works on copies) and hands the per-pixel work to the selected {@link Backend}.
 *
 * <pre>{@code
 * Watermarker wm = Watermarker.create(IssuerKey.fromFile(keyFile));      // backend "auto"
 * EmbedResult r = wm.embed(volume, WatermarkSpec.reversible("hospital-b", "second opinion, case 42"));
 * VerificationReport report = wm.verify(r.volume());                    // AUTHENTIC
 * Volume original = wm.restore(r.volume());                             // bit for bit
 * }</pre>
 */
public final class Watermarker implements AutoCloseable {
    /** Layer D: the issuer-wide layout and sync pattern, and each recipient's own pattern. */
    private static final String ROBUST_LAYOUT_PURPOSE = "D-layout";
    private static final String ROBUST_PURPOSE = "D-pattern";
    private static final int FLAG_ROBUST = 4;
    /**
     * The header flags that name the layers (bits 0-1 T's profile, bit 2 layer D), which the payload signs; the
     * header's other flags describe how R itself was embedded (range preparation), which R's decoding checks.
     */
    private static final int LAYER_FLAGS = 7;

    private final Backend backend;
    private final boolean ownsBackend;
    /** The issuer's private key; null for a verifier, which can only verify, restore and screen. */
    private final IssuerKey issuer;
    private final TrustedIssuers trusted;
    private final ReversibleLayer reversible;
    private final TamperLayer tamper;
    /** Layer D's layout and tracer, built on first use (a HKDF and keyed shuffles a run without D never needs). */
    private RobustLayer robust;
    private RobustTracer tracer;
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

    private Watermarker(Backend backend, boolean ownsBackend, IssuerKey issuer, TrustedIssuers trusted) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.issuer = issuer;
        this.trusted = trusted;
        this.reversible = new ReversibleLayer(backend);
        this.tamper = new TamperLayer(backend);
    }

    /** Layer D: one layout for all recipients (the detector finds the geometry once), signs per recipient. */
    private synchronized RobustLayer robust() {
        if (robust == null) {
            robust = new RobustLayer(backend, issuer("layer D").derive(ROBUST_LAYOUT_PURPOSE, ""));
            tracer = new RobustTracer(robust);
        }
        return robust;
    }

    private synchronized RobustTracer tracer() {
        robust();
        return tracer;
    }

    /** An issuer's watermarker (embeds, and verifies what this issuer signed), backend {@code auto}. */
    public static Watermarker create(IssuerKey issuer) {
        return create(issuer, "auto");
    }

    /** An issuer's watermarker with the backend named {@code backendName}: {@code auto}, {@code reference},
     * {@code vector}, {@code opencl}. */
    public static Watermarker create(IssuerKey issuer, String backendName) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(backendName, "backendName");
        return new Watermarker(Backends.select(backendName), true, issuer, TrustedIssuers.of(issuer.publicKey()));
    }

    /** An issuer's watermarker on a backend the caller owns (and closes): for tests, benchmarks, shared backends. */
    public static Watermarker create(IssuerKey issuer, Backend backend) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(backend, "backend");
        return new Watermarker(backend, false, issuer, TrustedIssuers.of(issuer.publicKey()));
    }

    /** A verifier: verifies, restores and screens watermarks signed by any of {@code trusted}; cannot embed. */
    public static Watermarker verifier(TrustedIssuers trusted, String backendName) {
        Objects.requireNonNull(trusted, "trusted");
        Objects.requireNonNull(backendName, "backendName");
        return new Watermarker(Backends.select(backendName), true, null, trusted);
    }

    /** A verifier on a backend the caller owns. */
    public static Watermarker verifier(TrustedIssuers trusted, Backend backend) {
        Objects.requireNonNull(trusted, "trusted");
        Objects.requireNonNull(backend, "backend");
        return new Watermarker(backend, false, null, trusted);
    }

    /** Releases the backend's native resources when this watermarker selected it by name. */
    @Override
    public void close() {
        if (ownsBackend) {
            backend.close();
        }
    }

    /** True when this watermarker holds the issuer's private key (can embed and detect layer D). */
    public boolean canEmbed() {
        return issuer != null;
    }

    private IssuerKey issuer(String operation) {
        if (issuer == null) {
            throw new IllegalStateException(operation + " needs the issuer's private key; this watermarker holds "
                    + "public keys only");
        }
        return issuer;
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
            issuer("layer D");
            input = volume.copy();
            embedRobust(input, spec);
        }
        TamperLayer.Params tp = spec.has(Layer.TAMPER) ? tamper.choose(input, spec.profile(), null) : null;
        int tHeadroom = tp != null ? tp.threshold() : 0;
        // The most R can carry: its largest threshold that the range leaves room for.
        int threshold = 1;
        for (int t : ReversibleLayer.THRESHOLDS) {
            if (ReversibleLayer.rangeAllows(input.format(), t + tHeadroom)) {
                threshold = t;
            }
        }
        ReversibleLayer.Room room = reversible.capacity(input, tHeadroom, threshold);
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
        IssuerKey signer = issuer("embed");
        Volume w = volume.copy();
        int[] range = valueRange(w);
        if (!volume.format().inRange(range[0]) || !volume.format().inRange(range[1])) {
            volume.checkRange();
        }
        if (spec.has(Layer.ROBUST)) {
            embedRobust(w, spec);
            range = null;
        }
        if (!spec.has(Layer.REVERSIBLE)) {
            return new EmbedResult(w, 0, 0, false, 0, 0, 0, 0, 0);
        }
        int flags = (spec.has(Layer.TAMPER) ? spec.profile().id() : 0) | (spec.has(Layer.ROBUST) ? FLAG_ROBUST : 0);
        Payload payload = Payload.create(w, spec.recipient(), spec.message(), signer, flags);
        byte[] payloadBytes = payload.toBytes();
        // T's block size and bins are chosen first (R makes the range headroom they need), by trial on a few
        // slices; when R's embedding leaves T short of room after all, the next candidate is tried.
        List<TamperLayer.Params> candidates = new ArrayList<>();
        if (spec.has(Layer.TAMPER)) {
            List<TamperLayer.Params> all = TamperLayer.candidates(spec.profile(), w.format());
            if (all.isEmpty()) {
                throw new CapacityExceededException("stored range of " + w.format() + " too narrow for layers R and T",
                        1, 0);
            }
            candidates.addAll(all.subList(Math.max(0, all.indexOf(tamper.choose(w, spec.profile(), range))), all.size()));
        } else {
            candidates.add(null);
        }
        EmbedResult best = null;
        for (int c = 0; c < candidates.size(); c++) {
            TamperLayer.Params tp = candidates.get(c);
            if (c > 0) {
                w = fresh(volume, spec);
                range = null;
            }
            EmbedResult result;
            try {
                result = embedOnce(volume, spec, w, range, payloadBytes, flags, tp);
            } catch (CapacityExceededException e) {
                if (best == null) {
                    throw e;
                }
                return best;
            }
            if (tp == null || 1000L * result.fullyProtected() >= 999L * result.blocks()) {
                return result;
            }
            if (best == null || result.fullyProtected() > best.fullyProtected()) {
                best = result;
            }
        }
        return best;
    }

    /** {min, max} of the volume's values, scanned by the backend (every embed reads every sample for it). */
    private int[] valueRange(Volume v) {
        int[][] perSlice = new int[v.slices()][];
        backend.valueRanges(v, 0, v.slices(), perSlice);
        int[] range = {Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (int[] r : perSlice) {
            range[0] = Math.min(range[0], r[0]);
            range[1] = Math.max(range[1], r[1]);
        }
        return range;
    }

    /** A copy of the input with layer D applied when asked: what R is embedded into. */
    private Volume fresh(Volume volume, WatermarkSpec spec) {
        Volume w = volume.copy();
        if (spec.has(Layer.ROBUST)) {
            embedRobust(w, spec);
        }
        return w;
    }

    /** R with its fewest bins that carry the stream, then T with {@code tp} (null: no T). */
    private EmbedResult embedOnce(Volume volume, WatermarkSpec spec, Volume w, int[] range, byte[] payloadBytes,
            int flags, TamperLayer.Params tp) throws CapacityExceededException {
        int tHeadroom = tp != null ? tp.threshold() : 0;
        ReversibleLayer.Embedded r;
        // Two bins for most images, more for small or noisy ones. A failed try has changed the copy, so the next
        // starts again from the input.
        for (int i = 0; ; i++) {
            try {
                r = reversible.embed(w, payloadBytes, ReversibleLayer.THRESHOLDS[i], flags,
                        tp != null ? tp.blockSize() : 0, tHeadroom, range);
                break;
            } catch (CapacityExceededException e) {
                if (i + 1 == ReversibleLayer.THRESHOLDS.length || !ReversibleLayer.rangeAllows(volume.format(),
                        ReversibleLayer.THRESHOLDS[i + 1] + tHeadroom)) {
                    throw e;
                }
                w = fresh(volume, spec);
                range = null;
            }
        }
        TamperLayer.Coverage t = tp != null ? tamper.embed(w, tp) : new TamperLayer.Coverage(0, 0, 0, 0);
        return new EmbedResult(w, r.streamBits(), r.capacityBits(), r.header().shrink() > 0, t.blocks(),
                t.fullyProtected(), t.unprotected(), tp != null ? tp.blockSize() : 0, tp != null ? tp.threshold() : 0);
    }

    // ---- verify ----

    /** Says whether the volume is authentic, tampered (and where), foreign to this key, or not watermarked. */
    public VerificationReport verify(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        return report(find(volume));
    }

    /**
     * A verification and, when it says AUTHENTIC, the restored volume, from one search of the volume: what
     * {@link #verify} and then {@link #restore} give, at the cost of one of them. AUTHENTIC includes every condition
     * under which {@link #restore} returns (R's header and payload decode, a trusted issuer signed them, the layer
     * flags match, the restored pixels hash to the signed SHA-256), and both take the volume the same search found.
     * Stricter than {@link #restore} alone, which may restore a volume whose T blocks failed but whose R hash holds.
     *
     * @param report   the verification, as {@link #verify} gives it
     * @param restored the volume {@link #restore} gives when {@code report} says AUTHENTIC; null otherwise
     */
    public record Checked(VerificationReport report, Volume restored) {
    }

    /** {@link #verify} and, when AUTHENTIC, {@link #restore} in one search (see {@link Checked}). */
    public Checked verifyAndRestore(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        Found found = find(volume);
        VerificationReport report = report(found);
        return new Checked(report, report.status() == VerificationReport.Status.AUTHENTIC ? found.volume : null);
    }

    private VerificationReport report(Found found) {
        if (found == null) {
            return VerificationReport.notWatermarked();
        }
        if (found.header == null) {
            TamperLayer.Check t = found.check;
            // Slice 0 (R's header) removed, moved or damaged: T's blocks still name the slices.
            SliceMatch m = SliceMatch.fromTamperLayer(t.origin(), t.cells());
            return new VerificationReport(VerificationReport.Status.TAMPERED, null, null, null, found.profile,
                    t.cells(), m.altered(), m.missing(), m.unexpected(), m.reordered(), m.moved(), t.failedColumns(),
                    t.unprotectedBlocks(), "layer T found but layer R's header is damaged; " + t.cells().size()
                    + " block(s) failed" + sliceDetail(m));
        }
        List<TamperedCell> cells = found.check != null ? found.check.cells() : List.of();
        int failedColumns = found.check != null ? found.check.failedColumns() : 0;
        int unprotected = found.check != null ? found.check.unprotectedBlocks() : 0;
        Payload payload;
        try {
            payload = Payload.parse(reversible.decode(found.layerR, found.header).payload());
        } catch (MalformedWatermarkException e) {
            SliceMatch m = found.check != null ? SliceMatch.fromTamperLayer(found.check.origin(), cells) : null;
            return new VerificationReport(VerificationReport.Status.TAMPERED, null, null, null, found.profile, cells,
                    m != null ? m.altered() : List.of(), m != null ? m.missing() : List.of(),
                    m != null ? m.unexpected() : List.of(), m != null && m.reordered(),
                    m != null ? m.moved() : List.of(), failedColumns, unprotected,
                    "layer R cannot be decoded (" + e.getMessage() + "); " + cells.size() + " block(s) failed");
        }
        boolean authentic = signedByTrusted(payload);
        byte[][] digests = Payload.sliceDigests(found.volume);
        // A payload that does not verify may be damaged: its slice hashes are then no evidence, T's blocks are.
        SliceMatch match = authentic || found.check == null
                ? SliceMatch.of(payload, digests, found.check != null ? found.check.origin() : null)
                : SliceMatch.fromTamperLayer(found.check.origin(), cells);
        boolean hashOk = match.clean() && Arrays.equals(payload.volumeHash(),
                Payload.volumeHash(found.volume, digests));
        String keyId = payload.issuerKeyId();
        // R's header is not signed; its layer flags (T profile, D applied) must be the ones the payload signs.
        boolean headerOk = payload.flags() == (found.header.flags() & LAYER_FLAGS);
        VerificationReport.Status status;
        String detail;
        if (!cells.isEmpty() || !hashOk || failedColumns > 0 || !headerOk) {
            status = VerificationReport.Status.TAMPERED;
            detail = cells.size() + " block(s) failed, " + match.altered().size() + " slice(s) altered, "
                    + match.missing().size() + " missing, " + match.unexpected().size() + " unexpected"
                    + (match.reordered() ? ", slices reordered" : "") + sliceDetail(match)
                    + (failedColumns > 0 ? ", " + failedColumns + " column code(s) failed" : "")
                    + (headerOk ? "" : ", layer R's header flags " + (found.header.flags() & LAYER_FLAGS)
                    + " differ from the signed "
                    + payload.flags())
                    + (authentic ? "" : "; not signed by a trusted issuer");
        } else if (!authentic) {
            status = VerificationReport.Status.NOT_AUTHENTIC;
            detail = "watermark present but not signed by a trusted issuer (it names key id " + keyId + ")";
        } else {
            status = VerificationReport.Status.AUTHENTIC;
            detail = "authentic: every pixel as recorded for " + payload.recipient() + ", signed by issuer " + keyId;
        }
        return new VerificationReport(status, payload.recipient(), payload.message(), keyId, found.profile, cells,
                match.altered(), match.missing(), match.unexpected(), match.reordered(), match.moved(), failedColumns,
                unprotected, detail);
    }

    private static String sliceDetail(SliceMatch m) {
        return (m.altered().isEmpty() ? "" : "; altered " + m.altered())
                + (m.missing().isEmpty() ? "" : "; missing " + m.missing())
                + (m.unexpected().isEmpty() ? "" : "; unexpected " + m.unexpected())
                + (m.moved().isEmpty() ? "" : "; moved " + m.moved());
    }

    /**
     * Screens the volume with layer T's codes, as a PACS would on every read: decodes the leading slice and sums
     * the columns of the others (one read-only pass, no key); opens every block only when a column code fails.
     */
    public IntegrityReport checkIntegrity(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        for (TamperLayer.Params p : tamper.discover(volume)) {
            TamperLayer.Check quick = tamper.screen(volume, p);
            if (quick == null) {
                continue;
            }
            if (quick.cells().isEmpty() && quick.failedColumns() == 0 && quick.uncheckedColumns() == 0) {
                return new IntegrityReport(true, true, p.profile(), List.of(), 0, true);
            }
            TamperLayer.Check full = tamper.verifyAndRestore(volume, volume.copy(), p);
            return new IntegrityReport(true, full.cells().isEmpty() && full.failedColumns() == 0, p.profile(),
                    full.cells(), full.failedColumns(), false);
        }
        return new IntegrityReport(false, false, null, List.of(), 0, false);
    }

    // ---- restore ----

    /**
     * Removes layers T and R and returns the volume they were embedded into, bit for bit (layer D, not reversible,
     * stays). Refuses, leaving the input unchanged, when the volume is not watermarked, no trusted issuer signed
     * it, or the restored pixels do not match their recorded SHA-256.
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
            payload = Payload.parse(reversible.decode(found.layerR, found.header).payload());
        } catch (MalformedWatermarkException e) {
            throw new WatermarkException("layer R cannot be decoded: " + e.getMessage());
        }
        if (!signedByTrusted(payload)) {
            throw new WatermarkException("the watermark is not signed by a trusted issuer (it names key id "
                    + payload.issuerKeyId() + ")");
        }
        if (payload.flags() != (found.header.flags() & LAYER_FLAGS)) {
            throw new WatermarkException("layer R's header flags differ from the signed payload's: the header was "
                    + "altered");
        }
        if (!Arrays.equals(payload.volumeHash(), Payload.volumeHash(found.volume,
                Payload.sliceDigests(found.volume)))) {
            throw new WatermarkException("restored pixels do not match the recorded SHA-256: the volume was altered");
        }
        return found.volume;
    }

    // ---- layer D ----

    private void embedRobust(Volume w, WatermarkSpec spec) {
        RobustLayer.RecipientKey recipientKey = new RobustLayer.RecipientKey(issuer("layer D").derive(
                ROBUST_PURPOSE, spec.recipient()));
        RobustLayer d = robust();
        d.embed(w, d.pattern(recipientKey, spec.robustId()), spec.displayWindow());
    }

    /**
     * Finds which of {@code candidates} (the ledger's issued layer-D watermarks) an image or volume carries, also in
     * an 8-bit export that was windowed, flipped, turned, cropped, rescaled (0.5x to 2x), blurred, noised or saved as
     * JPEG. Reports the best candidate with a bound on the probability that a candidate list of this size reaches its
     * score by chance; {@code found} only when that bound is at most {@link TraceResult#FALSE_POSITIVE_LIMIT}.
     * Duplicate candidates are scored once. Never changes {@code image}.
     */
    public TraceResult trace(Volume image, java.util.Collection<RobustCandidate> candidates) {
        return trace(image, candidates, true);
    }

    /** As {@link #trace(Volume, java.util.Collection)}; without {@code rescaleSearch} only the scale-1 pass runs. */
    TraceResult trace(Volume image, java.util.Collection<RobustCandidate> candidates, boolean rescaleSearch) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(candidates, "candidates");
        IssuerKey signer = issuer("trace");
        java.util.LinkedHashSet<RobustCandidate> unique = new java.util.LinkedHashSet<>();
        for (RobustCandidate c : candidates) {
            unique.add(Objects.requireNonNull(c, "candidate"));
        }
        List<RobustCandidate> list = new ArrayList<>(unique);
        byte[][] known = new byte[list.size()][];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < known.length; i++) {
            known[i] = chips.get(list.get(i));
            if (known[i] == null) {
                missing.add(i);
            }
        }
        // Deriving a recipient's key (HKDF) and pattern (HMAC streams) is the cost of a new candidate: on every core.
        java.util.Map<String, RobustLayer.RecipientKey> keys = new java.util.concurrent.ConcurrentHashMap<>();
        RobustLayer robust = robust();
        missing.parallelStream().forEach(i -> {
            RobustCandidate c = list.get(i);
            RobustLayer.RecipientKey k = keys.computeIfAbsent(c.recipient(),
                    r -> new RobustLayer.RecipientKey(signer.derive(ROBUST_PURPOSE, r)));
            known[i] = RobustTracer.markChips(robust.pattern(k, c.robustId()));
            chips.put(c, known[i]);
        });
        List<RobustTracer.Prepared> prepared = new ArrayList<>(known.length);
        for (int i = 0; i < known.length; i++) {
            prepared.add(new RobustTracer.Prepared(list.get(i), known[i]));
        }
        return tracer().trace(image, prepared, rescaleSearch);
    }

    /**
     * Reads layer D's robust ID blind for the recipient named by layer R's payload (format 2 keys D's pattern per
     * recipient, so a volume without a readable layer R gives "not found": use {@link #trace} with the ledger's
     * candidates for exports). Also on flipped or turned copies.
     */
    public RobustDetection detectRobust(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        issuer("layer D detection");
        Found found = find(volume);
        if (found == null || found.header == null) {
            return RobustDetection.notFound(volume.slices());
        }
        String recipient;
        try {
            recipient = Payload.parse(reversible.decode(found.layerR, found.header).payload()).recipient();
        } catch (MalformedWatermarkException e) {
            return RobustDetection.notFound(volume.slices());
        }
        return detectRobust(volume, recipient);
    }

    /** Reads layer D's robust ID blind for {@code recipient}, slice by slice, at scale 1 (see {@link #trace}). */
    public RobustDetection detectRobust(Volume volume, String recipient) {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(recipient, "recipient");
        RobustLayer.RecipientKey k = new RobustLayer.RecipientKey(issuer("layer D detection").derive(ROBUST_PURPOSE,
                recipient));
        java.util.Map<Long, int[]> tallies = new java.util.LinkedHashMap<>();
        RobustLayer robust = robust();
        RobustTracer tracer = tracer();
        RobustTracer.Copy copy = new RobustTracer.Copy(volume, false);
        for (int s = 0; s < volume.slices(); s++) {
            for (RobustTracer.Geometry g : tracer.search(copy, s, RobustTracer.Pass.SCALE_ONE, RobustTracer.KEEP)) {
                Long id = tracer.decode(k, g);
                if (id == null || g.squares() <= 0) {
                    continue;
                }
                double score = RobustTracer.correlation(RobustTracer.markChips(robust.pattern(k, id)), g)
                        / Math.sqrt(g.squares());
                if (RobustTracer.KEEP * RobustBound.chance(score) <= TraceResult.FALSE_POSITIVE_LIMIT) {
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

    /** True when a trusted issuer's key has the payload's key id and its signature verifies. */
    private boolean signedByTrusted(Payload payload) {
        return trusted.find(payload.issuerKeyId()).map(payload::signedBy).orElse(false);
    }

    // ---- discovery ----

    /**
     * What discovery found: {@code volume} is the received volume with T removed (received slice order),
     * {@code layerR} the same slices in the order layer R was embedded in, as T's blocks name it (the same volume
     * when nothing moved), so that a swap or reorder still lets R decode.
     */
    private record Found(Volume volume, Volume layerR, TamperProfile profile, TamperLayer.Check check,
            ReversibleLayer.Header header) {
    }

    /**
     * Peels layer T with each candidate found by trial (and with none) until layer R's header appears and names
     * those parameters. Null when nothing was found; a result without header when T decoded well but R's header did
     * not.
     */
    private Found find(Volume volume) {
        Found bestT = null;
        List<TamperLayer.Params> tries = new ArrayList<>(tamper.discover(volume));
        tries.add(null);
        for (TamperLayer.Params p : tries) {
            Volume w = volume.copy();
            TamperLayer.Check check = p != null ? tamper.verifyAndRestore(volume, w, p) : null;
            List<int[]> orders = check != null ? embeddedOrders(check.origin()) : List.of();
            Found first = null;
            for (int[] order : orders.isEmpty() ? java.util.Collections.<int[]>singletonList(null) : orders) {
                Volume layerR = order != null ? w.withSlices(order) : w;
                ReversibleLayer.Header header = ReversibleLayer.readHeader(layerR);
                if (header == null || (header.flags() & 3) != (p == null ? 0 : p.profile().id())
                        || (p != null && (header.tBlock() != p.blockSize() || header.tThreshold() != p.threshold()))) {
                    continue;
                }
                Found f = new Found(w, layerR, p != null ? p.profile() : null, check, header);
                if (orders.size() <= 1 || signedStream(f)) {
                    return f;
                }
                first = first != null ? first : f;
            }
            if (first != null) {
                return first;
            }
            if (check != null && 2L * check.validBlocks() > check.totalBlocks()
                    && (bestT == null || check.validBlocks() > bestT.check.validBlocks())) {
                bestT = new Found(w, w, p.profile(), check, null);
            }
        }
        return bestT;
    }

    /** True when layer R decodes, on a copy, to a payload a trusted issuer signed. */
    private boolean signedStream(Found f) {
        try {
            return signedByTrusted(Payload.parse(reversible.decode(f.layerR.copy(), f.header).payload()));
        } catch (MalformedWatermarkException e) {
            return false;
        }
    }

    /** At most this many ways to choose among slices that name the same index. */
    private static final int MAX_ORDERS = 16;

    /**
     * The orders in which layer R may have been embedded, from the index each received slice's T blocks name: empty
     * when they name the received order (or some name nothing); one order when the indices are distinct but moved;
     * several when slices name the same index (a duplicate, or a slice inserted from another volume), one for each
     * choice of which of them to keep, so that the one whose stream is signed can be found.
     */
    private static List<int[]> embeddedOrders(int[] origin) {
        java.util.TreeMap<Integer, List<Integer>> byIndex = new java.util.TreeMap<>();
        for (int i = 0; i < origin.length; i++) {
            if (origin[i] < 0) {
                return List.of();
            }
            byIndex.computeIfAbsent(origin[i], k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>(byIndex.values());
        long combinations = 1;
        for (List<Integer> g : groups) {
            combinations *= g.size();
            if (combinations > MAX_ORDERS) {
                return List.of();
            }
        }
        if (combinations == 1 && groups.size() == origin.length) {
            boolean moved = false;
            for (int i = 0; i < groups.size(); i++) {
                moved |= groups.get(i).get(0) != i;
            }
            if (!moved) {
                return List.of();
            }
        }
        List<int[]> orders = new ArrayList<>();
        for (long c = 0; c < combinations; c++) {
            int[] order = new int[groups.size()];
            long rest = c;
            for (int i = 0; i < order.length; i++) {
                List<Integer> g = groups.get(i);
                order[i] = g.get((int) (rest % g.size()));
                rest /= g.size();
            }
            orders.add(order);
        }
        return orders;
    }

    private static void check(Volume volume, WatermarkSpec spec) {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(spec, "spec");
        volume.checkRange();
    }
}
