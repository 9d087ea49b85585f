package org.filigrane.ledger;

import org.filigrane.engine.IssuerKey;

/**
 * A separate writer process for the concurrency tests: {@code AppendMain LOCATION KEYHEX PREFIX COUNT SHARED}
 * appends COUNT records for series PREFIX.i and SHARED records for series shared.i (the same in every process, to
 * check idempotence across processes), interleaved, then prints how many it appended.
 */
public final class AppendMain {
    private AppendMain() {
    }

    public static void main(String[] args) {
        IssuerKey key = IssuerKey.fromHex(args[1], "argument");
        int count = Integer.parseInt(args[3]);
        int shared = Integer.parseInt(args[4]);
        try (Ledger ledger = Ledger.open(args[0])) {
            for (int i = 0; i < Math.max(count, shared); i++) {
                if (i < count) {
                    ledger.append(Records.record(key, args[2] + "." + i, i), key);
                }
                if (i < shared) {
                    ledger.append(Records.record(key, "2.25.999." + i, 1000 + i), key);
                }
            }
        }
        System.out.println("appended " + count);
    }
}
