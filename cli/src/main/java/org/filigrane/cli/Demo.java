package org.filigrane.cli;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.dicom.OutputPlan;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.demo.Quality;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The guided tour on the bundled sample series: embed, verify, tamper one pixel, verify again (the block is named
 * and pictured), restore, and prove bit identity with SHA-256 of the pixel data.
 */
@Command(name = "demo", description = "Run the whole story on a bundled synthetic CT series.")
final class Demo implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "filigrane-demo",
            description = "working directory for the demo's files (default: ${DEFAULT-VALUE}; replaced each run)")
    Path dir;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, reference, vector or opencl")
    String backend;

    @Option(names = "--slices", defaultValue = "24", description = "slices of the sample series")
    int slices;

    @Option(names = "--size", defaultValue = "256", description = "rows and columns of the sample series")
    int size;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        deleteTree(dir.resolve("original"), dir.resolve("watermarked"), dir.resolve("tampered"),
                dir.resolve("restored"));
        Files.createDirectories(dir);
        Path original = dir.resolve("original");
        out.printf("1. sample series: %d slices of %dx%d 12-bit CT (synthetic head phantom) in %s%n", slices, size,
                size, original);
        List<Path> files = SampleSeries.write(original, 2025, slices, size, size);

        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        IssuerKey key = IssuerKey.of(secret);
        out.println("   a throwaway issuer key for this run (real use: 'filigrane keygen -o issuer.key', then "
                + "--key-file issuer.key to embed and --public-key issuer.pub to verify)");
        try (Watermarker wm = Watermarker.create(key, backend)) {
            return run(out, original, key, wm);
        }
    }

    private int run(PrintWriter out, Path original, IssuerKey key, Watermarker wm) throws Exception {

        DicomSeries series = DicomReader.read(List.of(original), DicomReader.Options.defaults());
        Path watermarked = dir.resolve("watermarked");
        long t0 = System.nanoTime();
        DicomWatermarking.Embedded e = DicomWatermarking.embed(series, wm, key,
                WatermarkSpec.reversible("hospital-b", "second opinion, case 42"), OutputPlan.into(watermarked),
                false, i -> { });
        double ms = (System.nanoTime() - t0) / 1e6;
        DicomSeries marked = DicomReader.read(List.of(watermarked), DicomReader.Options.defaults());
        int maxDiff = 0;
        long changed = 0;
        for (int s = 0; s < series.volume().slices(); s++) {
            short[] a = series.volume().slice(s);
            short[] b = marked.volume().slice(s);
            for (int i = 0; i < a.length; i++) {
                int d = Math.abs((a[i] & 0xFFFF) - (b[i] & 0xFFFF));
                maxDiff = Math.max(maxDiff, d);
                changed += d != 0 ? 1 : 0;
            }
        }
        double psnr = Quality.psnr(series.volume(), marked.volume(), -1);
        double ssim = Quality.ssim(series.volume(), marked.volume());
        out.printf(Locale.ROOT, "2. embedded (backend %s, %.0f ms) for 'hospital-b', layers R+T, into %s%n",
                wm.backendName(), ms, watermarked);
        out.printf(Locale.ROOT, "   %d of %d bits of capacity used; %.1f%% of pixels changed, by at most %d; "
                + "PSNR %.1f dB (12-bit range), SSIM %.5f%n", e.result().payloadBits(), e.result().capacityBits(),
                100.0 * changed / series.volume().pixelCount(), maxDiff, psnr, ssim);

        DicomWatermarking.Verification v1 = DicomWatermarking.verify(marked, wm);
        out.println("3. verify the watermarked copy: " + v1.status() + " (recipient " + v1.pixels().recipient()
                + ", message \"" + v1.message() + "\")");

        Path tampered = dir.resolve("tampered");
        copyTree(watermarked, tampered);
        int slice = slices / 2;
        int row = size / 2 + 3;
        int col = size / 3 + 5;
        Path victim = tampered.resolve(marked.objects().get(marked.slices().get(slice).object()).path()
                .getFileName());
        AttributeList l = new AttributeList();
        l.read(victim.toString());
        short[] px = l.get(TagFromName.PixelData).getShortValues().clone();
        px[row * size + col] += 1;
        OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
        a.setValues(px);
        l.put(a);
        l.write(victim.toFile(), Attribute.getSingleStringValueOrEmptyString(l, TagFromName.TransferSyntaxUID),
                true, true);
        out.printf("4. tampered: one pixel of %s (slice %d, row %d, column %d) raised by 1%n", victim.getFileName(),
                slice, row, col);

        DicomSeries t = DicomReader.read(List.of(tampered), new DicomReader.Options(null, true));
        DicomWatermarking.Verification v2 = DicomWatermarking.verify(t, wm);
        out.println("5. verify the tampered copy: " + v2.status() + ": " + v2.pixels().detail());
        for (TamperedCell c : v2.pixels().tamperedCells()) {
            out.println("   tampered: " + c + " (" + CommandBase.fileOf(t, c.slice()) + ")");
        }
        Path png = dir.resolve("tampered.png");
        TamperPicture.write(t.volume(), v2.pixels().tamperedCells(), png);
        out.println("   picture with the block outlined: " + png);

        Path restored = dir.resolve("restored");
        DicomWatermarking.restore(marked, wm, OutputPlan.into(restored), i -> { });
        String before = pixelSha256(original);
        String after = pixelSha256(restored);
        out.println("6. restored the watermarked copy into " + restored);
        out.println("   SHA-256 of the pixel data, original: " + before);
        out.println("   SHA-256 of the pixel data, restored: " + after);
        boolean identical = before.equals(after);
        boolean ok = identical && v1.status() == Status.AUTHENTIC && v2.status() == Status.TAMPERED
                && v2.pixels().tamperedCells().stream().anyMatch(c -> c.slice() == slice && c.top() <= row
                && row < c.top() + c.height() && c.left() <= col && col < c.left() + c.width());
        out.println(identical ? "   bit for bit identical: the watermark is fully removable"
                : "   DIFFERENT: this is a bug, please report it");
        out.println(ok ? "demo OK" : "demo FAILED");
        return ok ? ExitCode.OK : ExitCode.INTERNAL;
    }

    /** SHA-256 over the Pixel Data values of every file of {@code dir}, files in name order. */
    static String pixelSha256(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            AttributeList l = new AttributeList();
            l.read(f.toString());
            for (short x : l.get(TagFromName.PixelData).getShortValues()) {
                md.update((byte) x);
                md.update((byte) (x >>> 8));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    static void deleteTree(Path... roots) throws Exception {
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
