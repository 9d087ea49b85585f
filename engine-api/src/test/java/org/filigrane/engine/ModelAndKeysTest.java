package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelAndKeysTest {

    @Test
    void pixelFormatRanges() {
        assertEquals(0, PixelFormat.unsigned(8, 8).min());
        assertEquals(255, PixelFormat.unsigned(8, 8).max());
        assertEquals(65535, PixelFormat.unsigned(16, 16).max());
        assertEquals(65535, PixelFormat.unsigned(16, 16).value((short) -1));
        assertEquals(-2048, PixelFormat.signed(16, 12).min());
        assertEquals(2047, PixelFormat.signed(16, 12).max());
        assertEquals(-1, PixelFormat.signed(16, 16).value((short) -1));
        assertThrows(IllegalArgumentException.class, () -> PixelFormat.unsigned(12, 12));
        assertThrows(IllegalArgumentException.class, () -> PixelFormat.unsigned(8, 9));
        assertThrows(IllegalArgumentException.class, () -> PixelFormat.unsigned(16, 0));
    }

    @Test
    void volumeValidatesShapeAndRangeNamingTheSample() {
        PixelFormat f = PixelFormat.unsigned(16, 12);
        assertThrows(IllegalArgumentException.class, () -> Volume.allocate(0, 4, 4, f));
        assertThrows(IllegalArgumentException.class, () -> Volume.wrap(4, 4, f, new short[][] {new short[15]}));
        short[] slice = new short[16];
        slice[9] = 4096;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Volume.wrap(4, 4, f, new short[][] {new short[16], slice}));
        assertTrue(e.getMessage().contains("slice 1, row 2, column 1"), e.getMessage());
        Volume ok = Volume.wrap(4, 4, f, new short[][] {new short[16]});
        assertThrows(IllegalArgumentException.class, () -> ok.set(0, 0, 0, -1));
        assertEquals(0, ok.valueRange()[0]);
    }

    @Test
    void keysAreDerivedPerRecipientAndPurpose(@TempDir Path dir) throws Exception {
        IssuerKey a = IssuerKey.of(new byte[32]);
        assertArrayEquals(a.derive("D-pattern", "x"), a.derive("D-pattern", "x"));
        assertFalse(Arrays.equals(a.derive("D-pattern", "x"), a.derive("D-pattern", "y")));
        assertFalse(Arrays.equals(a.derive("D-pattern", "x"), a.derive("other", "x")));
        // Purpose and recipient are separated, so ("ab", "c") and ("a", "bc") differ.
        assertFalse(Arrays.equals(a.derive("ab", "c"), a.derive("a", "bc")));
        assertEquals(16, a.keyId().length());
        assertEquals(a.keyId(), a.publicKey().keyId());
        assertNotEquals(a.keyId(), IssuerKey.of(new byte[17]).keyId());
        assertThrows(IllegalArgumentException.class, () -> IssuerKey.of(new byte[15]));
        assertFalse(a.toString().contains("00000000"), "a key's text must not show its bytes");

        Path hex = dir.resolve("key.hex");
        Files.writeString(hex, "00".repeat(32) + "\n");
        assertEquals(a, IssuerKey.fromFile(hex));
        assertEquals(a.keyId(), IssuerKey.fromFile(hex).keyId());
    }

    @Test
    void specValidation() {
        assertThrows(IllegalArgumentException.class, () -> WatermarkSpec.reversible(" ", "m"));
        assertThrows(IllegalArgumentException.class, () -> WatermarkSpec.reversible("r", "m")
                .withLayers(java.util.EnumSet.of(Layer.TAMPER)));
        assertThrows(IllegalArgumentException.class, () -> WatermarkSpec.reversible("é".repeat(128), "m"));
        assertTrue(WatermarkSpec.reversible("r", "m").withRobustId(7).layers().contains(Layer.ROBUST));
    }
}
