package org.filigrane.engine.demo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import org.filigrane.engine.Capacity;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.Layer;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.RobustDetection;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;

/**
 * The main job on its embedded default: a synthetic 12-bit 256x256x48 head phantom goes through every layer, is
 * verified, tampered, verified again, and restored bit for bit. Arguments: [backend] (default auto).
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 && !args[0].isBlank() ? args[0] : "auto";
        // A fixed demo key: real deployments read theirs from a file or the environment, never from code.
        IssuerKey key = IssuerKey.of("filigrane-demo-key-not-a-secret!".getBytes());
        try (Watermarker wm = Watermarker.create(key, backend)) {
            run(wm);
        }
    }

    private static void run(Watermarker wm) throws Exception {
        Volume original = Phantom.generate(48, 48, 256, 256, PixelFormat.unsigned(16, 12));
        System.out.printf("Phantom: %s, backend %s%n", original, wm.backendName());
        System.out.printf("  SHA-256 of the original pixels: %s%n", sha256(original));

        long robustId = 0x5EC0_2026_0000_0042L;
        WatermarkSpec spec = WatermarkSpec.reversible("Hospital B, Dr. Martin", "second opinion, case 2026-117")
                .withRobustId(robustId);
        Capacity capacity = wm.capacity(original, spec);
        System.out.printf("Capacity (layer R): %,d bits in all, %,d for the watermark itself, message up to %,d bytes%n",
                capacity.totalBits(), capacity.overheadBits(), capacity.messageBytes());

        long t0 = System.nanoTime();
        EmbedResult result = wm.embed(original, spec);
        long t1 = System.nanoTime();
        Volume marked = result.volume();
        System.out.printf("Embedded layers D+R+T in %.0f ms: R carries %,d bits; T protects %,d of %,d blocks fully%n",
                (t1 - t0) / 1e6, result.payloadBits(), result.fullyProtected(), result.blocks());
        System.out.printf(Locale.ROOT, "  PSNR %.2f dB (worst slice %.2f dB), SSIM %.5f%n", Quality.psnr(original,
                marked, -1), worstSlicePsnr(original, marked), Quality.ssim(original, marked));

        VerificationReport clean = wm.verify(marked);
        System.out.printf("Verify untouched: %s (%s) for %s: \"%s\"%n", clean.status(), clean.detail(),
                clean.recipient(), clean.message());

        RobustDetection found = wm.detectRobust(marked);
        System.out.printf("Layer D: recipient ID %s (%s, %d of %d slices decoded)%n",
                found.found() ? Long.toHexString(found.id()) : "not found", found.orientation(),
                found.slicesDecoded(), found.slicesTried());

        Volume tampered = marked.copy();
        tampered.set(7, 120, 131, tampered.get(7, 120, 131) + 1);
        tampered.set(30, 60, 200, 0);
        tampered.set(30, 61, 200, 4000);
        VerificationReport report = wm.verify(tampered);
        System.out.printf("Verify after changing 3 pixels in slices 7 and 30: %s%n", report.status());
        for (TamperedCell cell : report.tamperedCells()) {
            System.out.println("  tampered: " + cell);
        }
        System.out.println("  altered slices: " + report.alteredSlices());

        Volume restored = wm.restore(marked);
        System.out.printf("Restore removes T and R (D is robust, not reversible, by design):%n");
        System.out.printf("  SHA-256 restored           : %s%n", sha256(restored));
        Volume robustOnly = wm.embed(original, spec.withLayers(EnumSet.of(Layer.ROBUST))).volume();
        System.out.printf("  SHA-256 of D-marked input  : %s -> %s%n", sha256(robustOnly),
                restored.sameContent(robustOnly) ? "bit-identical" : "DIFFERENT");
        EmbedResult reversibleOnly = wm.embed(original, WatermarkSpec.reversible("Hospital B", "archive copy"));
        Volume back = wm.restore(reversibleOnly.volume());
        System.out.printf("R+T alone on the original, restored: %s -> %s%n", sha256(back),
                back.sameContent(original) ? "bit-identical to the original" : "DIFFERENT");
        if (!back.sameContent(original) || !restored.sameContent(robustOnly)) {
            throw new IllegalStateException("restore was not bit-exact");
        }
    }

    private static double worstSlicePsnr(Volume a, Volume b) {
        double worst = Double.POSITIVE_INFINITY;
        for (int s = 0; s < a.slices(); s++) {
            worst = Math.min(worst, Quality.psnr(a, b, s));
        }
        return worst;
    }

    static String sha256(Volume v) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[v.rows() * v.columns() * 2];
        for (int s = 0; s < v.slices(); s++) {
            short[] px = v.slice(s);
            for (int i = 0; i < px.length; i++) {
                buf[2 * i] = (byte) px[i];
                buf[2 * i + 1] = (byte) (px[i] >>> 8);
            }
            md.update(buf);
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16) + "...";
    }
}
