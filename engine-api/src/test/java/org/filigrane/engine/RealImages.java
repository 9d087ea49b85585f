package org.filigrane.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pydicom's real CT and NM test images as volumes, exported by {@code export_pydicom.py} through /usr/bin/python3 and
 * pydicom (the system's), once per JVM. Tests that need them are skipped where python3 or pydicom is missing,
 * except under CI=true, where that is an error.
 */
final class RealImages {
    /** A real image: its volume, the window stored in the file (in stored values, null if none), its class. */
    record Image(String name, Volume volume, DisplayWindow window, String kind, String file) {
    }

    private static List<Image> cached;

    private RealImages() {
    }

    static synchronized List<Image> load() {
        if (cached != null) {
            return cached;
        }
        try {
            Path dir = Files.createTempDirectory("filigrane-real");
            Path script = dir.resolve("export_pydicom.py");
            try (InputStream in = RealImages.class.getResourceAsStream("export_pydicom.py")) {
                Files.copy(in, script);
            }
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.resolve("out").toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                // CI installs pydicom (scripts/setup.sh): there a failed export is an error, not a skip.
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new IllegalStateException("RealImages: export failed under CI: " + log);
                }
                System.out.println("RealImages: export failed: " + log);
                cached = List.of();
                return cached;
            }
            List<Image> images = new ArrayList<>();
            try (var files = Files.list(dir.resolve("out"))) {
                for (Path meta : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                    String[] f = Files.readString(meta).trim().split(" ");
                    int rows = Integer.parseInt(f[1]);
                    int columns = Integer.parseInt(f[2]);
                    PixelFormat format = new PixelFormat(16, Integer.parseInt(f[3]), f[4].equals("1"));
                    ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(meta.resolveSibling(f[0] + ".raw")))
                            .order(ByteOrder.LITTLE_ENDIAN);
                    short[] pixels = new short[rows * columns];
                    raw.asShortBuffer().get(pixels);
                    DisplayWindow window = f[5].equals("-") ? null
                            : new DisplayWindow(Integer.parseInt(f[5]), Integer.parseInt(f[6]));
                    images.add(new Image(f[0], Volume.wrap(rows, columns, format, new short[][] {pixels}), window,
                            f[7].replace('_', ' '), f[8]));
                }
            }
            cached = List.copyOf(images);
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
