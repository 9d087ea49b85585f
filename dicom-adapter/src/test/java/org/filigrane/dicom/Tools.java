package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The independent judges: pydicom (through dicomtool.py), dcmtk's dcmdump and dicom3tools' dciodvfy. scripts/setup.sh
 * installs them; a missing one fails the test (never a silent skip) with that advice.
 */
public final class Tools {
    public static final Path TEST_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    public static final String PYTHON = "/usr/bin/python3";

    private Tools() {
    }

    public record Result(int code, String output) {
    }

    public static Path dicomtool() {
        for (Path p : List.of(Path.of("src/test/resources/dicomtool.py"),
                Path.of("../dicom-adapter/src/test/resources/dicomtool.py"))) {
            if (Files.exists(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("dicomtool.py not found from " + Path.of("").toAbsolutePath());
    }

    public static void require() {
        for (String tool : List.of("/usr/bin/dcmdump", "/usr/bin/dciodvfy", "/usr/bin/dcmodify", "/usr/bin/dcmconv",
                "/usr/bin/dcmcrle", PYTHON)) {
            if (!Files.isExecutable(Path.of(tool))) {
                fail(tool + " is missing: run scripts/setup.sh (it installs dcmtk, dicom3tools, python3-pydicom)");
            }
        }
        if (!Files.isDirectory(TEST_FILES)) {
            fail(TEST_FILES + " is missing: run scripts/setup.sh (python3-pydicom ships these test files)");
        }
        Result r = run(PYTHON, "-c", "import pydicom, numpy, PIL");
        if (r.code() != 0) {
            fail("pydicom/numpy/Pillow not importable by " + PYTHON + ": run scripts/setup.sh\n" + r.output());
        }
    }

    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Result pydicom(String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, dicomtool().toString()));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** pydicom: same attributes and pixel data bit for bit. */
    public static void assertRestored(Path original, Path restored) {
        Result r = pydicom("compare", original.toString(), restored.toString(), "restored");
        assertTrue(r.code() == 0, "restored " + restored + " differs from " + original + ":\n" + r.output());
    }

    /** pydicom: same attributes except the documented additions. */
    public static void assertWatermarkedCopy(Path original, Path watermarked) {
        Result r = pydicom("compare", original.toString(), watermarked.toString(), "watermarked");
        assertTrue(r.code() == 0, "watermarked " + watermarked + " vs " + original + ":\n" + r.output());
    }

    /** dcmdump and pydicom read the file without error. */
    public static void assertReadable(Path file) {
        Result d = run("/usr/bin/dcmdump", "-q", "-dc", file.toString());
        assertTrue(d.code() == 0 && !d.output().contains("E: "), "dcmdump on " + file + ":\n" + d.output());
        Result p = pydicom("read", file.toString());
        assertTrue(p.code() == 0, "pydicom on " + file + ":\n" + p.output());
    }

    /** dciodvfy's errors on {@code output} are all among its errors on {@code input}. */
    public static void assertNoNewDciodvfyErrors(Path input, Path output) {
        Set<String> before = errors(input);
        if (before.contains("Error - Dicom dataset read failed")) {
            // dciodvfy cannot parse this input at all (it reads no deflated file): it can judge neither.
            return;
        }
        Set<String> after = errors(output);
        after.removeAll(before);
        assertTrue(after.isEmpty(), "dciodvfy reports new errors on " + output + ": " + after);
    }

    private static Set<String> errors(Path f) {
        Set<String> out = new TreeSet<>();
        for (String line : run("/usr/bin/dciodvfy", f.toString()).output().split("\n")) {
            if (line.startsWith("Error")) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
