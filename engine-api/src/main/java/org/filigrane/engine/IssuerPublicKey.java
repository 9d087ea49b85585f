package org.filigrane.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An issuer's Ed25519 public key: verifies the issuer's watermarks, cannot make one. Stored as PEM
 * ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it).
 */
public final class IssuerPublicKey {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey key;
    private final byte[] raw;
    private final String keyId;

    private IssuerPublicKey(PublicKey key, byte[] raw) {
        this.key = key;
        this.raw = raw;
        this.keyId = HexFormat.of().formatHex(Arrays.copyOf(sha256(raw), 8));
    }

    static IssuerPublicKey of(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der.length != SPKI_PREFIX.length + 32
                || !Arrays.equals(Arrays.copyOf(der, SPKI_PREFIX.length), SPKI_PREFIX)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return new IssuerPublicKey(key, Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
    }

    /** The key of a raw 32-byte Ed25519 public key (RFC 8032 encoding). */
    public static IssuerPublicKey ofRaw(byte[] raw32) {
        if (raw32.length != 32) {
            throw new InvalidKeyFileException("an Ed25519 public key has 32 bytes, got " + raw32.length);
        }
        byte[] der = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(raw32, 0, der, SPKI_PREFIX.length, 32);
        return fromDer(der, "raw key");
    }

    /** Parses PEM text; {@code source} names it in errors. */
    public static IssuerPublicKey fromPem(String pem, String source) {
        Objects.requireNonNull(pem, "pem");
        int b = pem.indexOf(BEGIN);
        int e = pem.indexOf(END);
        if (b < 0 || e < b) {
            throw new InvalidKeyFileException(source + " is not a PEM public key (no " + BEGIN + " ... " + END
                    + ")");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + BEGIN.length(), e).strip());
        } catch (IllegalArgumentException x) {
            throw new InvalidKeyFileException(source + " is not a PEM public key: bad base64");
        }
        return fromDer(der, source);
    }

    /** Reads a PEM public key file ({@code issuer.pub}). */
    public static IssuerPublicKey fromFile(Path file) throws IOException {
        return fromPem(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    private static IssuerPublicKey fromDer(byte[] der, String source) {
        if (der.length != SPKI_PREFIX.length + 32
                || !Arrays.equals(Arrays.copyOf(der, SPKI_PREFIX.length), SPKI_PREFIX)) {
            throw new InvalidKeyFileException(source + " is not an Ed25519 public key");
        }
        try {
            PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            return new IssuerPublicKey(k, Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
        } catch (GeneralSecurityException x) {
            throw new InvalidKeyFileException(source + " is not a valid Ed25519 public key");
        }
    }

    /** PEM text, with a trailing newline. */
    public String toPem() {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                key.getEncoded());
        return BEGIN + "\n" + b64 + "\n" + END + "\n";
    }

    /** The raw 32-byte key (RFC 8032 encoding). */
    public byte[] raw() {
        return raw.clone();
    }

    /** First 8 bytes of the SHA-256 of the raw key, in hex: names the issuer in headers, reports and the ledger. */
    public String keyId() {
        return keyId;
    }

    /** True when {@code signature} is this key's Ed25519 signature of {@code data}. */
    public boolean verify(byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** True when {@code signature} is this key's {@link IssuerKey#sign(String, byte[])} of {@code data}. */
    public boolean verify(String context, byte[] data, byte[] signature) {
        return verify(contextBytes(context, data), signature);
    }

    static byte[] contextBytes(String context, byte[] data) {
        if (context.isEmpty() || context.startsWith("payload") || context.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("context '" + context + "' is reserved or empty");
        }
        byte[] c = ("filigrane/" + context + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(c, c.length + data.length);
        System.arraycopy(data, 0, out, c.length, data.length);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuerPublicKey k && Arrays.equals(raw, k.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "IssuerPublicKey[" + keyId + "]";
    }
}
