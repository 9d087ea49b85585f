package org.filigrane.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * The issuer's secret. Every key the layers use is derived from it with HKDF-SHA256 (the JDK's {@link KDF}),
 * per recipient and per purpose; neither this secret nor a derived key is ever written into an image or a log.
 */
public final class MasterKey {
    /** Shortest secret accepted: 128 bits. */
    public static final int MIN_BYTES = 16;
    private static final byte[] SALT = "filigrane/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] secret;

    private MasterKey(byte[] secret) {
        this.secret = secret;
    }

    public static MasterKey of(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("a master key needs at least " + MIN_BYTES + " bytes, got "
                    + secret.length);
        }
        return new MasterKey(secret.clone());
    }

    /**
     * Reads a key file: either raw bytes, or text holding the key in hex (whitespace ignored), as written by
     * {@code openssl rand -hex 32 > key}.
     */
    public static MasterKey fromFile(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        String text = new String(raw, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
        if (!text.isEmpty() && text.length() % 2 == 0 && text.matches("[0-9a-fA-F]+")) {
            return of(HexFormat.of().parseHex(text));
        }
        return of(raw);
    }

    /** 32 bytes for {@code purpose} and {@code recipient}, e.g. ("R-mac", "hospital-b"). */
    byte[] derive(String purpose, String recipient) {
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
        byte[] info = new byte[p.length + 1 + r.length];
        System.arraycopy(p, 0, info, 0, p.length);
        System.arraycopy(r, 0, info, p.length + 1, r.length);
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            return hkdf.deriveData(HKDFParameterSpec.ofExtract().addIKM(secret).addSalt(SALT).thenExpand(info, 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is part of every JDK 25", e);
        }
    }

    /** Public 8-byte identifier of a recipient's key: lets a verifier tell which key to use, reveals nothing. */
    public String keyId(String recipient) {
        return HexFormat.of().formatHex(Arrays.copyOf(derive("key-id", recipient), 8));
    }

    @Override
    public String toString() {
        return "MasterKey[" + secret.length + " bytes]";
    }
}
