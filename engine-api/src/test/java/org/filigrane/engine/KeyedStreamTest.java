package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyedStreamTest {
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    @Test
    void bytesAreHmacBlocksOfLabelAndCounter() {
        // Python: hmac.new(bytes(range(32)), b"filigrane/test\0" + counter.to_bytes(8, "big"), sha256), counters 0, 1.
        byte[] expected = HexFormat.of().parseHex(
                "2056333e9a0d8f820b2314bec1479ae90f40f18b843407f86811267f9de4ebab4cf54572ee2456e2");
        KeyedStream stream = new KeyedStream(KEY, "filigrane/test");
        byte[] actual = new byte[expected.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = (byte) stream.nextByte();
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void integersFollowTheDocumentedRule() {
        KeyedStream bytes = new KeyedStream(KEY, "filigrane/test");
        KeyedStream ints = new KeyedStream(KEY, "filigrane/test");
        for (int i = 0; i < 100; i++) {
            int bound = 1 + i * 7;
            long r = 0;
            for (int b = 0; b < 4; b++) {
                r = (r << 8) | bytes.nextByte();
            }
            // Rejection is rare for small bounds; none happens in these 100 draws, so each uses four bytes.
            assertEquals((int) (r % bound), ints.nextInt(bound));
        }
    }

    @Test
    void labelsGiveIndependentStreams() {
        assertNotEquals(new KeyedStream(KEY, "a").nextInt(1 << 30), new KeyedStream(KEY, "b").nextInt(1 << 30));
    }
}
