package org.filigrane.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    private static final String ROBUST_PURPOSE = "D-pattern";
    private static final int FLAG_ROBUST = 4;

    private final Backend backend;
    private final boolean ownsBackend;
    /** The issuer's private key; null for a verifier, which can only verify, restore and screen. */
    private final IssuerKey issuer;
    private final TrustedIssuers trusted;
    private final ReversibleLayer reversible;
    private final TamperLayer tamper;
    private final RobustLayer robust;

    private Watermarker(Backend backend, boolean ownsBackend, IssuerKey issuer, TrustedIssuers trusted) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.issuer = issuer;
        this.trusted = trusted;
        this.reversible = new ReversibleLayer(backend);
        this.tamper = new TamperLayer(backend);
        // Layer D's pattern depends on the issuer's secret only, so one extraction reveals the ID without a search.
        this.robust = issuer != null ? new RobustLayer(backend, issuer.derive(ROBUST_PURPOSE, "")) : null;
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
            robust.embed(input, spec.robustId());
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
        IssuerKey signer = issuer("embed");
        int[] range = new int[2];
        // The working copy and the range check share one read of the input.
        Volume w = volume.copyWithRange(range);
        if (!volume.format().inRange(range[0]) || !volume.format().inRange(range[1])) {
            volume.checkRange();
        }
        if (spec.has(Layer.ROBUST)) {
            robust.embed(w, spec.robustId());
            range = null;
        }
        if (!spec.has(Layer.REVERSIBLE)) {
            return new EmbedResult(w, 0, 0, false, 0, 0, 0);
        }
        int flags = (spec.has(Layer.TAMPER) ? spec.profile().id() : 0) | (spec.has(Layer.ROBUST) ? FLAG_ROBUST : 0);
        Payload payload = Payload.create(w, spec.recipient(), spec.message(), signer, flags);
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
        boolean authentic = signedByTrusted(payload);
        byte[][] digests = Payload.sliceDigests(found.volume);
        SliceMatch match = SliceMatch.of(payload, digests);
        boolean hashOk = match.clean() && Arrays.equals(payload.volumeHash(),
                Payload.volumeHash(found.volume, digests));
        String keyId = payload.issuerKeyId();
        // R's header is not signed; its layer flags (T profile, D applied) must be the ones the payload signs.
        boolean headerOk = payload.flags() == found.header.flags();
        VerificationReport.Status status;
        String detail;
        if (!cells.isEmpty() || !hashOk || failedColumns > 0 || !headerOk) {
            status = VerificationReport.Status.TAMPERED;
            detail = cells.size() + " block(s) failed, " + match.altered().size() + " slice(s) altered, "
                    + match.missing().size() + " missing, " + match.unexpected().size() + " unexpected"
                    + (match.reordered() ? ", slices reordered" : "") + (failedColumns > 0 ? ", " + failedColumns
                    + " column code(s) failed" : "") + (headerOk ? "" : ", layer R's header flags "
                    + found.header.flags() + " differ from the signed " + payload.flags())
                    + (authentic ? "" : "; not signed by a trusted issuer");
        } else if (!authentic) {
            status = VerificationReport.Status.NOT_AUTHENTIC;
            detail = "watermark present but not signed by a trusted issuer (it names key id " + keyId + ")";
        } else {
            status = VerificationReport.Status.AUTHENTIC;
            detail = "authentic: every pixel as recorded for " + payload.recipient() + ", signed by issuer " + keyId;
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
            payload = Payload.parse(reversible.decode(found.volume, found.header).payload());
        } catch (MalformedWatermarkException e) {
            throw new WatermarkException("layer R cannot be decoded: " + e.getMessage());
        }
        if (!signedByTrusted(payload)) {
            throw new WatermarkException("the watermark is not signed by a trusted issuer (it names key id "
                    + payload.issuerKeyId() + ")");
        }
        if (payload.flags() != found.header.flags()) {
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

    /** Blind detection of layer D's recipient ID, also on 8-bit, flipped, rotated or JPEG-compressed exports. */
    public RobustDetection detectRobust(Volume volume) {
        Objects.requireNonNull(volume, "volume");
        issuer("layer D detection");
        return robust.detect(volume);
    }

    /** True when a trusted issuer's key has the payload's key id and its signature verifies. */
    private boolean signedByTrusted(Payload payload) {
        return trusted.find(payload.issuerKeyId()).map(payload::signedBy).orElse(false);
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
