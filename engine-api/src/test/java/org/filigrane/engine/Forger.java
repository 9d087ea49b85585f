package org.filigrane.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.filigrane.engine.spi.Backend;

/**
 * What an attacker holding only public keys can do with the layers, which carry no secret: peel layer T, decode
 * layer R's stream and payload, change them, and embed R and T again at the same place (the engine's own layer
 * classes, as anyone could rewrite them from FORMAT.md). For {@code conformance.AdversarialTest}, on every backend.
 */
public final class Forger {
    private static final byte[] DOMAIN = "filigrane/payload/v2\0".getBytes(StandardCharsets.US_ASCII);

    private final Backend backend;

    public Forger(Backend backend) {
        this.backend = backend;
    }

    /** A watermarked volume taken apart: R's input (the pre-R pixels), R's header, T's parameters, the payload. */
    public record Peeled(Volume original, TamperLayer.Params params, int threshold, int flags, byte[] payload) {
        /** The layer flags the payload signs (T's profile, layer D). */
        public int layerFlags() {
            return flags & 7;
        }
    }

    /** Peels T (with the parameters found by trial and confirmed by R's header) and R. */
    public Peeled peel(Volume marked) {
        TamperLayer t = new TamperLayer(backend);
        for (TamperLayer.Params p : t.discover(marked)) {
            Volume w = marked.copy();
            t.verifyAndRestore(marked, w, p);
            ReversibleLayer.Header h = ReversibleLayer.readHeader(w);
            if (h != null && (h.flags() & 3) == p.profile().id() && h.tBlock() == p.blockSize()
                    && h.tThreshold() == p.threshold()) {
                byte[] payload = new ReversibleLayer(backend).decode(w, h).payload();
                return new Peeled(w, p, h.threshold(), h.flags(), payload);
            }
        }
        throw new IllegalArgumentException("no R+T watermark to peel");
    }

    /** Embeds {@code payload} with R (the given layer flags) and then T with {@code params} into a copy. */
    public Volume embed(Volume original, byte[] payload, int layerFlags, TamperLayer.Params params) throws Exception {
        Volume w = original.copy();
        new ReversibleLayer(backend).embed(w, payload, 1, layerFlags, params.blockSize(), params.threshold(), null);
        new TamperLayer(backend).embed(w, params);
        return w;
    }

    /** A fresh payload for {@code original}, signed by {@code key} (the attacker's own). */
    public static byte[] signedBy(IssuerKey key, Volume original, String recipient, String message, int flags) {
        return Payload.create(original, recipient, message, key, flags).toBytes();
    }

    /** The payload's fields changed, signature kept. */
    public static byte[] withText(byte[] payload, String recipient, String message) {
        Payload p = Payload.parse(payload);
        return new Payload(recipient != null ? recipient : p.recipient(), message != null ? message : p.message(),
                p.keyId(), p.flags(), p.sliceHashes(), p.volumeHash(), p.signature()).toBytes();
    }

    /** The payload's fields kept, its key id set to {@code keyIdHex}, signed by {@code key} over the new bytes. */
    public static byte[] resignedAs(byte[] payload, String keyIdHex, IssuerKey key) {
        Payload p = Payload.parse(payload);
        byte[] keyId = java.util.HexFormat.of().parseHex(keyIdHex);
        byte[] unsigned = new Payload(p.recipient(), p.message(), keyId, p.flags(), p.sliceHashes(), p.volumeHash(),
                new byte[Payload.SIGNATURE_BYTES]).toBytes();
        byte[] signedPart = Arrays.copyOf(unsigned, unsigned.length - Payload.SIGNATURE_BYTES);
        byte[] data = new byte[DOMAIN.length + signedPart.length];
        System.arraycopy(DOMAIN, 0, data, 0, DOMAIN.length);
        System.arraycopy(signedPart, 0, data, DOMAIN.length, signedPart.length);
        byte[] signature = key.sign(data);
        System.arraycopy(signature, 0, unsigned, signedPart.length, signature.length);
        return unsigned;
    }

    /** The key id a payload names, in hex. */
    public static String keyIdOf(byte[] payload) {
        return Payload.parse(payload).issuerKeyId();
    }

    /** Number of header bits. */
    public static int headerBits() {
        return ReversibleLayer.HEADER_BITS;
    }

    /**
     * Rewrites R's header of a volume peeled of T (not R): layer flags set to {@code layerFlags}, with a valid CRC
     * (the CRC is public), as someone would who wants the header to claim another T profile or layer D.
     */
    public static void rewriteHeaderFlags(Volume peeledOfT, int layerFlags) {
        ReversibleLayer.Header h = ReversibleLayer.readHeader(peeledOfT);
        ReversibleLayer.writeHeader(peeledOfT, new ReversibleLayer.Header((h.flags() & ~7) | layerFlags,
                h.threshold(), h.tBlock(), h.tThreshold(), h.peak0(), h.peak1(), h.bits0(), h.bits1()));
        if (ReversibleLayer.readHeader(peeledOfT) == null) {
            throw new IllegalStateException("rewritten header does not parse");
        }
    }

    /** Peels T only, giving the volume with R's header readable. */
    public Volume peelT(Volume marked, TamperLayer.Params params) {
        Volume w = marked.copy();
        new TamperLayer(backend).verifyAndRestore(marked, w, params);
        return w;
    }

    /** Embeds T again on a volume R-marked already. */
    public Volume embedT(Volume rMarked, TamperLayer.Params params) {
        Volume w = rMarked.copy();
        new TamperLayer(backend).embed(w, params);
        return w;
    }

    /**
     * Embeds T again with {@code profile}, at the block size of {@code like} when the profile has it (else the
     * profile's finest), with the bins of {@code like}.
     */
    public Volume embedT(Volume rMarked, TamperProfile profile, Peeled like) {
        int block = profile.blockSizes().contains(like.params().blockSize()) ? like.params().blockSize()
                : profile.blockSize();
        return embedT(rMarked, new TamperLayer.Params(profile, block, like.params().threshold()));
    }
}
