package org.filigrane.engine;

import java.util.Random;

class RobustLayerTest {
    static byte[] key(int seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }
}
