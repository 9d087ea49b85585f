package org.filigrane.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.filigrane.engine.Forger;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkException;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 8, item 7, in the engine: someone who holds only public keys (and the watermarked volume, and a key pair of
 * their own) tries to make the verifier say AUTHENTIC about something the issuer did not sign. The verifier is built
 * with {@link Watermarker#verifier(TrustedIssuers, Backend)} from the issuer's public key alone. Every case must be
 * detected (never AUTHENTIC, restore refused) and the report must name what it can. Each case prints its outcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdversarialTest {
    private static final IssuerKey ISSUER = IssuerKey.of("adversarial-suite-issuer-secret!!".getBytes());
    /** The attacker's own key pair: they may sign whatever they like with it. */
    private static final IssuerKey ATTACKER = IssuerKey.of("the-attackers-own-issuer-secret!".getBytes());
    private static final PixelFormat F = PixelFormat.unsigned(16, 12);
    private static final int SLICES = 8;
    /** Large enough that R's stream stays in the first slices, so slice attacks past them leave it readable. */
    private static final int ROWS = 96;
    private static final int COLUMNS = 128;

    private Watermarker verifier;
    private Volume original;
    private Volume marked;
    private Forger forger;
    private Forger.Peeled peeled;

    protected abstract Backend backend();

    /**
     * Every payload byte is edited on the reference; a slower backend may take every n-th one (the fields up to the
     * flags byte, the first 60 bytes, always).
     */
    protected int payloadStride() {
        return 1;
    }

    @BeforeAll
    void issue() throws Exception {
        verifier = Watermarker.verifier(TrustedIssuers.of(ISSUER.publicKey()), backend());
        assertTrue(!verifier.canEmbed());
        original = Phantom.generate(20261130L, SLICES, ROWS, COLUMNS, F);
        marked = Watermarker.create(ISSUER, backend()).embed(original, WatermarkSpec.reversible("hospital-b",
                "second opinion, case 42")).volume();
        assertEquals(Status.AUTHENTIC, verifier.verify(marked).status(), "the untouched volume");
        forger = new Forger(backend());
        peeled = forger.peel(marked);
        assertTrue(peeled.original().sameContent(original), "peeling needs no key");
    }

    /** Never AUTHENTIC, never an exception, and restore refuses. Returns the report. */
    private VerificationReport rejected(String attack, Volume forged) {
        VerificationReport r = assertDoesNotThrow(() -> verifier.verify(forged), attack);
        System.out.println("attack: " + attack + " -> " + r.status() + " (key id " + r.keyId() + "; altered "
                + r.alteredSlices() + ", missing " + r.missingSlices() + ", unexpected " + r.unexpectedSlices()
                + ", reordered " + r.slicesReordered() + ", cells " + r.tamperedCells().size() + "): " + r.detail());
        assertNotEquals(Status.AUTHENTIC, r.status(), attack + ": " + r.detail());
        assertThrows(WatermarkException.class, () -> verifier.restore(forged), attack + ": restore must refuse");
        return r;
    }

    private List<Integer> named(VerificationReport r) {
        List<Integer> all = new ArrayList<>(r.alteredSlices());
        all.addAll(r.missingSlices());
        all.addAll(r.unexpectedSlices());
        return all;
    }

    // ---- forging with public keys only ----

    @Test
    void reSigningAModifiedPayloadWithTheirOwnKeyIsNotAuthenticAndNamesTheirKey() throws Exception {
        byte[] own = Forger.signedBy(ATTACKER, peeled.original(), "hospital-c", "forged by someone else",
                peeled.flags());
        VerificationReport r = rejected("re-signed with the attacker's key",
                forger.embed(peeled.original(), own, peeled.layerFlags(), peeled.params()));
        assertEquals(Status.NOT_AUTHENTIC, r.status(), r.detail());
        assertEquals(ATTACKER.keyId(), r.keyId());
        assertTrue(r.detail().contains(ATTACKER.keyId()), r.detail());
        assertTrue(!ATTACKER.keyId().equals(ISSUER.keyId()));
    }

    @Test
    void reSigningWhileClaimingTheTrustedKeyIdIsNotAuthentic() throws Exception {
        byte[] claimed = Forger.resignedAs(Forger.withText(peeled.payload(), "hospital-c", "forged"),
                ISSUER.keyId(), ATTACKER);
        VerificationReport r = rejected("attacker's signature under the issuer's key id",
                forger.embed(peeled.original(), claimed, peeled.layerFlags(), peeled.params()));
        assertEquals(Status.NOT_AUTHENTIC, r.status(), r.detail());
        assertEquals(ISSUER.keyId(), r.keyId());
    }

    @Test
    void editedMessageOrRecipientKeepingTheSignatureIsNotAuthentic() throws Exception {
        for (String[] edit : List.of(new String[] {null, "second opinion, case 43"}, new String[] {"hospital-c", null},
                new String[] {"hospital-b ", null})) {
            byte[] edited = Forger.withText(peeled.payload(), edit[0], edit[1]);
            VerificationReport r = rejected("payload edited to recipient " + edit[0] + ", message " + edit[1],
                    forger.embed(peeled.original(), edited, peeled.layerFlags(), peeled.params()));
            assertEquals(Status.NOT_AUTHENTIC, r.status(), r.detail());
        }
    }

    @Test
    void everyPayloadByteEditedAndReEmbeddedIsDetected() throws Exception {
        byte[] payload = peeled.payload();
        Map<Status, Integer> outcomes = new TreeMap<>();
        int refusedToEmbed = 0;
        int tried = 0;
        for (int i = 0; i < payload.length; i++) {
            if (i >= 60 && i % payloadStride() != 0) {
                continue;
            }
            tried++;
            byte[] edited = payload.clone();
            edited[i] ^= (byte) (1 << (i % 8));
            Volume forged;
            try {
                forged = forger.embed(peeled.original(), edited, peeled.layerFlags(), peeled.params());
            } catch (Exception e) {
                refusedToEmbed++;
                continue;
            }
            VerificationReport r = assertDoesNotThrow(() -> verifier.verify(forged), "byte " + i);
            assertNotEquals(Status.AUTHENTIC, r.status(), "payload byte " + i + " edited: " + r.detail());
            outcomes.merge(r.status(), 1, Integer::sum);
        }
        System.out.println("attack: " + tried + " of the " + payload.length + " payload bytes edited (one bit each) and "
                + "re-embedded -> " + outcomes + (refusedToEmbed > 0 ? ", " + refusedToEmbed + " did not fit" : ""));
        assertEquals(tried, outcomes.values().stream().mapToInt(Integer::intValue).sum() + refusedToEmbed);
        assertTrue(refusedToEmbed * 10 < tried, "most edits must be tried: " + refusedToEmbed + " did not fit");
    }

    // ---- header ----

    @Test
    void everyHeaderBitFlippedInThePixelsIsDetected() {
        int perSlice = ROWS * COLUMNS;
        Map<Status, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < Forger.headerBits(); i++) {
            Volume forged = marked.copy();
            forged.slice(i / perSlice)[i % perSlice] ^= 1;
            VerificationReport r = assertDoesNotThrow(() -> verifier.verify(forged), "header bit " + i);
            assertNotEquals(Status.AUTHENTIC, r.status(), "header bit " + i + ": " + r.detail());
            outcomes.merge(r.status(), 1, Integer::sum);
        }
        System.out.println("attack: each of the " + Forger.headerBits() + " header bits flipped in the pixels -> "
                + outcomes);
    }

    @Test
    void headerFlagsRewrittenWithAValidCrcAreDetected() {
        // D claimed although never applied, and T's profile bits cleared: the signed payload says otherwise.
        for (int flags : new int[] {peeled.layerFlags() | 4, peeled.layerFlags() & ~3 | 2}) {
            Volume w = forger.peelT(marked, peeled.params());
            Forger.rewriteHeaderFlags(w, flags);
            // T re-embedded with the profile the flags now claim (same block size and bins).
            TamperProfile t = (flags & 3) == 1 ? TamperProfile.DEFAULT : (flags & 3) == 2 ? TamperProfile.PAPER : null;
            Volume forged = t != null ? forger.embedT(w, t, peeled) : w;
            VerificationReport r = rejected("R's header flags rewritten to " + flags + " (valid CRC), T re-embedded",
                    forged);
            assertEquals(Status.TAMPERED, r.status(), r.detail());
        }
    }

    // ---- pixels ----

    @Test
    void aWatermarkCopiedOntoOtherPixelsIsDetectedAndEverySliceNamed() throws Exception {
        Volume other = Phantom.generate(77L, SLICES, ROWS, COLUMNS, F);
        VerificationReport r = rejected("layer R+T stream of one volume embedded into another",
                forger.embed(other, peeled.payload(), peeled.layerFlags(), peeled.params()));
        assertEquals(Status.TAMPERED, r.status(), r.detail());
        assertEquals(IntStream.range(0, SLICES).boxed().toList(), r.alteredSlices(), r.detail());
    }

    @Test
    void aPixelSwapInsideOneCellIsDetectedAndTheSliceNamed() {
        int slice = SLICES - 1;
        Volume forged = marked.copy();
        // Two pixels of block (1, 2), values that differ: the histogram of the block is unchanged.
        int r0 = 17;
        int c0 = 35;
        int r1 = 20;
        int c1 = 40;
        while (forged.get(slice, r0, c0) == forged.get(slice, r1, c1)) {
            c1++;
        }
        int a = forged.get(slice, r0, c0);
        forged.set(slice, r0, c0, forged.get(slice, r1, c1));
        forged.set(slice, r1, c1, a);
        VerificationReport r = rejected("two pixels swapped inside one block of slice " + slice, forged);
        assertEquals(Status.TAMPERED, r.status(), r.detail());
        assertEquals(List.of(slice), r.alteredSlices(), r.detail());
    }

    @Test
    void bitsAboveBitsStoredAreDetected() {
        Volume forged = marked.copy();
        forged.slice(SLICES / 2)[ROWS * COLUMNS / 2] |= (short) 0xF000;
        VerificationReport r = rejected("0xF000 set on one 12-bit sample of slice " + SLICES / 2, forged);
        assertEquals(Status.TAMPERED, r.status(), r.detail());
        assertTrue(named(r).contains(SLICES / 2) || r.tamperedCells().stream().anyMatch(c -> c.slice() == SLICES / 2),
                r.toString());
    }

    // ---- slices ----

    private void sliceAttack(String attack, int[] order, int expectedNamed) {
        VerificationReport r = rejected(attack, marked.withSlices(order));
        assertEquals(Status.TAMPERED, r.status(), r.detail());
        if (expectedNamed >= 0) {
            assertTrue(named(r).contains(expectedNamed) || r.slicesReordered(), attack + ": " + r);
        }
    }

    @Test
    void slicesSwappedDuplicatedRemovedOrTruncatedAreDetectedAndNamed() {
        sliceAttack("slices 3 and 4 swapped", new int[] {0, 1, 2, 4, 3, 5, 6, 7}, 3);
        sliceAttack("slices 6 and 7 swapped", new int[] {0, 1, 2, 3, 4, 5, 7, 6}, 6);
        sliceAttack("slice 5 duplicated (inserted again after itself)", new int[] {0, 1, 2, 3, 4, 5, 5, 6, 7}, 6);
        sliceAttack("slice 5 replaced by a copy of slice 4", new int[] {0, 1, 2, 3, 4, 4, 6, 7}, 5);
        sliceAttack("slice 5 removed", new int[] {0, 1, 2, 3, 4, 6, 7}, 5);
        VerificationReport removed = verifier.verify(marked.withSlices(0, 1, 2, 3, 4, 6, 7));
        assertEquals(List.of(5), removed.missingSlices(), removed.toString());
        sliceAttack("truncated: the last two slices cut", new int[] {0, 1, 2, 3, 4, 5}, 6);
        VerificationReport cut = verifier.verify(marked.withSlices(0, 1, 2, 3, 4, 5));
        assertEquals(List.of(6, 7), cut.missingSlices(), cut.toString());
        sliceAttack("leading slice removed", new int[] {1, 2, 3, 4, 5, 6, 7}, -1);
    }

    @Test
    void slicesReplayedFromAnotherWatermarkedVolumeAreDetectedAndNamed() throws Exception {
        // Another volume the same issuer watermarked: each of its slices carries valid layers of its own.
        Volume second = Watermarker.create(ISSUER, backend()).embed(Phantom.generate(99L, SLICES, ROWS, COLUMNS, F),
                WatermarkSpec.reversible("hospital-b", "another study")).volume();
        for (int s : new int[] {SLICES - 1, 3}) {
            short[][] mixed = new short[SLICES][];
            for (int i = 0; i < SLICES; i++) {
                mixed[i] = (i == s ? second : marked).slice(i).clone();
            }
            VerificationReport r = rejected("slice " + s + " replayed from another watermarked volume",
                    Volume.wrap(ROWS, COLUMNS, F, mixed));
            assertEquals(Status.TAMPERED, r.status(), r.detail());
            assertTrue(named(r).contains(s), r.toString());
        }
        // Its leading slice carries its own valid, signed payload: now the other slices disagree with it.
        short[][] mixed = new short[SLICES][];
        for (int i = 0; i < SLICES; i++) {
            mixed[i] = (i == 0 ? second : marked).slice(i).clone();
        }
        VerificationReport r = rejected("leading slice (R's header and payload) replayed from another volume",
                Volume.wrap(ROWS, COLUMNS, F, mixed));
        assertEquals(Status.TAMPERED, r.status(), r.detail());
    }

    @Test
    void aVerifierTrustingOnlyAnotherIssuerSaysNotAuthentic() {
        Watermarker stranger = Watermarker.verifier(TrustedIssuers.of(ATTACKER.publicKey()), backend());
        VerificationReport r = stranger.verify(marked);
        System.out.println("attack: verified with another issuer's public key only -> " + r.status());
        assertEquals(Status.NOT_AUTHENTIC, r.status(), r.detail());
        assertEquals(ISSUER.keyId(), r.keyId());
        assertThrows(WatermarkException.class, () -> stranger.restore(marked));
        assertThrows(IllegalStateException.class, () -> stranger.embed(original, WatermarkSpec.reversible("x", "")));
    }
}
