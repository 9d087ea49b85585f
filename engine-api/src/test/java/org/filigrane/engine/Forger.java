package org.filigrane.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.Checksums;

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

    /** A watermarked volume taken apart: R's input (the pre-R pixels), R's header fields, the payload bytes. */
    public record Peeled(Volume original, TamperProfile profile, int shrink, int flags, byte[] payload) {
    }

    /** Peels T (with the profile R's header names) and R. */
    public Peeled peel(Volume marked) {
        for (TamperProfile p : TamperProfile.values()) {
            Volume w = marked.copy();
            new TamperLayer(backend).verifyAndRestore(w, p);
            ReversibleLayer.Header h = ReversibleLayer.readHeader(w);
            if (h != null && (h.flags() & 3) == p.id()) {
                byte[] payload = new ReversibleLayer(backend).decode(w, h).payload();
                return new Peeled(w, p, h.shrink(), h.flags(), payload);
            }
        }
        throw new IllegalArgumentException("no R+T watermark to peel");
    }

    /** Embeds {@code payload} with R (shrink 2, the given header flags) and then T into a copy of {@code original}. */
    public Volume embed(Volume original, byte[] payload, int flags, TamperProfile profile) throws Exception {
        Volume w = original.copy();
        new ReversibleLayer(backend).embed(w, payload, 2, flags, null);
        new TamperLayer(backend).embed(w, profile);
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
     * Rewrites R's header of a volume peeled of T (not R): flags set to {@code flags}, with a valid CRC (the CRC is
     * public), as someone would who wants the header to claim another T profile or layer D.
     */
    public static void rewriteHeaderFlags(Volume peeledOfT, int flags) {
        ReversibleLayer.Header h = ReversibleLayer.readHeader(peeledOfT);
        BitWriter bits = new BitWriter();
        bits.bits(ReversibleLayer.MAGIC, 16);
        bits.bits(ReversibleLayer.VERSION, 8);
        bits.bits(h.shrink() | (flags << 2), 8);
        bits.bits(h.peak0(), 16);
        bits.bits(h.peak1(), 16);
        bits.bits(h.bits0(), 32);
        bits.bits(h.bits1(), 32);
        int crc = Checksums.CRC16_INIT;
        long[] words = bits.words();
        for (int i = 0; i < 16; i++) {
            crc = Checksums.crc16(crc, (int) (words[i / 8] >>> (8 * (i % 8))));
        }
        bits.bits(crc, 16);
        BitReader r = new BitReader(bits.words(), ReversibleLayer.HEADER_BITS);
        int perSlice = peeledOfT.rows() * peeledOfT.columns();
        PixelFormat f = peeledOfT.format();
        for (int i = 0; i < ReversibleLayer.HEADER_BITS; i++) {
            short[] px = peeledOfT.slice(i / perSlice);
            px[i % perSlice] = f.store((f.value(px[i % perSlice]) & ~1) | r.bit());
        }
        if (ReversibleLayer.readHeader(peeledOfT) == null) {
            throw new IllegalStateException("rewritten header does not parse");
        }
    }

    /** Peels T only, giving the volume with R's header readable. */
    public Volume peelT(Volume marked, TamperProfile profile) {
        Volume w = marked.copy();
        new TamperLayer(backend).verifyAndRestore(w, profile);
        return w;
    }

    /** Embeds T again on a volume R-marked already. */
    public Volume embedT(Volume rMarked, TamperProfile profile) {
        Volume w = rMarked.copy();
        new TamperLayer(backend).embed(w, profile);
        return w;
    }
}
