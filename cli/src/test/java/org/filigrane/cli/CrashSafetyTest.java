package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.dicom.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a multi-file write, at every numbered point of the journaled write (test hook
 * {@code FILIGRANE_TEST_PAUSE_AT}), then the same command again: it must end with the complete output or the
 * untouched input, no mixed series and no temporary file visible. The CLI runs in a child JVM.
 */
class CrashSafetyTest {
    /** 9 files: 9 temporary files, journal written, committed, 9 renames, journal deleted: 21 points. */
    static final int FILES = 9;
    static final int POINTS = 2 * FILES + 3;

    @TempDir
    static Path tmp;
    static Path original;
    static Path key;
    static Map<String, String> originalHashes;

    @BeforeAll
    static void series() throws Exception {
        Tools.require();
        original = tmp.resolve("original");
        SampleSeries.write(original, 31, FILES, 80, 80);
        key = tmp.resolve("issuer.key");
        Files.writeString(key, CliTest.KEY_HEX + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        originalHashes = hashes(original);
    }

    record Child(int code, String output) {
    }

    /** Runs the CLI in a child JVM; with {@code killAt > 0}, kills it with SIGKILL once it pauses there. */
    static Child cli(int killAt, String... args) throws Exception {
        // A lean child: the reference backend only (no OpenCL or Vector API on its class path), C1 only.
        String classPath = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(System.getProperty(
                "java.class.path").split(java.io.File.pathSeparator)).filter(e -> !e.contains("gpu-opencl")
                && !e.contains("jocl") && !e.contains("cpu-vector")).toList());
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("FILIGRANE_KEY");
        // Embeds are recorded in a ledger: a throwaway one, never the user's ~/.filigrane/ledger.db.
        pb.environment().put("FILIGRANE_LEDGER", java.nio.file.Path.of("target", "crash-safety-ledger.db")
                .toAbsolutePath().toString());
        if (killAt > 0) {
            pb.environment().put("FILIGRANE_TEST_PAUSE_AT", Integer.toString(killAt));
        }
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (killAt > 0 && line.equals("filigrane-test: paused at " + killAt)) {
                    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                    break;
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child ended");
        return new Child(p.exitValue(), out.toString());
    }

    static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                m.put(f.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(f))));
            }
        }
        return m;
    }

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void killedAtEveryPointOfAnEmbedIntoADirectoryThenRunAgain() throws Exception {
        int killed = 0;
        for (int k = 1; k <= POINTS; k++) {
            Path out = tmp.resolve("out-" + k);
            String[] args = {"embed", "--backend", "reference", "--key-file", key.toString(), "--recipient", "r",
                "-q", "-o", out.toString(), original.toString()};
            Child first = cli(k, args);
            assertTrue(first.output().contains("paused at " + k), "point " + k + " reached: " + first.output());
            killed++;
            Child again = here(args);
            // Killed after the journal was deleted, the write was complete: the rerun refuses to overwrite it.
            assertEquals(k == POINTS ? ExitCode.OUTPUT_REFUSED : 0, again.code(), "point " + k + ": "
                    + again.output());
            Map<String, String> h = hashes(out);
            assertEquals(originalHashes.keySet(), h.keySet(), "point " + k + ": exactly the outputs, nothing else");
            assertEquals(originalHashes, hashes(original), "the input is untouched");
            assertEquals(0, verifyHere(out), "point " + k);
        }
        System.out.println("CrashSafetyTest: killed -9 at " + killed + " points of an embed -o, all recovered");
        assertTrue(killed >= 20);
    }

    @Test
    void killedDuringAnInPlaceEmbedEndsWithAllOrNothing() throws Exception {
        int[] points = Boolean.getBoolean("filigrane.stress") ? java.util.stream.IntStream.rangeClosed(1, POINTS)
                .toArray() : new int[] {FILES, FILES + 2, POINTS};
        for (int k : points) {
            Path dir = tmp.resolve("inplace-" + k);
            copy(original, dir);
            String[] args = {"embed", "--backend", "reference", "--key-file", key.toString(), "--recipient", "r",
                "-q", "--in-place", dir.toString()};
            Child first = cli(k, args);
            assertTrue(first.output().contains("paused at " + k), "point " + k + ": " + first.output());
            // Before the rerun, a reader sees no temporary file and either all inputs or all outputs.
            boolean committed = k > FILES + 1;
            // verify completes a committed write (or rolls back an uncommitted one) before it reads.
            assertEquals(committed ? 0 : ExitCode.NOT_WATERMARKED, verifyHere(dir), "point " + k);
            Child again = here(args);
            // After a committed write the inputs are all watermarked already: the rerun refuses, nothing changes.
            assertEquals(committed ? ExitCode.BAD_INPUT : 0, again.code(), "point " + k + ": " + again.output());
            assertEquals(originalHashes.keySet(), hashes(dir).keySet(), "point " + k + ": no stray files");
            assertEquals(0, verifyHere(dir), "point " + k);
        }
    }

    /** The command in this JVM (the rerun need not be another process; the killed run must). */
    static Child here(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = Main.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(out));
        return new Child(code, out.toString());
    }

    /** verify in this JVM (it completes or rolls back what it finds first, as any command does). */
    static int verifyHere(Path dir) {
        java.io.StringWriter out = new java.io.StringWriter();
        return Main.run(new String[] {"verify", "--backend", "reference", "--key-file", key.toString(), "-q",
            dir.toString()}, new java.io.PrintWriter(out), new java.io.PrintWriter(out));
    }
}
