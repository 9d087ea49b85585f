package org.filigrane.engine;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes docs/FORMAT-D.md's pictures: the real 13-bit head CT before and after layer D in a soft-tissue window
 * (40/400 HU), and the difference. Run with {@code -Dfiligrane.pictures=/path/to/docs/img -Dtest=RobustPicturesTest}.
 */
@EnabledIfSystemProperty(named = "filigrane.pictures", matches = ".+")
class RobustPicturesTest {

    @Test
    void beforeAndAfter() throws Exception {
        Path dir = Path.of(System.getProperty("filigrane.pictures"));
        Files.createDirectories(dir);
        LeakPaths.Series ct = LeakPaths.real("ct-head-13bit").orElseThrow();
        try (Watermarker wm = Watermarker.create(IssuerKey.of(RobustLayerTest.key(61)), "reference")) {
            Volume marked = wm.embed(ct.original(), new WatermarkSpec("hospital-b", "", EnumSet.of(Layer.ROBUST),
                    TamperProfile.DEFAULT, 4242, ct.window())).volume();
            // Soft-tissue window 40/400 HU; this file's Rescale Intercept is 0.
            write(LeakPaths.window8(ct.original(), -160, 240), dir.resolve("ct-soft-tissue-before.png"));
            write(LeakPaths.window8(marked, -160, 240), dir.resolve("ct-soft-tissue-after.png"));
            Volume difference = Volume.allocate(1, marked.rows(), marked.columns(), PixelFormat.unsigned(8, 8));
            int[] range = ct.original().valueRange();
            double gain = 255.0 / (0.05 * (range[1] - range[0]));
            for (int i = 0; i < difference.slice(0).length; i++) {
                double d = marked.format().value(marked.slice(0)[i]) - ct.original().format().value(
                        ct.original().slice(0)[i]);
                difference.slice(0)[i] = (short) Math.max(0, Math.min(255, Math.round(128 + d * gain / 2)));
            }
            write(difference, dir.resolve("ct-difference.png"));
            System.out.printf("pictures: PSNR %.2f dB (actual range), SSIM %.4f in 40/400, %.4f in the file's "
                    + "40/100%n", LeakPaths.psnrActualRange(ct.original(), marked),
                    LeakPaths.ssimInWindow(ct.original(), marked, new DisplayWindow(40, 400)),
                    LeakPaths.ssimInWindow(ct.original(), marked, ct.window()));
        }
    }

    private static void write(Volume v, Path file) throws Exception {
        BufferedImage image = new BufferedImage(v.columns(), v.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < v.rows(); r++) {
            for (int c = 0; c < v.columns(); c++) {
                image.getRaster().setSample(c, r, 0, v.slice(0)[r * v.columns() + c] & 0xFF);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
