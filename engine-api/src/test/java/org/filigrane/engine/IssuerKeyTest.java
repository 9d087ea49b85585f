package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Known answers (RFC 8032, RFC 5869), strict key files, and the public/private split. */
class IssuerKeyTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, tests 1 to 3: the JDK's Ed25519 as this class drives it, seed to signature. */
    @Test
    void ed25519KnownAnswersRfc8032() {
        String[][] vectors = {
            {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
            {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
            {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
        };
        for (String[] v : vectors) {
            IssuerKey k = IssuerKey.withEd25519Seed(new byte[32], HEX.parseHex(v[0]));
            assertEquals(v[1], HEX.formatHex(k.publicKey().raw()));
            byte[] message = HEX.parseHex(v[2]);
            byte[] signature = k.sign(message);
            assertEquals(v[3], HEX.formatHex(signature));
            assertTrue(k.publicKey().verify(message, signature));
            assertTrue(IssuerPublicKey.ofRaw(HEX.parseHex(v[1])).verify(message, signature));
            signature[7] ^= 1;
            assertFalse(k.publicKey().verify(message, signature));
        }
    }

    /** RFC 5869 appendix A, test cases 1 and 3 (SHA-256). */
    @Test
    void hkdfKnownAnswersRfc5869() {
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                HEX.formatHex(IssuerKey.hkdf(HEX.parseHex("0b".repeat(22)),
                        HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42)));
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HEX.formatHex(IssuerKey.hkdf(HEX.parseHex("0b".repeat(22)), new byte[0], new byte[0], 42)));
    }

    @Test
    void publicKeyPemRoundTripAndKeyIdFromPublicKey() {
        IssuerKey k = IssuerKey.of(new byte[32]);
        String pem = k.publicKey().toPem();
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"), pem);
        IssuerPublicKey back = IssuerPublicKey.fromPem(pem, "test");
        assertEquals(k.publicKey(), back);
        assertEquals(k.keyId(), back.keyId());
        // The key id is the public key's, so another secret gives another id.
        assertNotEquals(k.keyId(), IssuerKey.of(new byte[33]).keyId());
        byte[] sig = k.sign("x".getBytes(StandardCharsets.US_ASCII));
        assertTrue(back.verify("x".getBytes(StandardCharsets.US_ASCII), sig));
        assertFalse(IssuerKey.of(new byte[33]).publicKey().verify("x".getBytes(StandardCharsets.US_ASCII), sig));
    }

    @Test
    void contextSignaturesNeverPassForPayloadsOrOtherContexts() {
        IssuerKey k = IssuerKey.of(new byte[32]);
        byte[] data = {1, 2, 3};
        byte[] sig = k.sign("ledger/v1", data);
        assertTrue(k.publicKey().verify("ledger/v1", data, sig));
        assertFalse(k.publicKey().verify("ledger/v2", data, sig));
        assertFalse(k.publicKey().verify(data, sig));
        // Whoever may have the issuer sign records can never obtain a payload signature that way.
        assertThrows(IllegalArgumentException.class, () -> k.sign("payload/v2", data));
        assertThrows(IllegalArgumentException.class, () -> k.sign("", data));
    }

    @Test
    void aVerifierTrustingNoIssuerNeverSaysAuthentic() throws Exception {
        IssuerKey k = IssuerKey.of(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> TrustedIssuers.of(java.util.List.of()));
        Volume v = org.filigrane.engine.demo.Phantom.generate(7, 3, 64, 64, PixelFormat.unsigned(16, 12));
        try (Watermarker issuer = Watermarker.create(k, "reference");
                Watermarker none = Watermarker.verifier(TrustedIssuers.none(), "reference")) {
            Volume marked = issuer.embed(v, WatermarkSpec.reversible("r", "m")).volume();
            assertEquals(VerificationReport.Status.NOT_AUTHENTIC, none.verify(marked).status());
            assertTrue(none.checkIntegrity(marked).intact(), "the screen needs no key");
            assertThrows(WatermarkException.class, () -> none.restore(marked));
        }
    }

    @Test
    void keyFilesAreParsedStrictly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("issuer.key");
        String good = "0123456789abcdef".repeat(4);
        Files.writeString(f, good + "\n");
        assertArrayEquals(IssuerKey.of(HEX.parseHex(good)).publicKey().raw(),
                IssuerKey.fromFile(f).publicKey().raw());
        // A typo must never give another key silently.
        for (String bad : new String[] {good.substring(0, 20) + "g" + good.substring(21), good + "0", "", "00".repeat(15),
                "-----BEGIN PRIVATE KEY-----"}) {
            Files.writeString(f, bad);
            InvalidKeyFileException e = assertThrows(InvalidKeyFileException.class, () -> IssuerKey.fromFile(f),
                    bad);
            assertFalse(e.getMessage().contains(good), "an error must not echo the key");
        }
        Files.write(f, new byte[32]);
        assertThrows(InvalidKeyFileException.class, () -> IssuerKey.fromFile(f), "raw bytes are not a key file");
        Files.writeString(f, "not pem");
        assertThrows(InvalidKeyFileException.class, () -> IssuerPublicKey.fromFile(f));
    }

    @Test
    void groupReadableKeyFilesAreDetected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("issuer.key");
        Files.writeString(f, "00".repeat(32));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertTrue(IssuerKey.ownerOnly(f));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertFalse(IssuerKey.ownerOnly(f));
    }
}
