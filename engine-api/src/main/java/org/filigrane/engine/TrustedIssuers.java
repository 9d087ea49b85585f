package org.filigrane.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The issuers a verifier trusts: a watermark is AUTHENTIC only when one of them signed it. */
public final class TrustedIssuers {
    private final Map<String, IssuerPublicKey> byKeyId;

    private TrustedIssuers(Map<String, IssuerPublicKey> byKeyId) {
        this.byKeyId = byKeyId;
    }

    /**
     * Trusts no issuer: for a watermarker that only screens with layer T ({@code checkIntegrity}, which needs no
     * key); its {@code verify} can at best say NOT_AUTHENTIC. An empty list given to {@link #of} is still refused,
     * since there it is a mistake.
     */
    public static TrustedIssuers none() {
        return new TrustedIssuers(Map.of());
    }

    public static TrustedIssuers of(IssuerPublicKey... keys) {
        return of(List.of(keys));
    }

    public static TrustedIssuers of(Collection<IssuerPublicKey> keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no trusted issuer given");
        }
        Map<String, IssuerPublicKey> m = new LinkedHashMap<>();
        for (IssuerPublicKey k : keys) {
            m.put(Objects.requireNonNull(k, "key").keyId(), k);
        }
        return new TrustedIssuers(Map.copyOf(m));
    }

    /** The trusted key with this key id, if any. */
    public Optional<IssuerPublicKey> find(String keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    public Collection<IssuerPublicKey> keys() {
        return byKeyId.values();
    }

    @Override
    public String toString() {
        return "TrustedIssuers" + byKeyId.keySet();
    }
}
