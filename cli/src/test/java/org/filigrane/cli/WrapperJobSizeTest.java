package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code filigrane} wrapper's size class of a one-shot job ({@code job_size}), which picks its JVM: small (lean
 * JVM, C1 only), medium (lean JVM) or large (full JVM), and large whenever a backend other than auto or the
 * reference is named. The function is taken from the wrapper itself and run by bash on files made here (sparse
 * files: their size is what counts).
 */
class WrapperJobSizeTest {
    @TempDir
    Path tmp;
    String function;
    long c1;
    long limit;

    @BeforeEach
    void readTheWrapper() throws IOException {
        String wrapper = Files.readString(Path.of("..", "filigrane"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?ms)^C1_BELOW=\\$\\(\\((\\d+) \\* 1024 \\* 1024\\)\\)\n"
                + "LEAN_BELOW=\\$\\(\\((\\d+) \\* 1024 \\* 1024\\)\\)\n(job_size\\(\\) \\{.*?^\\}\n)").matcher(wrapper);
        assertTrue(m.find(), "the wrapper defines C1_BELOW, LEAN_BELOW and job_size");
        c1 = Long.parseLong(m.group(1)) * 1024 * 1024;
        limit = Long.parseLong(m.group(2)) * 1024 * 1024;
        assertTrue(c1 < limit);
        function = m.group(0);
    }

    private void file(String name, long size) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    /** What job_size says of these arguments, run from the temporary directory as the caller's. */
    private String size(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; CALLER_DIR=\"$1\"; shift; "
                + function + "\njob_size \"$@\"", "bash", tmp.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void theInputsBytesGiveTheClass() throws Exception {
        file("small/a.dcm", c1 / 2 - 100);
        file("small/b.dcm", c1 / 2 - 100);
        file("medium/a.dcm", c1 / 2);
        file("medium/b.dcm", c1 / 2);
        file("large/a.dcm", limit / 2);
        file("large/b.dcm", limit / 2);
        file("key", 64);
        assertEquals("small", size("embed", "small", "--recipient", "r", "-o", "out", "--key-file", "key"));
        assertEquals("medium", size("embed", "medium", "--recipient", "r", "-o", "out", "--key-file", "key"));
        assertEquals("large", size("embed", "large", "--recipient", "r", "-o", "out", "--key-file", "key"));
        // Absolute paths and single files count the same way; so does everything named on the line together.
        assertEquals("large", size("verify", tmp.resolve("large").toString()));
        assertEquals("small", size("verify", tmp.resolve("small/a.dcm").toString()));
        assertEquals("medium", size("verify", "small", "small/a.dcm"));
        assertEquals("large", size("verify", "large/a.dcm", "large/b.dcm"));
        // No file at all (--version, keygen to a new file) is a small job.
        assertEquals("small", size("--version"));
        assertEquals("small", size("keygen", "-o", "new.key"));
    }

    @Test
    void aBackendOtherThanAutoOrTheReferenceIsLarge() throws Exception {
        file("small/a.dcm", 1000);
        assertEquals("small", size("embed", "small", "--backend", "reference"));
        assertEquals("small", size("embed", "small", "--backend=auto"));
        assertEquals("large", size("embed", "small", "--backend", "vector"));
        assertEquals("large", size("embed", "small", "--backend=opencl"));
        assertEquals("large", size("verify", "--backend", "VECTOR", "small"));
    }

    @Test
    void aListFileIsNotOpenedAndGetsTheFullJvm() throws Exception {
        file("small/a.dcm", 1000);
        Files.writeString(tmp.resolve("list.txt"), "small/a.dcm\n");
        assertEquals("large", size("embed", "@list.txt", "--recipient", "r"));
    }
}
