package org.filigrane.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.engine.IssuerKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput through the router against sending the same data straight to Orthanc, in the same run: 4 concurrent
 * storescu associations, each a series of {@code filigrane.bench.instances} (default 100) images of
 * {@code filigrane.bench.size} pixels square (default 128), 12-bit. Direct: until every storescu has its last
 * response (Orthanc has stored it). Through the router (embed route): until Orthanc holds every watermarked
 * instance, quiet time included. Run with scripts/route-bench.sh (-Dfiligrane.bench=true); not part of CI.
 */
class RouterBenchmark {
    @TempDir
    Path tmp;

    @Test
    void routerAgainstDirect() throws Exception {
        assumeTrue(Boolean.getBoolean("filigrane.bench"), "benchmark: run scripts/route-bench.sh");
        int n = Integer.getInteger("filigrane.bench.instances", 100);
        int size = Integer.getInteger("filigrane.bench.size", 128);
        String backend = System.getProperty("filigrane.bench.backend", "vector");
        int port = OrthancServer.freePort();
        try (OrthancServer orthanc = new OrthancServer(tmp.resolve("orthanc"), "FILIGRANE", port)) {
            List<List<Path>> direct = new ArrayList<>();
            List<List<Path>> routed = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < 4; i++) {
                direct.add(SampleSeries.write(tmp.resolve("direct" + i), i, n, size, size));
                routed.add(SampleSeries.write(tmp.resolve("routed" + i), 100 + i, n, size, size));
                for (Path f : routed.get(i)) {
                    bytes += Files.size(f);
                }
            }
            // warm-up of Orthanc's side with one small series
            Dcmtk.store("WARMUP", "ORTHANC", orthanc.dicomPort, SampleSeries.write(tmp.resolve("warm"), 9, 10,
                    size, size), tmp.resolve("warm.txt"));

            double directSeconds = sendAll(direct, "ORTHANC", orthanc.dicomPort, "DIRECT");
            int expected = orthanc.instanceCount();

            IssuerKey issuer = IssuerKey.generate();
            Files.writeString(tmp.resolve("issuer.key"), issuer.toHex());
            Files.setPosixFilePermissions(tmp.resolve("issuer.key"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(tmp.resolve("route.conf"), """
                    listen.port = %d
                    spool = %s
                    quiet-seconds = 0.5
                    backend = %s
                    route.partner.mode = embed
                    route.partner.recipient = Hospital B
                    route.partner.key = issuer.key
                    route.partner.destination = ORTHANC@127.0.0.1:%d
                    """.formatted(port, tmp.resolve("spool"), backend, orthanc.dicomPort));
            try (RouterProcess router = new RouterProcess(tmp.resolve("route.conf"),
                    Path.of("target", "route-bench-router.log").toAbsolutePath())) {
                router.start();
                // warm-up of the router's JIT with one series through it
                Dcmtk.store("SENDER", "FILIGRANE", port, SampleSeries.write(tmp.resolve("warm2"), 8, 20, size, size),
                        tmp.resolve("warm2.txt"));
                RouterEndToEndTest.waitFor("warm-up series", 120, () -> orthanc.instanceCount() >= expected + 20);
                int before = orthanc.instanceCount();
                long t0 = System.nanoTime();
                double acknowledged = sendAll(routed, "FILIGRANE", port, "SENDER");
                RouterEndToEndTest.waitFor("all instances through the router", 600,
                        () -> orthanc.instanceCount() >= before + 4 * n);
                double routedSeconds = (System.nanoTime() - t0) / 1e9;
                double mb = bytes / 1e6;
                String table = String.format(Locale.ROOT, """
                        | path (4 associations x %d instances, %dx%d 12-bit, %.1f MB) | seconds | instances/s | MB/s |
                        | --- | --- | --- | --- |
                        | storescu -> Orthanc (direct) | %.2f | %.0f | %.1f |
                        | storescu -> router acknowledged (spooled, fsynced) | %.2f | %.0f | %.1f |
                        | storescu -> router -> embed (%s) -> Orthanc, end to end | %.2f | %.0f | %.1f |
                        | router end to end / direct | | %.0f%% | |
                        """, n, size, size, mb, directSeconds, 4 * n / directSeconds, mb / directSeconds,
                        acknowledged, 4 * n / acknowledged, mb / acknowledged, backend, routedSeconds,
                        4 * n / routedSeconds, mb / routedSeconds, 100 * directSeconds / routedSeconds);
                System.out.println(table);
                Files.writeString(Path.of("target", "route-bench.md"), table);
            }
        }
    }

    private double sendAll(List<List<Path>> series, String calledAe, int port, String callingAe) throws Exception {
        List<Process> ps = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < series.size(); i++) {
            Path out = tmp.resolve(callingAe + i + ".txt");
            outs.add(out);
            ps.add(Dcmtk.startStore(callingAe, calledAe, port, series.get(i), out));
        }
        for (int i = 0; i < ps.size(); i++) {
            Dcmtk.Sent s = Dcmtk.read(ps.get(i).waitFor(), outs.get(i));
            assertEquals(series.get(i).size(), s.acknowledged().size(), s.output());
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
