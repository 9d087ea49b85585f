package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The slice hashes R's payload signs: SHA-256 of every sample's 16 bits, little-endian (FORMAT.md, "payload"). */
class PayloadTest {

    /** The definition, byte by byte: what a verifier in another language computes. */
    private static byte[] definition(short[] slice) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (short x : slice) {
            md.update((byte) x);
            md.update((byte) (x >>> 8));
        }
        return md.digest();
    }

    @Test
    void sliceDigestsFollowTheDefinitionAcrossChunkBorders() throws Exception {
        long seed = new SplittableRandom().nextLong();
        System.out.println("PayloadTest seed " + seed);
        SplittableRandom r = new SplittableRandom(seed);
        // One sample; less than a chunk; exactly a chunk (8192 samples); a chunk and a bit; several chunks and a tail.
        int[][] shapes = {{1, 1}, {37, 53}, {64, 128}, {97, 85}, {300, 301}};
        PixelFormat[] formats = {PixelFormat.unsigned(16, 12), PixelFormat.signed(16, 16), PixelFormat.unsigned(8, 8)};
        for (int[] shape : shapes) {
            for (PixelFormat f : formats) {
                Volume v = Volume.allocate(3, shape[0], shape[1], f);
                for (int s = 0; s < 3; s++) {
                    short[] px = v.slice(s);
                    for (int i = 0; i < px.length; i++) {
                        // Every stored bit pattern, including bits above Bits Stored: the hash covers all 16.
                        px[i] = (short) r.nextInt(1 << 16);
                    }
                }
                byte[][] got = Payload.sliceDigests(v);
                for (int s = 0; s < 3; s++) {
                    assertArrayEquals(definition(v.slice(s)), got[s],
                            "slice " + s + " of " + shape[0] + "x" + shape[1] + " " + f + ", seed " + seed);
                }
            }
        }
    }

    @Test
    void volumeHashFollowsTheDefinition() throws Exception {
        Volume v = Volume.allocate(3, 97, 85, PixelFormat.signed(16, 13));
        SplittableRandom r = new SplittableRandom(7);
        for (int s = 0; s < v.slices(); s++) {
            short[] px = v.slice(s);
            for (int i = 0; i < px.length; i++) {
                px[i] = (short) r.nextInt(1 << 16);
            }
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(java.nio.ByteBuffer.allocate(12).putInt(3).putInt(97).putInt(85).array());
        md.update(new byte[] {16, 13, 1});
        for (int s = 0; s < v.slices(); s++) {
            md.update(definition(v.slice(s)));
        }
        assertArrayEquals(md.digest(), v.sha256(), "Volume.sha256, the hash the ledger records");
    }
}
