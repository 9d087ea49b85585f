package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG and JPEG inputs of trace become the slice a viewer showed: grey kept exactly, colour as integer luma. */
class TraceInputsTest {
    static final long SEED = 20261130L;

    @TempDir
    Path tmp;

    @Test
    void sixteenBitGreyPngKeepsEverySample() throws Exception {
        Random r = new Random(SEED);
        BufferedImage img = new BufferedImage(37, 21, BufferedImage.TYPE_USHORT_GRAY);
        int[][] values = new int[21][37];
        for (int y = 0; y < 21; y++) {
            for (int x = 0; x < 37; x++) {
                values[y][x] = r.nextInt(65536);
                img.getRaster().setSample(x, y, 0, values[y][x]);
            }
        }
        Path f = tmp.resolve("wide.png");
        ImageIO.write(img, "png", f.toFile());
        Volume v = TraceInputs.image(f);
        assertEquals(PixelFormat.unsigned(16, 16), v.format());
        for (int y = 0; y < 21; y++) {
            for (int x = 0; x < 37; x++) {
                assertEquals(values[y][x], v.get(0, y, x), "seed " + SEED + " at " + y + "," + x);
            }
        }
    }

    @Test
    void colourBecomesRoundedLumaAndGreyStaysGrey() throws Exception {
        Random r = new Random(SEED + 1);
        BufferedImage img = new BufferedImage(19, 11, BufferedImage.TYPE_INT_RGB);
        int[][] expected = new int[11][19];
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 19; x++) {
                int red = r.nextInt(256);
                int green = x % 3 == 0 ? red : r.nextInt(256);
                int blue = x % 3 == 0 ? red : r.nextInt(256);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
                expected[y][x] = (299 * red + 587 * green + 114 * blue + 500) / 1000;
                if (x % 3 == 0) {
                    assertEquals(red, expected[y][x], "a grey pixel keeps its level");
                }
            }
        }
        Path f = tmp.resolve("colour.png");
        ImageIO.write(img, "png", f.toFile());
        Volume v = TraceInputs.image(f);
        assertEquals(PixelFormat.unsigned(8, 8), v.format());
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 19; x++) {
                assertEquals(expected[y][x], v.get(0, y, x), "seed " + (SEED + 1) + " at " + y + "," + x);
            }
        }
    }

    @Test
    void somethingElseIsBadInput() throws Exception {
        Path f = tmp.resolve("x.png");
        Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        assertThrows(DicomInputException.class, () -> TraceInputs.read(f));
        assertThrows(DicomInputException.class, () -> TraceInputs.read(tmp.resolve("absent.png")));
    }
}
