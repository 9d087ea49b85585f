package org.filigrane.ledger;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.filigrane.engine.IssuerKey;

/** Test records and keys. */
final class Records {
    private Records() {
    }

    /** A fixed issuer key from a seed (tests only). */
    static IssuerKey key(int seed) {
        byte[] secret = new byte[32];
        new Random(seed).nextBytes(secret);
        return IssuerKey.of(secret);
    }

    static String hexKey(int seed) {
        byte[] secret = new byte[32];
        new Random(seed).nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    /** A record for {@code series} (the new Series Instance UID) with values drawn from {@code seed}. */
    static IssueRecord record(IssuerKey issuer, String series, long seed) {
        Random r = new Random(seed);
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        r.nextBytes(b);
        int objects = 1 + r.nextInt(4);
        List<String> originalSops = new java.util.ArrayList<>();
        List<String> newSops = new java.util.ArrayList<>();
        for (int i = 0; i < objects; i++) {
            originalSops.add("1.2.826.0.1." + seed + "." + i);
            newSops.add(series + "." + i);
        }
        Long robust = r.nextBoolean() ? r.nextLong() : null;
        return new IssueRecord(Instant.ofEpochSecond(1_790_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000_000)),
                issuer.keyId(), "recipient-" + r.nextInt(1000) + " Hôpital \u00e9", robust, "1.2.826.0.1." + seed,
                series, originalSops, newSops, HexFormat.of().formatHex(a), HexFormat.of().formatHex(b));
    }
}
