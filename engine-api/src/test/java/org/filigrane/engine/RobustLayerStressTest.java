package org.filigrane.engine;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.filigrane.engine.demo.Phantom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How far beyond the required attack table layer D holds, for docs/FORMAT-D.md: prints success counts, asserts
 * nothing. Takes a minute; run it with {@code -Dfiligrane.stress=true -Dtest=RobustLayerStressTest}.
 */
@EnabledIfSystemProperty(named = "filigrane.stress", matches = "true")
class RobustLayerStressTest {
    private static final long SEED = 0x5EED_D500L;
    private static final int IMAGES = 100;

    private record Attack(String name, BiFunction<Volume, Random, Volume> apply) {
    }

    private static final List<Attack> ATTACKS = List.of(
            new Attack("window8+JPEG50", (v, r) -> ImageAttacks.jpeg8(v, 0.5f)),
            new Attack("window8+JPEG30", (v, r) -> ImageAttacks.jpeg8(v, 0.3f)),
            new Attack("window8+JPEG20", (v, r) -> ImageAttacks.jpeg8(v, 0.2f)),
            new Attack("noise 3%", (v, r) -> ImageAttacks.gaussianNoise(v, 3, r)),
            new Attack("noise 5%", (v, r) -> ImageAttacks.gaussianNoise(v, 5, r)),
            new Attack("noise 8%", (v, r) -> ImageAttacks.gaussianNoise(v, 8, r)),
            new Attack("contrast x3", (v, r) -> ImageAttacks.contrast(v, 3)),
            new Attack("contrast x0.3", (v, r) -> ImageAttacks.contrast(v, 0.3)),
            new Attack("gamma 0.5", (v, r) -> gamma(v, 0.5)),
            new Attack("gamma 2", (v, r) -> gamma(v, 2)),
            new Attack("blur 3x3", (v, r) -> blur(v)),
            new Attack("tissue window+JPEG75", (v, r) -> ImageAttacks.jpeg8(tissueWindow(v), 0.75f)),
            new Attack("rot90+noise2%+JPEG50", (v, r) -> ImageAttacks.jpeg8(
                    ImageAttacks.gaussianNoise(ImageAttacks.rot90(v), 2, r), 0.5f)));

    @Test
    void beyondTheTable() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(1));
        for (PixelFormat format : new PixelFormat[] {PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 12)}) {
            int[] recovered = new int[ATTACKS.size()];
            for (int i = 0; i < IMAGES; i++) {
                long seed = SEED + format.bitsStored() * 1000L + i;
                Random random = new Random(seed);
                long id = random.nextLong();
                Volume marked = Phantom.generate(seed, 1, 256, 256, format);
                layer.embed(marked, id);
                for (int a = 0; a < ATTACKS.size(); a++) {
                    RobustDetection found = layer.detect(ATTACKS.get(a).apply().apply(marked, random));
                    if (found.found() && found.id() == id) {
                        recovered[a]++;
                    }
                }
            }
            for (int a = 0; a < ATTACKS.size(); a++) {
                System.out.printf("stress %s %-22s %3d / %d%n", format, ATTACKS.get(a).name(), recovered[a], IMAGES);
            }
        }
    }

    /** Texture costs the informed embedder extra pushes: PSNR on phantoms with added host noise. */
    @Test
    void psnrOnTexturedHosts() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(1));
        PixelFormat format = PixelFormat.unsigned(16, 12);
        for (double texture : new double[] {0.5, 1, 2, 4, 8, 16}) {
            double minPsnr = Double.POSITIVE_INFINITY;
            int recovered = 0;
            for (int i = 0; i < 20; i++) {
                long seed = SEED + 50_000 + i;
                Random random = new Random(seed);
                Volume host = ImageAttacks.gaussianNoise(Phantom.generate(seed, 1, 256, 256, format), texture, random);
                Volume marked = host.copy();
                long id = random.nextLong();
                layer.embed(marked, id);
                minPsnr = Math.min(minPsnr, ImageAttacks.psnr(host, marked));
                RobustDetection found = layer.detect(ImageAttacks.jpeg8(marked, 0.75f));
                recovered += found.found() && found.id() == id ? 1 : 0;
            }
            System.out.printf("stress host texture %4.1f%% of range: min PSNR %.2f dB, JPEG75 %d / 20%n", texture,
                    minPsnr, recovered);
        }
    }

    static Volume gamma(Volume v, double g) {
        PixelFormat f = v.format();
        Volume out = v.withSlices(0).copy();
        short[] p = out.slice(0);
        double range = (double) f.max() - f.min();
        for (int i = 0; i < p.length; i++) {
            double x = (f.value(p[i]) - f.min()) / range;
            p[i] = f.store((int) Math.round(f.min() + range * Math.pow(x, g)));
        }
        return out;
    }

    /** 3x3 box blur of the interior, rounded. */
    static Volume blur(Volume v) {
        Volume out = v.withSlices(0).copy();
        for (int r = 1; r < v.rows() - 1; r++) {
            for (int c = 1; c < v.columns() - 1; c++) {
                int sum = 0;
                for (int dr = -1; dr <= 1; dr++) {
                    for (int dc = -1; dc <= 1; dc++) {
                        sum += v.get(0, r + dr, c + dc);
                    }
                }
                out.set(0, r, c, Math.floorDiv(sum + 4, 9));
            }
        }
        return out;
    }

    /** A soft-tissue window: 30%..70% of the stored range to 0..255, clipped, as an 8-bit volume. */
    static Volume tissueWindow(Volume v) {
        PixelFormat f = v.format();
        double range = (double) f.max() - f.min();
        double low = f.min() + 0.3 * range;
        double high = f.min() + 0.7 * range;
        Volume out = Volume.allocate(1, v.rows(), v.columns(), PixelFormat.unsigned(8, 8));
        for (int i = 0; i < v.slice(0).length; i++) {
            double x = (f.value(v.slice(0)[i]) - low) / (high - low) * 255;
            out.slice(0)[i] = (short) Math.max(0, Math.min(255, Math.round(x)));
        }
        return out;
    }
}
