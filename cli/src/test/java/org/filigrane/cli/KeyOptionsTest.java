package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.filigrane.engine.IssuerKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key derived on another thread ({@link KeyOptions#keyInBackground}) is the key the command's thread derives. */
class KeyOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void aKeyDerivedInTheBackgroundIsTheSameKey() throws Exception {
        long seed = System.nanoTime();
        System.out.println("KeyOptionsTest seed " + seed);
        Random rnd = new Random(seed);
        for (int i = 0; i < 5; i++) {
            byte[] secret = new byte[IssuerKey.MIN_BYTES + rnd.nextInt(40)];
            rnd.nextBytes(secret);
            Path file = tmp.resolve("k" + i + ".key");
            Files.writeString(file, HexFormat.of().formatHex(secret) + "\n");
            KeyOptions o = new KeyOptions();
            o.keyFile = file;
            StringWriter err = new StringWriter();
            IssuerKey background = o.keyInBackground(new PrintWriter(err, true)).get();
            IssuerKey here = o.key(new PrintWriter(err, true));
            assertEquals(here.keyId(), background.keyId(), "seed " + seed);
            assertEquals(here.publicKey(), background.publicKey(), "seed " + seed);
            byte[] data = new byte[1 + rnd.nextInt(100)];
            rnd.nextBytes(data);
            // Ed25519 signatures are deterministic: the same private key signs alike.
            assertArrayEquals(here.sign("test", data), background.sign("test", data), "seed " + seed);
        }
    }

    @Test
    void whatTheDerivationThrowsIsThrownToTheCaller() {
        // A secret the key's own checks would refuse: the derivation's exception comes back as it was thrown.
        byte[] tooShort = new byte[IssuerKey.MIN_BYTES - 1];
        IllegalArgumentException here = assertThrows(IllegalArgumentException.class, () -> IssuerKey.of(tooShort));
        IllegalArgumentException there = assertThrows(IllegalArgumentException.class,
                () -> new KeyOptions.Pending(tooShort).get());
        assertEquals(here.getMessage(), there.getMessage());
    }
}
