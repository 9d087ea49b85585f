package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * Layer D's embedding: invisible on every series class (PSNR against the actual data range, SSIM in the display
 * window), integer strength rules, range safety, determinism, per-recipient patterns.
 */
class RobustLayerTest {
    private static final RobustLayer LAYER = new RobustLayer(new DctOnlyBackend(), key(1));

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }

    static int[] pattern(int recipientSeed, long id) {
        return LAYER.pattern(new RobustLayer.RecipientKey(key(recipientSeed)), id);
    }

    /** PSNR >= 42 dB against the actual range and SSIM >= 0.98 in the display window, every class. */
    @Test
    void invisibleOnEveryClass() {
        List<LeakPaths.Series> all = new ArrayList<>();
        for (String kind : LeakPaths.PHANTOM_KINDS) {
            for (int i = 0; i < 5; i++) {
                all.add(LeakPaths.phantom(kind, 0x5EED_D100L + i, 256));
            }
        }
        all.addAll(LeakPaths.real());
        List<String> failures = new ArrayList<>();
        for (LeakPaths.Series s : all) {
            Volume marked = s.original().copy();
            LAYER.embed(marked, pattern(2, 42), s.window());
            double psnr = LeakPaths.psnrActualRange(s.original(), marked);
            double ssim = LeakPaths.ssimInWindow(s.original(), marked, s.window());
            int[] range = s.original().valueRange();
            System.out.printf("layer D quality: %-15s %-14s %-10s range %6d..%-6d window %-12s PSNR %.2f dB, "
                    + "SSIM %.4f%n", s.kind(), s.name(), s.original().format(), range[0], range[1],
                    s.window() == null ? "percentile" : s.window().center() + "/" + s.window().width(), psnr, ssim);
            if (psnr < 42 || ssim < 0.98) {
                failures.add(s.kind() + " " + s.name() + ": PSNR " + psnr + ", SSIM " + ssim);
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void strengthFollowsTheDataNotBitsStored() {
        // The same picture in 12 bits and shifted into a signed 16-bit container moves alike (except where the 12-bit
        // format's own ends clamp the change).
        Volume twelve = Phantom.generate(5, 1, 128, 128, PixelFormat.unsigned(16, 12));
        Volume sixteen = Volume.allocate(1, 128, 128, PixelFormat.signed(16, 16));
        for (int i = 0; i < 128 * 128; i++) {
            sixteen.slice(0)[i] = (short) (twelve.format().value(twelve.slice(0)[i]) - 2048);
        }
        Volume a = twelve.copy();
        Volume b = sixteen.copy();
        LAYER.embed(a, pattern(2, 7), null);
        LAYER.embed(b, pattern(2, 7), null);
        for (int i = 0; i < 128 * 128; i++) {
            int da = a.format().value(a.slice(0)[i]) - twelve.format().value(twelve.slice(0)[i]);
            int db = b.format().value(b.slice(0)[i]) - sixteen.format().value(sixteen.slice(0)[i]);
            int after = a.format().value(a.slice(0)[i]);
            if (after > 0 && after < 4095) {
                assertEquals(da, db, "pixel " + i);
            }
        }
    }

    @Test
    void aNarrowerWindowGivesASmallerChangeInIt() {
        Volume original = LeakPaths.phantom("16-bit CT-like", 3, 256).original();
        Volume wide = original.copy();
        Volume narrow = original.copy();
        LAYER.embed(wide, pattern(2, 7), new DisplayWindow(-200, 2000));
        LAYER.embed(narrow, pattern(2, 7), new DisplayWindow(-200, 200));
        long wideChange = 0;
        long narrowChange = 0;
        for (int i = 0; i < 256 * 256; i++) {
            int x = original.format().value(original.slice(0)[i]);
            if (x > -300 && x < -100) {
                wideChange += Math.abs(wide.format().value(wide.slice(0)[i]) - x);
                narrowChange += Math.abs(narrow.format().value(narrow.slice(0)[i]) - x);
            }
        }
        assertTrue(narrowChange * 2 < wideChange, narrowChange + " vs " + wideChange);
    }

    @Test
    void percentilesAndSquareRootsAreExactIntegers() {
        for (long x : new long[] {0, 1, 2, 3, 4, 15, 16, 17, 99, 100, (1L << 40) - 1, 1L << 40, Long.MAX_VALUE / 2}) {
            long r = RobustStrength.isqrt(x);
            assertTrue(r * r <= x && (r + 1) * (r + 1) > x, "isqrt " + x);
        }
        Volume v = Volume.allocate(1, 10, 10, PixelFormat.signed(16, 12));
        for (int i = 0; i < 100; i++) {
            v.slice(0)[i] = (short) (i - 50);
        }
        assertArrayEquals(new long[] {-50, 48}, RobustStrength.percentiles(v));
    }

    @Test
    void marksStayInRangeAndAreDeterministic() {
        for (PixelFormat f : new PixelFormat[] {PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 10),
                PixelFormat.unsigned(16, 16), PixelFormat.signed(16, 16), PixelFormat.signed(16, 12)}) {
            Volume a = Phantom.generate(9, 2, 131, 77, f);
            // Saturated corners: the clamp must hold at both ends.
            for (int i = 0; i < 400; i++) {
                a.slice(0)[i] = f.store(i % 2 == 0 ? f.min() : f.max());
            }
            Volume b = a.copy();
            LAYER.embed(a, pattern(2, 11), null);
            new RobustLayer(new DctOnlyBackend(), key(1)).embed(b, pattern(2, 11), null);
            a.checkRange();
            assertTrue(a.sameContent(b), f.toString());
        }
    }

    @Test
    void recipientsGetIndependentPatterns() {
        int[] a = pattern(2, 5);
        int[] b = pattern(3, 5);
        int same = 0;
        int recipientSlots = 0;
        for (int slot = 0; slot < RobustLayer.SLOTS; slot++) {
            if (slot % RobustLayer.CHIPS_PER_BLOCK == 0) {
                assertEquals(a[slot], b[slot], "sync chips are issuer-wide");
            } else {
                recipientSlots++;
                same += a[slot] == b[slot] ? 1 : 0;
            }
        }
        // 512 fair coins: agreement within 5 standard deviations of 256.
        assertTrue(Math.abs(same - recipientSlots / 2) < 5 * Math.sqrt(recipientSlots / 4.0), "agree " + same);
        assertFalse(java.util.Arrays.equals(pattern(2, 5), pattern(2, 6)), "the robust ID changes the pattern");
    }
}
