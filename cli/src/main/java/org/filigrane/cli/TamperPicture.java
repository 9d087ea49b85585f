package org.filigrane.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.Volume;

/**
 * A PNG montage of slices, windowed to the volume's own range, with each tampered block outlined in red. With up
 * to 36 slices all are shown; beyond that only the slices with tampered blocks (or the first 36 when none).
 */
final class TamperPicture {
    private static final int RED = 0xFF2020;
    private static final int MAX_TILES = 36;

    private TamperPicture() {
    }

    /** Writes the picture and returns the slices shown, in order. */
    static List<Integer> write(Volume v, List<TamperedCell> cells, Path png) throws IOException {
        TreeSet<Integer> shown = new TreeSet<>();
        if (v.slices() <= MAX_TILES) {
            for (int s = 0; s < v.slices(); s++) {
                shown.add(s);
            }
        } else {
            for (TamperedCell c : cells) {
                if (shown.size() < MAX_TILES) {
                    shown.add(c.slice());
                }
            }
            for (int s = 0; shown.size() < Math.min(MAX_TILES, v.slices()) && cells.isEmpty(); s++) {
                shown.add(s);
            }
        }
        List<Integer> slices = new ArrayList<>(shown);
        int n = slices.size();
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rowsOfTiles = (n + cols - 1) / cols;
        int gap = 2;
        int w = cols * (v.columns() + gap) - gap;
        int h = rowsOfTiles * (v.rows() + gap) - gap;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int s : slices) {
            for (short x : v.slice(s)) {
                int val = v.format().value(x);
                min = Math.min(min, val);
                max = Math.max(max, val);
            }
        }
        long range = Math.max(1, (long) max - min);
        for (int t = 0; t < n; t++) {
            int s = slices.get(t);
            int ox = (t % cols) * (v.columns() + gap);
            int oy = (t / cols) * (v.rows() + gap);
            short[] px = v.slice(s);
            for (int r = 0; r < v.rows(); r++) {
                for (int c = 0; c < v.columns(); c++) {
                    int g = (int) ((v.format().value(px[r * v.columns() + c]) - (long) min) * 255 / range);
                    img.setRGB(ox + c, oy + r, g << 16 | g << 8 | g);
                }
            }
            for (TamperedCell cell : cells) {
                if (cell.slice() != s) {
                    continue;
                }
                // Two pixels wide (the block's edge and the ring outside it) so that a 16-pixel block shows.
                for (int ring = 0; ring < 2; ring++) {
                    int x0 = Math.max(ox, ox + cell.left() - ring);
                    int y0 = Math.max(oy, oy + cell.top() - ring);
                    int x1 = Math.min(ox + v.columns() - 1, ox + cell.left() + cell.width() - 1 + ring);
                    int y1 = Math.min(oy + v.rows() - 1, oy + cell.top() + cell.height() - 1 + ring);
                    for (int x = x0; x <= x1; x++) {
                        img.setRGB(x, y0, RED);
                        img.setRGB(x, y1, RED);
                    }
                    for (int y = y0; y <= y1; y++) {
                        img.setRGB(x0, y, RED);
                        img.setRGB(x1, y, RED);
                    }
                }
            }
        }
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + png.getFileName(), ".tmp");
        try {
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return slices;
    }
}
