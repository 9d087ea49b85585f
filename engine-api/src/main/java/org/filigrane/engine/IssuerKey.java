package org.filigrane.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * The issuer's private key: one secret from which the issuer's Ed25519 signing key and the keys of layer D are
 * derived with HKDF-SHA256 (the JDK's {@link KDF}). Embedding and tracing need it; verifying and restoring need
 * only {@link #publicKey()}. Neither the secret nor anything derived from it but the public key is ever written into
 * an image, a log, a report or the ledger.
 *
 * <p>The key file (written by {@code filigrane keygen}, or {@code openssl rand -hex 32}) holds the secret in hex,
 * whitespace ignored; anything else is refused: a file that is not hex, or hex with a typo, must never be read as a
 * different key.
 */
public final class IssuerKey {
    /** Shortest secret accepted: 128 bits. */
    public static final int MIN_BYTES = 16;
    /** Length of a generated secret: 256 bits. */
    public static final int GENERATED_BYTES = 32;
    private static final byte[] SALT = "filigrane/v1".getBytes(StandardCharsets.US_ASCII);
    private static final System.Logger LOG = System.getLogger(IssuerKey.class.getName());

    private final byte[] secret;
    private final PrivateKey signingKey;
    private final IssuerPublicKey publicKey;

    private IssuerKey(byte[] secret, byte[] ed25519Seed) {
        this.secret = secret;
        KeyPair pair = ed25519FromSeed(ed25519Seed);
        this.signingKey = pair.getPrivate();
        this.publicKey = IssuerPublicKey.of(pair.getPublic());
    }

    /** The key whose secret is {@code secret} (at least {@link #MIN_BYTES} bytes). */
    public static IssuerKey of(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("an issuer key needs at least " + MIN_BYTES + " bytes, got "
                    + secret.length);
        }
        byte[] copy = secret.clone();
        return new IssuerKey(copy, hkdf(copy, SALT, info("ed25519-seed", ""), 32));
    }

    /** A fresh random key ({@link #GENERATED_BYTES} bytes from the JDK's strong random source). */
    public static IssuerKey generate() {
        try {
            byte[] secret = new byte[GENERATED_BYTES];
            SecureRandom.getInstanceStrong().nextBytes(secret);
            return of(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no strong random source", e);
        }
    }

    /**
     * The secret as hex, with a trailing newline: what a key file holds. Only for writing the key file.
     */
    public String toHex() {
        return HexFormat.of().formatHex(secret) + "\n";
    }

    /**
     * Reads a key file: the secret in hex (whitespace ignored). Malformed content is an {@link InvalidKeyFileException}
     * naming what is wrong; a file readable by group or others is accepted with a warning.
     */
    public static IssuerKey fromFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        IssuerKey key = fromHex(text, file.toString());
        if (!ownerOnly(file)) {
            LOG.log(Level.WARNING, "issuer key file " + file + " is readable by group or others; "
                    + "chmod 600 it");
        }
        return key;
    }

    /** The secret from hex text (whitespace ignored); {@code source} names it in errors. */
    public static IssuerKey fromHex(String text, String source) {
        return of(secretFromHex(text, source));
    }

    /**
     * The secret bytes of hex text, checked as {@link #fromHex} checks them (an {@link InvalidKeyFileException}
     * naming what is wrong), without deriving the key: {@link #of} on them then gives the same key, e.g. on another
     * thread once every error of the text has been reported.
     */
    public static byte[] secretFromHex(String text, String source) {
        String hex = text.replaceAll("\\s+", "");
        if (hex.isEmpty()) {
            throw new InvalidKeyFileException(source + " holds no key");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new InvalidKeyFileException(source + " is not a hex key: unexpected character at position "
                        + (i + 1));
            }
        }
        if (hex.length() % 2 != 0) {
            throw new InvalidKeyFileException(source + " is not a hex key: odd number of hex digits ("
                    + hex.length() + ")");
        }
        if (hex.length() / 2 < MIN_BYTES) {
            throw new InvalidKeyFileException(source + " holds " + hex.length() / 2 + " bytes; an issuer key needs "
                    + "at least " + MIN_BYTES);
        }
        return HexFormat.of().parseHex(hex);
    }

    /** True when only the owner may read the file (always true where POSIX permissions do not exist). */
    public static boolean ownerOnly(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return !p.removeAll(EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    /** The public half: what verifiers need. */
    public IssuerPublicKey publicKey() {
        return publicKey;
    }

    /** Public 8-byte identifier of this issuer (from the public key), in hex. */
    public String keyId() {
        return publicKey.keyId();
    }

    /**
     * Ed25519 signature of {@code data} in a named context, for records the issuer vouches for outside images (the
     * ledger): the bytes signed are {@code "filigrane/" + context + 0x00 + data}, so a signature made for one
     * context is never valid in another. Watermark payloads use a context of their own, which this refuses.
     */
    public byte[] sign(String context, byte[] data) {
        return sign(IssuerPublicKey.contextBytes(context, data));
    }

    /** Ed25519 signature of exactly {@code data} (payloads add their own context; see {@link Payload}). */
    byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signingKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK 25", e);
        }
    }

    /** 32 secret bytes for {@code purpose} and {@code recipient}, e.g. ("D-pattern", "hospital-b"). */
    byte[] derive(String purpose, String recipient) {
        return hkdf(secret, SALT, info(purpose, recipient), 32);
    }

    /** For the RFC 8032 known-answer tests: a key whose Ed25519 seed is given directly. */
    static IssuerKey withEd25519Seed(byte[] secret, byte[] seed) {
        return new IssuerKey(secret.clone(), seed.clone());
    }

    /**
     * HKDF-SHA256 (RFC 5869) extract-then-expand, from the JDK's SunJCE provider when it is installed: a lookup by
     * algorithm alone starts every installed provider, SunPKCS11 included (a tenth of a one-shot command's key
     * loading, docs/BENCHMARKS.md "Start-up"). Any other provider of the algorithm gives the same bytes.
     */
    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        try {
            java.security.Provider sunJce = java.security.Security.getProvider("SunJCE");
            KDF kdf = sunJce != null ? KDF.getInstance("HKDF-SHA256", sunJce) : KDF.getInstance("HKDF-SHA256");
            return kdf.deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is part of every JDK 25", e);
        }
    }

    private static byte[] info(String purpose, String recipient) {
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
        byte[] info = new byte[p.length + 1 + r.length];
        System.arraycopy(p, 0, info, 0, p.length);
        System.arraycopy(r, 0, info, p.length + 1, r.length);
        return info;
    }

    /**
     * The Ed25519 key pair whose 32-byte private key (RFC 8032's secret key) is {@code seed}. The JDK builds a pair
     * only from a random source, and draws exactly those 32 bytes from it, so the source hands it the seed.
     */
    private static KeyPair ed25519FromSeed(byte[] seed) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK 25", e);
        }
    }

    @SuppressWarnings("serial")
    private static final class SeedSource extends SecureRandom {
        private final byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 asked for " + bytes.length + " bytes, expected 32");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }

    @Override
    public String toString() {
        return "IssuerKey[" + keyId() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuerKey k && Arrays.equals(secret, k.secret);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }
}
