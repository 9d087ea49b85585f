package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;

/**
 * Layer D against the attack table of DESIGN.md: 100 random phantoms per bit depth, each marked with a random id
 * and attacked in every way, with fixed printed seeds so that any failure can be replayed.
 */
class RobustLayerTest {
    private static final long SEED = 0x5EED_D000L;
    private static final int IMAGES = 100;
    private static final int REQUIRED = 95;
    private static final int SIZE = 256;

    private static final RobustLayer LAYER = new RobustLayer(new DctOnlyBackend(), key(1));

    private record Attack(String name, String orientation, BiFunction<Volume, Random, Volume> apply) {
    }

    private static final List<Attack> ATTACKS = List.of(
            new Attack("none", "identity", (v, r) -> v),
            new Attack("flipH", "flipH", (v, r) -> ImageAttacks.flipH(v)),
            new Attack("rot90", "rot90", (v, r) -> ImageAttacks.rot90(v)),
            new Attack("noise 1%", "identity", (v, r) -> ImageAttacks.gaussianNoise(v, 1.0, r)),
            new Attack("contrast x1.5", "identity", (v, r) -> ImageAttacks.contrast(v, 1.5)),
            new Attack("window8+JPEG75", "identity", (v, r) -> ImageAttacks.jpeg8(v, 0.75f)));

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }

    @Test
    void eightBitPhantomsSurviveTheAttackTable() {
        attackTable(PixelFormat.unsigned(8, 8), SEED);
    }

    @Test
    void twelveBitPhantomsSurviveTheAttackTable() {
        attackTable(PixelFormat.unsigned(16, 12), SEED + 1_000_000);
    }

    private static void attackTable(PixelFormat format, long seed) {
        int[] recovered = new int[ATTACKS.size()];
        List<String> failures = new ArrayList<>();
        double minPsnr = Double.POSITIVE_INFINITY;
        double psnrSum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < IMAGES; i++) {
            long imageSeed = seed + i;
            Random random = new Random(imageSeed);
            long id = random.nextLong();
            Volume original = Phantom.generate(imageSeed, 1, SIZE, SIZE, format);
            Volume marked = original.copy();
            LAYER.embed(marked, id);
            double psnr = ImageAttacks.psnr(original, marked);
            minPsnr = Math.min(minPsnr, psnr);
            psnrSum += psnr;
            for (int a = 0; a < ATTACKS.size(); a++) {
                Attack attack = ATTACKS.get(a);
                RobustDetection found = LAYER.detect(attack.apply().apply(marked, random));
                if (found.found() && found.id() == id && found.orientation().equals(attack.orientation())) {
                    recovered[a]++;
                } else {
                    failures.add(attack.name() + " @ seed " + imageSeed + ": " + found);
                }
            }
        }
        System.out.printf("layer D, %s phantoms %dx%d, seeds %d..%d, %.1f s%n", format, SIZE, SIZE, seed,
                seed + IMAGES - 1, (System.nanoTime() - start) / 1e9);
        System.out.printf("  PSNR of D alone: min %.2f dB, mean %.2f dB%n", minPsnr, psnrSum / IMAGES);
        for (int a = 0; a < ATTACKS.size(); a++) {
            System.out.printf("  %-16s %3d / %d recovered%n", ATTACKS.get(a).name(), recovered[a], IMAGES);
        }
        failures.forEach(f -> System.out.println("  failed: " + f));
        assertTrue(minPsnr >= 40.0, "PSNR of layer D alone must be at least 40 dB, was " + minPsnr);
        for (int a = 0; a < ATTACKS.size(); a++) {
            assertTrue(recovered[a] >= REQUIRED,
                    ATTACKS.get(a).name() + ": " + recovered[a] + " of " + IMAGES + " recovered");
        }
    }

    @Test
    void unmarkedImagesAreNotDetected() {
        int falsePositives = 0;
        for (int i = 0; i < 50; i++) {
            long seed = SEED + 2_000_000 + i;
            PixelFormat format = i % 2 == 0 ? PixelFormat.unsigned(8, 8) : PixelFormat.unsigned(16, 12);
            RobustDetection found = LAYER.detect(Phantom.generate(seed, 1, SIZE, SIZE, format));
            if (found.found()) {
                falsePositives++;
                System.out.println("  false positive @ seed " + seed + ": " + found);
            }
        }
        System.out.println("layer D, unmarked phantoms: " + falsePositives + " / 50 detected");
        assertEquals(0, falsePositives);
    }

    @Test
    void flatAndBlankSlicesAreNotDetected() {
        Volume flat = Volume.allocate(2, 64, 64, PixelFormat.unsigned(16, 12));
        java.util.Arrays.fill(flat.slice(1), (short) 4095);
        assertFalse(LAYER.detect(flat).found());
    }

    @Test
    void aWrongKeyDoesNotDecodeTheId() {
        RobustLayer other = new RobustLayer(new DctOnlyBackend(), key(2));
        for (int i = 0; i < 20; i++) {
            long seed = SEED + 3_000_000 + i;
            long id = new Random(seed).nextLong();
            Volume marked = Phantom.generate(seed, 1, SIZE, SIZE, PixelFormat.unsigned(16, 12));
            LAYER.embed(marked, id);
            assertFalse(other.detect(marked).found(), "seed " + seed);
        }
    }

    @Test
    void everyFlipAndTurnOfAnOddSizedSliceIsFound() {
        long seed = SEED + 4_000_000;
        long id = new Random(seed).nextLong();
        Volume marked = Phantom.generate(seed, 1, 203, 250, PixelFormat.unsigned(16, 12));
        LAYER.embed(marked, id);
        Volume flipped = ImageAttacks.flipH(marked);
        Volume[] turned = {marked, ImageAttacks.rot90(marked), null, null};
        turned[2] = ImageAttacks.rot90(turned[1]);
        turned[3] = ImageAttacks.rot90(turned[2]);
        Volume[] turnedFlipped = {flipped, ImageAttacks.rot90(flipped), null, null};
        turnedFlipped[2] = ImageAttacks.rot90(turnedFlipped[1]);
        turnedFlipped[3] = ImageAttacks.rot90(turnedFlipped[2]);
        String[] turnNames = {"identity", "rot90", "rot180", "rot270"};
        // flipH then a quarter turn ccw is a transpose; flipH then three is the anti-transpose.
        String[] flippedNames = {"flipH", "transpose", "flipV", "antiTranspose"};
        for (int t = 0; t < 4; t++) {
            assertEquals(new RobustDetection(true, id, 1, 1, turnNames[t]), LAYER.detect(turned[t]));
            assertEquals(new RobustDetection(true, id, 1, 1, flippedNames[t]), LAYER.detect(turnedFlipped[t]));
        }
    }

    @Test
    void everySliceOfAVolumeCarriesTheId() {
        long seed = SEED + 5_000_000;
        long id = new Random(seed).nextLong();
        Volume marked = Phantom.generate(seed, 3, 128, 160, PixelFormat.signed(16, 16));
        Volume original = marked.copy();
        LAYER.embed(marked, id);
        marked.checkRange();
        assertEquals(new RobustDetection(true, id, 3, 3, "identity"), LAYER.detect(marked));
        Volume mixed = Volume.wrap(128, 160, marked.format(),
                new short[][] {marked.slice(0), original.slice(1), marked.slice(2)});
        assertEquals(new RobustDetection(true, id, 3, 2, "identity"), LAYER.detect(mixed));
    }

    @Test
    void aCropIsFoundByTheGridSearch() {
        long seed = SEED + 6_000_000;
        long id = new Random(seed).nextLong();
        Volume marked = Phantom.generate(seed, 1, SIZE, SIZE, PixelFormat.unsigned(8, 8));
        LAYER.embed(marked, id);
        int top = 13;
        int left = 37;
        Volume crop = Volume.allocate(1, SIZE - top - 20, SIZE - left, marked.format());
        for (int r = 0; r < crop.rows(); r++) {
            System.arraycopy(marked.slice(0), (r + top) * SIZE + left, crop.slice(0), r * crop.columns(),
                    crop.columns());
        }
        assertFalse(LAYER.detect(crop).found(), "without the search the grid is lost");
        assertEquals(new RobustDetection(true, id, 1, 1, "flipH"), LAYER.detect(ImageAttacks.flipH(crop), true));
    }

    @Test
    void embeddingIsDeterministic() {
        Volume a = Phantom.generate(7, 1, 64, 64, PixelFormat.unsigned(16, 12));
        Volume b = a.copy();
        LAYER.embed(a, 42);
        new RobustLayer(new DctOnlyBackend(), key(1)).embed(b, 42);
        assertTrue(a.sameContent(b));
    }
}
